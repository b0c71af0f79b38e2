"""The class roster (the CSV an LMS exports) and which student handed in each graded submission,
so grades can go back to the LMS by student rather than by file name."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .submissions import Owner


class RosterError(ValueError):
    """A roster file this module cannot read: the message says what to change."""


@dataclass(frozen=True)
class Student:
    name: str = ""  # as the roster writes it ("Smith, John" in a Canvas export)
    sis_id: str = ""
    login: str = ""
    email: str = ""
    canvas_id: str = ""  # Canvas's own user id (the "ID" column of its gradebook export)
    section: str = ""


# Header (case-folded, spaces collapsed) -> Student field, for any roster but a Canvas export.
COLUMNS = {
    "name": "name",
    "student": "name",
    "student name": "name",
    "full name": "name",
    "id": "sis_id",
    "sid": "sis_id",
    "sis user id": "sis_id",
    "student id": "sis_id",
    "login": "login",
    "login id": "login",
    "sis login id": "login",
    "username": "login",
    "email": "email",
    "email address": "email",
    "section": "section",
    "sections": "section",
    "canvas user id": "canvas_id",
}
FIRST_NAME, LAST_NAME = {"first name", "firstname"}, {"last name", "lastname"}
# Canvas's Student View user: in every gradebook export, never a student.
TEST_STUDENT = {"Student, Test", "Test Student"}


def _header(cell: str) -> str:
    return " ".join(cell.split()).casefold()


def _is_canvas_export(head: list[str]) -> bool:
    """Canvas's exporter always starts "Student", "ID" and writes "SIS Login ID" and "Section";
    there "ID" is Canvas's user id, not the SIS id it is in other rosters."""
    return head[:2] == ["student", "id"] and {"sis login id", "section"} <= set(head)


