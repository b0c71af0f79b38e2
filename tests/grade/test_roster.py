"""The roster (grading/grade/roster.py): the LMS's own exports read as they come, and each
submission tied to one student or, when that is not certain, to nobody and listed."""

from __future__ import annotations

import pytest

from grading.grade.roster import Student, match, read
from grading.grade.submissions import owner_of
from grading.judge.load import Submission

JOHN = Student("Smith, John", "S001", "jsmith", "john.smith@uni.edu", "12345", "A")
MARIA = Student("Maria García", "S002", "mgarcia", "mgarcia@uni.edu", "12346", "A")
LI = Student("Li Wei", "S003", "wli", "wei.li@uni.edu", "12347", "B")
LEE = Student("Li Lee", "S004", "llee", "lee.l@uni.edu", "12348", "B")


def _owners(tmp_path, *names):
    """Gradebook submission name -> owner, for files made under ``tmp_path``."""
    owners = {}
    for name in names:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}")
        owners[name] = owner_of(Submission(path, name))
    return owners


def test_folders_named_by_login_email_or_name_find_their_student(tmp_path):
    owners = _owners(
        tmp_path,
        "jsmith/hw.ipynb",  # a login
        "MGarcia@Uni.edu/03-trainer.ipynb",  # an email, another case
        "Wei, Li/03-trainer.ipynb",  # "Last, First"
        "Lee.L/03-trainer.ipynb",  # the email's local part
    )
    found = match(owners, [JOHN, MARIA, LI, LEE])
    assert found.by_submission == {
        "jsmith/hw.ipynb": JOHN,
        "MGarcia@Uni.edu/03-trainer.ipynb": MARIA,
        "Wei, Li/03-trainer.ipynb": LI,
        "Lee.L/03-trainer.ipynb": LEE,
    }
    assert found.unmatched == [] and found.missing == []


def test_names_match_in_the_forms_lms_downloads_write_them(tmp_path):
    owners = _owners(tmp_path, "smithjohn.ipynb", "garcia-maria/x.ipynb", "S003/x.ipynb")
    found = match(owners, [JOHN, MARIA, LI])
    assert found.by_submission == {"smithjohn.ipynb": JOHN, "garcia-maria/x.ipynb": MARIA, "S003/x.ipynb": LI}


def test_a_name_two_students_share_matches_nobody_and_is_listed(tmp_path):
    """ "jsmith" is John's login and Jane's email's local part: never guess which of them it is."""
    jane = Student("Jane Smith", "S005", "janes", "jsmith@mail.com", "12349", "B")
    owners = _owners(tmp_path, "J.Smith/03-trainer.ipynb", "wei, li/03-trainer.ipynb")
    found = match(owners, [JOHN, LI, jane, MARIA])
    assert found.by_submission == {"wei, li/03-trainer.ipynb": LI}
    assert found.unmatched == ["J.Smith/03-trainer.ipynb"]
    assert found.missing == [JOHN, jane, MARIA], "students without a submission are listed, in roster order"


def test_a_student_two_submissions_claim_gets_neither(tmp_path):
    owners = _owners(tmp_path, "jsmith/03-trainer.ipynb", "smithjohn_12345_67890_03-trainer.ipynb")
    found = match(owners, [JOHN, MARIA])
    assert found.by_submission == {}
    assert found.unmatched == sorted(owners) and found.missing == [JOHN, MARIA]


def test_canvas_downloads_match_the_canvas_user_id_only(tmp_path):
    # "jsmith" would match John's login, but a Canvas name is read for its user id alone
    owners = _owners(tmp_path, "jsmith_12346_1_03-trainer.ipynb", "smithjohn_99999_2_03-trainer.ipynb")
    found = match(owners, [JOHN, MARIA])
    assert found.by_submission == {"jsmith_12346_1_03-trainer.ipynb": MARIA}
    assert found.unmatched == ["smithjohn_99999_2_03-trainer.ipynb"] and found.missing == [JOHN]


CANVAS_EXPORT = (
    "Student,ID,SIS User ID,SIS Login ID,Section,03-trainer (501),Current Score,Final Score\n"
    "    Points Possible,,,,,17.00,(read only),(read only)\n"
    '"Smith, John",12345,S001,john.smith@uni.edu,A,15.00,88.24,88.24\n'
    '"García, Maria",12346,S002,mgarcia@uni.edu,A,,,\n'
    '"Student, Test",12399,,,A,,,\n'
)


def test_a_canvas_export_with_a_bom_and_a_points_possible_row_reads(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(CANVAS_EXPORT, encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert read(path) == [
        Student("Smith, John", "S001", "john.smith@uni.edu", "", "12345", "A"),
        Student("García, Maria", "S002", "mgarcia@uni.edu", "", "12346", "A"),
    ], "Canvas's ID is its user id; Points Possible and the test student are no students"


def test_a_canvas_export_with_semicolons_reads(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(CANVAS_EXPORT.replace(",", ";").replace("; ", ", "))  # as where a comma is the decimal sign
    assert [s.canvas_id for s in read(path)] == ["12345", "12346"]


def test_a_gradescope_roster_reads_its_students_not_its_staff(tmp_path):
    path = tmp_path / "gradescope.csv"
    path.write_text(
        "First Name,Last Name,SID,Email,Role,Sections\n"
        "John,Smith,S001,john.smith@uni.edu,Student,A\n"
        "Ada,Lovelace,,ada@uni.edu,Instructor,\n"
    )
    assert read(path) == [Student("Smith, John", "S001", "", "john.smith@uni.edu", "", "A")]


def test_a_simple_roster_reads_whatever_its_headers_case(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("NAME,Id,Login,E-mail,SECTION\nJohn Smith,S001,jsmith,x,A\n")
    assert read(path) == [Student("John Smith", "S001", "jsmith", "", "", "A")], "E-mail is no known column"


def test_a_roster_with_no_column_naming_a_student_says_which_columns_it_has(tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text("Team,Score,Section\nred,3,A\n")
    with pytest.raises(ValueError, match=r"scores\.csv.*columns found: Team, Score, Section"):
        read(path)


def test_a_roster_saved_in_another_encoding_says_so(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("Name,Email\nJosé Pérez,jp@uni.edu\n".encode("cp1252"))
    with pytest.raises(ValueError, match=r"excel\.csv: not UTF-8"):
        read(path)


def test_the_assignment_s_column_is_found_by_its_id_with_its_points(tmp_path):
    from grading.grade.roster import GradeColumn, grade_columns

    path = tmp_path / "export.csv"
    path.write_text(
        "Student;ID;SIS User ID;SIS Login ID;Section;03-trainer (123456);03-trainer-2 (9);03-trainers (8);Final Score\n"
        "    Points Possible;;;;;30,00;10,00;5,00;(read only)\n"
        "Smith, John;12345;S001;jsmith;A;;;;\n"
    )  # where a comma is the decimal sign
    assert grade_columns(path, "03-trainer") == [GradeColumn("03-trainer (123456)", 30.0)]
    assert grade_columns(path, "04-bce-classifier") == []
    simple = tmp_path / "simple.csv"
    simple.write_text("Name,Email,03-trainer\nJohn Smith,js@uni.edu,\n")
    assert grade_columns(simple, "03-trainer") is None, "not a Canvas export: no Canvas column to match"
