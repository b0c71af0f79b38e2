"""A short text report per submission: what passed and what did not.

Public test results are always shown in full; for hidden tests only pass/fail counts, unless the
instructor asks for details (``--show-hidden``, e.g. after the deadline). The messages are the
tests' own; where a test quotes what the student's code returned or raised, it is that student's.
"""

from __future__ import annotations

from pathlib import Path

from ..bundle import AutograderInfo
from ..judge.outcome import Row
from ..text import safe_file_name


def question(row: Row, q: str, points: float, show_hidden: bool, public_only: bool = False) -> list[str]:
    """The lines about one question: its score, then each test case."""
    got = row.questions.get(q, 0.0)
    lines = [f"[{'ok' if got == points else '  '}] {q}: {got:g} / {points:g}"] if not public_only else [f"{q}:"]
    cases = row.cases.get(q, [])
    hidden = [c for c in cases if c.hidden]
    for case in cases:
        if case.hidden and (public_only or not show_hidden):
            continue
        lines.append(f"  {case.label} ({case.points:g} pt): {'passed' if case.passed else 'failed'}")
        if not case.passed:
            lines += [f"    {line.rstrip()}" for line in case.message.splitlines()[1:] if line.strip()]
    if hidden and not show_hidden and not public_only:
        lines.append(f"  hidden tests: {sum(c.passed for c in hidden)} of {len(hidden)} passed")
    return lines


def written(row: Row, q: str, points: float, mark) -> list[str]:
    """The lines about one written question: the TA's points and comment, or that it is not graded yet."""
    if mark is None:
        return [f"[  ] {q} (written): not graded yet: a TA grades it ({points:g} points)"]
    lines = [f"[{'ok' if mark.points == points else '  '}] {q} (written, graded by a TA): {mark.points:g} / {points:g}"]
    return lines + [f"  {line}" for line in mark.comment.splitlines() if line.strip()]


def render(row: Row, ag: AutograderInfo, assignment: str, show_hidden: bool, marks: dict | None = None) -> str:
    """``marks``: (submission, written question) -> the TA's standing mark (``outputs.marks.standing``)."""
    lines = [f"{assignment}: {row.submission}", f"Score: {row.score:g} / {row.max_score:g} ({row.status})"]
    if row.note:
        lines.append(f"Note: {row.note}")
    for q, points in ag.questions.items():
        lines += ["", *question(row, q, points, show_hidden)]
    for q in ag.written if row.written else ():
        lines += ["", *written(row, q.name, q.points, (marks or {}).get((row.submission, q.name)))]
    return "\n".join(lines) + "\n"


def path_for(folder: Path, submission: str) -> Path:
    """Where a submission's feedback goes: its path under ``folder`` (sub-folders mirror the
    submissions'), each part a name any file system takes, then ``.txt``."""
    *dirs, last = submission.split("/")
    return folder.joinpath(*(safe_file_name(d) for d in dirs), safe_file_name(last, ".txt"))


def write_all(
    rows: list[Row], ag: AutograderInfo, assignment: str, folder: Path, show_hidden: bool, marks: dict | None = None
) -> None:
    """One feedback file per row in ``folder`` (``path_for``)."""
    for row in rows:
        target = path_for(folder, row.submission)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(row, ag, assignment, show_hidden, marks), encoding="utf-8")
        target.chmod(0o644)  # a TA's web server or LMS upload reads them as another user
