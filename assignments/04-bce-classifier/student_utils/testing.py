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


def behaves_as(
    model: torch.nn.Module, pipeline: torch.nn.Sequential, probe: torch.Tensor, tol: float = 1e-4
) -> torch.nn.Sequential:
    """``pipeline`` (the network a question asks for) holding ``model``'s own ``nn.Linear``
    weights, once ``model`` is shown to compute the same as it on ``probe`` (within ``tol``,
    relative above 1). Where a question fixes the layers, a model of any class counts (an
    ``nn.Sequential``, or a class of your own as in the lectures) by what it computes; the
    autograder then runs the layers itself, on data your notebook never had.

    >>> from torch import nn
    >>> class Net(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.hidden, self.out = nn.Linear(2, 3), nn.Linear(3, 1)
    ...     def forward(self, x):
    ...         return self.out(torch.relu(self.hidden(x)))
    >>> same = behaves_as(Net(), nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)), torch.randn(5, 2))
    >>> type(same).__name__, [layer.out_features for layer in linear_layers(same)]
    ('Sequential', [3, 1])
    """
    found, slots = linear_layers(model), linear_layers(pipeline)
    shapes = [(m.in_features, m.out_features, m.bias is not None) for m in found]
    wanted = [(m.in_features, m.out_features, m.bias is not None) for m in slots]
    assert shapes == wanted, (
        f"the model should hold nn.Linear layers of (in, out, bias) {wanted}, in that order; found {shapes}"
    )
    device = found[0].weight.device if found else torch.device("cpu")
    pipeline = pipeline.to(device)
    with torch.no_grad():
        for slot, layer in zip(slots, found):
            slot.weight.copy_(layer.weight)
            if layer.bias is not None:
                slot.bias.copy_(layer.bias)
    was_training = model.training
    model.eval()
    pipeline.eval()
    try:
        with torch.no_grad():
            got, want = model(probe.to(device)), pipeline(probe.to(device))
    finally:
        model.train(was_training)
    assert isinstance(got, torch.Tensor) and got.shape == want.shape, (
        f"the model should map a batch of shape {tuple(probe.shape)} to {tuple(want.shape)}, "
        f"got {tuple(got.shape) if isinstance(got, torch.Tensor) else type(got).__name__}"
    )
    gap = (got.float() - want.float()).abs().max().item()
    scale = max(1.0, want.abs().max().item())
    assert gap <= tol * scale, (
        f"the model computes something else than {_layer_names(pipeline)} with its own nn.Linear layers: "
        f"outputs differ by up to {gap:.3g}"
    )
    return pipeline


def built_by(model: torch.nn.Module, build, probe: torch.Tensor, tol: float = 1e-4) -> bool:
    """Whether ``model`` is what your ``build()`` builds, trained: a fresh ``build()`` has the same
    parameter shapes, computes with its parameters, and, given ``model``'s parameters, computes what
    ``model`` does on ``probe``. Where your builder has a mistake (charged in its own question), a
    later question judges the model it built as it is.

    >>> from torch import nn
    >>> build = lambda: nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1))
    >>> built_by(build(), build, torch.randn(4, 2)), built_by(nn.Linear(2, 1), build, torch.randn(4, 2))
    (True, False)
    """
    fresh = build()
    shapes = [tuple(p.shape) for p in model.parameters()]
    if not isinstance(fresh, torch.nn.Module) or [tuple(p.shape) for p in fresh.parameters()] != shapes:
        return False
    if not uses_its_parameters(fresh, probe):
        return False
    device = next(model.parameters()).device
    fresh = fresh.to(device)
    with torch.no_grad():
        for mine, theirs in zip(fresh.parameters(), model.parameters()):
            mine.copy_(theirs)
    fresh.eval()
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            got, want = fresh(probe.to(device)), model(probe.to(device))
    finally:
        model.train(was_training)
    return got.shape == want.shape and (got - want).abs().max().item() <= tol * max(1.0, want.abs().max().item())


