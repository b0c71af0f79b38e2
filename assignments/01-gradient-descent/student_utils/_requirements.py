"""Does this Python have what the assignments import? (Standard library only: it runs first.)"""

from __future__ import annotations

import importlib.util
import sys

NEEDED = {
    "torch": "torch",
    "numpy": "numpy",
    "sklearn": "scikit-learn",
    "matplotlib": "matplotlib",
    "otter": "otter-grader",
    "tqdm": "tqdm",
}


def missing() -> list[str]:
    return [package for module, package in NEEDED.items() if importlib.util.find_spec(module) is None]


def check() -> None:
    lacking = missing()
    if lacking:
        raise ModuleNotFoundError(
            f"This notebook's kernel runs the Python at {sys.executable}, which lacks: {', '.join(lacking)}.\n"
            "Fix it one of these ways:\n"
            '  - if you ran `make install` in the course folder: pick the kernel "Python (nn-course)"\n'
            "    (Jupyter: Kernel > Change Kernel; VS Code: the kernel picker at the top right);\n"
            "  - otherwise install them into this kernel, from a cell, in the assignment's folder (on Colab,\n"
            "    upload the folder first): %pip install -r requirements.txt\n"
            "    then: %pip install --no-deps -r requirements-otter.txt  and restart the kernel."
        )
