"""Helpers every assignment notebook imports: one obvious way to pick a device, seed, load data and plot.

>>> import student_utils as su
>>> device = su.get_device()
>>> su.seed_everything(0)
>>> X_train, y_train, X_test, y_test = su.load_fashion_mnist()  # doctest: +SKIP
"""

from .data import FASHION_MNIST_CLASSES, load_fashion_mnist
from .device import get_device
from .plots import plot_decision_boundary, plot_losses, plot_regression
from .seed import seed_everything

__all__ = [
    "FASHION_MNIST_CLASSES",
    "get_device",
    "load_fashion_mnist",
    "plot_decision_boundary",
    "plot_losses",
    "plot_regression",
    "seed_everything",
]
