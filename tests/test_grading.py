"""`make grade` through the real pipeline: otter run in the sandbox, on real notebooks."""

from __future__ import annotations

import csv
import json
import subprocess
import zipfile

import nbformat
import pytest

from grading.assignments import ROOT, examples_dir
from grading.grade import grade_folder


def test_reference_scores_full_marks(assignment, graded_examples):
    row = graded_examples(assignment)["reference.ipynb"]
    assert row.status == "graded", row.note
    assert row.score == row.max_score > 0
    assert all(score > 0 for score in row.questions.values())


def test_unanswered_scores_zero_on_every_question(assignment, graded_examples):
    row = graded_examples(assignment)["unanswered.ipynb"]
    assert row.status == "graded", row.note
    assert row.questions and all(score == 0 for score in row.questions.values()), row.questions


def _notebook_with_extra_cell(source: str) -> str:
    nb = nbformat.read(examples_dir("01-gradient-descent") / "unanswered.ipynb", as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell(source))
    return nbformat.writes(nb)


def _as_another_front_end_saves_it(text: str) -> str:
    """Old nbformat minor version, no cell ids, a kernel the grader does not have, Colab metadata."""
    nb = json.loads(text)
    nb["nbformat_minor"] = 0
    nb["metadata"] = {"kernelspec": {"name": "conda-env-torch-py", "display_name": "torch"},
                      "colab": {"provenance": []}}
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
    (folder / "frank.ipynb").write_text(_notebook_with_extra_cell(  # crashes its kernel
        "import faulthandler\nfaulthandler._sigsegv()"))
    (folder / "gina.ipynb").write_text(_as_another_front_end_saves_it(unanswered))
    (folder / "hank.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()))  # valid, but no cells
    (folder / "ivan.ipynb").write_text((examples_dir("02-tensors") / "unanswered.ipynb").read_text())
    (folder / "notes.txt").write_text("not a submission")
    grades = tmp_path_factory.mktemp("grades")
    result = subprocess.run(
        ["make", "--no-print-directory", "grade", "ASSIGNMENT=01-gradient-descent", f"SUBMISSIONS={folder}",
         f"GRADES={grades}", "JOBS=2"], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    with open(grades / "01-gradient-descent.csv", newline="") as f:
        rows = {row["submission"]: row for row in csv.DictReader(f)}
    return rows, result.stdout


def test_gradebook_has_the_promised_columns(messy_class):
    rows, _ = messy_class
    first = next(iter(rows.values()))
    assert list(first)[:4] == ["submission", "status", "score", "max_score"]
    assert list(first)[4:10] == ["q1", "q2", "q3", "q4", "q5", "q6"]


def test_every_submission_gets_one_row(messy_class):
    rows, stdout = messy_class
    assert set(rows) == {"alice.ipynb", "bob/Untitled (3).ipynb", "carol.zip", "dave.ipynb", "erin.ipynb",
                         "frank.ipynb", "gina.ipynb", "hank.ipynb", "ivan.ipynb"}
    assert "skipped notes.txt" in stdout
    assert "9 submissions" in stdout


@pytest.mark.parametrize("name, score", [("alice.ipynb", "17"), ("bob/Untitled (3).ipynb", "0"), ("carol.zip", "17"),
                                         ("gina.ipynb", "0"), ("hank.ipynb", "0")])
def test_any_file_name_or_wrapping_is_graded(messy_class, name, score):
    rows, _ = messy_class
    assert rows[name]["status"] == "graded" and rows[name]["score"] == score and rows[name]["max_score"] == "17"


@pytest.mark.parametrize("name, reason", [("dave.ipynb", "invalid JSON"), ("erin.ipynb", "empty"),
                                          ("ivan.ipynb", "the notebook of 02-tensors, not 01-gradient-descent")])
def test_broken_files_get_an_error_row_with_the_reason(messy_class, name, reason):
    rows, _ = messy_class
    assert rows[name]["status"] == "error" and rows[name]["score"] == "0"
    assert reason in rows[name]["note"]


def test_a_notebook_that_crashes_its_kernel_is_an_error_with_the_reason(messy_class):
    rows, _ = messy_class
    assert rows["frank.ipynb"]["status"] == "error" and rows["frank.ipynb"]["score"] == "0"
    assert "kernel died" in rows["frank.ipynb"]["note"]


def test_an_endless_loop_times_out(tmp_path):
    (tmp_path / "subs").mkdir()
    (tmp_path / "subs" / "loop.ipynb").write_text(_notebook_with_extra_cell("while True:\n    pass"))
    rows = grade_folder("01-gradient-descent", tmp_path / "subs", tmp_path / "g.csv", jobs=1, timeout_s=20,
                        quiet=True)
    assert [(r.status, r.score) for r in rows] == [("timeout", 0.0)]
    assert "20 s" in rows[0].note
