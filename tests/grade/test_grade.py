"""`make grade` through its command line, on what students really hand in: every file gets a row or a
reason, and no file name or broken file ends the run."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import zipfile

import nbformat
import pytest

from grading.bundle import read_autograder
from grading.layout import ROOT, autograder_zip, examples_dir

pytestmark = pytest.mark.sandbox  # `make grade` for real


AG = read_autograder(autograder_zip("01-gradient-descent"))
FULL, TOTAL = f"{AG.max_score:g}", f"{AG.total_points:g}"  # the tests' points; with the written questions'
CANVAS_EARLIER = "smithjohn_12345_67890_01-gradient-descent.ipynb"
CANVAS_LATER = "smithjohn_12345_67891_01-gradient-descent-1.ipynb"


def _notebook_with_extra_cell(source: str, start: str = "unanswered") -> str:
    nb = nbformat.read(examples_dir("01-gradient-descent") / f"{start}.ipynb", as_version=4)
    nb.cells.insert(4, nbformat.v4.new_code_cell(source))
    return nbformat.writes(nb)


def _as_another_front_end_saves_it(text: str) -> str:
    """Old nbformat minor version, no cell ids, a kernel the grader does not have, Colab metadata."""
    nb = json.loads(text)
    nb["nbformat_minor"] = 0
    nb["metadata"] = {
        "kernelspec": {"name": "conda-env-torch-py", "display_name": "torch"},
        "colab": {"provenance": []},
        "otter": nb["metadata"].get("otter", {}),
    }
    for cell in nb["cells"]:
        cell.pop("id", None)
    return json.dumps(nb)


@pytest.fixture(scope="module")
def messy_class(tmp_path_factory):
    """A class folder with what students really hand in, graded once through `make grade`."""
    folder = tmp_path_factory.mktemp("submissions")
    reference = (examples_dir("01-gradient-descent") / "reference.ipynb").read_text()
    (folder / "alice.ipynb").write_text(reference)
    (folder / "bob").mkdir()
    unanswered = (examples_dir("01-gradient-descent") / "unanswered.ipynb").read_text()
    (folder / "bob" / "Untitled (3).ipynb").write_text(unanswered)  # wrong file name, in a folder
    with zipfile.ZipFile(folder / "carol.zip", "w") as zf:  # an otter export
        zf.writestr("01-gradient-descent.ipynb", reference)
        zf.writestr(".OTTER_LOG", b"")
    (folder / "dave.ipynb").write_text(reference[: len(reference) // 2])  # truncated upload
    (folder / "erin.ipynb").write_text("")
    (folder / "frank.ipynb").write_text(
        _notebook_with_extra_cell(  # crashes its process, then answers well
            "import faulthandler\nfaulthandler._sigsegv()", start="reference"
        )
    )
    (folder / "gina.ipynb").write_text(_as_another_front_end_saves_it(reference))
    (folder / "hank.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()))  # valid, but no cells
    (folder / "ivan.ipynb").write_text((examples_dir("02-tensors") / "unanswered.ipynb").read_text())
    forged = json.loads(unanswered)
    forged["metadata"]["otter"]["assignment_name"] = "TA: the grader lost this work, enter 17 by hand\nREVIEW: ok"
    (folder / "jack.ipynb").write_text(json.dumps(forged))
    odd = json.loads(unanswered)
    odd["cells"][3]["source"] = 17
    (folder / "kate.ipynb").write_text(json.dumps(odd))
    (folder / "=2+5.ipynb").write_text(unanswered)  # a spreadsheet would run it as a formula
    (folder / "a11_x;=1+1;.ipynb").write_text(unanswered)  # so would one that splits fields on ";"
    (folder / ("l" * 249 + ".ipynb")).write_text(reference)  # the longest name a file can have: 255 bytes
    with zipfile.ZipFile(folder / "nia_2024_13_45T99_99_99_0.zip", "w") as zf:  # month 13
        zf.writestr("01-gradient-descent.ipynb", reference)
    (folder / "lena.ipynb").symlink_to(examples_dir("01-gradient-descent") / "reference.ipynb")  # the reference
    (folder / "mia").symlink_to(examples_dir("01-gradient-descent"), target_is_directory=True)
    (folder / "notes.txt").write_text("not a submission")
    (folder / CANVAS_EARLIER).write_text(unanswered)  # Canvas's download names: a resubmission, renamed "-1"
    (folder / CANVAS_LATER).write_text(reference)
    os.utime(folder / CANVAS_EARLIER, (1_700_000_000, 1_700_000_000))
    grades = tmp_path_factory.mktemp("grades")
    roster = grades.parent / "roster.csv"  # outside the submissions: a roster is no submission
    students = ["Alice Adams,alice,aa@uni.edu,", "Bob Brown,bob,bb@uni.edu,", "Zed Zane,zed,zz@uni.edu,"]
    students.append("John Smith,jsmith,js@uni.edu,12345")
    roster.write_text("\n".join(["Name,Login,Email,Canvas User ID", *students]) + "\n")
    result = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "grade",
            "ASSIGNMENT=01-gradient-descent",
            f"SUBMISSIONS={folder}",
            f"GRADES={grades}",
            "JOBS=2",
            f"ROSTER={roster}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    with open(grades / "01-gradient-descent.csv", newline="") as f:
        rows = {row["submission"]: row for row in csv.DictReader(f)}
    return rows, result.stdout, grades


def test_gradebook_has_the_promised_columns(messy_class):
    rows, _, _ = messy_class
    first = next(iter(rows.values()))
    assert list(first)[:8] == ["submission", "student", "sis_id", "email", "section", "status", "score", "max_score"]
    assert list(first)[8:] == ["q1", "q2", "q3", "q4", "q5", "q6", *(q.name for q in AG.written), "note"]


def test_every_submission_gets_one_row(messy_class):
    rows, stdout, _ = messy_class
    assert set(rows) == {
        "alice.ipynb",
        "bob/Untitled (3).ipynb",
        "carol.zip",
        "dave.ipynb",
        "erin.ipynb",
        "frank.ipynb",
        "gina.ipynb",
        "hank.ipynb",
        "ivan.ipynb",
        "jack.ipynb",
        "kate.ipynb",
        "'=2+5.ipynb",
        "'a11_x;=1+1;.ipynb",
        "l" * 249 + ".ipynb",
        "nia_2024_13_45T99_99_99_0.zip",
        CANVAS_LATER,
    }
    assert "skipped notes.txt" in stdout
    assert "skipped lena.ipynb: a symbolic link, not followed" in stdout and "skipped mia: a symbolic link" in stdout
    assert "16 submissions" in stdout


def test_no_file_name_ends_the_run(messy_class):
    """A name of 255 bytes still gets its feedback (under a shortened name), an impossible date its
    row and a note, and the report is written: nobody's feedback is lost to one odd name."""
    rows, _, grades = messy_class
    long_name = "l" * 249 + ".ipynb"
    assert rows[long_name]["score"] == "17"
    assert "not a real date: its file time was used" in rows["nia_2024_13_45T99_99_99_0.zip"]["note"]
    assert rows["nia_2024_13_45T99_99_99_0.zip"]["score"] == "17"
    feedback = list((grades / "01-gradient-descent-feedback").glob("l*.txt"))
    assert len(feedback) == 1 and len(feedback[0].name.encode()) <= 200
    assert (grades / "01-gradient-descent-report.html").is_file()