def standard_layers(model: torch.nn.Module) -> bool:
    """Whether ``model`` is made only of PyTorch's own layers and the course's (``su.Standardize``):
    a model the judge can run itself. A class of your own computes in your process, so it is never
    run on data your notebook must not hold (05's kept-back images).

    >>> from torch import nn
    >>> class Mine(nn.Module):
    ...     def forward(self, x):
    ...         return x
    >>> standard_layers(nn.Sequential(nn.Flatten(), nn.Linear(4, 2))), standard_layers(nn.Sequential(Mine()))
    (True, False)
    """
    return all(
        type(m).__module__.startswith("torch.nn.") or type(m).__module__ == "student_utils.layers"
        for m in model.modules()
    )


def _layer_names(pipeline: torch.nn.Sequential) -> str:
    return " -> ".join(type(m).__name__ for m in pipeline)


def lowers_loss(model: torch.nn.Module, X: torch.Tensor, y: torch.Tensor, criterion, fit) -> bool:
    """Whether ``fit(model)`` (your training function, called on ``model``) lowers
    ``criterion(model(X), y)``, computed here from the model before and after: the most basic check
    of a training function, which a stub or a no-op fails. Where a later question accepts what your
    own trainer gives, it does so only when your trainer passes this check.

    >>> from torch import nn
    >>> model = nn.Linear(1, 1)
    >>> X, y = torch.tensor([[1.0], [2.0]]), torch.tensor([[2.0], [4.0]])
    >>> def fit(m):
    ...     opt = torch.optim.SGD(m.parameters(), lr=0.05)
    ...     for _ in range(20):
    ...         opt.zero_grad(); nn.functional.mse_loss(m(X), y).backward(); opt.step()
    >>> lowers_loss(model, X, y, nn.MSELoss(), fit), lowers_loss(model, X, y, nn.MSELoss(), lambda m: None)
    (True, False)
    """

    def loss() -> float:
        with torch.no_grad():
            return float(criterion(model(X), y))

    before = loss()
    fit(model)
    return loss() < before


def tiny_regression(seed: int = 0):
    """``(model, X, y, loader)`` for the most basic check of a training loop: a fresh
    ``nn.Linear(1, 1)`` (seeded), two points on ``y = 2 x`` (``y`` of shape ``(2,)``), one batch.

    >>> model, X, y, loader = tiny_regression()
    >>> tuple(X.shape), tuple(y.shape), len(loader)
    ((2, 1), (2,), 1)
    """
    from torch.utils.data import DataLoader, TensorDataset

    with seeded(seed):
        model = torch.nn.Linear(1, 1)
    X, y = torch.tensor([[1.0], [2.0]]), torch.tensor([2.0, 4.0])
    return model, X, y, DataLoader(TensorDataset(X, y), batch_size=2)


def flat_mse(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The mean squared error of ``y_hat`` flattened against ``y`` (the regression loss of 03)."""
    return torch.nn.functional.mse_loss(y_hat.flatten(), y)


def trainer_trains(trainer) -> bool:
    """Whether 03's ``trainer`` does its most basic part: three epochs of SGD (``lr=0.05``) lower
    the loss of ``tiny_regression()``'s model (``lowers_loss``). Points that rest on your trainer
    (a device check, a later question's training run) count only when it does."""
    model, X, y, loader = tiny_regression()
    fit = lambda m: trainer(m, torch.nn.MSELoss(), torch.optim.SGD(m.parameters(), lr=0.05), loader, 3)  # noqa: E731
    return lowers_loss(model, X, y, flat_mse, fit)


def trains_on(trainer, X: torch.Tensor, y: torch.Tensor, batch_size: int) -> bool:
    """Whether 03's ``trainer``, three epochs of SGD (``lr=0.01``) on ``X`` (N, D), ``y`` (N,) in
    batches of ``batch_size``, changes the weights of a fresh ``nn.Linear(D, 1)``: on a question's
    own data, before that question accepts what your trainer leads to (a trainer that trains only
    data sets as small as the checks' gets no follow-through). Training badly still counts."""
    from torch.utils.data import DataLoader, TensorDataset

    with seeded(0):
        model = torch.nn.Linear(X.shape[1], 1)
    before = [p.detach().clone() for p in model.parameters()]
    loader = DataLoader(TensorDataset(X, y), batch_size=batch_size)
    trainer(model, torch.nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.01), loader, 3)
    return any(not torch.equal(b, p.detach().cpu()) for b, p in zip(before, model.parameters()))


def classifier_trains_on(train_classifier, X: torch.Tensor, y: torch.Tensor) -> bool:
    """Whether 04's ``train_classifier``, three epochs (``lr=0.1``) on ``X`` (N, 2), ``y`` (N, 1),
    lowers the BCE of a fresh ``nn.Linear(2, 1)``: on a question's own data, before that question
    accepts what your function leads to."""
    with seeded(6):
        fresh = torch.nn.Linear(X.shape[1], 1)
    fit = lambda m: train_classifier(m, X, y, lr=0.1, num_epochs=3)  # noqa: E731
    return lowers_loss(fresh, X, y, torch.nn.BCEWithLogitsLoss(), fit)


def train_epoch_trains(train_epoch, X: torch.Tensor, y: torch.Tensor) -> bool:
    """Whether 05's ``train_epoch`` does its most basic part: one epoch of SGD (``lr=0.1``, batches
    of 64, on the CPU) lowers the cross-entropy of a fresh linear classifier on images ``X``
    (N, 1, 28, 28), labels ``y`` (N,) (``lowers_loss``)."""
    from torch.utils.data import DataLoader, TensorDataset

    with seeded(5):
        probe = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(X[0].numel(), 10))
    loader = DataLoader(TensorDataset(X, y), batch_size=64)
    criterion = torch.nn.CrossEntropyLoss()

    def fit(m):
        train_epoch(m, loader, criterion, torch.optim.SGD(m.parameters(), lr=0.1), torch.device("cpu"))

    return lowers_loss(probe, X, y, criterion, fit)


