"""Layers the assignments share that ``torch.nn`` does not have."""

from __future__ import annotations

import torch
from torch import nn


class Standardize(nn.Module):
    """Maps ``x`` to ``(x - mean) / std`` with fixed numbers: nothing to learn (lecture 5, inputs
    centred with unit spread). Put first in a model, it lets the model take raw pixels.

    >>> Standardize(0.5, 0.25)(torch.tensor([0.5, 1.0]))
    tensor([0., 2.])
    """

    def __init__(self, mean: float, std: float):
        super().__init__()
        self.mean, self.std = float(mean), float(std)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.mean) / self.std

    def extra_repr(self) -> str:
        return f"mean={self.mean:.4f}, std={self.std:.4f}"
