"""A TA's marks for the written questions: ``grades/<id>-written.csv``, both ways.

``make grade`` writes the file with one line per submission and written question, the points cell
empty (an answer left blank gets 0 at once); the TA fills points and comments; the next ``make
grade`` reads it, checks every cell, and adds the marks to the gradebook, the LMS files and the
feedback. The file is the marks' only home: each run writes back every mark it read, so a regrade
of the code never loses one. A mark is for the answer it was given to (``answer_sha``): when the
answer changes, the mark is kept and flagged until the TA empties that cell to confirm it.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from dataclasses import dataclass
from pathlib import Path

from ..judge.outcome import Row
from ..written import Answer, WrittenQuestion
from .gradebook import number_cell, text_cell, write_table

COLUMNS = ["submission", "student", "question", "max_points", "points", "comment", "answer_sha", "status"]
BLANK_COMMENT = "left blank: 0 without a TA"


class State:
    """The status cell's words (rewritten by every run; the TA's cells are points, comment, answer_sha)."""

    TO_GRADE = "to grade"
    GRADED = "graded"
    BLANK = "blank: 0 automatically"
    CHANGED = "CHANGED since it was marked: look again, then empty answer_sha to keep these points"
    GONE = "no such submission in this run: kept as it was"
    UNKNOWN = "no written question of this name: kept as it was"
    UNUSED = "not used (see the terminal): kept as it was"


@dataclass
class Mark:
    """One TA's cell line: the points (None until graded) for one submission's answer to one question."""

    submission: str
    question: str
    points: float | None = None
    comment: str = ""
    answer_sha: str = ""  # the answer the points are for; empty: the one the notebook holds now
    raw_points: str = ""  # the points cell as the TA typed it (kept when it is not a valid mark)
    student: str = ""

    @property
    def graded(self) -> bool:
        return self.points is not None


@dataclass
class Marks:
    """What the file held: marks by (submission, question), the lines no mark of this run can use
    (written back as they are), and every problem found in it, in words. ``unreadable``: the file
    is not one this module wrote (its header is gone): it is neither used nor rewritten."""

    by_key: dict[tuple[str, str], Mark] = dataclasses.field(default_factory=dict)
    problems: list[str] = dataclasses.field(default_factory=list)
    unused: list[Mark] = dataclasses.field(default_factory=list)
    unreadable: bool = False


DELIMITERS = (",", ";", "\t")  # what a spreadsheet may save the file with


def _untext(cell: str) -> str:
    """A cell as the TA meant it: without the quote ``text_cell`` put before a formula-like start."""
    return cell[1:] if cell.startswith("'") and text_cell(cell[1:]) == cell else cell


def _points(raw: str, most: float) -> float | None:
    """The number in a points cell (``1.5`` or ``1,5``), if it is one from 0 to ``most``."""
    try:
        value = float(raw.strip().replace(",", "."))
    except ValueError:
        return None
    return value if 0 <= value <= most else None


def _lines(text: str) -> list[dict[str, str]] | None:
    """The file's lines by column, read with the delimiter that makes its first line the header,
    and the standard quoting: never guessed from the data, which holds names students chose."""
    for delimiter in DELIMITERS:
        try:
            table = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        except csv.Error:
            return None
        head = [c.strip() for c in table[0]] if table else []
        if {"submission", "question", "points"} <= set(head):
            return [dict(zip(head, line, strict=False)) for line in table[1:] if any(c.strip() for c in line)]
    return None


def read(path: Path, questions: list[WrittenQuestion], submissions: set[str], owner=None) -> Marks:
    """The marks in ``path`` (none when it does not exist). A submission is matched by its name as
    the file writes it. A cell that is not a number of points within its question's, a submission
    or question this run lacks, or a line given twice is named in ``problems`` and not used; the
    line is kept for the TA to fix. ``owner(name)``: who handed a submission in; a mark of a
    submission this run no longer has stands for the same student's submission in this run (a
    resubmission), which its ``answer_sha`` flags if the answer changed."""
    marks = Marks()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return marks
    lines = _lines(text)
    if lines is None:
        marks.unreadable = True
        marks.problems.append(
            f"{path.name}: its first line is not the header ({','.join(COLUMNS)}): not read, and not rewritten "
            "until it is (sorted without the header row?)"
        )
        return marks
    written = {}
    for name in submissions:
        written.setdefault(text_cell(name), []).append(name)
    ambiguous = {
        form for form, names in written.items() if len(names) > 1 or (form != names[0] and form in submissions)
    }
    points_of = {q.name: q.points for q in questions}
    for number, line in enumerate(lines, start=2):
        cells = {k: (line.get(k) or "") for k in COLUMNS}
        form, question = cells["submission"], cells["question"].strip()
        name = form if form in ambiguous else (written.get(form) or [form])[0]
        where = f"{path.name} line {number} ({name}, {question})"
        mark = Mark(name, question, comment=_untext(cells["comment"]), answer_sha=cells["answer_sha"].strip())
        mark.raw_points, mark.student = cells["points"].strip(), _untext(cells["student"])
        if not name or not question:
            marks.problems.append(f"{path.name} line {number}: no submission or question: not used")
            marks.unused.append(mark)
            continue
        if form in ambiguous:
            marks.problems.append(f"{where}: two submissions are written the same way: not used, settle by hand")
            marks.unused.append(mark)
            continue
        if (name, question) in marks.by_key:
            marks.problems.append(f"{where}: given twice: the first line is used")
            marks.unused.append(mark)
            continue
        if mark.raw_points and question in points_of:
            mark.points = _points(mark.raw_points, points_of[question])
            if mark.points is None:
                marks.problems.append(
                    f"{where}: points {mark.raw_points!r} is not a number from 0 to {points_of[question]:g}: not used"
                )
        marks.by_key[name, question] = mark
    _carry(marks, submissions, set(points_of), owner, path.name)
    return marks


def _carry(marks: Marks, submissions: set[str], questions: set[str], owner, file: str) -> None:
    """Move each mark of a submission this run lacks to its student's submission in this run, when
    that one has no line of its own for the question; name the rest."""
    newest = {owner(name): name for name in submissions} if owner else {}
    for (name, question), mark in list(marks.by_key.items()):
        if question not in questions:
            marks.problems.append(f"{file}: {name}, {question}: no written question of this name: kept, not used")
            continue
        if name in submissions:
            continue
        target = newest.get(owner(name)) if owner else None
        if target is None or (target, question) in marks.by_key or not mark.graded:
            marks.problems.append(f"{file}: {name}, {question}: no submission of this name in this run: kept, not used")
            continue
        del marks.by_key[name, question]
        mark.submission = target
        marks.by_key[target, question] = mark
        marks.problems.append(
            f"{file}: the mark of {name} for {question} now stands for {target}, its student's newest"
        )


def _current(mark: Mark | None, answer: Answer) -> Mark | None:
    """The mark that stands for ``answer``: an automatic 0 for a blank answer follows the answer
    (a blank later filled in is graded again); a TA's mark stays."""
    if mark is not None and mark.graded:
        auto = mark.comment == BLANK_COMMENT and mark.points == 0
        if not (auto and not answer.blank):
            return mark
    if answer.blank:
        return Mark("", "", 0.0, BLANK_COMMENT, answer.digest)
    return None