def train_epoch_trains_on(train_epoch, X: torch.Tensor, y: torch.Tensor) -> bool:
    """Whether one epoch of 05's ``train_epoch`` (SGD, ``lr=0.01``, batches of 128, on the CPU) on
    images ``X``, labels ``y`` changes the weights of a fresh linear classifier: on a question's own
    data, before that question accepts what your function leads to. Training badly still counts."""
    from torch.utils.data import DataLoader, TensorDataset

    with seeded(5):
        probe = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(X[0].numel(), 10))
    before = [p.detach().clone() for p in probe.parameters()]
    loader = DataLoader(TensorDataset(X, y), batch_size=128)
    train_epoch(
        probe, loader, torch.nn.CrossEntropyLoss(), torch.optim.SGD(probe.parameters(), lr=0.01), torch.device("cpu")
    )
    return any(not torch.equal(b, p.detach().cpu()) for b, p in zip(before, probe.parameters()))


def same_at_scale(yours, reference, small, scale, tol: float = 1e-3) -> tuple[bool, bool]:
    """Whether your training function behaves at a later question's scale as it does on the small
    checks, for the trained weights and for the losses it reports: ``(weights, losses)``.

    ``yours(case)`` and ``reference(case)`` each train what ``case()`` builds afresh (the same
    seeded model, optimizer and data) and return ``(parameters, losses)``. ``small`` are small cases,
    ``scale`` one of the later question's size and length on data your notebook never held. An
    aspect counts as the same when your function disagrees with the reference on every small case
    (an honest mistake, such as a forgotten ``zero_grad``, shows everywhere), or agrees at scale too
    (within ``tol``, relative above 1). A function exact on the small checks but not at scale gets
    no follow-through: a later question accepts what it leads to only when it behaves the same.

    >>> def fit(case, scale=1.0):
    ...     w = case()
    ...     return [w * scale], [float(w)]
    >>> cases = [lambda: torch.tensor(1.0), lambda: torch.tensor(2.0)]
    >>> same_at_scale(fit, fit, cases[:1], cases[1])
    (True, True)
    >>> fakes = lambda case: fit(case, 1.0 if float(case()) < 2 else 0.0)
    >>> same_at_scale(fakes, fit, cases[:1], cases[1])
    (False, True)
    """

    def agree(case) -> tuple[bool, bool]:
        try:
            got_params, got_losses = yours(case)
            got_params = [torch.as_tensor(p).detach().cpu().double() for p in got_params]
            got_losses = [float(v) for v in got_losses]
        except Exception:  # a crash, or an answer of another kind: no agreement
            return False, False
        want_params, want_losses = reference(case)
        want_params = [torch.as_tensor(p).detach().cpu().double() for p in want_params]
        weights = len(got_params) == len(want_params) and all(
            g.shape == w.shape and bool(((g - w).abs() <= tol * w.abs().clamp(min=1.0)).all())
            for g, w in zip(got_params, want_params)
        )
        losses = len(got_losses) == len(want_losses) and all(
            abs(g - float(w)) <= tol * max(1.0, abs(float(w))) for g, w in zip(got_losses, want_losses)
        )
        return weights, losses

    at_small = [agree(case) for case in small]
    at_scale = agree(scale)
    return tuple(big or not any(s[k] for s in at_small) for k, big in enumerate(at_scale))


