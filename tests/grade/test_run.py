"""A class run (grading/grade/run.py): resumable runs that regrade only what changed, the newest
hand-in wins, and a worker the host kills costs a regrade, not the run."""

from __future__ import annotations

import csv
import json
import os
import re

import nbformat
import pytest

from grading.grade.pool import Graders
from grading.grade.run import grade_folder
from grading.judge.grader import Config
from grading.judge.outcome import MAX_CELL_CHARS
from grading.layout import examples_dir


def test_rerun_grades_only_new_or_changed_files(tmp_path, grade):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "alice.ipynb").write_bytes((examples_dir("01-gradient-descent") / "reference.ipynb").read_bytes())
    out = tmp_path / "grades" / "g.csv"
    grade("01-gradient-descent", subs, out=out)
    stored = list((tmp_path / "grades" / ".cache" / "01-gradient-descent").glob("*.json"))
    assert len(stored) == 1
    marked = json.loads(stored[0].read_text()) | {"notes": ["from the cache"]}
    stored[0].write_text(json.dumps(marked))  # a regrade would not say this
    (subs / "bob.ipynb").write_text("{ not json")
    rows = {r.submission: r for r in grade("01-gradient-descent", subs, out=out)}
    assert rows["alice.ipynb"].note == "from the cache" and rows["alice.ipynb"].score == 17
    assert rows["bob.ipynb"].status == "error" and rows["bob.ipynb"].note != "from the cache"
    with open(out, newline="") as f:
        book = {r["submission"]: r for r in csv.DictReader(f)}
    assert book["alice.ipynb"]["score"] == "17" and book["bob.ipynb"]["status"] == "error"


def test_newest_submission_of_a_student_wins(tmp_path, grade):
    subs = tmp_path / "subs" / "carol"
    subs.mkdir(parents=True)
    (subs / "first.ipynb").write_bytes((examples_dir("01-gradient-descent") / "reference.ipynb").read_bytes())
    (subs / "second.ipynb").write_text("")  # handed in later, and broken
    os.utime(subs / "first.ipynb", (1_000_000, 1_000_000))
    rows = grade("01-gradient-descent", subs.parent)
    assert [(r.submission, r.status) for r in rows] == [("carol/second.ipynb", "error")]
    assert "newest of 2 submissions by this student" in rows[0].note


@pytest.mark.sandbox
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

    graders = Graders(1, Config("bwrap"))  # its own: the session's judges must live on

    def kill_the_worker():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            workers = list(graders._executor._processes)  # started on the first submission
            if workers:
                os.kill(workers[0], signal.SIGKILL)
                return
            time.sleep(0.05)

    killer = threading.Thread(target=kill_the_worker)
    killer.start()
    try:
        rows = grade_folder(
            "01-gradient-descent", subs, tmp_path / "grades" / "g.csv", 1, 180, quiet=True, graders=graders
        )
    finally:
        killer.join()
        graders.close()
    assert sorted(r.submission for r in rows) == ["alice.ipynb", "bob.ipynb"]
    assert all(r.status == "error" and "the grading worker stopped" in r.note for r in rows)
    assert not list((tmp_path / "grades" / ".cache").rglob("*.json"))


@pytest.mark.sandbox
def test_ctrl_c_stops_the_run_at_once_and_keeps_what_was_graded(tmp_path):
    """A TA's Ctrl-C: the run ends within seconds, with no process left behind, a message saying how
    to go on, and the rows graded so far in the gradebook (a rerun grades only the rest)."""
    import signal
    import subprocess
    import sys
    import time

    subs = tmp_path / "subs"
    subs.mkdir()
    reference = (examples_dir("01-gradient-descent") / "reference.ipynb").read_bytes()
    for k in range(12):  # enough that the run is still grading when the Ctrl-C comes (about 0.5 s each)
        (subs / f"student{k:02d}.ipynb").write_bytes(reference)
    book = tmp_path / "grades" / "g.csv"
    command = [sys.executable, "-m", "grading.grade", "01-gradient-descent", str(subs), "--out", str(book)]
    command += ["--jobs", "1"]
    run = subprocess.Popen(
        command,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        # a terminal's foreground command takes Ctrl-C even where this test runs in the background
        # (a non-interactive shell's `cmd &` ignores SIGINT, and a child would inherit that)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and (not book.exists() or len(book.read_text().splitlines()) < 2):
            time.sleep(0.1)
        assert len(book.read_text().splitlines()) == 2, "no submission was graded"
        os.killpg(run.pid, signal.SIGINT)  # what the terminal sends the whole foreground group
        stopped = time.monotonic()
        _, stderr = run.communicate(timeout=30)
        took = time.monotonic() - stopped
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
    said = re.search(r"interrupted: \d+ of 12 graded, rerun the same command to resume", stderr)
    assert run.returncode == 130 and said, stderr[-2000:]
    assert took < 10, f"the run took {took:.1f} s to stop"
    time.sleep(0.5)
    found = subprocess.run(["ps", "-o", "pid=,stat=,args=", "-g", str(run.pid)], capture_output=True, text=True).stdout
    left = [line for line in found.splitlines() if line.split()[1][0] != "Z"]  # a zombie runs nothing
    assert not left, f"processes left behind: {left}"
    assert len(book.read_text().splitlines()) >= 2


def test_a_cell_of_megabytes_is_left_out_and_the_rest_graded(tmp_path, grade):
    """A code cell over MAX_CELL_CHARS is never sent to the job (IPython alone would spend minutes
    preparing it): its note says so, and every answer in the other cells keeps its points."""
    nb = nbformat.read(examples_dir("01-gradient-descent") / "reference.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("data = [" + "0," * (MAX_CELL_CHARS // 2) + "]"))
    (tmp_path / "subs").mkdir()
    nbformat.write(nb, tmp_path / "subs" / "padded.ipynb")
    (row,) = grade("01-gradient-descent", tmp_path / "subs")
    assert row.score == row.max_score, row.note
    assert f"cell {len(nb.cells)} holds more than {MAX_CELL_CHARS:,} characters of code" in row.note, row.note
