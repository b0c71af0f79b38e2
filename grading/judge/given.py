"""The data a notebook gives its students (``X``, ``y``, ``candidate_lrs``, ...), rebuilt by the judge.

``make student`` copies the reference notebook's cells tagged ``given`` into the autograder as
``given.py`` (``grading.bundle``). The judge runs them itself, with the autograder's seed, exactly as the notebook runs
them, and tests take these names from here, never from the student's namespace: a notebook that
changes its data cannot make a wrong answer look right.
"""

from __future__ import annotations

import contextlib
import copy
import io
import pickle
import types

import torch
from torch.utils.data import DataLoader, RandomSampler, TensorDataset

from student_utils.testing import plain_loader


def run(
    cells: list[tuple[str, str]], seed_variable: str | None, seed: int | None, namespace: dict | None = None
) -> dict:
    """Run ``(name, source)`` cells as the graded notebook runs them (the seed variable reset before
    each), in ``namespace`` or a new one; returns the namespace."""
    namespace = namespace if namespace is not None else {"__name__": "__given__"}
    prefix = f"{seed_variable} = {seed}\n" if seed_variable else ""
    with contextlib.redirect_stdout(io.StringIO()):  # the cells' printouts are for students
        for name, body in cells:
            exec(compile(prefix + body, name, "exec"), namespace)
    import matplotlib.pyplot as plt

    plt.close("all")
    return namespace


def data(namespace: dict) -> dict:
    """The names a test may take from the given cells: their data, not the modules they imported."""
    return {k: v for k, v in namespace.items() if not k.startswith("_") and not isinstance(v, types.ModuleType)}


class Later:
    """A given value kept pickled until a test names it (``reference_fork``): each test rebuilds
    its own copy, and only then imports the library the value comes from."""

    def __init__(self, pickled: bytes, buffers: list[bytes]):
        self.pickled, self.buffers = pickled, buffers


class Given:
    """Values for tests (the given names, or the notebook's globals once read): each test gets its
    own copy, so nothing a test or a call does to one outlives the test. A tensor's copy (a data
    loader's too) is lent again to the next test while its version counter says nothing changed it
    in place: a data set is not copied for every test that names it."""

    def __init__(self, values: dict | None = None):
        self._values = dict(values or {})
        self._lent: dict[int, tuple[torch.Tensor, torch.Tensor, int]] = {}  # id(original) -> it, copy, version

    def __contains__(self, name: str) -> bool:
        return name in self._values

    def __setitem__(self, name: str, value) -> None:
        self._values[name] = value

    def __getitem__(self, name: str):
        value = self._values[name]
        if isinstance(value, Later):
            return pickle.loads(value.pickled, buffers=[bytearray(b) for b in value.buffers])
        if type(value) is torch.Tensor and not value.requires_grad:
            return self._lend(value)
        if plain_loader(value):
            return DataLoader(
                TensorDataset(*(self._lend(t) for t in value.dataset.tensors)),
                batch_size=value.batch_size,
                shuffle=type(value.sampler) is RandomSampler,
                drop_last=value.drop_last,
                generator=copy.deepcopy(value.generator),
            )
        return copy.deepcopy(value)

    def _lend(self, t: torch.Tensor) -> torch.Tensor:
        kept = self._lent.get(id(t))
        if (
            kept is None
            or kept[0] is not t
            or kept[1]._version != kept[2]
            or kept[1].requires_grad
            or kept[1].grad is not None
        ):
            copied = t.clone() if not t.requires_grad else t.detach().clone().requires_grad_()
            kept = self._lent[id(t)] = (t, copied, copied._version)
        return kept[1]

    def clear(self) -> None:
        self._values.clear()
        self._lent.clear()
