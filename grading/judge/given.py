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


def build(source: str, seed_variable: str | None, seed: int | None) -> dict:
    """Run the given cells as the graded notebook runs them (the seed variable reset before each)."""
    namespace: dict = {"__name__": "__given__"}
    prefix = f"{seed_variable} = {seed}\n" if seed_variable else ""
    with contextlib.redirect_stdout(io.StringIO()):  # the cells' printouts are for students
        for i, cell in enumerate(source.split(f"{CELL_MARK} ")[1:], start=1):
            body = cell.split("\n", 1)[1]
            exec(compile(prefix + body, f"given.py (cell {i})", "exec"), namespace)
    import matplotlib.pyplot as plt

    plt.close("all")
    return {k: v for k, v in namespace.items() if not k.startswith("_") and not isinstance(v, types.ModuleType)}


class Given:
    """The given names; each test gets its own copy, so nothing a call does to them outlives the test."""

    def __init__(self, values: dict):
        self._values = values

    def __contains__(self, name: str) -> bool:
        return name in self._values

    def __getitem__(self, name: str):
        return copy.deepcopy(self._values[name])
