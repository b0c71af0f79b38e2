"""``make student``'s last step: grade each assignment's reference and unanswered notebook through
the judge, as a class run would. The reference must earn full marks and the unanswered notebook
nothing; otherwise the tests, not the students, are wrong, and every student would pay for it.

Verdicts are kept under ``build/`` keyed like a class run's results (``outputs.cache``): an
unchanged assignment costs nothing, and a changed test or judge regrades both notebooks.
"""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path

from ..grade.pool import Graders
from ..host import bubblewrap
from ..host import limits as host_limits
from ..judge.grader import Config
from ..judge.load import Submission
from ..judge.outcome import Row, Status
from ..layout import ROOT, autograder_zip, examples_dir
from ..outputs.cache import ResultCache, key
from ..text import one_line

REFERENCE, UNANSWERED = "reference.ipynb", "unanswered.ipynb"


def cache_dir(root: Path = ROOT) -> Path:
    return root / "build" / "author-verdicts"


def _problem(name: str, row: Row) -> str | None:
    """One line when ``row`` is not what ``name`` must earn (full marks, or nothing)."""
    if row.status != Status.GRADED:
        return f"{name} was not graded ({row.status.value}: {one_line(row.note, 200)})"
    if name == REFERENCE and row.score != row.max_score:
        failed = [c for cases in row.cases.values() for c in cases if not c.passed]
        # The test's message as the student would read it, line by line and whole: the author fixes it.
        said = "\n".join(f"    {one_line(line)}" for line in failed[0].message.splitlines()) if failed else ""
        first = f": {failed[0].test} fails:\n{said}" if failed else ""
        return f"the reference scores {row.score:g}/{row.max_score:g}{first}"
    if name == UNANSWERED and row.score != 0:
        passed = [c.test for cases in row.cases.values() for c in cases if c.passed and c.points]
        free = ", ".join(passed[:3])
        return f"the unanswered notebook scores {row.score:g}/{row.max_score:g} ({free} pass without an answer)"
    return None


def verify(
    assignments: list[str], root: Path = ROOT, graders: Graders | None = None, mode: str = "bwrap"
) -> dict[str, str | None]:
    """``{assignment: None, or the one line that says what is wrong}``, for each assignment."""
    bubblewrap.ensure(mode)
    cache = ResultCache(cache_dir(root))
    own = graders is None
    pending: list[tuple[str, str, str, Future | Row]] = []
    try:
        for assignment in assignments:
            ag, limits = autograder_zip(assignment, root), host_limits.for_assignment(assignment)
            for name in (REFERENCE, UNANSWERED):
                path = examples_dir(assignment, root) / name
                k = key(path, ag, limits, mode)
                row = cache.get(k, name)
                if row is None:
                    graders = graders or Graders(2, Config(mode))
                    row = graders.submit(Submission(path, name), ag, limits)
                pending.append((assignment, name, k, row))
        verdicts: dict[str, str | None] = {a: None for a in assignments}
        for assignment, name, k, row in pending:
            if isinstance(row, Future):
                row = row.result()
                cache.put(k, row)
            problem = _problem(name, row)
            verdicts[assignment] = verdicts[assignment] or problem
        return verdicts
    finally:
        if own and graders is not None:
            graders.close()
