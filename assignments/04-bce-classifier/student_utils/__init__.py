"""Helpers every assignment notebook imports: one obvious way to pick a device, seed, load data and plot.

>>> import student_utils as su
>>> device = su.get_device()
>>> su.seed_everything(0)
>>> X_train, y_train = su.load_fashion_mnist("train")  # doctest: +SKIP

Importing it first checks that this Python has what the assignments need, and says how to get
what is missing, instead of an ImportError deep inside a later cell.
"""

from ._requirements import check as _check_requirements

_check_requirements()

from .data import FASHION_MNIST_CLASSES, load_fashion_mnist  # noqa: E402
from .device import get_device  # noqa: E402
from .layers import Standardize  # noqa: E402
from .missing_names import name_missing_answers  # noqa: E402
from .notebook_check import check_notebook  # noqa: E402
from .plots import plot_decision_boundary, plot_losses, plot_regression  # noqa: E402
from .seed import seed_everything  # noqa: E402
from .timing import EpochTimer, set_threads  # noqa: E402

__all__ = [
    "EpochTimer",
    "FASHION_MNIST_CLASSES",
    "Standardize",
    "check_notebook",
    "get_device",
    "load_fashion_mnist",
    "name_missing_answers",
    "plot_decision_boundary",
    "plot_losses",
    "plot_regression",
    "seed_everything",
    "set_threads",
]
