"""Remember each graded submission, so a rerun after an interruption grades only what is missing
or changed. A result is keyed by the submission's bytes, the autograder's bytes, the limits, the
sandbox mode and the grader's own code, so changing the grader regrades instead of reusing old
rows. Rows that report the grader's own failure are never stored."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

from .assignments import ROOT
from .gradebook import Row
from .sandbox import Limits


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The grader's and student_utils' sources: what decides a score besides the submission."""
    h = hashlib.sha256()
    for package in ("grading", "student_utils"):
        for path in sorted((ROOT / package).rglob("*.py")):
            h.update(path.relative_to(ROOT).as_posix().encode())
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
