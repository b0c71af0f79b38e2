"""What students hand in, read defensively: every file in the folder becomes one submission or one
skip with a reason, and a broken file becomes a submission that will get an ``error`` row."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..judge.load import InvalidSubmission, Submission, load_notebook

IGNORED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


@dataclass(frozen=True)
class Skipped:
    path: Path
    reason: str
    superseded_by: str = ""  # an older hand-in: the kept submission's name (the per-student file lists both)


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


OTTER_STAMP = re.compile(r"^(?P<stem>.*)_(\d{4})_(\d\d)_(\d\d)T(\d\d)_(\d\d)_(\d\d)_(\d{1,6})\.zip$")
# Canvas's "Download Submissions" (its ContentZipper): <name>[_LATE]_<user id>_<attachment id>_<file name>,
# <name> the sortable name lower-cased with every non-word character dropped: Unicode letters and
# their combining marks stay ("peñajosé", or its NFD form from a Mac), digits and "_" too. A second
# upload of the same file is named "<file>-1.ipynb" by Canvas; the attachment id orders them.
CANVAS_NAME = re.compile(
    r"^(?P<login>[^_/]\S*?)(?:_late)?_(?P<user>\d+)_(?P<attachment>\d+)_(?P<file>.+)$", re.IGNORECASE
)


def canvas_name(name: str) -> re.Match | None:
    """``CANVAS_NAME``'s match when the name part holds only what Canvas leaves in it (word
    characters, combining marks; "-" from other tools), else None: "my notes_1_2_x.ipynb" is no
    Canvas download."""
    match = CANVAS_NAME.match(name)
    ok = match and all(c.isalnum() or c in "_-" or unicodedata.category(c).startswith("M") for c in match["login"])
    return match if ok else None


@dataclass(frozen=True)
class Owner:
    """Who handed a file in, by one rule (the README's):

    - in a sub-folder, the student is that folder (``bob/...``), whatever the files are called;
    - at the top level, the student is read from the file's name: a Canvas download name gives
      the Canvas user id, an otter export gives the name before its time stamp, any other file
      is its own student (its name without the extension).

    A top-level name never claims a sub-folder's student: the kinds are told apart."""

    kind: str  # "folder", "canvas" or "file"
    key: str
    label: str  # how notes and the roster name it

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.key}"


def owner_of(sub: Submission) -> Owner:
    parts = sub.name.split("/")
    if len(parts) > 1:
        return Owner("folder", parts[0], parts[0])
    canvas = canvas_name(parts[0])
    if canvas:
        return Owner("canvas", canvas["user"], f"Canvas user {canvas['user']} ({canvas['login']})")
    stamp = OTTER_STAMP.match(parts[0])
    stem = stamp["stem"] if stamp else Path(parts[0]).stem
    return Owner("file", stem, stem)


def handed_in_at(sub: Submission) -> tuple[float, str | None]:
    """When it was handed in, and a note when the name's own date could not be used: the time
    stamp otter's export puts in the zip's name (it survives copies and checkouts), else the
    Canvas attachment id (Canvas numbers uploads in order), else the file's modification time."""
    match = OTTER_STAMP.match(sub.path.name)
    if match:
        y, mo, d, h, mi, s, us = (int(g) for g in match.groups()[1:])
        try:
            return datetime(y, mo, d, h, mi, s, us, tzinfo=UTC).timestamp(), None
        except ValueError:
            return sub.path.stat().st_mtime, "the date in its file name is not a real date: its file time was used"
    canvas = canvas_name(sub.path.name) if "/" not in sub.name else None
    if canvas:
        return float(canvas["attachment"]), None
    return sub.path.stat().st_mtime, None


def keep_newest(found: list[Submission]) -> tuple[list[Submission], list[Skipped], dict[str, str]]:
    """One submission per student (``Owner``), the one handed in last; the others become skips.

    Returns the kept submissions, the skips, and a note for each kept one that beat others or
    whose date could not be read from its name.
    """
    by_owner: dict[str, list[Submission]] = {}
    owners: dict[str, Owner] = {}
    for sub in found:
        owner = owner_of(sub)
        owners[owner.id] = owner
        by_owner.setdefault(owner.id, []).append(sub)
    kept, skipped, notes = [], [], {}
    for owner_id, subs in by_owner.items():
        when = {s.name: handed_in_at(s) for s in subs}
        subs.sort(key=lambda s: (when[s.name][0], s.name))
        newest = subs[-1]
        kept.append(newest)
        said = [n for n in (when[newest.name][1],) if n]
        if len(subs) > 1:
            said.insert(0, f"newest of {len(subs)} submissions by this student (the others are skipped)")
            label = owners[owner_id].label
            skipped += [
                Skipped(s.path, f"older submission by {label}; graded {newest.name}", newest.name) for s in subs[:-1]
            ]
        if said:
            notes[newest.name] = "; ".join(said)
    return kept, skipped, notes


def unreadable(path: Path) -> bool:
    """The file is no notebook or otter zip at all (cut off during upload, empty, a broken zip), as
    against one that was read and graded: an LMS should record nothing for it rather than a 0 (the
    student's work may well exist; ask for it again)."""
    try:
        load_notebook(path)
    except (InvalidSubmission, OSError):
        return True
    return False
