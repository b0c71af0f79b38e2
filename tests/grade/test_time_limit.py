"""The default time limit (grading/grade/time_limit.py): measured once on this machine from the
reference, kept for the next run, and what the run then grades with."""

from __future__ import annotations

import json
import shutil

import pytest

from grading.grade import time_limit
from grading.grade.run import ClassRun
from grading.layout import autograder_zip, examples_dir

pytestmark = pytest.mark.sandbox  # the reference is graded for real


def test_the_limit_is_ten_times_the_reference_and_measured_once(tmp_path, graders):
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(examples_dir("01-gradient-descent") / "reference.ipynb", subs / "alice.ipynb")
    out = tmp_path / "grades" / "01-gradient-descent.csv"
    run = ClassRun("01-gradient-descent", subs, out, 1, None, quiet=True, graders=graders)
    (row,) = run.finish()
    saved = json.loads((run.outputs.cache / time_limit.FILE).read_text())
    assert saved["timeout_s"] == max(time_limit.FLOOR_S, round(time_limit.FACTOR * saved["reference_s"]))
    assert row.score == row.max_score
    # The next run reads it back without grading the reference again (no judges to grade it with).
    limit, measured = time_limit.calibrated(
        "01-gradient-descent", autograder_zip("01-gradient-descent"), run.outputs.cache, "bwrap", None
    )
    assert (limit, measured) == (saved["timeout_s"], saved["reference_s"])


def test_make_students_grading_of_the_reference_is_reused(tmp_path, graders, monkeypatch):
    """A fresh grades folder costs no grading of the reference when `make student` graded it."""
    from grading.host import limits as host_limits
    from grading.judge.load import Submission
    from grading.outputs.cache import ResultCache, key

    assignment = "01-gradient-descent"
    reference, ag = examples_dir(assignment) / "reference.ipynb", autograder_zip(assignment)
    fallback = host_limits.for_assignment(assignment)
    row = graders.submit(Submission(reference, reference.name), ag, fallback).result()
    monkeypatch.setattr(time_limit.verify, "cache_dir", lambda: tmp_path / "verdicts")
    ResultCache(tmp_path / "verdicts").put(key(reference, ag, fallback, "bwrap"), row)
    limit, measured = time_limit.calibrated(assignment, ag, tmp_path / "fresh", "bwrap", None)  # no judges
    assert (limit, measured) == (max(time_limit.FLOOR_S, round(time_limit.FACTOR * row.seconds)), row.seconds)
