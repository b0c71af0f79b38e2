"""The gradebook: one row per submission, written atomically so an interrupted run never leaves a
half-written file, and a summary a TA can read at a glance."""

from __future__ import annotations

import csv
import os
import statistics
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

STATUSES = ("graded", "error", "timeout")


@dataclass
class Row:
    submission: str
    status: str
    score: float
    max_score: float
    questions: dict[str, float] = field(default_factory=dict)
    note: str = ""  # written by the grader from fixed texts only, never from what a notebook says
    cases: dict[str, list[dict]] = field(default_factory=dict)  # per question: each test case's result
    seconds: float = 0.0
    cacheable: bool = True  # False when the row reports the grader's own failure, not the submission

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Row":
        return cls(**d)


def one_line(text: str, limit: int = 1000) -> str:
    """``text`` as one printable line, at most ``limit`` characters: file names and messages may
    quote what a student wrote, which must not pass for lines of a gradebook, a feedback file or
    a terminal (a forged "Score: 17 / 17", an escape sequence)."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= limit else text[:limit] + " [...]"


def _cell(text: str) -> str:
    """A CSV text cell that no spreadsheet runs as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def header(question_names: list[str]) -> list[str]:
    return ["submission", "status", "score", "max_score", *question_names, "note"]


def _fmt(x: float) -> str:
    return f"{x:g}"


def write_csv(path: Path, rows: list[Row], question_names: list[str]) -> None:
    """Write the gradebook to ``path`` atomically (a temp file in the same folder, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(header(question_names))
            for row in sorted(rows, key=lambda r: r.submission):
                writer.writerow([_cell(row.submission), row.status, _fmt(row.score), _fmt(row.max_score),
                                 *(_fmt(row.questions.get(q, 0.0)) for q in question_names), _cell(row.note)])
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def summary(rows: list[Row], question_names: list[str], max_score: float) -> str:
    """A plain-text table of the rows followed by counts per status and the score distribution."""
    lines = []
    width = max([len("submission"), *(len(one_line(r.submission)) for r in rows)])
    qcols = "".join(f"{q:>6}" for q in question_names)
    lines.append(f"{'submission':<{width}}  {'status':<8}{'score':>8}{qcols}  note")
    for r in sorted(rows, key=lambda r: r.submission):
        qs = "".join(f"{_fmt(r.questions.get(q, 0.0)):>6}" for q in question_names)
        lines.append(f"{one_line(r.submission):<{width}}  {r.status:<8}{_fmt(r.score):>8}{qs}  {r.note}")
    counts = ", ".join(f"{sum(r.status == s for r in rows)} {s}" for s in STATUSES)
    lines.append(f"\n{len(rows)} submissions: {counts}")
    scores = [r.score for r in rows]
    if scores:
        lines.append(f"score out of {_fmt(max_score)}: mean {statistics.mean(scores):.2f}, "
                     f"median {statistics.median(scores):g}, min {min(scores):g}, max {max(scores):g}")
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