def accuracy_right(accuracy, sizes, seed: int = 0) -> bool:
    """Whether 04's ``accuracy`` counts right on random 0/1 labels of each of ``sizes`` (shapes
    ``(N, 1)`` against ``(N,)``, and both flat): a later question accepts what your own
    ``accuracy`` says only when it is right at that question's size.

    >>> right = lambda a, b: (a.flatten() == b.flatten()).float().mean().item()
    >>> accuracy_right(right, (4, 200)), accuracy_right(lambda a, b: 0.9876 if len(a) == 200 else right(a, b), (4, 200))
    (True, False)
    """
    gen = torch.Generator().manual_seed(seed)
    for n in sizes:
        a = torch.randint(0, 2, (n, 1), generator=gen).float()
        b = torch.randint(0, 2, (n,), generator=gen).float()
        want = sum(int(u == v) for u, v in zip(a.flatten().tolist(), b.tolist())) / n  # counted one by one
        for left, right in ((a, b), (a.flatten(), b)):
            try:
                got = float(accuracy(left, right))
            except Exception:
                return False
            if not abs(got - want) < 1e-6:
                return False
    return True


def assert_trains(name: str, trains: bool) -> None:
    """Fail, saying why, a check whose points rest on the training function ``name`` when that
    function does not lower the loss of a fresh model."""
    assert trains, (
        f"{name} does not lower the loss of a fresh model (its most basic part, checked on a tiny data set), "
        f"and this check rests on it: fix {name} first"
    )


def uses_its_parameters(model: torch.nn.Module, x: torch.Tensor) -> bool:
    """Whether ``model(x)`` changes when its parameters do: the most basic check of a model class
    (a ``forward`` that ignores its layers fails it). The parameters are put back afterwards.

    >>> from torch import nn
    >>> class Zero(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.linear = nn.Linear(2, 1)
    ...     def forward(self, x):
    ...         return torch.zeros(len(x), 1)
    >>> uses_its_parameters(nn.Linear(2, 1), torch.ones(3, 2)), uses_its_parameters(Zero(), torch.ones(3, 2))
    (True, False)
    """
    with torch.no_grad():
        before = model(x).clone()
        for p in model.parameters():
            p.add_(1.0)
        after = model(x)
        for p in model.parameters():
            p.sub_(1.0)
    return not torch.allclose(before, after)


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


MEASURED: dict[str, tuple[float, str]] = {}
"""What the hidden tests of the submission being graded measured for a leaderboard: filled in the
judge's process only (the tests run there), and emptied before each submission."""


def leaderboard(name: str, value: float, order: str = "desc") -> None:
    """Enter ``value`` on the assignment's leaderboard (Gradescope's) as ``name``; ``order`` "desc"
    ranks high values first. Only for what a test measured itself (05: the accuracy on images
    no notebook holds), never a number the notebook reports.

    >>> leaderboard("accuracy on the kept-back images", 0.87); MEASURED.pop("accuracy on the kept-back images")
    (0.87, 'desc')
    """
    MEASURED[name] = (float(value), order)


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


def still_charged(checks, twin_checks) -> list:
    """``checks`` (``(name, value, threshold, above)``), or none of them when they fail and the same
    checks fail on a twin trained the question's way by your own earlier function: the mistake is
    then that function's, charged in its own question. Judge a model's checks against the twin's
    model, and reported numbers (losses) against the twin's reported numbers, apart: a training
    function that reports one thing and does another gains nothing.

    >>> still_charged([("loss ratio", 0.9, 0.5, False)], [("loss ratio", 0.8, 0.5, False)])
    []
    >>> still_charged([("loss ratio", 0.9, 0.5, False)], [("loss ratio", 0.1, 0.5, False)])
    [('loss ratio', 0.9, 0.5, False)]
    """
    return [] if failing(checks) and failing(twin_checks) else list(checks)


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
