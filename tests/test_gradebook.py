"""The gradebook's promises: atomic writes, resumable runs, feedback that keeps hidden tests hidden."""

from __future__ import annotations

import csv

import pytest

from grading import feedback, gradebook, runner
from grading.assignments import autograder_zip, examples_dir
from grading.autograder_zip import read_autograder
from grading.grade import grade_folder


def test_csv_write_is_atomic(tmp_path):
    out = tmp_path / "g.csv"
    good = gradebook.Row("a.ipynb", "graded", 3, 3, {"q1": 3})
    gradebook.write_csv(out, [good], ["q1"])
    before = out.read_text()
    broken = gradebook.Row("b.ipynb", "graded", None, 3, {"q1": 3})  # cannot be formatted
    with pytest.raises(TypeError):
        gradebook.write_csv(out, [good, broken], ["q1"])
    assert out.read_text() == before, "a failed write must leave the old gradebook intact"
    assert [p.name for p in tmp_path.iterdir()] == ["g.csv"], "no temp files left behind"


def test_rerun_grades_only_new_or_changed_files(tmp_path, monkeypatch):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "alice.ipynb").write_bytes((examples_dir("01-gradient-descent") / "reference.ipynb").read_bytes())
    out = tmp_path / "grades" / "g.csv"
    grade_folder("01-gradient-descent", subs, out, jobs=1, timeout_s=None, quiet=True)

    graded = []
    real_grade = runner.grade
    monkeypatch.setattr(runner, "grade", lambda sub, *a, **k: graded.append(sub.name) or real_grade(sub, *a, **k))
    (subs / "bob.ipynb").write_text("{ not json")
    rows = grade_folder("01-gradient-descent", subs, out, jobs=1, timeout_s=None, quiet=True)
    assert graded == ["bob.ipynb"], "only the new submission should be graded again"
    with open(out, newline="") as f:
        book = {r["submission"]: r for r in csv.DictReader(f)}
    assert book["alice.ipynb"]["score"] == "17" and book["bob.ipynb"]["status"] == "error"
    assert len(rows) == 2


def test_newest_submission_of_a_student_wins(tmp_path):
    import os

    subs = tmp_path / "subs" / "carol"
    subs.mkdir(parents=True)
    (subs / "first.ipynb").write_bytes((examples_dir("01-gradient-descent") / "reference.ipynb").read_bytes())
    (subs / "second.ipynb").write_text("")  # handed in later, and broken
    os.utime(subs / "first.ipynb", (1_000_000, 1_000_000))
    rows = grade_folder("01-gradient-descent", subs.parent, tmp_path / "g.csv", jobs=1, timeout_s=None, quiet=True)
    assert [(r.submission, r.status) for r in rows] == [("carol/second.ipynb", "error")]
    assert "newest of 2 submissions by carol" in rows[0].note


@pytest.mark.parametrize("show_hidden", [False, True])
def test_feedback_shows_hidden_details_only_when_asked(graded_examples, show_hidden):
    row = graded_examples("01-gradient-descent")["unanswered.ipynb"]
    ag = read_autograder(autograder_zip("01-gradient-descent"))
    text = feedback.render(row, ag, "01-gradient-descent", show_hidden)
    assert "Score: 0 / 17" in text and "xs should be a list of floats" in text  # public message, always
    hidden_detail = "abs(df(x) - 2 * x)"  # the failing line of q1's hidden test
    assert (hidden_detail in text) == show_hidden
    assert ("hidden tests: 0 of 1 passed" in text) != show_hidden
