"""Remember each graded submission, so a rerun after an interruption grades only what is missing
or changed. A result is keyed by the submission's bytes, the autograder's bytes and the limits."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path

from .gradebook import Row
from .sandbox import Limits

VERSION = "2"  # bump when grading changes in a way that invalidates old results


def key(submission: Path, autograder: Path, limits: Limits) -> str:
    h = hashlib.sha256(VERSION.encode())
    for path in (submission, autograder):
        h.update(hashlib.sha256(path.read_bytes()).digest())
    h.update(json.dumps(asdict(limits), sort_keys=True).encode())
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
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        with os.fdopen(fd, "w") as f:
            json.dump(row.as_dict(), f)
        os.replace(tmp, self.folder / f"{key}.json")
