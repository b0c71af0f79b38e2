"""The class report: one self-contained HTML page per graded assignment, for course staff.

It shows the score distribution, the mean points per question, the pass rate of every test
(hidden ones included, the concept the class missed most first), the time each submission took,
and the submissions that need a look (errors, timeouts, flagged, skipped). Plots are matplotlib
PNGs embedded in the page, so it opens in any browser, offline. Every text that comes from a
submission folder is escaped.
"""

from __future__ import annotations

import base64
import html
import io
import statistics
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from ..bundle import AutograderInfo  # noqa: E402
from ..judge.outcome import Row, Status  # noqa: E402

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.5em 0; } td, th { padding: 0.2em 0.8em; text-align: left; }
th { border-bottom: 1px solid #999; } tr:nth-child(even) { background: #f4f4f4; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.cards span { display: inline-block; margin-right: 2em; } .cards b { font-size: 1.4em; }
img { max-width: 100%; }
"""


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return f'<img alt="plot" src="data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}">'


def test_pass_rates(rows: list[Row]) -> list[tuple[str, str, bool, float, int]]:
    """(question, test, hidden, pass rate, submissions) per test, lowest pass rate first, over
    the submissions that were graded (a file that was no notebook says nothing about a concept)."""
    counts: dict[tuple[str, str, bool], list[bool]] = {}
    for row in rows:
        for q, cases in row.cases.items():
            for case in cases:
                counts.setdefault((q, case.test, case.hidden), []).append(case.passed)
    rates = [(q, t, h, sum(v) / len(v), len(v)) for (q, t, h), v in counts.items()]
    return sorted(rates, key=lambda r: (r[3], r[0], r[1]))


def _table(header: list[str], body: list[list[str]], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    lines = [
        "<tr>"
        + "".join(f"<td{' class=num' if i in numeric else ''}>{html.escape(str(c))}</td>" for i, c in enumerate(r))
        + "</tr>"
        for r in body
    ]
    return f"<table><tr>{head}</tr>{''.join(lines)}</table>"


def _plots(rows: list[Row], ag: AutograderInfo, rates) -> list[str]:
    scores = [r.score for r in rows]
    fig, ax = plt.subplots(figsize=(6, 2.6))
    ax.hist(scores, bins=min(20, max(5, len(set(scores)))), range=(0, ag.max_score), color="C0", edgecolor="white")
    ax.set(xlabel=f"score (out of {ag.max_score:g})", ylabel="submissions", title="Score distribution")
    score_plot = _png(fig)

    questions = list(ag.questions)
    means = [statistics.mean(r.questions.get(q, 0.0) for r in rows) / ag.questions[q] for q in questions]
    fig, ax = plt.subplots(figsize=(6, 2.6))
    ax.bar(questions, means, color="C2")
    ax.set(ylim=(0, 1), ylabel="mean share of points", title="Mean points per question")
    question_plot = _png(fig)

    fig, ax = plt.subplots(figsize=(6, 0.3 * len(rates) + 0.8))
    labels = [f"{q} {t}{' (hidden)' if h else ''}" for q, t, h, _, _ in rates]
    ax.barh(labels[::-1], [r[3] for r in rates][::-1], color="C1")
    ax.set(xlim=(0, 1), xlabel="share of submissions passing", title="Pass rate per test (most missed at the top)")
    test_plot = _png(fig)

    fig, ax = plt.subplots(figsize=(6, 2.6))
    ordered = sorted(rows, key=lambda r: r.submission)
    ax.bar(range(len(ordered)), [r.seconds for r in ordered], color="C4")
    ax.set(xlabel="submission (by name)", ylabel="seconds", title="Time to grade each submission")
    time_plot = _png(fig)
    return [score_plot, question_plot, test_plot, time_plot]


def render(assignment: str, rows: list[Row], ag: AutograderInfo, skipped: list[tuple[str, str]]) -> str:
    """The page; ``skipped`` holds (file, why) for each file that was not graded."""
    scores = [r.score for r in rows]
    rates = test_pass_rates(rows)
    parts = [f"<h1>{html.escape(assignment)}: class report</h1>"]
    counts = " ".join(f"<span><b>{sum(r.status == s for r in rows)}</b> {s}</span>" for s in Status)
    summary = f"<span><b>{len(rows)}</b> submissions</span>{counts}<span><b>{len(skipped)}</b> skipped files</span>"
    if scores:
        summary += (
            f"<span>mean <b>{statistics.mean(scores):.2f}</b> / {ag.max_score:g}</span>"
            f"<span>median <b>{statistics.median(scores):g}</b></span>"
        )
    parts.append(f'<p class="cards">{summary}</p>')
    if rows:
        score_plot, question_plot, test_plot, time_plot = _plots(rows, ag, rates)
        parts += [
            "<h2>Scores</h2>",
            score_plot,
            "<h2>Points per question</h2>",
            question_plot,
            _table(
                ["question", "points", "mean", "full marks"],
                [
                    [
                        q,
                        f"{p:g}",
                        f"{statistics.mean(r.questions.get(q, 0.0) for r in rows):.2f}",
                        f"{sum(r.questions.get(q, 0.0) == p for r in rows)} of {len(rows)}",
                    ]
                    for q, p in ag.questions.items()
                ],
                numeric={1, 2},
            ),
            "<h2>Tests, most missed first</h2>",
            test_plot,
            _table(
                ["question", "test", "kind", "pass rate", "submissions"],
                [[q, t, "hidden" if h else "public", f"{rate:.0%}", n] for q, t, h, rate, n in rates],
                numeric={3, 4},
            ),
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
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(assignment)} report'
        f"</title><style>{STYLE}</style></head><body>\n" + "\n".join(parts) + "\n</body></html>\n"
    )


def write(path: Path, assignment: str, rows: list[Row], ag: AutograderInfo, skipped: list[tuple[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(assignment, rows, ag, skipped), encoding="utf-8")
    return path
