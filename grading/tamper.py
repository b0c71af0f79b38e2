"""Find code that reaches for the grader instead of answering the questions.

A submission runs in the same kernel as the tests (that is how otter works), so it could rewrite
the tests, patch the libraries they use, or forge results. Cells that do any of that are replaced by
a comment before grading, and the gradebook flags the submission for review: a tampering attempt
scores what the rest of the notebook earns, never more. Nothing in the five assignments needs these
constructs; a false alarm costs the student that cell until a TA reviews it.
"""

from __future__ import annotations

import io
import re
import tokenize

import nbformat

# Lines otter itself puts in every student notebook.
OTTER_LINES = re.compile(
    r"^\s*(#.*|import otter|grader\s*=\s*otter\.Notebook\([^)]*\)|grader\.(check|check_all|export)\([^)]*\))?\s*$")

PATTERNS = (
    (r"\botter\b", "uses otter's internals"),
    (r"['\"][^'\"]*\btests?[/\\]|['\"]tests['\"]", "touches the tests"),
    (r"results\.(json|pkl)|\.pkl\b|\bpickle\b|\bdill\b", "touches grading results"),
    (r"\b(GradingResults|Checker|TestFile|test_case)\b", "uses otter's internals"),
    (r"\bbuiltins\b|__builtins__|\bsys\.modules\b|\bimportlib\b|__import__|\bctypes\b|\bgc\.get_objects\b"
     r"|\bglobals\s*\(|\bsetattr\s*\(|__class__|__dict__|__code__|__globals__", "reaches into Python internals"),
    (r"^\s*(torch|np|numpy|nn|F|math|sklearn|random|optim)(\.\w+)+\s*=(?!=)", "replaces a library function"),
    (r"(?<![\w.])(eval|exec|compile)\s*\(", "runs generated code"),  # not model.eval()
    (r"\bos\.(system|popen|_exit|kill|remove|unlink|rmdir|chmod|rename|replace)\b|\bsubprocess\b"
     r"|\bshutil\b|\bsignal\b|\bopen\s*\(", "touches files or processes"),
    (r"^\s*!|^\s*%(?!matplotlib\b|config\b)", "runs a shell command or magic"),
)
_COMPILED = [(re.compile(p), why) for p, why in PATTERNS]
NEUTRALISED = "# [grader] this cell was not run: it {why}. A TA will review it."


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
    """``(line number, reason)`` for each line of a code cell that matches a tampering pattern."""
    found = []
    for number, line in enumerate(_without_comments(source), start=1):
        if OTTER_LINES.match(line):
            continue
        for pattern, why in _COMPILED:
            if pattern.search(line):
                found.append((number, why))
                break
    return found


def neutralise(nb: nbformat.NotebookNode) -> list[str]:
    """Replace every suspicious code cell of ``nb`` in place; return one note per replaced cell."""
    notes = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        hits = suspicious_lines(cell.source)
        if hits:
            line, why = hits[0]
            notes.append(f"cell {index + 1} line {line} {why}")
            cell.source = NEUTRALISED.format(why=why)
    return notes
