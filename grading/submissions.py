"""What students hand in, read defensively: every file in the folder becomes one submission or one
skip with a reason, and a broken file becomes a submission that will get an ``error`` row."""

from __future__ import annotations

import io
import json
import zipfile
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
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder)
        if path.name in IGNORED_NAMES or any(part.startswith(".") for part in rel.parts):
            skipped.append(Skipped(path, "hidden or system file"))
        elif ".ipynb_checkpoints" in rel.parts:
            skipped.append(Skipped(path, "Jupyter checkpoint copy"))
        elif path.suffix.lower() in (".ipynb", ".zip"):
            submissions.append(Submission(path, rel.as_posix()))
        else:
            skipped.append(Skipped(path, f"not a notebook or otter zip ({path.suffix or 'no extension'})"))
    return submissions, skipped


def keep_newest(found: list[Submission]) -> tuple[list[Submission], list[Skipped], dict[str, str]]:
    """One submission per student, the most recently modified; the others become skips.

    Returns the kept submissions, the skips, and a note for each kept one that beat others.
    """
    by_student: dict[str, list[Submission]] = {}
    for sub in found:
        by_student.setdefault(sub.student, []).append(sub)
    kept, skipped, notes = [], [], {}
    for student, subs in by_student.items():
        subs.sort(key=lambda s: (s.path.stat().st_mtime, s.name))
        newest = subs[-1]
        kept.append(newest)
        if len(subs) > 1:
            notes[newest.name] = f"newest of {len(subs)} submissions by {student}"
            skipped += [Skipped(s.path, f"older submission by {student}; graded {newest.name}") for s in subs[:-1]]
    return kept, skipped, notes


def _notebook_bytes_from_zip(path: Path) -> bytes:
    try:
        with zipfile.ZipFile(path) as zf:
            notebooks = [i for i in zf.infolist()
                         if i.filename.endswith(".ipynb") and "__MACOSX" not in i.filename
                         and ".ipynb_checkpoints" not in i.filename]
            if len(notebooks) != 1:
                found = ", ".join(i.filename for i in notebooks) or "none"
                raise InvalidSubmission(f"zip must hold exactly one notebook, found {found}")
            if notebooks[0].file_size > MAX_NOTEBOOK_BYTES:
                raise InvalidSubmission(f"notebook in zip is larger than {MAX_NOTEBOOK_BYTES >> 20} MiB")
            return zf.read(notebooks[0])
    except zipfile.BadZipFile as e:
        raise InvalidSubmission(f"not a valid zip file ({e})") from None


def load_notebook(path: Path) -> nbformat.NotebookNode:
    """Read a submission (``.ipynb`` or otter export ``.zip``) as a current-format notebook.

    Notebooks from other front ends are upgraded to nbformat 4 and set to the ``python3`` kernel
    the grader runs. Raises ``InvalidSubmission`` with a student-readable reason.
    """
    if path.suffix.lower() == ".zip":
        raw = _notebook_bytes_from_zip(path)
    else:
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            raise InvalidSubmission(f"file is larger than {MAX_NOTEBOOK_BYTES >> 20} MiB")
        raw = path.read_bytes()
    if not raw.strip():
        raise InvalidSubmission("the file is empty")
    try:
        nb = nbformat.read(io.StringIO(raw.decode("utf-8-sig")), as_version=4)
    except UnicodeDecodeError:
        raise InvalidSubmission("not a notebook: the file is not UTF-8 text") from None
    except (json.JSONDecodeError, nbformat.reader.NotJSONError) as e:
        raise InvalidSubmission(f"not a notebook: invalid JSON ({str(e).splitlines()[0][:120]})") from None
    except Exception as e:  # nbformat raises several types for structurally wrong notebooks
        raise InvalidSubmission(f"not a notebook: {type(e).__name__}: {str(e)[:120]}") from None
    if not isinstance(nb.get("cells"), list):
        raise InvalidSubmission("not a notebook: it has no list of cells")
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb
