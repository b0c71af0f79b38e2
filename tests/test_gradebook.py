"""The gradebook's promises: atomic writes, resumable runs that regrade only what changed, the
newest hand-in wins, the grader's own failures are never cached, feedback keeps hidden tests hidden."""

from __future__ import annotations

import csv
import json
import os

import pytest

from grading import cache, feedback, gradebook
from grading.assignments import autograder_zip, examples_dir
from grading.autograder_zip import read_autograder
from grading.grade import grade_folder
from grading.sandbox import Limits


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


def test_rerun_grades_only_new_or_changed_files(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "alice.ipynb").write_bytes((examples_dir("01-gradient-descent") / "reference.ipynb").read_bytes())
    out = tmp_path / "grades" / "g.csv"
    grade_folder("01-gradient-descent", subs, out, jobs=1, timeout_s=None, quiet=True)
    stored = list((tmp_path / "grades" / ".cache" / "01-gradient-descent").glob("*.json"))
    assert len(stored) == 1
    marked = json.loads(stored[0].read_text()) | {"note": "from the cache"}
    stored[0].write_text(json.dumps(marked))  # a regrade would not say this
    (subs / "bob.ipynb").write_text("{ not json")
    rows = {r.submission: r for r in grade_folder("01-gradient-descent", subs, out, jobs=1, timeout_s=None, quiet=True)}
    assert rows["alice.ipynb"].note == "from the cache" and rows["alice.ipynb"].score == 17
    assert rows["bob.ipynb"].status == "error" and rows["bob.ipynb"].note != "from the cache"
    with open(out, newline="") as f:
        book = {r["submission"]: r for r in csv.DictReader(f)}
    assert book["alice.ipynb"]["score"] == "17" and book["bob.ipynb"]["status"] == "error"


def test_the_grader_s_own_failures_are_never_cached(tmp_path):
    store = cache.ResultCache(tmp_path)
    row = gradebook.Row("a.ipynb", "error", 0, 17, {}, "grader could not start")
    row.cacheable = False
    store.put("k1", row)
    store.put("k2", gradebook.Row("b.ipynb", "error", 0, 17, {}, "not a notebook"))
    assert store.get("k1", "a.ipynb") is None and store.get("k2", "b.ipynb") is not None


def test_changing_the_grader_changes_every_cache_key(tmp_path, monkeypatch):
    sub = examples_dir("01-gradient-descent") / "reference.ipynb"
    before = cache.key(sub, autograder_zip("01-gradient-descent"), Limits(), "bwrap")
    monkeypatch.setattr(cache, "code_digest", lambda: "another grader")
    assert cache.key(sub, autograder_zip("01-gradient-descent"), Limits(), "bwrap") != before


def test_newest_submission_of_a_student_wins(tmp_path):
    subs = tmp_path / "subs" / "carol"
    subs.mkdir(parents=True)
    (subs / "first.ipynb").write_bytes((examples_dir("01-gradient-descent") / "reference.ipynb").read_bytes())
    (subs / "second.ipynb").write_text("")  # handed in later, and broken
    os.utime(subs / "first.ipynb", (1_000_000, 1_000_000))
    rows = grade_folder("01-gradient-descent", subs.parent, tmp_path / "g.csv", jobs=1, timeout_s=None, quiet=True)
    assert [(r.submission, r.status) for r in rows] == [("carol/second.ipynb", "error")]
    assert "newest of 2 submissions by this student" in rows[0].note


def test_otter_time_stamps_decide_over_file_times(tmp_path):
    from grading.submissions import collect, keep_newest

    (tmp_path / "dan").mkdir()
    early, late = tmp_path / "dan" / "nb_2026_01_02T10_00_00_000000.zip", tmp_path / "dan" / "nb_2026_01_03T09_00_00_000000.zip"
    late.write_text("x")
    early.write_text("x")  # written last, handed in first
    kept, skipped, notes = keep_newest(collect(tmp_path)[0])
    assert [s.path for s in kept] == [late] and [s.path for s in skipped] == [early]


@pytest.mark.parametrize("show_hidden", [False, True])
def test_feedback_shows_hidden_details_only_when_asked(graded_examples, show_hidden):
    row = graded_examples("01-gradient-descent")["unanswered.ipynb"]
    ag = read_autograder(autograder_zip("01-gradient-descent"))
    text = feedback.render(row, ag, "01-gradient-descent", show_hidden)
    assert "Score: 0 / 17" in text and "`df` is not defined" not in text
    assert "gradient_descent should return a list" in text or "not defined" in text  # public message, always
    hidden_detail = "test_q1_iterates"  # the name of q1's hidden test appears in its failing line
    assert ("abs(float(df(x)) - 2 * x)" in text) == show_hidden
    assert ("hidden tests: 0 of 2 passed" in text) != show_hidden
    assert hidden_detail not in text or show_hidden


def test_a_worker_killed_by_the_host_costs_a_regrade_not_the_run(tmp_path):
    """The host's OOM killer (here: a test) ends a grading worker: every submission still gets a row,
    the run finishes, and nothing of it is cached, so the next run grades them again."""
    import signal
    import threading
    import time

    subs = tmp_path / "subs"
    subs.mkdir()
    for name in ("alice", "bob"):
        (subs / f"{name}.ipynb").write_bytes((examples_dir("01-gradient-descent") / "reference.ipynb").read_bytes())

    def kill_workers():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            for pid in os.listdir("/proc"):
                try:
                    status = open(f"/proc/{pid}/status").read()
                    cmdline = open(f"/proc/{pid}/cmdline", "rb").read()
                except OSError:
                    continue
                if f"\nPPid:\t{os.getpid()}\n" in status and b"spawn_main" in cmdline:  # a pool worker
                    os.kill(int(pid), signal.SIGKILL)
                    return
            time.sleep(0.05)

    killer = threading.Thread(target=kill_workers)
    killer.start()
    rows = grade_folder("01-gradient-descent", subs, tmp_path / "grades" / "g.csv", jobs=1, timeout_s=None, quiet=True)
    killer.join()
    assert sorted(r.submission for r in rows) == ["alice.ipynb", "bob.ipynb"]
    assert all(r.status == "error" and "the grading worker stopped" in r.note for r in rows)
    assert not list((tmp_path / "grades" / ".cache").rglob("*.json"))
