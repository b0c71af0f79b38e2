"""The three plots the lectures draw: a regression fit, a 2-D decision boundary, loss curves."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import torch

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def _new_axes() -> Axes:
    """A new figure's axes; matplotlib is imported on the first plot, not by ``import student_utils``
    (the grader imports this package and draws nothing)."""
    import matplotlib.pyplot as plt

    return plt.figure().gca()


def _to_numpy(a) -> np.ndarray:
    if isinstance(a, torch.Tensor):
        return a.detach().cpu().numpy()
    return np.asarray(a)


def plot_regression(X, y, y_hat=None, ax: Axes | None = None) -> Axes:
    """Scatter 1-D data ``(X, y)`` and, if given, the model's predictions ``y_hat`` as a line.

    ``X`` has shape ``(N,)`` or ``(N, 1)``; ``y`` and ``y_hat`` have ``N`` values (lecture 3).

    >>> X = torch.linspace(-1, 1, 20).unsqueeze(1)
    >>> ax = plot_regression(X, 3 * X + 1, y_hat=3 * X)
    """
    ax = ax or _new_axes()
    x = _to_numpy(X).reshape(-1)
    ax.scatter(x, _to_numpy(y).reshape(-1), s=12, alpha=0.7, label="data")
    if y_hat is not None:
        order = np.argsort(x)
        ax.plot(x[order], _to_numpy(y_hat).reshape(-1)[order], color="C3", lw=2, label="model")
    ax.set(xlabel="x", ylabel="y")
    ax.legend()
    return ax


def plot_decision_boundary(model: torch.nn.Module, X, y, ax: Axes | None = None, resolution: int = 200) -> Axes:
    """Shade where a binary classifier that outputs logits of shape ``(N, 1)`` predicts class 1.

    ``X`` has shape ``(N, 2)`` and ``y`` holds 0/1 labels. The model is evaluated in ``eval()``
    mode without gradients on a grid covering ``X`` (on the model's device); its mode is restored
    afterwards (lecture 5).

    >>> model = torch.nn.Linear(2, 1)
    >>> ax = plot_decision_boundary(model, torch.randn(50, 2), torch.randint(0, 2, (50,)))
    """
    ax = ax or _new_axes()
    points, labels = _to_numpy(X), _to_numpy(y).reshape(-1)
    lo, hi = points.min(axis=0) - 0.5, points.max(axis=0) + 0.5
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = torch.tensor(np.c_[xx.ravel(), yy.ravel()], dtype=torch.float32)
    param = next(model.parameters(), None)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            logits = model(grid.to(param.device if param is not None else "cpu"))
    finally:
        model.train(was_training)
    probs = torch.sigmoid(logits).cpu().numpy().reshape(xx.shape)
    ax.contourf(xx, yy, probs, levels=[0, 0.5, 1], colors=["C0", "C1"], alpha=0.25)
    ax.contour(xx, yy, probs, levels=[0.5], colors="k", linewidths=1)
    ax.scatter(points[:, 0], points[:, 1], c=labels, cmap="coolwarm", s=12, edgecolors="k", linewidths=0.3)
    ax.set(xlabel="$x_1$", ylabel="$x_2$")
    return ax


def plot_losses(losses: Sequence[float] | Mapping[str, Sequence[float]], ax: Axes | None = None) -> Axes:
    """Plot loss per epoch; pass a dict such as ``{"train": [...], "valid": [...]}`` for several curves.

    >>> ax = plot_losses({"train": [1.0, 0.5, 0.3], "valid": [1.1, 0.7, 0.6]})
    """
    ax = ax or _new_axes()
    curves = losses if isinstance(losses, Mapping) else {"loss": losses}
    for name, values in curves.items():
        values = [float(v) for v in values]
        ax.plot(range(1, len(values) + 1), values, marker="o", ms=3, label=name)
    ax.set(xlabel="epoch", ylabel="loss")
    ax.legend()
    return ax
