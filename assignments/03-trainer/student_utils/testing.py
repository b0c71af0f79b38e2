"""Helpers the assignments' tests use, public so students can run the same checks.

**Device placement on any machine.** PyTorch's ``meta`` device holds shapes and dtypes but no
numbers, and it exists on every machine. A test hands your function ``torch.device("meta")``: if
the function moves its tensors and model there, the results land on ``meta``; if it forgets one,
PyTorch refuses to mix devices and raises. ``meta_scalars`` makes ``.item()``, ``float(...)`` and
``.cpu()`` give zeros on meta tensors, so a training loop runs there to the end.

**Thresholds.** Every check that depends on training goes through ``check_threshold``, and every
value compared with a tolerance through ``check_close``, so the seed study
(``scripts/seed_study.py``) can report how far the reference stays from each threshold.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator

import torch

META = torch.device("meta")

_active: list[torch.library.Library] = []


def _meta_item(t: torch.Tensor):
    return False if t.dtype == torch.bool else 0 if not t.dtype.is_floating_point else 0.0


def _meta_copy(t, dtype=None, layout=None, device=None, pin_memory=None, non_blocking=False, memory_format=None):
    return torch.zeros(t.shape, dtype=dtype or t.dtype, device=device if device is not None else t.device)


def enable_meta_scalars() -> None:
    """From now on, scalars and copies out of meta tensors are zeros (idempotent)."""
    if not _active:
        lib = torch.library.Library("aten", "IMPL")
        lib.impl("_local_scalar_dense", _meta_item, "Meta")
        lib.impl("_to_copy", _meta_copy, "Meta")
        _active.append(lib)


@contextlib.contextmanager
def meta_scalars() -> Iterator[torch.device]:
    """Inside the block code can run to the end on ``torch.device("meta")``, which it yields.

    >>> with meta_scalars() as meta:
    ...     loss = torch.ones(3, device=meta).sum()
    ...     loss.item(), loss.cpu().device.type
    (0.0, 'cpu')
    """
    if _active:
        yield META
        return
    enable_meta_scalars()
    try:
        yield META
    finally:
        _active.pop()._destroy()


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Inside the block torch's random numbers come from ``seed``; outside, nothing changed (a test
    that builds a model leaves your notebook's random numbers as they were).

    >>> with seeded(0):
    ...     a = torch.rand(2)
    >>> with seeded(0):
    ...     torch.equal(a, torch.rand(2))
    True
    """
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


def backward_through(fn, *args):
    """``fn(*args).backward()``, returning ``fn(*args)``: afterwards the tensors among ``args`` that
    require grad hold their ``.grad``. (The autograder runs your function elsewhere: it asks for the
    backward pass to happen there too.)

    >>> z = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> _ = backward_through(lambda t: (t ** 2).sum(), z)
    >>> z.grad
    tensor([2., 4.])
    """
    remote = getattr(fn, "call_and_backward", None)
    if remote is not None:
        return remote(*args)
    out = fn(*args)
    out.backward()
    return out


def linear_layers(model: torch.nn.Module) -> list[torch.nn.Linear]:
    """The ``nn.Linear`` layers of ``model``, in the order they were made. Where a question fixes
    a model's architecture, the hidden tests compute its predictions from these layers themselves
    rather than through your ``forward`` (whose own question checks that it applies them).

    >>> net = torch.nn.Sequential(torch.nn.Linear(1, 4), torch.nn.Sigmoid(), torch.nn.Linear(4, 1))
    >>> [layer.out_features for layer in linear_layers(net)]
    [4, 1]
    """
    return [m for m in model.modules() if isinstance(m, torch.nn.Linear)]


def standard_layers_only(model: torch.nn.Module) -> bool:
    """Whether ``model`` is made only of PyTorch's own layers (and ``su.Standardize``): a model the
    autograder can rebuild and run itself, where a class of your own runs only in your notebook.

    >>> standard_layers_only(torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 10)))
    True
    """
    from .layers import Standardize

    return all(type(m).__module__.startswith("torch.nn.") or type(m) is Standardize for m in model.modules())


