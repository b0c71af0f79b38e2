"""The class report: one self-contained HTML page per graded assignment, for course staff to
reteach from.

Every rate, mean and count has one base: the graded submissions (a cell stopped by the time limit
still leaves the rest graded); files that could not be graded (errors) are counted apart, as a file
that was no notebook says nothing about a concept. It shows the score distribution, the points per
question, every test with what it checks and its pass rate (the most missed first) with the
failure messages grouped by how many students got each, one line per student linking to their
feedback, the time each took, what needs a look, and (from ``similarity``) the pairs to look at.
Plots are matplotlib PNGs embedded in the page, so it opens in any browser, offline. Every text
that comes from a submission folder is escaped.
"""

from __future__ import annotations

import base64
import html
import io
import statistics
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from ..bundle import AutograderInfo  # noqa: E402
from ..judge.outcome import Row, Status  # noqa: E402
from . import feedback  # noqa: E402

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 64em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.5em 0; } td, th { padding: 0.2em 0.8em; text-align: left; }
th { border-bottom: 1px solid #999; } tr:nth-child(even) { background: #f4f4f4; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.msg { font-family: ui-monospace, monospace; font-size: 0.85em; white-space: pre-wrap; }
.cards span { display: inline-block; margin-right: 2em; } .cards b { font-size: 1.4em; }
img { max-width: 100%; } .base { color: #555; }
"""
MESSAGES_SHOWN = 5  # failure messages per test, the commonest first


@dataclass(frozen=True)
class Roster:
    """What the roster said about this class: who handed in each submission, the submissions no
    roster student matched, and the roster students with no submission."""

    names: dict[str, str] = field(default_factory=dict)  # submission -> student name
    unmatched: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # about the LMS files: a scaled score, an empty cell


@dataclass(frozen=True)
class CaseRate:
    """One test case of the autograder, over the graded submissions."""

    question: str
    label: str  # as the student's notebook names it ("q3 - 2", "hidden test 1")
    description: str  # what it checks
    hidden: bool
    passed: int
    graded: int
    messages: list[tuple[str, int]]  # (the error line, how many students got it), the commonest first

    @property
    def rate(self) -> float:
        return self.passed / self.graded if self.graded else 0.0


def graded_rows(rows: list[Row]) -> list[Row]:
    """The base of every rate: the submissions the judge could grade."""
    return [r for r in rows if r.status != Status.ERROR]


def _error_line(message: str) -> str:
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    return lines[-1] if lines else "(no message)"


def pass_rates(rows: list[Row]) -> list[CaseRate]:
    """Every test case's pass rate over the graded submissions, lowest first."""
    base = graded_rows(rows)
    cases: dict[tuple[str, bool, int], list] = {}
    for row in base:
        for q, results in row.cases.items():
            for case in results:
                cases.setdefault((q, case.hidden, case.number), []).append(case)
    rates = []
    for (q, hidden, _), results in cases.items():
        messages = Counter(_error_line(c.message) for c in results if not c.passed)
        description = next((c.description for c in results if c.description), results[0].test)
        rates.append(
            CaseRate(q, results[0].label, description, hidden, sum(c.passed for c in results), len(base),
                     messages.most_common())
        )  # fmt: skip
    return sorted(rates, key=lambda r: (r.rate, r.question, r.hidden, r.label))


def _cell(value, numeric: bool) -> str:
    if isinstance(value, _Html):
        return f"<td>{value}</td>"
    return f"<td{' class=num' if numeric else ''}>{html.escape(str(value))}</td>"


class _Html(str):
    """Markup this module built itself (a link), put into a table as it is."""


def _table(header: list[str], body: list[list], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    lines = ["<tr>" + "".join(_cell(c, i in numeric) for i, c in enumerate(r)) + "</tr>" for r in body]
    return f"<table><tr>{head}</tr>{''.join(lines)}</table>"


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return f'<img alt="plot" src="data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}">'


def _plots(base: list[Row], rows: list[Row], ag: AutograderInfo, rates: list[CaseRate]) -> list[str]:
    scores = [r.score for r in base]
    fig, ax = plt.subplots(figsize=(6, 2.6))
    ax.hist(scores, bins=min(20, max(5, len(set(scores)))), range=(0, ag.total_points), color="C0", edgecolor="white")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set(xlabel=f"score (out of {ag.total_points:g})", ylabel="graded submissions", title="Score distribution")
    score_plot = _png(fig)

    questions = [q for q, points in ag.questions.items() if points > 0]  # a question of no points has no share
    means = [statistics.mean(r.questions.get(q, 0.0) for r in base) / ag.questions[q] for q in questions]
    fig, ax = plt.subplots(figsize=(6, 2.6))
    ax.bar(questions, means, color="C2")
    ax.set(ylim=(0, 1), ylabel="mean share of points", title="Mean points per question")
    question_plot = _png(fig)

    fig, ax = plt.subplots(figsize=(6, 0.3 * len(rates) + 0.8))
    labels = [f"{r.label}: {r.description[:50]}" for r in rates]
    ax.barh(labels[::-1], [r.rate for r in rates][::-1], color="C1")
    ax.set(xlim=(0, 1), xlabel="share of graded submissions passing", title="Pass rate per test (most missed on top)")
    test_plot = _png(fig)

    fig, ax = plt.subplots(figsize=(6, 2.6))
    ordered = sorted(rows, key=lambda r: r.submission)
    ax.bar(range(1, len(ordered) + 1), [r.seconds for r in ordered], color="C4")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set(xlabel="submission (in the order of the table of students)", ylabel="seconds", title="Time to grade each")
    time_plot = _png(fig)
    return [score_plot, question_plot, test_plot, time_plot]


def _summary(rows: list[Row], base: list[Row], ag: AutograderInfo, skipped: int) -> str:
    scores = [r.score for r in base]
    cards = [
        (len(rows), "submissions"),
        (len(base), "graded"),
        (sum(r.status == Status.TIMEOUT for r in base), "with a cell stopped by the time limit"),
        (len(rows) - len(base), "not graded (errors)"),
        (skipped, "skipped files"),
    ]
    text = "".join(f"<span><b>{n}</b> {html.escape(what)}</span>" for n, what in cards)
    if scores:
        text += (
            f"<span>mean <b>{statistics.mean(scores):.2f}</b> / {ag.total_points:g}</span>"
            f"<span>median <b>{statistics.median(scores):g}</b></span>"
            f"<span>full marks <b>{sum(r.score == r.max_score for r in base)}</b> of {len(base)}</span>"
        )
    return f'<p class="cards">{text}</p>'


def _tests_table(rates: list[CaseRate]) -> str:
    body = [
        [r.label, r.description, "hidden" if r.hidden else "public", f"{r.rate:.0%}", f"{r.passed} of {r.graded}"]
        for r in rates
    ]
    return _table(["test", "what it checks", "kind", "pass rate", "passed"], body, numeric={3, 4})


def _messages_table(rates: list[CaseRate]) -> str:
    body = []
    for r in rates:
        for message, n in r.messages[:MESSAGES_SHOWN]:
            body.append([r.label, n, message])
        if len(r.messages) > MESSAGES_SHOWN:
            others = sum(n for _, n in r.messages[MESSAGES_SHOWN:])
            body.append([r.label, others, f"({len(r.messages) - MESSAGES_SHOWN} other messages)"])
    if not body:
        return "<p>no test failed</p>"
    head = "".join(f"<th>{h}</th>" for h in ("test", "students", "what the test said"))
    lines = [
        f"<tr><td>{html.escape(t)}</td><td class=num>{n}</td><td class=msg>{html.escape(m)}</td></tr>"
        for t, n, m in body
    ]
    return f"<table><tr>{head}</tr>{''.join(lines)}</table>"


def _written_section(base: list[Row], ag: AutograderInfo) -> list[str]:
    """Each written question's marks so far: how many are graded, their mean, and how many got each score."""
    body = []
    for q in ag.written:
        got = [r.questions[q.name] for r in base if q.name in r.questions and q.name in r.written]
        answered = sum(q.name in r.written for r in base)
        spread = ", ".join(f"{p:g}: {n}" for p, n in sorted(Counter(got).items())) or "none graded yet"
        mean = f"{statistics.mean(got):.2f}" if got else ""
        body.append([q.name, f"{q.points:g}", f"{len(got)} of {answered}", mean, spread])
    return [
        "<h2>Written questions (graded by a TA)</h2>",
        f"<p>Graded from {html.escape(ag.name)}-written.html; marks in {html.escape(ag.name)}-written.csv.</p>",
        _table(["question", "points", "graded", "mean", "students per score"], body, numeric={1, 3}),
    ]


def feedback_link(assignment: str, submission: str) -> str:
    """The feedback file's address relative to the report (they share a folder)."""
    target = feedback.path_for(Path(f"{assignment}-feedback"), submission)
    return urllib.parse.quote(target.as_posix())


def _students_table(assignment: str, rows: list[Row], ag: AutograderInfo, roster: Roster | None) -> str:
    columns = [*ag.questions, *(q.name for q in ag.written)]
    head = ["submission", *(["student"] if roster else []), "status", "score", *columns, "note"]
    body = []
    for r in sorted(rows, key=lambda r: r.submission):
        link = _Html(
            f'<a href="{html.escape(feedback_link(assignment, r.submission))}">{html.escape(r.submission)}</a>'
        )
        who = [roster.names.get(r.submission, "")] if roster else []
        scores = [f"{r.questions[q]:g}" if q in r.questions else "" for q in columns]
        body.append([link, *who, r.status, f"{r.score:g}", *scores, r.note])
    first_number = 3 if roster else 2
    return _table(head, body, numeric=set(range(first_number, first_number + 1 + len(columns))))


def _roster_section(roster: Roster) -> list[str]:
    notes = [f"<p>{html.escape(note)}</p>" for note in roster.notes]
    return [
        "<h2>Roster</h2>",
        *notes,
        "<p>Submissions no roster student matched (they are in the gradebook, not in the LMS files):</p>",
        _table(["submission"], [[s] for s in roster.unmatched]) if roster.unmatched else "<p>none</p>",
        "<p>Roster students with no submission (an empty grade in the Canvas file):</p>",
        _table(["student"], [[s] for s in roster.missing]) if roster.missing else "<p>none</p>",
    ]


def render(
    assignment: str,
    rows: list[Row],
    ag: AutograderInfo,
    skipped: list[tuple[str, str]],
    roster: Roster | None = None,
    similarity_html: str = "",
) -> str:
    """The page; ``skipped`` holds (file, why) for each file that was not graded; ``similarity_html``
    is ``similarity.html_section``'s."""
    base = graded_rows(rows)
    rates = pass_rates(rows)
    parts = [
        f"<h1>{html.escape(assignment)}: class report</h1>",
        _summary(rows, base, ag, len(skipped)),
        f'<p class="base">Every mean, rate and count below is over the {len(base)} graded submissions; '
        "the files that could not be graded are listed under errors.</p>",
    ]
    if base:
        score_plot, question_plot, test_plot, time_plot = _plots(base, rows, ag, rates)
        question_rows = [
            [
                q,
                f"{p:g}",
                f"{statistics.mean(r.questions.get(q, 0.0) for r in base):.2f}",
                f"{sum(r.questions.get(q, 0.0) == p for r in base)} of {len(base)}",
            ]
            for q, p in ag.questions.items()
        ]
        parts += [
            "<h2>Scores</h2>",
            score_plot,
            "<h2>Points per question</h2>",
            question_plot,
            _table(["question", "points", "mean", "full marks"], question_rows, numeric={1, 2}),
            "<h2>Tests, most missed first</h2>",
            test_plot,
            _tests_table(rates),
            "<h2>What the tests said, by how many students got it</h2>",
            _messages_table(rates),
            *(_written_section(base, ag) if ag.written else []),
        ]
    parts += ["<h2>Students</h2>", _students_table(assignment, rows, ag, roster)]
    if base:
        parts += [
            "<h2>Time per submission</h2>",
            time_plot,
            f"<p>total {sum(r.seconds for r in rows):.0f} s, slowest {max(r.seconds for r in rows):.1f} s</p>",
        ]
    needs_a_look = [r for r in sorted(rows, key=lambda r: r.submission) if r.status != Status.GRADED or r.flagged]
    parts.append("<h2>Errors, timeouts and flagged submissions</h2>")
    parts.append(
        _table(
            ["submission", "status", "score", "note"],
            [[r.submission, r.status, f"{r.score:g}", r.note] for r in needs_a_look],
            numeric={2},
        )
        if needs_a_look
        else "<p>none</p>"
    )
    parts.append("<h2>Skipped files</h2>")
    parts.append(_table(["file", "why"], [list(s) for s in skipped]) if skipped else "<p>none</p>")
    if roster:
        parts += _roster_section(roster)
    if similarity_html:
        parts.append(similarity_html)
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(assignment)} report'
        f"</title><style>{STYLE}</style></head><body>\n" + "\n".join(parts) + "\n</body></html>\n"
    )


def write(
    path: Path, assignment: str, rows: list[Row], ag: AutograderInfo, skipped: list[tuple[str, str]], **extras
) -> Path:
    """Write the page (``extras``: ``render``'s ``roster`` and ``similarity_html``), readable by all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(assignment, rows, ag, skipped, **extras), encoding="utf-8")
    path.chmod(0o644)
    return path
