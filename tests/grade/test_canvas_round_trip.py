"""A Canvas round trip with no hand edits (issue 29): a class as Canvas's "Download Submissions"
names it (accents in NFC and NFD, ``_LATE_``, a "-1" resubmission, a cut-off upload), a Canvas
gradebook export as the roster, graded by ``ClassRun`` with a stand-in judge (no notebook is run:
each test notebook carries the score the judge gives it), and the Canvas import file checked row by
row against what those inputs say it must hold."""

from __future__ import annotations

import csv
import unicodedata
from concurrent.futures import Future

import nbformat
import pytest

from grading.bundle import read_autograder
from grading.grade.run import ClassRun
from grading.judge.load import InvalidSubmission, load_notebook
from grading.judge.outcome import Row, Status, failed
from grading.layout import autograder_zip
from grading.outputs.lms import BLANK_NOTE

ASSIGNMENT, CANVAS_ID, CANVAS_POINTS = "03-trainer", "123456", 30
TOTAL = read_autograder(autograder_zip(ASSIGNMENT)).total_points  # the tests' 24 and the written questions'

# name, Canvas user id, SIS id, login, section, then the uploads: (attachment id, file, late, form, score)
# (score None: a cut-off upload). Canvas numbers attachments in upload order.
CLASS = [
    ("Smith, John", "101001", "S1", "john.smith@uni.edu", "A",
     [(7001, "03-trainer.ipynb", False, "NFC", 10), (7050, "03-trainer-1.ipynb", False, "NFC", 19)]),
    ("Peña, José", "101003", "S3", "jpena", "A", [(7003, "03-trainer.ipynb", False, "NFC", 20)]),
    ("Müller, Jürgen", "101013", "S13", "jmuller", "B", [(7013, "03-trainer.ipynb", True, "NFD", 24)]),
    ("Núñez, María José", "101006", "S6", "mnunez", "B",
     [(7002, "03-trainer.ipynb", False, "NFD", 5), (7060, "03-trainer-1.ipynb", True, "NFD", 17)]),
    ("Ødegård, Åse", "101004", "S4", "aodegard", "A", [(7004, "03-trainer.ipynb", False, "NFC", None)]),
    ("O'Brien-Smith, Seán", "101007", "S7", "sobrien", "B", [(7007, "trainer (2).ipynb", False, "NFC", 13)]),
    ("Doe, Jane", "101005", "S5", "jdoe", "A", []),
]  # fmt: skip
DROPPED = ("Gone, Gary", "109999", [(7099, "03-trainer.ipynb", False, "NFC", 9)])  # on no roster


def canvas_download_name(sortable_name: str, user_id: str, attachment: int, file: str, late: bool, form: str) -> str:
    """The name Canvas's ContentZipper gives an upload: the sortable name lower-cased with every
    non-word character dropped (letters and their marks stay), "LATE" when late, the user id, the
    attachment id and the file's own name; ``form`` is how the file system hands the name back."""
    name = unicodedata.normalize(form, sortable_name).lower()
    name = "".join(c for c in name if c.isalnum() or c == "_" or unicodedata.category(c).startswith("M"))
    return "_".join([name, *(["LATE"] if late else []), user_id, str(attachment), file])


def _notebook(score: float) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(f"answer = {score}  # worth {score}")]
    nb.metadata["stand_in_score"] = score
    return nbformat.writes(nb)


class StandInJudge:
    """Grades as the judge would where it matters here: a file that is no notebook gets the judge's
    own error row (``load_notebook``'s reason), any other the score its metadata carries."""

    def submit(self, sub, autograder, limits) -> Future:
        future: Future = Future()
        questions = {"q1": 24.0}
        try:
            score = float(load_notebook(sub.path).metadata["stand_in_score"])
            future.set_result(Row(sub.name, Status.GRADED, score, 24.0, {"q1": score}))
        except InvalidSubmission as e:
            future.set_result(failed(sub.name, questions, Status.ERROR, str(e)))
        return future


@pytest.fixture
def canvas_class(tmp_path):
    """The download folder and the gradebook export, as Canvas gives them."""
    folder = tmp_path / "submissions"
    folder.mkdir()
    for name, user_id, *_, uploads in [*CLASS, (DROPPED[0], DROPPED[1], "", "", "", DROPPED[2])]:
        for attachment, file, late, form, score in uploads:
            path = folder / canvas_download_name(name, user_id, attachment, file, late, form)
            path.write_text(_notebook(score) if score is not None else _notebook(0)[:70])  # cut off mid-upload
    roster = tmp_path / "export.csv"
    lines = [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "01-gradient-descent (123400)",
         f"{ASSIGNMENT} ({CANVAS_ID})", "Current Score", "Final Score"],
        ["    Points Possible", "", "", "", "", "17.00", f"{CANVAS_POINTS:.2f}", "(read only)", "(read only)"],
        *([name, uid, sis, login, section, "", "", "", ""] for name, uid, sis, login, section, _ in CLASS),
        ["Student, Test", "101099", "", "", "A", "", "", "", ""],
    ]  # fmt: skip
    with open(roster, "w", newline="", encoding="utf-8-sig") as f:
        csv.writer(f).writerows(lines)
    return folder, roster


