"""A class run's default time limit: ``FACTOR`` times what grading the reference notebook takes on
this machine (at least ``FLOOR_S``), measured once per autograder and grader code (by ``make
student``'s own check of the reference when it has one, else before the class), and kept beside
the result cache. A limit of fixed seconds would be 40 times too long on a fast machine (one
endless notebook then holds a worker for ten minutes) and too short on a slow one."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .. import layout
from ..author import verify
from ..host import limits as host_limits
from ..judge.load import Submission
from ..judge.outcome import Status
from ..outputs.cache import ResultCache, code_digest, key

FACTOR, FLOOR_S = 10, 60.0
FILE = "time-limit.json"


def calibrated(assignment: str, autograder: Path, cache: Path, mode: str, graders) -> tuple[float, float]:
    """``(limit, the reference's grading seconds)``; ``graders()`` gives the judges to measure with.
    A reference that does not grade cleanly leaves the course's own limit (``course.timeouts``)."""
    digest = hashlib.sha256(f"{code_digest()} {mode}".encode() + autograder.read_bytes()).hexdigest()
    saved = cache / FILE
    try:
        found = json.loads(saved.read_text())
        if found["key"] == digest:
            return found["timeout_s"], found["reference_s"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    fallback = host_limits.for_assignment(assignment)
    reference = layout.examples_dir(assignment) / "reference.ipynb"
    # `make student` graded this very reference with this autograder and limits: its time will do.
    row = ResultCache(verify.cache_dir()).get(key(reference, autograder, fallback, mode), reference.name)
    if row is None:
        row = graders().submit(Submission(reference, reference.name), autograder, fallback).result()
    if row.status != Status.GRADED or row.score != row.max_score:
        return fallback.timeout_s, row.seconds
    timeout_s = max(FLOOR_S, round(FACTOR * row.seconds))
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps({"key": digest, "timeout_s": timeout_s, "reference_s": row.seconds}))
    return timeout_s, row.seconds
