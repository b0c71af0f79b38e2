"""Grades as files the LMS imports with no edit: one row per student, keyed the way each LMS
finds its students, written like the gradebook (``write_table``: atomic, formulas neutralised)."""

from __future__ import annotations

from pathlib import Path

from ..grade.roster import Matches, Student
from ..judge.outcome import Row
from .gradebook import number_cell, write_table

# Canvas's gradebook importer wants these first, in this order, the last one "Section"; it finds
# each student by "ID" (Canvas's user id), else "SIS User ID", else "SIS Login ID", else the name.
CANVAS_STUDENT_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
GRADESCOPE_COLUMNS = ["Name", "SID", "Email", "Total Score"]


def _email(student: Student) -> str:
    """The student's email; a Canvas export has none, but its login often is one."""
    return student.email or (student.login if "@" in student.login else "")


def _scores(matches: Matches, rows: list[Row]) -> dict[Student, int | float]:
    """Each matched student's score. A row that reports the grader's own failure gives none: the
    LMS must not record a zero the student did not earn."""
    by_name = {row.submission: row for row in rows}
    return {
        student: number_cell(by_name[name].score)
        for name, student in matches.by_submission.items()
        if name in by_name and by_name[name].cacheable
    }


def _order(student: Student) -> tuple[str, ...]:
    return (student.name.casefold(), student.canvas_id, student.sis_id, student.login, student.email)


def write_canvas(
    path: Path, assignment: str, points: float, matches: Matches, rows: list[Row], bom: bool = False
) -> None:
    """A file for Canvas's Gradebook "Import": the student columns, then one column named
    ``assignment`` (Canvas updates the assignment of that title, or creates it; "Title (123)"
    names Canvas assignment 123), its "Points Possible" row, and one row per roster student.
    A student without a score gets an empty cell, never 0, so Canvas records nothing for them."""
    scores = _scores(matches, rows)
    students = sorted([*matches.by_submission.values(), *matches.missing], key=_order)
    body = [["Points Possible", "", "", "", "", number_cell(points)]]
    body += [[s.name, s.canvas_id, s.sis_id, s.login, s.section, scores.get(s, "")] for s in students]
    write_table(path, [*CANVAS_STUDENT_COLUMNS, assignment], body, bom)


def write_gradescope(path: Path, matches: Matches, rows: list[Row], bom: bool = False) -> None:
    """A file in the columns of Gradescope's roster and grade export (Name, SID, Email, Total
    Score): one row per matched student with a score; Gradescope knows its students by email."""
    scores = _scores(matches, rows)
    body = [[s.name, s.sis_id, _email(s), scores[s]] for s in sorted(scores, key=_order)]
    write_table(path, GRADESCOPE_COLUMNS, body, bom)


def student_columns(matches: Matches, submission: str) -> list[str]:
    """The gradebook's columns about who handed ``submission`` in: name, SIS id, email, section
    (empty when no roster student matched it)."""
    student = matches.by_submission.get(submission)
    return [student.name, student.sis_id, _email(student), student.section] if student else ["", "", "", ""]
