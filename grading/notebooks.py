"""What otter writes into every student notebook, recognised in one place: the lines the grader
leaves out (it runs the tests itself) and the ``grader.check("qN")`` cell after each question."""

from __future__ import annotations

import re

# `import otter`, `grader = otter.Notebook(...)`, `grader.check(...)`, `grader.check_all()`, `grader.export(...)`
OTTER_LINE = re.compile(
    r"^\s*(import otter|grader\s*=\s*otter\.Notebook\(.*\)|grader\.(check|check_all|export)\(.*\))\s*$"
)
_CHECK = r"""grader\.check\(\s*["'](\w+)["']\s*\)"""


def without_otter_lines(source: str) -> str:
    """A code cell's source with otter's lines blanked (line numbers kept)."""
    return "\n".join("" if OTTER_LINE.match(line) else line for line in source.splitlines())


def checked_question(source: str) -> str | None:
    """The question a cell checks (``grader.check("q1")`` gives "q1"), if any."""
    match = re.search(_CHECK, source)
    return match.group(1) if match else None


def check_cell(cells: list[str], question: str) -> int | None:
    """The index of the cell that checks ``question``, if any."""
    return next((i for i, source in enumerate(cells) if checked_question(source) == question), None)
