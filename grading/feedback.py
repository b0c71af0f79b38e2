"""A short text report per submission: what passed and what did not.

Public test results are always shown in full; for hidden tests only pass/fail counts, unless the
instructor asks for details (``--show-hidden``, e.g. after the deadline)."""

from __future__ import annotations

import re
from pathlib import Path

from .autograder_zip import AutograderInfo
from .gradebook import Row


def _cases(question: str, output: str) -> dict[int, str]:
    """Split otter's report for a question into its test cases, by number (1-based)."""
    parts = re.split(rf"^\s*{re.escape(question)} - (\d+) result:\s*$", output, flags=re.M)
    return {int(parts[i]): parts[i + 1].strip("\n") for i in range(1, len(parts) - 1, 2)}


def render(row: Row, ag: AutograderInfo, assignment: str, show_hidden: bool) -> str:
    lines = [f"{assignment}: {row.submission}", f"Score: {row.score:g} / {row.max_score:g} ({row.status})"]
    if row.note:
        lines.append(f"Note: {row.note}")
    for q, points in ag.questions.items():
        got = row.questions.get(q, 0.0)
        mark = "ok" if got == points else "  "
        lines.append(f"\n[{mark}] {q}: {got:g} / {points:g}")
        output = row.outputs.get(q, "")
        if not output:
            continue
        cases = _cases(q, output)
        hidden = ag.hidden_cases.get(q, [])
        failed_hidden = 0
        for number, text in cases.items():
            is_hidden = number - 1 < len(hidden) and hidden[number - 1]
            if is_hidden and not show_hidden:
                failed_hidden += "failed" in text
                continue
            kind = "hidden" if is_hidden else "public"
            lines.append(f"  {kind} test {number}:")
            lines += [f"    {line.strip()}" for line in text.splitlines() if line.strip()]
        n_hidden = sum(hidden)
        if n_hidden and not show_hidden:
            lines.append(f"  hidden tests: {n_hidden - failed_hidden} of {n_hidden} passed")
    return "\n".join(lines) + "\n"


def write_all(rows: list[Row], ag: AutograderInfo, assignment: str, folder: Path, show_hidden: bool) -> None:
    """One ``<submission>.txt`` per row in ``folder`` (sub-folders mirror the submissions')."""
    for row in rows:
        target = folder / f"{row.submission}.txt"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(render(row, ag, assignment, show_hidden), encoding="utf-8")
