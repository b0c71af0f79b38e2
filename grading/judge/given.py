"""The data a notebook gives its students (``X``, ``y``, ``candidate_lrs``, ...), rebuilt by the judge.

``make student`` copies the reference notebook's cells tagged ``given`` into the autograder as
``given.py``. The judge runs them itself, with the autograder's seed, exactly as the notebook runs
them, and tests take these names from here, never from the student's namespace: a notebook that
changes its data cannot make a wrong answer look right.
"""

from __future__ import annotations

import contextlib
import copy
import io
import types

CELL_MARK = "# %% given cell"


def join(cells: list[str]) -> str:
    """The text of ``given.py``: each cell under a marker line."""
    return "".join(f"{CELL_MARK} {i + 1}\n{cell.rstrip()}\n\n" for i, cell in enumerate(cells))


def run(cells: list[tuple[str, str]], seed_variable: str | None, seed: int | None, namespace: dict | None = None) -> dict:
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


def cells(source: str) -> list[tuple[str, str]]:
    """The cells of ``given.py``, named for tracebacks."""
    return [(f"given.py (cell {i})", cell.split("\n", 1)[1])
            for i, cell in enumerate(source.split(f"{CELL_MARK} ")[1:], start=1)]


def data(namespace: dict) -> dict:
    """The names a test may take from the given cells: their data, not the modules they imported."""
    return {k: v for k, v in namespace.items() if not k.startswith("_") and not isinstance(v, types.ModuleType)}


class Given:
    """The given names; each test gets its own copy, so nothing a call does to them outlives the test."""

    def __init__(self, values: dict):
        self._values = values

    def __contains__(self, name: str) -> bool:
        return name in self._values

    def __getitem__(self, name: str):
        return copy.deepcopy(self._values[name])
