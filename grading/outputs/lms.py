"""Grades as files the LMS imports with no edit: one row per student, keyed the way each LMS
finds its students, written like the gradebook (``write_table``: atomic, formulas neutralised)."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from ..grade.roster import GradeColumn, Matches, Student
from ..judge.outcome import Row
from .gradebook import number_cell, write_table

# Canvas's gradebook importer wants these first, in this order, the last one "Section"; it finds
# each student by "ID" (Canvas's user id), else "SIS User ID", else "SIS Login ID", else the name.
CANVAS_STUDENT_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
GRADESCOPE_COLUMNS = ["Name", "SID", "Email", "Total Score"]


def _email(student: Student) -> str:
    """The student's email; a Canvas export has none, but its login often is one."""
    return student.email or (student.login if "@" in student.login else "")


# A row's note when its file could not be read and the LMS files leave its cell empty.
BLANK_NOTE = "no score in the LMS files (an empty cell, not 0): the file could not be read; ask for it again"


def _scores(
    matches: Matches, rows: list[Row], scale: float = 1.0, blank: Collection[str] = ()
) -> dict[Student, int | float]:
    """Each matched student's score, times ``scale`` (rounded to the 2 decimals Canvas keeps). A row
    that reports the grader's own failure, or a submission in ``blank`` (a file that could not be
    read), gives none: the LMS must not record a zero the student did not earn."""
    by_name = {row.submission: row for row in rows}
    return {
        student: number_cell(round(by_name[name].score * scale, 2))
        for name, student in matches.by_submission.items()
        if name in by_name and by_name[name].cacheable and name not in blank
    }


@dataclass(frozen=True)
class CanvasTarget:
    """The Canvas file's assignment column: its title, its Points Possible, the factor from the
    autograder's points to Canvas's, and what a TA must hear about it (terminal and report)."""

    title: str
    points: float
    scale: float = 1.0
    notes: tuple[str, ...] = ()


def _without_id(title: str) -> str:
    return re.sub(r"\s\(\d+\)$", "", title)  # Canvas's own reading of "Title (123456)"


def canvas_target(assignment: str, max_score: float, columns: list[GradeColumn] | None) -> CanvasTarget:
    """Where the scores go in Canvas: the roster's own column for ``assignment`` (``roster.grade_columns``;
    its title carries Canvas's id, so the import updates that assignment whatever its title),
    scaled to that column's Points Possible; else a column titled ``assignment``, in points."""
    plain = CanvasTarget(assignment, max_score)
    if columns is None:  # not a Canvas export: nothing to match
        return plain
    exact = [c for c in columns if _without_id(c.title).casefold() == assignment.casefold()]
    chosen = columns if len(columns) == 1 else exact if len(exact) == 1 else []
    if not chosen:
        said = (
            f"the roster has several columns for {assignment} ({', '.join(c.title for c in columns)})"
            if columns
            else f"the roster (a Canvas export) has no column for {assignment}"
        )
        return CanvasTarget(
            assignment,
            max_score,
            notes=(f"{said}: the Canvas file's column is titled {assignment}; Canvas's import creates that "
                   "assignment unless one has exactly that title",),
        )  # fmt: skip
    column = chosen[0]
    if not column.points or column.points <= 0:
        note = f"Canvas's {column.title} has no Points Possible in the roster: scores are in the autograder's points"
        return CanvasTarget(column.title, max_score, notes=(note,))
    if column.points == max_score:
        return CanvasTarget(column.title, max_score)
    scale = column.points / max_score
    note = (
        f"Canvas's {column.title} is worth {column.points:g} points, the autograder {max_score:g}: the Canvas "
        f"file's scores are scaled by {column.points:g}/{max_score:g} (rounded to 2 decimals); the gradebook "
        "and the Gradescope file keep the autograder's points"
    )
    return CanvasTarget(column.title, column.points, scale, (note,))


def _order(student: Student) -> tuple[str, ...]:
    return (student.name.casefold(), student.canvas_id, student.sis_id, student.login, student.email)


