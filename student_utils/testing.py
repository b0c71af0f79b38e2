"""Checks the autograder's tests use, public so students can run them too.

``record_moves`` tells whether code moved tensors and modules to a device by watching the
``.to(...)``/``.cuda()`` calls it makes, so device placement can be tested on a CPU-only machine:
there, "moved to cpu" and "never moved" leave the same tensors behind, but not the same calls.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field

import torch


@dataclass
class Moves:
    """Devices passed to ``.to``/``.cuda`` during a ``record_moves`` block, per kind of object."""

    tensors: list[torch.device] = field(default_factory=list)
    modules: list[torch.device] = field(default_factory=list)

    def tensor_moves_to(self, device: torch.device | str) -> int:
        """How many tensors were sent to ``device`` (compared by type, so ``cuda`` equals ``cuda:0``)."""
        return sum(d.type == torch.device(device).type for d in self.tensors)

    def module_moves_to(self, device: torch.device | str) -> int:
        """How many modules were sent to ``device`` (compared by type)."""
        return sum(d.type == torch.device(device).type for d in self.modules)


def _device_of(args, kwargs) -> torch.device | None:
    device = torch._C._nn._parse_to(*args, **kwargs)[0]
    return torch.device(device) if device is not None else None


@contextlib.contextmanager
def record_moves() -> Iterator[Moves]:
    """Record every ``Tensor.to``, ``Tensor.cuda``, ``Module.to`` and ``Module.cuda`` call inside the block.

    >>> with record_moves() as moves:
    ...     _ = torch.ones(2).to("cpu")
    >>> moves.tensor_moves_to("cpu")
    1
    """
    moves = Moves()
    inside_module = [0]  # a Module.to moves its parameters with Tensor.to: count only the module
    tensor_to, tensor_cuda = torch.Tensor.to, torch.Tensor.cuda
    module_to, module_cuda = torch.nn.Module.to, torch.nn.Module.cuda

    def spy_tensor_to(self, *args, **kwargs):
        device = _device_of(args, kwargs)
        if device is not None and not inside_module[0]:
            moves.tensors.append(device)
        return tensor_to(self, *args, **kwargs)

    def spy_tensor_cuda(self, *args, **kwargs):
        if not inside_module[0]:
            moves.tensors.append(torch.device("cuda"))
        return tensor_cuda(self, *args, **kwargs)

    def spy_module_to(self, *args, **kwargs):
        device = _device_of(args, kwargs)
        if device is not None:
            moves.modules.append(device)
        inside_module[0] += 1
        try:
            return module_to(self, *args, **kwargs)
        finally:
            inside_module[0] -= 1

    def spy_module_cuda(self, *args, **kwargs):
        moves.modules.append(torch.device("cuda"))
        inside_module[0] += 1
        try:
            return module_cuda(self, *args, **kwargs)
        finally:
            inside_module[0] -= 1

    torch.Tensor.to, torch.Tensor.cuda = spy_tensor_to, spy_tensor_cuda
    torch.nn.Module.to, torch.nn.Module.cuda = spy_module_to, spy_module_cuda
    try:
        yield moves
    finally:
        torch.Tensor.to, torch.Tensor.cuda = tensor_to, tensor_cuda
        torch.nn.Module.to, torch.nn.Module.cuda = module_to, module_cuda


MARGINS_ENV = "NN_COURSE_MARGINS"
"""When set to a file path, every ``check_threshold`` appends its margin there (``scripts/seed_study.py``)."""


def check_threshold(name: str, value: float, threshold: float, above: bool = True) -> None:
    """Assert ``value > threshold`` (``value < threshold`` if ``above`` is False), naming both on failure.

    Tests use it for every training-based check (accuracy, loss decrease), so the seed study can
    report how far the reference stays from each threshold.

    >>> check_threshold("test accuracy", 0.87, 0.8)
    """
    value, threshold = float(value), float(threshold)
    margin = value - threshold if above else threshold - value
    path = os.environ.get(MARGINS_ENV)
    if path:
        with open(path, "a") as f:
            f.write(json.dumps({"check": name, "value": value, "threshold": threshold, "margin": margin}) + "\n")
    relation = "above" if above else "below"
    assert margin > 0, f"{name} is {value:.4g}; it should be {relation} {threshold:.4g}"
