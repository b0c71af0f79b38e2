"""Files the LMS imports with no edit (grading/outputs/lms.py): a class downloaded from Canvas,
graded, and its scores written back by student for Canvas and for Gradescope."""

from __future__ import annotations

import csv

from grading.grade.roster import Student, match, read
from grading.grade.submissions import collect, keep_newest, owner_of
from grading.judge.outcome import Row, Status
from grading.outputs.lms import student_columns, write_canvas, write_gradescope

ROSTER = (
    "Student,ID,SIS User ID,SIS Login ID,Section,01-gradient-descent (500),Current Score\n"
    "    Points Possible,,,,,17.00,(read only)\n"
    '"Smith, John",12345,S001,john.smith@uni.edu,A,17.00,100\n'
    '"Doe, Jane",12346,S002,jane.doe@uni.edu,B,12.00,70.59\n'
    '"Roe, Rick",12347,S003,rroe,B,,\n'
)
FILES = [
    "smithjohn_12345_67890_03-trainer.ipynb",
    "smithjohn_12345_67891_03-trainer-1.ipynb",  # John's resubmission: the one graded
    "doejane_LATE_12346_67895_03-trainer.ipynb",
    "nobody_99999_67899_03-trainer.ipynb",  # dropped the course: on no roster
]


def _graded_canvas_class(tmp_path):
    """The class folder as Canvas's "Download Submissions" gives it, collected as ``make grade``
    does, with rows as the judge would write them."""
    folder = tmp_path / "submissions"
    folder.mkdir()
    for name in FILES:
        (folder / name).write_text("{}")
    kept, skipped, _ = keep_newest(collect(folder)[0])
    assert [s.path.name for s in skipped] == ["smithjohn_12345_67890_03-trainer.ipynb"]
    roster = tmp_path / "export.csv"
    roster.write_text(ROSTER, encoding="utf-8-sig")
    matches = match({s.name: owner_of(s) for s in kept}, read(roster))
    scores = {"smithjohn_12345_67891_03-trainer-1.ipynb": 15.5, "doejane_LATE_12346_67895_03-trainer.ipynb": 9}
    scores["nobody_99999_67899_03-trainer.ipynb"] = 3
    rows = [Row(name, Status.GRADED, score, 17, {"q1": score}) for name, score in scores.items()]
    return matches, rows


def _read(path):
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return reader.fieldnames, list(reader)


def test_a_canvas_class_goes_back_to_canvas_by_student(tmp_path):
    matches, rows = _graded_canvas_class(tmp_path)
    assert matches.unmatched == ["nobody_99999_67899_03-trainer.ipynb"]
    assert [s.name for s in matches.missing] == ["Roe, Rick"]
    out = tmp_path / "canvas.csv"
    write_canvas(out, "03-trainer", 17, matches, rows)
    head, lines = _read(out)
    # Canvas's importer: "Student" then "ID" first, "Section" the last column before the assignments
    assert head == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "03-trainer"]
    assert lines[0] == dict(zip(head, ["Points Possible", "", "", "", "", "17"]))
    assert [(line["Student"], line["ID"], line["SIS User ID"], line["03-trainer"]) for line in lines[1:]] == [
        ("Doe, Jane", "12346", "S002", "9"),
        ("Roe, Rick", "12347", "S003", ""),  # no submission: an empty cell, which Canvas leaves alone
        ("Smith, John", "12345", "S001", "15.5"),
    ]
    assert ",15.5\n" in out.read_text() and ',""\n' in out.read_text(), "scores are numbers, unquoted"


