"""The gradebook: one row per submission, written atomically so an interrupted run never leaves a
half-written file, and a summary a TA can read at a glance."""

from __future__ import annotations

import csv
import os
import re
import statistics
import tempfile
from pathlib import Path

from ..judge.outcome import Row, Status
from ..text import one_line

# A formula start at the beginning, or after anything a spreadsheet may split a field on.
_FORMULA = re.compile(r"(^|[,;\t\r\n|])\s*[=+\-@]|^[\t\r]")


def text_cell(text: str) -> str:
    """A CSV text cell that no spreadsheet runs as a formula, whatever it splits fields on (the
    cell is also quoted: ``write_table``)."""
    return "'" + text if _FORMULA.search(text) else text


def number_cell(x: float) -> int | float:
    """A score as a number the CSV writes unquoted: 17, 0.5, 25.5."""
    x = float(f"{x:g}")
    return int(x) if x.is_integer() else x


def _fmt(x: float) -> str:
    return f"{x:g}"


STUDENT_COLUMNS = ["student", "sis_id", "email", "section"]  # with a roster: who handed the submission in


def header(question_names: list[str], with_students: bool = False) -> list[str]:
    students = STUDENT_COLUMNS if with_students else []
    return ["submission", *students, "status", "score", "max_score", *question_names, "note"]


def write_table(path: Path, head: list[str], body: list[list], bom: bool = False) -> None:
    """Write a CSV atomically (a temp file in the same folder, then rename), readable by everyone
    (0644, as the report and feedback); text cells quoted, numbers not; ``bom`` for Excel."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as f:
            writer = csv.writer(f, quoting=csv.QUOTE_NONNUMERIC)
            writer.writerow(head)
            writer.writerows([text_cell(c) if isinstance(c, str) else c for c in line] for line in body)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def write_csv(path: Path, rows: list[Row], question_names: list[str], bom: bool = False, students=None) -> None:
    """The gradebook: one line per submission, in name order; ``students(submission)`` gives the
    ``STUDENT_COLUMNS`` cells where a roster was given (``lms.student_columns``). A question the row
    has no score for (a written question not graded yet) is an empty cell."""
    body = [
        [
            row.submission,
            *(students(row.submission) if students else []),
            str(row.status),
            number_cell(row.score),
            number_cell(row.max_score),
            *(number_cell(row.questions[q]) if q in row.questions else "" for q in question_names),
            row.note,
        ]
        for row in sorted(rows, key=lambda r: r.submission)
    ]
    write_table(path, header(question_names, students is not None), body, bom)


def summary(rows: list[Row], question_names: list[str], max_score: float) -> str:
    """A plain-text table of the rows followed by counts per status and the score distribution."""
    lines = []
    width = max([len("submission"), *(len(one_line(r.submission)) for r in rows)])
    qcols = "".join(f"{q:>6}" for q in question_names)
    lines.append(f"{'submission':<{width}}  {'status':<8}{'score':>8}{qcols}  note")
    for r in sorted(rows, key=lambda r: r.submission):
        qs = "".join(f"{_fmt(r.questions[q]) if q in r.questions else '-':>6}" for q in question_names)
        lines.append(f"{one_line(r.submission):<{width}}  {r.status:<8}{_fmt(r.score):>8}{qs}  {r.note}")
    counts = ", ".join(f"{sum(r.status == s for r in rows)} {s}" for s in Status)
    lines.append(f"\n{len(rows)} submissions: {counts}")
    scores = [r.score for r in rows]
    if scores:
        lines.append(
            f"score out of {_fmt(max_score)}: mean {statistics.mean(scores):.2f}, "
            f"median {statistics.median(scores):g}, min {min(scores):g}, max {max(scores):g}"
        )
        lines.append(_histogram(scores, max_score))
    return "\n".join(lines)


def _histogram(scores: list[float], max_score: float, bins: int = 5) -> str:
    edges = [max_score * i / bins for i in range(bins + 1)]
    out = []
    for i in range(bins):
        lo, hi = edges[i], edges[i + 1]
        n = sum(lo <= s < hi or (i == bins - 1 and s == hi) for s in scores)
        out.append(f"  {lo:6.1f} - {hi:6.1f} | {'#' * n} {n}")
    return "\n".join(out)
