"""Before you hand in: is the saved notebook complete? (Reads the file; runs nothing again.)

otter's export can re-run the whole notebook to be sure; for a notebook that trains a model that
means training twice. This check reads the saved file instead, in milliseconds.
"""

from __future__ import annotations

import json
from pathlib import Path

UNANSWERED = "..."


def problems(path: str | Path) -> list[str]:
    """What is wrong with the saved notebook at ``path``; empty when it looks complete."""
    path = Path(path)
    if not path.is_file():
        return [f"{path} is not saved here yet: save the notebook (Ctrl+S) and run this cell again"]
    try:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    except (ValueError, KeyError):
        return [f"{path} is not a notebook file that can be read: save it again"]
    found, counts = [], []
    for number, cell in enumerate(cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        source = "".join(cell.get("source", []))
        if not source.strip():
            continue
        count = cell.get("execution_count")
        if count is None and "grader.export" not in source and "check_notebook" not in source:
            found.append(f"cell {number} was never run")
        elif count is not None:
            counts.append((number, count))
        answer = "otter_answer_cell" in cell.get("metadata", {}).get("tags", [])
        if answer and any(
            line.strip() == UNANSWERED or line.rstrip().endswith(f"= {UNANSWERED}") for line in source.splitlines()
        ):
            found.append(f"cell {number} still has a `...` to replace")
    out_of_order = [a for (a, ca), (_, cb) in zip(counts, counts[1:]) if cb < ca]
    if out_of_order:
        found.append(f"cells were run out of order (after cell {out_of_order[0]}): restart the kernel and run all")
    return found


def check_notebook(path: str | Path) -> bool:
    """Print what still needs doing before you hand in; True when the saved notebook looks complete."""
    found = problems(path)
    if found:
        print("Before you hand in:\n" + "\n".join(f"  - {p}" for p in found))
    else:
        print(f"{path}: every cell has run, in order, and no `...` is left. Save, then export.")
    return not found