def test_a_canvas_class_goes_to_gradescope_by_email(tmp_path):
    matches, rows = _graded_canvas_class(tmp_path)
    out = tmp_path / "gradescope.csv"
    write_gradescope(out, matches, rows, bom=True)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(out, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == ["Name", "SID", "Email", "Total Score"]
        assert list(reader) == [
            {"Name": "Doe, Jane", "SID": "S002", "Email": "jane.doe@uni.edu", "Total Score": "9"},
            {"Name": "Smith, John", "SID": "S001", "Email": "john.smith@uni.edu", "Total Score": "15.5"},
        ], "one row per matched student; the Canvas login is the email Gradescope matches on"


def test_the_grader_s_own_failure_posts_no_score(tmp_path):
    matches, rows = _graded_canvas_class(tmp_path)
    rows[0] = Row(rows[0].submission, Status.ERROR, 0, 17, {}, ["grader could not start"], cacheable=False)
    write_canvas(tmp_path / "canvas.csv", "03-trainer", 17, matches, rows)
    write_gradescope(tmp_path / "gradescope.csv", matches, rows)
    canvas = {line["Student"]: line["03-trainer"] for line in _read(tmp_path / "canvas.csv")[1][1:]}
    assert canvas == {"Doe, Jane": "9", "Roe, Rick": "", "Smith, John": ""}
    assert [line["Name"] for line in _read(tmp_path / "gradescope.csv")[1]] == ["Doe, Jane"]


def test_a_name_that_is_a_formula_is_neutralised(tmp_path):
    student = Student("=HYPERLINK(1)", "S9", "x", "x@uni.edu", "1", "A")
    matches, rows = _graded_canvas_class(tmp_path)
    matches.missing.append(student)
    write_canvas(tmp_path / "canvas.csv", "03-trainer", 17, matches, rows)
    names = [line["Student"] for line in _read(tmp_path / "canvas.csv")[1]]
    assert "'=HYPERLINK(1)" in names and "=HYPERLINK(1)" not in names


def test_student_columns_name_who_handed_a_submission_in(tmp_path):
    matches, _ = _graded_canvas_class(tmp_path)
    assert student_columns(matches, "doejane_LATE_12346_67895_03-trainer.ipynb") == [
        "Doe, Jane",
        "S002",
        "jane.doe@uni.edu",
        "B",
    ]
    assert student_columns(matches, "nobody_99999_67899_03-trainer.ipynb") == ["", "", "", ""]


def test_the_canvas_column_is_the_roster_s_own_scaled_to_its_points(tmp_path):
    from grading.grade.roster import GradeColumn
    from grading.outputs.lms import canvas_target

    target = canvas_target("03-trainer", 17, [GradeColumn("03-trainer (501)", 34.0)])
    assert (target.title, target.points, target.scale) == ("03-trainer (501)", 34.0, 2.0)
    assert "scaled by 34/17" in target.notes[0]
    matches, rows = _graded_canvas_class(tmp_path)
    write_canvas(tmp_path / "c.csv", target.title, target.points, matches, rows, scale=target.scale)
    head, lines = _read(tmp_path / "c.csv")
    assert head[-1] == "03-trainer (501)" and lines[0]["03-trainer (501)"] == "34"
    assert {line["Student"]: line["03-trainer (501)"] for line in lines[1:]} == {
        "Doe, Jane": "18",
        "Roe, Rick": "",
        "Smith, John": "31",
    }


def test_a_canvas_column_that_cannot_be_told_apart_is_said(tmp_path):
    from grading.grade.roster import GradeColumn
    from grading.outputs.lms import canvas_target

    both = [GradeColumn("03-trainer (501)", 17.0), GradeColumn("03-trainer: bonus (502)", 5.0)]
    assert canvas_target("03-trainer", 17, both) == canvas_target("03-trainer", 17, both[:1])  # the exact title
    twins = [GradeColumn("03-trainer (501)", 17.0), GradeColumn("03-trainer (502)", 17.0)]
    for columns, said in [(twins, "several columns"), ([], "no column")]:
        target = canvas_target("03-trainer", 17, columns)
        assert (target.title, target.scale) == ("03-trainer", 1.0) and said in target.notes[0]
    no_points = canvas_target("03-trainer", 17, [GradeColumn("03-trainer (501)", None)])
    assert (no_points.title, no_points.points, no_points.scale) == ("03-trainer (501)", 17, 1.0)
    assert canvas_target("03-trainer", 17, None).notes == (), "a roster that is no Canvas export says nothing"


def test_an_unreadable_file_posts_nothing_and_missing_emails_are_said(tmp_path):
    from grading.outputs.lms import gradescope_notes

    matches, rows = _graded_canvas_class(tmp_path)
    blank = {"doejane_LATE_12346_67895_03-trainer.ipynb"}
    write_canvas(tmp_path / "canvas.csv", "03-trainer", 17, matches, rows, blank=blank)
    write_gradescope(tmp_path / "gradescope.csv", matches, rows, blank=blank)
    canvas = {line["Student"]: line["03-trainer"] for line in _read(tmp_path / "canvas.csv")[1][1:]}
    assert canvas == {"Doe, Jane": "", "Roe, Rick": "", "Smith, John": "15.5"}
    assert [line["Name"] for line in _read(tmp_path / "gradescope.csv")[1]] == ["Smith, John"]
    assert gradescope_notes(matches, rows) == []
    no_email = [Row(r.submission, r.status, r.score, 17) for r in rows]
    matches.by_submission["doejane_LATE_12346_67895_03-trainer.ipynb"] = Student("Doe, Jane", "S002", "jdoe")
    (said,) = gradescope_notes(matches, no_email)
    assert said.startswith("1 of the 2 students in the Gradescope file have no email")