def write_canvas(
    path: Path,
    assignment: str,
    points: float,
    matches: Matches,
    rows: list[Row],
    bom: bool = False,
    *,
    scale: float = 1.0,
    blank: Collection[str] = (),
) -> None:
    """A file for Canvas's Gradebook "Import": the student columns, then one column named
    ``assignment`` (Canvas updates the assignment of that title, or creates it; "Title (123)"
    names Canvas assignment 123), its "Points Possible" row (the import sets the assignment's points
    from it), and one row per roster student, scores times ``scale``. A student without a score
    gets an empty cell, never 0, so Canvas records nothing for them."""
    scores = _scores(matches, rows, scale, blank)
    students = sorted([*matches.by_submission.values(), *matches.missing], key=_order)
    body = [["Points Possible", "", "", "", "", number_cell(points)]]
    body += [[s.name, s.canvas_id, s.sis_id, s.login, s.section, scores.get(s, "")] for s in students]
    write_table(path, [*CANVAS_STUDENT_COLUMNS, assignment], body, bom)


def write_gradescope(
    path: Path, matches: Matches, rows: list[Row], bom: bool = False, *, blank: Collection[str] = ()
) -> None:
    """A file in the columns of Gradescope's roster and grade export (Name, SID, Email, Total
    Score): one row per matched student with a score; Gradescope knows its students by email."""
    scores = _scores(matches, rows, blank=blank)
    body = [[s.name, s.sis_id, _email(s), scores[s]] for s in sorted(scores, key=_order)]
    write_table(path, GRADESCOPE_COLUMNS, body, bom)


def gradescope_notes(matches: Matches, rows: list[Row], blank: Collection[str] = ()) -> list[str]:
    """What to say when the Gradescope file lacks emails: Gradescope finds students by email, and a
    Canvas export has none (its SIS Login ID is used where it is an address)."""
    scores = _scores(matches, rows, blank=blank)
    without = sorted((s for s in scores if not _email(s)), key=_order)
    if not without:
        return []
    return [
        f"{len(without)} of the {len(scores)} students in the Gradescope file have no email in the roster "
        "(a Canvas export has no email column; its SIS Login ID is used where it is an address): Gradescope "
        "finds students by email, so give a roster with emails (Gradescope's roster export) to upload there"
    ]


STUDENTS_COLUMNS = [
    "student", "canvas_id", "sis_id", "login", "email", "section",
    "submission", "status", "score", "max_score", "canvas_score", "files", "note",
]  # fmt: skip


def write_students(
    path: Path,
    matches: Matches,
    rows: list[Row],
    files: dict[str, list[str]],
    bom: bool = False,
    *,
    scale: float = 1.0,
    blank: Collection[str] = (),
) -> None:
    """The gradebook by student: every roster student once, with the submission that counts, the
    score the Canvas file posts (``canvas_score``: scaled, or empty) and every file the student
    handed in (``files``: submission -> its files, the graded one first); then each submission no
    roster student matched. The gradebook itself stays one row per file: the cache, the feedback
    and the report are keyed by file."""
    by_name = {row.submission: row for row in rows}
    posted = {name: _scores(matches, [row], scale, blank) for name, row in by_name.items()}
    body = []

    def line(student: Student | None, name: str, note: str) -> list:
        row = by_name.get(name)
        s = student or Student()
        who = [s.name, s.canvas_id, s.sis_id, s.login, _email(s), s.section]
        graded = [str(row.status), number_cell(row.score), number_cell(row.max_score)] if row else ["", "", ""]
        canvas = posted.get(name, {}).get(student, "")
        return [*who, name, *graded, canvas, "; ".join(files.get(name, [])), note]

    handed_in = {student: name for name, student in matches.by_submission.items()}
    for student in sorted([*handed_in, *matches.missing], key=_order):
        name = handed_in.get(student, "")
        body.append(line(student, name, by_name[name].note if name in by_name else "no submission of their own"))
    for name in matches.unmatched:
        body.append(line(None, name, "no roster student, or one another submission claims too: settle by hand"))
    write_table(path, STUDENTS_COLUMNS, body, bom)


def student_columns(matches: Matches, submission: str) -> list[str]:
    """The gradebook's columns about who handed ``submission`` in: name, SIS id, email, section
    (empty when no roster student matched it)."""
    student = matches.by_submission.get(submission)
    return [student.name, student.sis_id, _email(student), student.section] if student else ["", "", "", ""]
