"""The page a TA grades the written questions from: ``grades/<id>-written.html``.

One section per written question: the prompt, the model answer and the rubric at the top, then
every student's answer with the plots beside it and where its mark stands. An answer is shown as
text (every character escaped, never rendered as Markdown or HTML); a plot is a PNG the judge made
from the pixels of the sandbox's own run (``grading.judge.grader.png``). The page runs no script
and loads nothing: its Content-Security-Policy allows only its own styles and inline images.
"""

from __future__ import annotations

import html
from pathlib import Path

from ..judge.outcome import Row
from ..written import MAX_ANSWER_CHARS, WrittenQuestion
from .marks import Marks, standing, state

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222; }
h2 { margin-top: 2.5em; border-bottom: 1px solid #ccc; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
.rubric { background: #f4f7ff; padding: 0.6em 1em; border-left: 4px solid #36c; }
.answer { display: flex; gap: 1.5em; align-items: flex-start; padding: 1em 0; border-bottom: 1px solid #ddd; }
.answer .words { flex: 1 1 50%; min-width: 0; } .answer .plots { flex: 1 1 50%; }
.answer img { max-width: 100%; border: 1px solid #eee; }
.who { font-weight: bold; } .state { color: #555; font-size: 0.9em; } .blank { color: #999; }
"""


def _text(text: str, cls: str = "text") -> str:
    return f'<div class="{cls}">{html.escape(text)}</div>'


def _answer(row: Row, q: WrittenQuestion, marks: dict, students) -> str:
    answer = row.written[q.name]
    mark = marks.get((row.submission, q.name))
    who = html.escape(row.submission) + (f" ({html.escape(students(row.submission))})" if students else "")
    status = state(mark, answer)
    if mark is not None and mark.graded:
        status += f": {mark.points:g} / {q.points:g}" + (f", {mark.comment}" if mark.comment else "")
    if not answer.found:
        words = _text("(the notebook has no prompt of this question: its cells were deleted)", "text blank")
    elif answer.blank:
        words = _text("(left blank)", "text blank")
    else:
        words = _text(answer.text) + (
            f"<p class=state>(cut at {MAX_ANSWER_CHARS:,} characters)</p>" if answer.cut else ""
        )
    plots = "".join(f'<img alt="plot" src="data:image/png;base64,{p}">' for p in answer.figures)
    return (
        f'<div class="answer" id="{html.escape(q.name + ":" + row.submission, quote=True)}">'
        f'<div class="words"><div class="who">{who}</div>'
        f'<div class="state">{html.escape(status)} · answer_sha {answer.digest}</div>{words}</div>'
        f'<div class="plots">{plots}</div></div>'
    )


def render(assignment: str, rows: list[Row], questions: list[WrittenQuestion], marks: Marks, students=None) -> str:
    """The page; ``students(submission)`` names who handed a submission in, with a roster."""
    marked = standing(rows, questions, marks)
    parts = [
        f"<h1>{html.escape(assignment)}: written questions</h1>",
        f"<p>Mark each answer in <code>{html.escape(assignment)}-written.csv</code> (points, comment), then run "
        "<code>make grade</code> again: the marks go into the gradebook, the LMS files and the feedback. "
        "A blank answer is already 0.</p>",
    ]
    for q in questions:
        answered = sorted((r for r in rows if q.name in r.written), key=lambda r: r.submission)
        graded = sum(1 for r in answered if (r.submission, q.name) in marked)
        parts += [
            f'<h2 id="{html.escape(q.name, quote=True)}">{html.escape(q.name)} ({q.points:g} points): '
            f"{graded} of {len(answered)} graded</h2>",
            _text(q.prompt),
            "<h3>Rubric</h3>",
            f'<div class="rubric">{_text(q.rubric)}<p><b>A full answer</b></p>{_text(q.model)}</div>',
            "<h3>Answers</h3>",
            *(_answer(r, q, marked, students) for r in answered),
        ]
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        f"<title>{html.escape(assignment)} written questions</title><style>{STYLE}</style></head><body>\n"
        + "\n".join(parts)
        + "\n</body></html>\n"
    )


def write(path: Path, *args, **kwargs) -> Path:
    """Write ``render``'s page, readable by all (as the report)."""
    path.write_text(render(*args, **kwargs), encoding="utf-8")
    path.chmod(0o644)
    return path
