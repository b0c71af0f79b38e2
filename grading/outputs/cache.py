"""Remember each graded submission, so a rerun after an interruption grades only what is missing
or changed. A result is keyed by the submission's bytes, the autograder's bytes, the limits, the
sandbox mode and the code that decides scores, so changing the judge regrades instead of reusing
old rows. Rows that report the grader's own failure are never stored."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

from .. import layout
from ..host.limits import Limits
from ..judge.outcome import Row


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The sources that decide a score besides the submission (``layout.SCORING_CODE`` and
    student_utils): the report or the gradebook's layout can change without regrading a class."""
    h = hashlib.sha256()
    paths = [layout.GRADING / part for part in layout.SCORING_CODE] + [layout.STUDENT_UTILS]
    for path in sorted(p for part in paths for p in ([part] if part.is_file() else part.rglob("*.py"))):
        h.update(path.relative_to(layout.ROOT).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def key(submission: Path, autograder: Path, limits: Limits, mode: str) -> str:
    h = hashlib.sha256(code_digest().encode())
    for path in (submission, autograder):
        h.update(hashlib.sha256(path.read_bytes()).digest())
    h.update(json.dumps({**asdict(limits), "mode": mode}, sort_keys=True).encode())
    return h.hexdigest()


class ResultCache:
    def __init__(self, folder: Path):
        self.folder = folder

    def get(self, key: str, submission_name: str) -> Row | None:
        path = self.folder / f"{key}.json"
        try:
            row = Row.from_dict(json.loads(path.read_text()))
        except (OSError, ValueError, TypeError):
            return None
        row.submission = submission_name  # the same bytes may have been renamed
        return row

    def put(self, key: str, row: Row) -> None:
        if not row.cacheable:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        with os.fdopen(fd, "w") as f:
            json.dump(row.as_dict(), f)
        os.replace(tmp, self.folder / f"{key}.json")