def _rows(path: Path) -> list[list[str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError(f'{path}: not UTF-8 text; save it as "CSV UTF-8"') from None
    first_line = text.partition("\n")[0]
    return list(csv.reader(io.StringIO(text), delimiter=";" if first_line.count(";") > first_line.count(",") else ","))


@dataclass(frozen=True)
class GradeColumn:
    """A Canvas export's column for one assignment: its title as the export writes it (Canvas's
    importer finds the assignment by the id in "Title (123456)", else by the exact title, else
    offers to create one) and its Points Possible (None where that cell is no number)."""

    title: str
    points: float | None


def _number(cell: str) -> float | None:
    """ "30.00", or "30,00" where a comma is the decimal sign (Canvas reads the last separator as
    the decimal point, so do we)."""
    cell = cell.strip()
    if not re.fullmatch(r"[0-9]+(?:[.,][0-9]+)*", cell):
        return None
    *whole, last = re.split(r"[.,]", cell)
    return float(f"{''.join(whole)}.{last}" if whole else last)


def grade_columns(path: Path | str, assignment: str) -> list[GradeColumn] | None:
    """The roster's columns for ``assignment``: a title that is its id, or starts with it before a
    space or punctuation ("03-trainer (123456)", "03-trainer: the trainer (123456)"; never
    "03-trainer-2"). None when the roster is not a Canvas gradebook export (it has no such columns)."""
    rows = _rows(Path(path))
    if not rows or not _is_canvas_export([_header(c) for c in rows[0]]):
        return None
    starts = re.compile(rf"{re.escape(assignment)}(?![\w-])", re.IGNORECASE)
    points_row = next((r for r in rows[1:] if r and "points possible" in r[0].casefold()), [])
    return [
        GradeColumn(title.strip(), _number(points_row[i]) if i < len(points_row) else None)
        for i, title in enumerate(rows[0])
        if starts.match(title.strip())
    ]


def read(path: Path | str) -> list[Student]:
    """The students of a Canvas gradebook export, a Gradescope roster or a simple CSV (columns among
    name, id, login, email, section; headers in any case; UTF-8 with or without a BOM).

    Rows that name no student (Canvas's "Points Possible" and "Manual Posting" rows), Canvas's test
    student, and rows whose role is not a student's (Gradescope lists staff too) are left out."""
    path = Path(path)
    rows = _rows(path)
    head = [_header(c) for c in rows[0]] if rows else []
    fields = dict(COLUMNS, id="canvas_id") if _is_canvas_export(head) else COLUMNS
    where = {fields[h]: i for i, h in reversed(list(enumerate(head))) if h in fields}
    first = next((i for i, h in enumerate(head) if h in FIRST_NAME), None)
    last = next((i for i, h in enumerate(head) if h in LAST_NAME), None)
    role = head.index("role") if "role" in head else None
    if not where.keys() - {"section"} and first is None and last is None:
        raise RosterError(
            f"{path}: no column names a student; columns found: {', '.join(rows[0]) if rows else 'none'}. "
            "Expected a Canvas gradebook export, a Gradescope roster, or columns among "
            "name, id, login, email, section."
        )

    def cell(row: list[str], i: int | None) -> str:
        return row[i].strip() if i is not None and i < len(row) else ""

    students = []
    for row in rows[1:]:
        if "points possible" in cell(row, 0).casefold() or cell(row, role).casefold() not in ("", "student"):
            continue
        values = {field: cell(row, i) for field, i in where.items()}
        if first is not None or last is not None:
            given, family = cell(row, first), cell(row, last)
            values["name"] = f"{family}, {given}" if given and family else given or family
        student = Student(**values)
        if not (student.name or student.sis_id or student.login or student.email or student.canvas_id):
            continue
        if student.name in TEST_STUDENT and not (student.sis_id or student.login or student.email):
            continue
        students.append(student)
    return students


@dataclass
class Matches:
    by_submission: dict[str, Student]  # gradebook submission name -> its student
    unmatched: list[str]  # submissions not tied to exactly one student, and that student to no other
    missing: list[Student]  # roster students with no submission of their own


def _norm(text: str) -> str:
    """Case, accents, spaces and punctuation (dots, dashes, commas, underscores) do not tell
    students apart: folder names and LMS download names drop or change them."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if c.isalnum() or c == "@")


def _keys(student: Student) -> set[str]:
    keys = {student.login, student.email, student.email.partition("@")[0], student.sis_id, student.name}
    family, comma, given = student.name.partition(",")
    if not comma:  # "John Smith": the family name is the last word
        *given_words, family = student.name.split() or [""]
        given = " ".join(given_words)
    keys |= {family + given, given + family}  # "smithjohn", as Canvas names its downloads
    return {k for k in map(_norm, keys) if k}


def match(owners: dict[str, Owner], students: list[Student]) -> Matches:
    """Which roster student handed in each submission (``owners``: submission name -> ``owner_of``).

    A Canvas download name matches the student with that Canvas user id. A folder or file name
    matches, once normalised (``_norm``), a student's login, email or its local part, SIS id, or
    name ("John Smith", "Smith, John", "smithjohn"). Never a guess: a name that fits two students
    matches neither, and a student two submissions claim gets neither; both are listed unmatched
    and the student missing."""
    students = list(dict.fromkeys(students))
    by_key: dict[str, set[Student]] = {}
    by_canvas_id: dict[str, set[Student]] = {}
    for student in students:
        for key in _keys(student):
            by_key.setdefault(key, set()).add(student)
        if student.canvas_id:
            by_canvas_id.setdefault(student.canvas_id, set()).add(student)
    claims: dict[Student, list[str]] = {}
    unmatched = []
    for name, owner in owners.items():
        found = by_canvas_id.get(owner.key) if owner.kind == "canvas" else by_key.get(_norm(owner.key))
        if found and len(found) == 1:
            claims.setdefault(next(iter(found)), []).append(name)
        else:
            unmatched.append(name)
    by_submission = {}
    for student, names in claims.items():
        if len(names) == 1:
            by_submission[names[0]] = student
        else:
            unmatched += names
    matched = set(by_submission.values())
    missing = [s for s in students if s not in matched]
    return Matches(by_submission, sorted(unmatched), missing)
