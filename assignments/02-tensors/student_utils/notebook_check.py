"""Before you hand in: is the saved notebook complete? (Reads the file; runs nothing again.)

otter's export can re-run the whole notebook to be sure; for a notebook that trains a model that
means training twice. This check reads the saved file instead, in milliseconds.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

UNANSWERED = "..."


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


def _kernel_count() -> int | None:
    """The running kernel's execution count (this cell's ``[n]``), when there is a kernel."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    return getattr(shell, "execution_count", None) if shell else None


def problems(path: str | Path, kernel_count: int | None = None) -> list[str]:
    """What is wrong with the saved notebook at ``path``; empty when it looks complete. With the
    kernel's execution count, a file saved before the latest cells ran is reported alone: save it
    first, the rest would describe an older notebook."""
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
    if kernel_count is not None and saved < kernel_count - 1:
        return [
            f"the saved file is older than your work (its last cell ran as [{saved}], this one is "
            f"[{kernel_count}]): save the notebook (Ctrl+S), then run this cell again"
        ]
    found, counts = [], []
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
    found = problems(path, _kernel_count())
    if found:
        print("Before you hand in:\n" + "\n".join(f"  - {p}" for p in found))
    else:
        print(
            f"{path}: every cell has run, in order, every grader.check passed when it last ran, and no `...` "
            "is left. Export it now (the next cell)."
        )
    return not found
