"""The judge's first step: a submission's file read defensively as a notebook, or a reason why not
that a student can read (positions and types only: nothing of the file's own text)."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

MAX_NOTEBOOK_BYTES = 50 * 2**20


class InvalidSubmission(ValueError):
    """The file cannot be turned into a notebook to grade; the message says why, for the gradebook."""


@dataclass(frozen=True)
class Submission:
    path: Path
    name: str  # the gradebook's "submission" column: the path relative to the submissions folder


def _notebook_bytes_from_zip(path: Path) -> bytes:
    try:
        with zipfile.ZipFile(path) as zf:
            notebooks = [
                i
                for i in zf.infolist()
                if i.filename.endswith(".ipynb")
                and "__MACOSX" not in i.filename
                and ".ipynb_checkpoints" not in i.filename
            ]
            if len(notebooks) != 1:
                raise InvalidSubmission(f"zip must hold exactly one notebook, found {len(notebooks)}")
            if notebooks[0].file_size > MAX_NOTEBOOK_BYTES:
                raise InvalidSubmission(f"notebook in zip is larger than {MAX_NOTEBOOK_BYTES >> 20} MiB")
            return zf.read(notebooks[0])
    except zipfile.BadZipFile:
        raise InvalidSubmission("not a valid zip file") from None


def load_notebook(path: Path) -> nbformat.NotebookNode:
    """Read a submission (``.ipynb`` or otter export ``.zip``) as a current-format notebook.

    Notebooks from other front ends are upgraded to nbformat 4. Raises ``InvalidSubmission`` with a
    student-readable reason.
    """
    if path.is_symlink():
        raise InvalidSubmission("a symbolic link, not followed")
    if path.suffix.lower() == ".zip":
        raw = _notebook_bytes_from_zip(path)
    else:
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            raise InvalidSubmission(f"file is larger than {MAX_NOTEBOOK_BYTES >> 20} MiB")
        raw = path.read_bytes()
    if not raw.strip():
        raise InvalidSubmission("the file is empty")
    # The reasons name positions and types only: nothing of the file's own text reaches a gradebook.
    try:
        text = raw.decode("utf-8-sig")
        json.loads(text)
        nb = nbformat.read(io.StringIO(text), as_version=4)
    except UnicodeDecodeError:
        raise InvalidSubmission("not a notebook: the file is not UTF-8 text") from None
    except json.JSONDecodeError as e:
        raise InvalidSubmission(
            f"not a notebook: invalid JSON (line {e.lineno}, column {e.colno}; cut off during upload?)"
        ) from None
    except Exception as e:  # nbformat raises several types for structurally wrong notebooks
        raise InvalidSubmission(f"not a notebook: its structure is not a notebook's ({type(e).__name__})") from None
    if not isinstance(nb.get("cells"), list):
        raise InvalidSubmission("not a notebook: it has no list of cells")
    for number, cell in enumerate(nb.cells, start=1):
        if (
            not isinstance(cell, dict)
            or cell.get("cell_type") not in ("code", "markdown", "raw")
            or not isinstance(cell.get("source"), str)
            or not isinstance(cell.get("metadata", {}), dict)
        ):
            raise InvalidSubmission(f"not a notebook: cell {number} is not a notebook cell")
    return nb