def plain_loader(loader) -> bool:
    """Whether ``loader`` is ``DataLoader(TensorDataset(...), batch_size=..., shuffle=..., drop_last=...)``
    with nothing of its own: no sampler drawing with replacement or from other data, no
    ``batch_sampler``, no ``collate_fn``. The autograder rebuilds a loader from these settings, so
    anything else would be lost, and your loader is graded only when it is plain.

    >>> from torch.utils.data import DataLoader, RandomSampler, TensorDataset
    >>> data = TensorDataset(torch.arange(6.0))
    >>> plain_loader(DataLoader(data, batch_size=2, shuffle=True))
    True
    >>> plain_loader(DataLoader(data, batch_size=2, sampler=RandomSampler(data, replacement=True)))
    False
    """
    from torch.utils.data import (
        BatchSampler,
        DataLoader,
        RandomSampler,
        SequentialSampler,
        TensorDataset,
        default_collate,
        default_convert,
    )

    if type(loader) is not DataLoader or type(loader.dataset) is not TensorDataset:
        return False
    s, batches = loader.sampler, loader.batch_sampler
    sampler = type(s) is SequentialSampler or (
        type(s) is RandomSampler and not s.replacement and s._num_samples is None
    )
    if not sampler or s.data_source is not loader.dataset:
        return False
    if batches is None:  # batch_size=None: one example at a time
        return loader.collate_fn is default_convert
    return (
        type(batches) is BatchSampler
        and batches.sampler is s
        and batches.batch_size == loader.batch_size
        and batches.drop_last == loader.drop_last
        and loader.collate_fn is default_collate
    )


MARGINS_ENV = "NN_COURSE_MARGINS"
"""When set to a file path, every check appends its margin there (``scripts/seed_study.py``)."""


def _log_margin(name: str, value: float, threshold: float, margin: float) -> None:
    path = os.environ.get(MARGINS_ENV)
    if path:
        with open(path, "a") as f:
            f.write(json.dumps({"check": name, "value": value, "threshold": threshold, "margin": margin}) + "\n")


def check_threshold(name: str, value: float, threshold: float, above: bool = True) -> None:
    """Assert ``value > threshold`` (``value < threshold`` if ``above`` is False), naming both on failure.

    >>> check_threshold("test accuracy", 0.87, 0.8)
    """
    value, threshold = float(value), float(threshold)
    margin = value - threshold if above else threshold - value
    _log_margin(name, value, threshold, margin)
    relation = "above" if above else "below"
    assert margin > 0, f"{name} is {value:.4g}; it should be {relation} {threshold:.4g}"


def failing(checks) -> bool:
    """Whether any ``(name, value, threshold, above)`` check misses its bar; NaN always misses.

    >>> failing([("loss ratio", 0.1, 0.3, False)]), failing([("accuracy", float("nan"), 0.9, True)])
    (False, True)
    """
    return any(
        not (float(value) > threshold if above else float(value) < threshold) for _, value, threshold, above in checks
    )


def check_thresholds(checks) -> None:
    """``check_threshold`` for each ``(name, value, threshold, above)``."""
    for name, value, threshold, above in checks:
        check_threshold(name, value, threshold, above=above)


def check_close(name: str, got, want: float, tol: float) -> None:
    """Assert ``|got - want| <= tol * max(1, |want|)``: absolute near zero, relative for large values.

    >>> check_close("the loss", 2.00001, 2.0, 1e-4)
    """
    try:
        got = float(got)
    except (TypeError, ValueError, RuntimeError):
        raise AssertionError(f"{name} should be a number, got {type(got).__name__}") from None
    want = float(want)
    assert abs(got - want) <= tol * max(1.0, abs(want)), f"{name} should be {want:.6g}, got {got:.6g}"