def state(mark: Mark | None, answer: Answer) -> str:
    if mark is None or not mark.graded:
        return State.TO_GRADE
    if mark.comment == BLANK_COMMENT:
        return State.BLANK
    return State.CHANGED if mark.answer_sha and mark.answer_sha != answer.digest else State.GRADED


def standing(rows: list[Row], questions: list[WrittenQuestion], marks: Marks) -> dict[tuple[str, str], Mark]:
    """The mark of every graded submission's answer (``_current``): what the gradebook counts."""
    found = {}
    for row in rows:
        for q in questions:
            if q.name in row.written:
                mark = _current(marks.by_key.get((row.submission, q.name)), row.written[q.name])
                if mark is not None:
                    found[row.submission, q.name] = mark
    return found


def merged(rows: list[Row], questions: list[WrittenQuestion], marks: Marks) -> list[Row]:
    """Copies of ``rows`` with the written questions added: each graded one's points in its column
    and the score; ``max_score`` grows by every written question's points, so a question not yet
    graded counts nothing, and the note says so (the LMS files post only what is graded)."""
    if not questions:
        return rows
    marked, out = standing(rows, questions, marks), []
    for row in rows:
        row = dataclasses.replace(row, questions=dict(row.questions), notes=list(row.notes), review=list(row.review))
        row.max_score += sum(q.points for q in questions)
        pending, changed = [], []
        for q in questions:
            mark = marked.get((row.submission, q.name))
            if q.name not in row.written:  # no notebook to read an answer from (an error row)
                row.questions[q.name] = 0.0
            elif mark is None:
                pending.append(q.name)
            else:
                row.questions[q.name] = mark.points
                row.score += mark.points
                if state(mark, row.written[q.name]) == State.CHANGED:
                    changed.append(q.name)
        if pending:
            row.notes.append(f"written {', '.join(pending)} not graded yet (a TA grades it; it counts once graded)")
        if changed:
            row.review.append(f"written {', '.join(changed)} changed after it was marked: look again")
        out.append(row)
    return out


def write(
    path: Path, rows: list[Row], questions: list[WrittenQuestion], marks: Marks, students=None, bom: bool = False
) -> None:
    """The file for the TA: a line per graded submission and written question (question by
    question, as the TA's page), then every line of the old file this run had no answer for."""
    marked = standing(rows, questions, marks)
    body, done = [], set()
    by_name = {row.submission: row for row in rows}
    for q in questions:
        for name in sorted(n for n, row in by_name.items() if q.name in row.written):
            answer, old = by_name[name].written[q.name], marks.by_key.get((name, q.name))
            mark = marked.get((name, q.name)) or old
            points = number_cell(mark.points) if mark and mark.graded else (old.raw_points if old else "")
            sha = mark.answer_sha if mark and mark.graded and mark.answer_sha else answer.digest
            who = students(name) if students else (old.student if old else "")
            body.append(
                [
                    name,
                    who,
                    q.name,
                    number_cell(q.points),
                    points,
                    mark.comment if mark else "",
                    sha,
                    state(mark, answer),
                ]
            )
            done.add((name, q.name))
    known = {q.name for q in questions}
    for key, old in marks.by_key.items():
        if key not in done:
            body.append(_as_it_was(old, State.GONE if key[1] in known else State.UNKNOWN))
    body += [_as_it_was(old, State.UNUSED) for old in marks.unused]
    write_table(path, COLUMNS, body, bom)


def _as_it_was(mark: Mark, status: str) -> list:
    points = number_cell(mark.points) if mark.graded else mark.raw_points
    return [mark.submission, mark.student, mark.question, "", points, mark.comment, mark.answer_sha, status]