@pytest.mark.parametrize(
    "name, score",
    [
        ("alice.ipynb", "17"),
        ("bob/Untitled (3).ipynb", "0"),
        ("carol.zip", "17"),
        ("gina.ipynb", "17"),
        ("hank.ipynb", "0"),
    ],
)
def test_any_file_name_or_wrapping_is_graded(messy_class, name, score):
    rows, _, _ = messy_class
    assert rows[name]["status"] == "graded" and rows[name]["score"] == score and rows[name]["max_score"] == TOTAL


@pytest.mark.parametrize(
    "name, reason",
    [
        ("dave.ipynb", "invalid JSON (line"),
        ("erin.ipynb", "empty"),
        ("ivan.ipynb", "the notebook of 02-tensors, not 01-gradient-descent"),
        ("jack.ipynb", "the notebook of another assignment, not 01-gradient-descent"),
        ("kate.ipynb", "cell 4 is not a notebook cell"),
    ],
)
def test_broken_files_get_an_error_row_with_the_reason(messy_class, name, reason):
    rows, _, _ = messy_class
    assert rows[name]["status"] == "error" and rows[name]["score"] == "0"
    assert reason in rows[name]["note"]


def test_a_crashing_cell_is_left_out_and_the_rest_graded(messy_class):
    rows, _, _ = messy_class
    assert rows["frank.ipynb"]["status"] == "error" and rows["frank.ipynb"]["score"] == "17"
    assert "cell 5 ended the notebook's process (it crashed or exited) and was left out" in rows["frank.ipynb"]["note"]


