"""Hints for a TA: cells that reach for the grader instead of answering the questions.

This is not a defence. The judge runs every test outside the student's process, so no cell can
change a score (see ``grading.judge``); a cell that matches here only adds a ``REVIEW:`` note to
the gradebook, so a TA can look at an attempt to cheat. Nothing is removed or changed.

Only the first ``MAX_CODE`` characters of a notebook's code are read, and at most ``MAX_HINTS`` cells
named: an upload of megabytes must not hold up its row (and so the class's outputs) nor fill the
gradebook. A notebook with more code gets a note saying what was not read, for a person to look at.
"""

from __future__ import annotations

import io
import re
import tokenize

import nbformat

from ..notebooks import OTTER_LINE

PATTERNS = (
    (r"\botter\b", "uses otter's internals"),
    (r"['\"][^'\"]*\btests?[/\\]|['\"]tests['\"]", "looks for the tests"),
    (r"results\.(json|pkl)|\.pkl\b|\bpickle\b|\bdill\b", "touches grading results"),
    (
        r"\bbuiltins\b|__builtins__|\bsys\.modules\b|\bimportlib\b|__import__|\bctypes\b|\bgc\.get_objects\b"
        r"|\bglobals\s*\(|\bsetattr\s*\(|__class__|__dict__|__code__|__globals__|\bsys\.settrace\b",
        "reaches into Python internals",
    ),
    (r"^\s*(torch|np|numpy|nn|F|math|sklearn|random|optim)(\.\w+)+\s*=(?!=)", "replaces a library function"),
    (r"(?<![\w.])(eval|exec|compile)\s*\(", "runs generated code"),  # not model.eval()
    (
        r"\bos\.(system|popen|fork|_exit|kill|remove|unlink|rmdir|chmod|rename|replace)\b|\bsubprocess\b"
        r"|\bsocket\b|\bsignal\b",
        "touches files, processes or sockets",
    ),
    (r"^\s*!|^\s*%(?!matplotlib\b|config\b)", "runs a shell command or magic"),
)
_COMPILED = [(re.compile(p), why) for p, why in PATTERNS]
MAX_CODE = 40_000  # characters of code read per notebook: about 6 times the longest reference notebook's
MAX_HINTS = 10  # cells named; the rest are counted


def _without_comments(source: str) -> list[str]:
    """The cell's lines with comments blanked (so prose in comments is not matched)."""
    lines = source.splitlines()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                row, col = tok.start
                lines[row - 1] = lines[row - 1][:col]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass  # not valid Python (a magic, a half-typed cell): match the raw lines
    return lines


def suspicious_lines(source: str) -> list[tuple[int, str]]:
    """``(line number, reason)`` for each line of a code cell that matches a pattern."""
    found = []
    for number, line in enumerate(_without_comments(source), start=1):
        if not line.strip() or OTTER_LINE.match(line):
            continue
        for pattern, why in _COMPILED:
            if pattern.search(line):
                found.append((number, why))
                break
    return found


def too_long(total: int) -> str:
    """The note for a notebook with more code than MAX_CODE: one line, for the TA."""
    return f"{total:,} characters of code, only the first {MAX_CODE:,} read for these hints: look at the rest"


def hints(nb: nbformat.NotebookNode) -> list[str]:
    """One note per suspicious code cell: ``cell N line L <reason>`` (cells counted from 1), the
    first MAX_HINTS of them; a notebook with more than MAX_CODE characters of code also gets a note
    that the rest was not read."""
    notes, found, left, total = [], 0, MAX_CODE, 0
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        total += len(cell.source)
        if left <= 0:
            continue
        source, left = cell.source[:left], left - len(cell.source)
        hits = suspicious_lines(source)
        if hits:
            found += 1
            if found <= MAX_HINTS:
                notes.append(f"cell {index + 1} line {hits[0][0]} {hits[0][1]}")
    if found > MAX_HINTS:
        notes.append(f"and {found - MAX_HINTS} more cells like these")
    if total > MAX_CODE:
        notes.append(too_long(total))
    return notes