def _grade(folder, roster, out, **options):
    run = ClassRun(
        ASSIGNMENT,
        folder,
        out,
        1,
        60,
        quiet=False,
        sandbox_mode="off",
        graders=StandInJudge(),
        roster=roster,
        **options,
    )
    return run, run.finish()


def _expected_cell(uploads, error_as_zero=False) -> str:
    """What Canvas must receive for one student: the newest upload's score scaled to Canvas's points,
    nothing for no upload, and for a cut-off one nothing (or 0 when asked)."""
    if not uploads:
        return ""
    score = max(uploads)[4]
    if score is None:
        return "0" if error_as_zero else ""
    return f"{round(score * CANVAS_POINTS / TOTAL, 2):g}"


def _read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


@pytest.mark.parametrize("error_as_zero", [False, True])
def test_a_canvas_download_goes_back_to_canvas_with_no_edit(canvas_class, tmp_path, capsys, error_as_zero):
    folder, roster = canvas_class
    out = tmp_path / "grades" / f"{ASSIGNMENT}.csv"
    run, rows = _grade(folder, roster, out, error_as_zero=error_as_zero)
    canvas = _read(run.outputs.canvas)
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", f"{ASSIGNMENT} ({CANVAS_ID})"]
    assert canvas[1] == ["Points Possible", "", "", "", "", str(CANVAS_POINTS)]
    expected = [
        [name, uid, sis, login, section, _expected_cell(uploads, error_as_zero)]
        for name, uid, sis, login, section, uploads in sorted(CLASS, key=lambda s: s[0].casefold())
    ]
    assert canvas[2:] == expected, "every roster student once, by Canvas user id, scaled to 30 points"
    assert [line[5] for line in expected].count("") == (1 if error_as_zero else 2), "the test covers both cases"

    said = capsys.readouterr().out
    assert f"{ASSIGNMENT} ({CANVAS_ID}) is worth 30 points, the autograder {TOTAL:g}" in said
    report = run.outputs.report.read_text()
    assert f"scaled by 30/{TOTAL:g}" in report and f"scaled by 30/{TOTAL:g}" in said
    cut_off = next(r for r in rows if r.status == Status.ERROR)
    assert (BLANK_NOTE in cut_off.note) != error_as_zero
    assert "no roster student for " + canvas_download_name(*DROPPED[:2], *DROPPED[2][0][:2], False, "NFC") in said


def test_the_students_file_has_the_row_that_counts_and_its_files(canvas_class, tmp_path):
    folder, roster = canvas_class
    run, _ = _grade(folder, roster, tmp_path / "grades" / f"{ASSIGNMENT}.csv")
    with open(run.outputs.folder / f"{ASSIGNMENT}-students.csv", newline="", encoding="utf-8") as f:
        by_student = {line["student"]: line for line in csv.DictReader(f)}
    for name, uid, *_, uploads in CLASS:
        line = by_student.pop(name)
        names = [canvas_download_name(name, uid, a, file, late, form) for a, file, late, form, _ in uploads]
        newest_first = [n for _, n in sorted(zip(uploads, names), reverse=True)]
        assert line["canvas_id"] == uid and line["submission"] == (newest_first[0] if uploads else "")
        assert line["files"] == "; ".join(newest_first)
        assert line["canvas_score"] == _expected_cell(uploads)
    (unmatched,) = by_student.values()  # the dropped student's file, with no student
    assert unmatched["student"] == "" and unmatched["files"].startswith("gonegary_109999_")


def test_the_gradebook_names_every_accented_student(canvas_class, tmp_path):
    """Before, the names' accents made Canvas's names unreadable: three graded students had empty
    cells and were listed as handing nothing in."""
    folder, roster = canvas_class
    run, _ = _grade(folder, roster, tmp_path / "grades" / f"{ASSIGNMENT}.csv")
    assert [s.name for s in run.matches.missing] == ["Doe, Jane"]
    with open(run.out, newline="", encoding="utf-8") as f:
        named = {line["student"] for line in csv.DictReader(f)}
    assert named == {name for name, *_, uploads in CLASS if uploads} | {""}
