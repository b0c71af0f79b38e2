"""Before you hand in: is the saved notebook complete? (Reads the file; runs nothing again.)

otter's export can re-run the whole notebook to be sure; for a notebook that trains a model that
means training twice. This check reads the saved file instead, in milliseconds.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

UNANSWERED = "..."
# otter's text where a written answer goes (grading.written reads answers without it)
WRITTEN_PLACEHOLDER = "_Type your answer here, replacing this text._"


CHECK = re.compile(r"grader\.check\(\s*[\"'](?P<question>[^\"']+)[\"']")


def _label(cell: dict, source: str) -> str:
    """A code cell as the editor shows it: its ``[n]`` (``[ ]`` if it never ran) and its first line."""
    first = next(line.strip() for line in source.splitlines() if line.strip())
    count = cell.get("execution_count")
    return f"the cell [{count if count is not None else ' '}] that starts `{first[:60]}`"


def _output_text(cell: dict) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append("".join(output.get("text", [])))
        for kind in ("text/plain", "text/html"):
            parts.append("".join(output.get("data", {}).get(kind, [])))
    return "\n".join(parts)


def _history() -> list[str] | None:
    """The source of every cell this kernel ran, by its ``[n]`` (index 0 is blank), the running
    cell last; None without a kernel. (IPython's ``execution_count`` is not this cell's ``[n]``:
    IPython 9 has already moved it on while a cell runs, IPython 8 had not.)"""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    history = getattr(getattr(shell, "history_manager", None), "input_hist_raw", None)
    return list(history) if history else None


def _checks_only(source: str) -> bool:
    """A cell that only checks or exports: running it changes nothing a save would keep."""
    return "check_notebook" in source or "grader.export" in source


def problems(path: str | Path, history: list[str] | None = None) -> list[str]:
    """What is wrong with the saved notebook at ``path``; empty when it looks complete. With the
    kernel's ``history`` (``_history``), a file saved before the latest cells ran is reported
    alone: save it first, the rest would describe an older notebook. Cells that only check or
    export may run after the save."""
    path = Path(path)
    if not path.is_file():
        return [f"{path} is not saved here yet: save the notebook (Ctrl+S) and run this cell again"]
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (ValueError, KeyError):
        return [f"{path} is not a notebook file that can be read: save it again"]
    code = [(c, "".join(c.get("source", []))) for c in cells if c.get("cell_type") == "code"]
    code = [(c, source) for c, source in code if source.strip()]
    saved = max((c.get("execution_count") or 0 for c, _ in code), default=0)
    if history is not None:
        current = len(history) - 1
        unsaved = [n for n in range(saved + 1, current) if not _checks_only(history[n])]
        if unsaved:
            return [
                f"the saved file is older than your work (its last cell ran as [{saved}], cell [{unsaved[-1]}] "
                "ran since): save the notebook (Ctrl+S), then run this cell again"
            ]
    found, counts = [], []
    for cell in cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.get("cell_type") == "markdown" and "otter_answer_cell" in tags:
            if WRITTEN_PLACEHOLDER in "".join(cell.get("source", [])):
                found.append(
                    "a written answer still reads `_Type your answer here, replacing this text._`: double-click it "
                    "and write yours in its place (a TA grades it)"
                )
    for cell, source in code:
        count = cell.get("execution_count")
        if count is None and "grader.export" not in source and "check_notebook" not in source:
            found.append(f"{_label(cell, source)} was never run")
        elif count is not None:
            counts.append((cell, source, count))
        answer = "otter_answer_cell" in cell.get("metadata", {}).get("tags", [])
        if answer and any(
            line.strip() == UNANSWERED or line.rstrip().endswith(f"= {UNANSWERED}") for line in source.splitlines()
        ):
            found.append(f"{_label(cell, source)} still has a `...` to replace")
        check = CHECK.search(source)
        if check and count is not None and ("❌" in _output_text(cell) or "failed" in _output_text(cell)):
            found.append(f'grader.check("{check["question"]}") failed when it last ran: see its message above it')
    late = [(c, s) for (c, s, n), (_, _, m) in zip(counts, counts[1:]) if m < n]
    if late:
        found.append(f"cells were run out of order (after {_label(*late[0])}): restart the kernel and run all")
    return found


def check_notebook(path: str | Path) -> bool:
    """Print what still needs doing before you hand in; True when the saved notebook looks complete."""
    found = problems(path, _history())
    if found:
        print("Before you hand in:\n" + "\n".join(f"  - {p}" for p in found))
    else:
        print(
            f"{path}: every cell has run, in order, every grader.check passed when it last ran, and no `...` "
            "is left. Export it now (the next cell)."
        )
    return not found
