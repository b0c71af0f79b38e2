"""What students hand in, read defensively: every file in the folder becomes one submission or one
skip with a reason, and a broken file becomes a submission that will get an ``error`` row."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import datetime, timezone
from dataclasses import dataclass
from pathlib import Path

import nbformat

MAX_NOTEBOOK_BYTES = 50 * 2**20
IGNORED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


class InvalidSubmission(ValueError):
    """The file cannot be turned into a notebook to grade; the message says why, for the gradebook."""


@dataclass(frozen=True)
class Submission:
    path: Path
    name: str  # the gradebook's "submission" column: the path relative to the submissions folder

    @property
    def student(self) -> str:
        """Who handed it in: the sub-folder it is in, else the file name without its extension."""
        parts = self.name.split("/")
        return parts[0] if len(parts) > 1 else Path(parts[0]).stem


@dataclass(frozen=True)
class Skipped:
    path: Path
    reason: str


def collect(folder: Path) -> tuple[list[Submission], list[Skipped]]:
    """Every ``.ipynb`` and ``.zip`` below ``folder`` is a submission; anything else is skipped."""
    submissions, skipped = [], []
    for path in sorted(p for p in folder.rglob("*") if p.is_symlink() or p.is_file()):
        rel = path.relative_to(folder)
        if path.is_symlink():  # it could point anywhere the grader's user can read, the reference too
            skipped.append(Skipped(path, "a symbolic link, not followed: put the file itself in the folder"))
        elif path.name in IGNORED_NAMES or any(part.startswith(".") for part in rel.parts):
            skipped.append(Skipped(path, "hidden or system file"))
        elif ".ipynb_checkpoints" in rel.parts:
            skipped.append(Skipped(path, "Jupyter checkpoint copy"))
        elif path.suffix.lower() in (".ipynb", ".zip"):
            submissions.append(Submission(path, rel.as_posix()))
        else:
            skipped.append(Skipped(path, f"not a notebook or otter zip ({path.suffix or 'no extension'})"))
    return submissions, skipped


OTTER_STAMP = re.compile(r"_(\d{4})_(\d\d)_(\d\d)T(\d\d)_(\d\d)_(\d\d)_(\d{1,6})\.zip$")


def handed_in_at(sub: Submission) -> float:
    """When it was handed in: the time stamp otter's export puts in the zip's name (it survives
    copies and checkouts), else the file's modification time."""
    match = OTTER_STAMP.search(sub.path.name)
    if match:
        y, mo, d, h, mi, s, us = (int(g) for g in match.groups())
        return datetime(y, mo, d, h, mi, s, us, tzinfo=timezone.utc).timestamp()
    return sub.path.stat().st_mtime


def keep_newest(found: list[Submission]) -> tuple[list[Submission], list[Skipped], dict[str, str]]:
    """One submission per student, the one handed in last; the others become skips.

    Returns the kept submissions, the skips, and a note for each kept one that beat others.
    """
    by_student: dict[str, list[Submission]] = {}
    for sub in found:
        by_student.setdefault(sub.student, []).append(sub)
    kept, skipped, notes = [], [], {}
    for student, subs in by_student.items():
        subs.sort(key=lambda s: (handed_in_at(s), s.name))
        newest = subs[-1]
        kept.append(newest)
        if len(subs) > 1:
            notes[newest.name] = f"newest of {len(subs)} submissions by this student (the others are skipped)"
            skipped += [Skipped(s.path, f"older submission by {student}; graded {newest.name}") for s in subs[:-1]]
    return kept, skipped, notes


def _notebook_bytes_from_zip(path: Path) -> bytes:
    try:
        with zipfile.ZipFile(path) as zf:
            notebooks = [i for i in zf.infolist()
                         if i.filename.endswith(".ipynb") and "__MACOSX" not in i.filename
                         and ".ipynb_checkpoints" not in i.filename]
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
        raise InvalidSubmission(f"not a notebook: invalid JSON (line {e.lineno}, column {e.colno}; "
                                "cut off during upload?)") from None
    except Exception as e:  # nbformat raises several types for structurally wrong notebooks
        raise InvalidSubmission(f"not a notebook: its structure is not a notebook's ({type(e).__name__})") from None
    if not isinstance(nb.get("cells"), list):
        raise InvalidSubmission("not a notebook: it has no list of cells")
    for number, cell in enumerate(nb.cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw") \
                or not isinstance(cell.get("source"), str) or not isinstance(cell.get("metadata", {}), dict):
            raise InvalidSubmission(f"not a notebook: cell {number} is not a notebook cell")
    return nb