def test_no_note_quotes_a_submission(messy_class):
    rows, _, _ = messy_class
    assert '"cells"' not in rows["dave.ipynb"]["note"] and "{" not in rows["dave.ipynb"]["note"]
    assert "17" not in rows["jack.ipynb"]["note"] and "REVIEW" not in rows["jack.ipynb"]["note"]


def test_the_run_writes_a_report_and_feedback(messy_class):
    _, stdout, grades = messy_class
    assert (grades / "01-gradient-descent-report.html").is_file()
    assert "report:" in stdout and "01-gradient-descent-report.html" in stdout
    text = (grades / "01-gradient-descent-feedback" / "bob" / "Untitled (3).ipynb.txt").read_text()
    assert f"Score: 0 / {TOTAL}" in text and "q1 - 1 (" in text and "hidden tests: 0 of" in text


def test_the_roster_ties_rows_to_students_and_writes_the_lms_files(messy_class):
    """With ROSTER, the gradebook names each student; Canvas's file lists every roster student (an
    empty cell for one who handed nothing in) and Gradescope's the students with a score."""
    rows, stdout, grades = messy_class
    assert rows["alice.ipynb"]["student"] == "Alice Adams" and rows["bob/Untitled (3).ipynb"]["email"] == "bb@uni.edu"
    assert rows["carol.zip"]["student"] == ""
    with open(grades / "01-gradient-descent-canvas.csv", newline="") as f:
        canvas = {row["Student"]: row["01-gradient-descent"] for row in csv.DictReader(f)}
    assert canvas == {
        "Points Possible": TOTAL,  # the written points are posted once a TA has graded them
        "Alice Adams": "17",
        "Bob Brown": "0",
        "Zed Zane": "",
        "John Smith": "17",
    }
    with open(grades / "01-gradient-descent-gradescope.csv", newline="") as f:
        scores = {row["Email"]: row["Total Score"] for row in csv.DictReader(f)}
    assert scores == {"aa@uni.edu": "17", "bb@uni.edu": "0", "js@uni.edu": "17"}
    assert rows[CANVAS_LATER]["student"] == "John Smith" and "newest of 2" in rows[CANVAS_LATER]["note"]
    assert "no roster student for carol.zip" in stdout and "1 roster students handed nothing in" in stdout


def test_an_endless_loop_on_every_run_times_out(tmp_path, grade):
    """A loop that ignores its interruption: the job is killed, run again without the cell, and the
    rest graded; the row says so."""
    (tmp_path / "subs").mkdir()
    loop = "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass"
    (tmp_path / "subs" / "loop.ipynb").write_text(_notebook_with_extra_cell(loop, start="reference"))
    rows = grade("01-gradient-descent", tmp_path / "subs", timeout_s=4)
    assert [(r.status, r.score) for r in rows] == [("timeout", 17.0)]
    assert "cell 5 ran out of time and was left out" in rows[0].note
