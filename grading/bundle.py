"""The autograder zip, both ways: what ``make student`` writes into it and what the judge and
Gradescope read from it. The same bundle is a zip for ``make grade`` and an unpacked folder on
Gradescope (``/autograder/source``). Its tests are read once, by otter's own loader.

Standard library only at import: Gradescope's ``setup.sh`` asks it, before any venv exists, which
data sets to fetch (``python3 -m grading.bundle datasets /autograder/source``).
"""

from __future__ import annotations

import json
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

TESTS = "tests/"  # otter's test files, tests/<question>.py
OTTER_CONFIG = "otter_config.json"
GIVEN = "given.py"  # the cells tagged `given`, which the judge runs itself
CHECKPOINTS = "checkpoints.json"  # the cells tagged `checkpoint`, with the question each answers
COURSE = "course.json"  # assignment id, data sets, time limits
WRITTEN = "written.json"  # the written questions a TA grades: name, points, prompt, model answer, rubric
REQUIREMENTS = "requirements.txt"
RUN_AUTOGRADER, SETUP = "run_autograder", "setup.sh"  # Gradescope's entry point and image build
FILES = "files/"  # the grader's own code and student_utils, as Gradescope imports them
EXECUTABLE = (RUN_AUTOGRADER, SETUP)
GIVEN_CELL_MARK = "# %% given cell"


def join_given(cells: list[str]) -> str:
    """The text of ``given.py``: each cell under a marker line."""
    return "".join(f"{GIVEN_CELL_MARK} {i + 1}\n{cell.rstrip()}\n\n" for i, cell in enumerate(cells))


def split_given(source: str) -> list[tuple[str, str]]:
    """The cells of ``given.py`` as (name for tracebacks, source)."""
    return [
        (f"given.py (cell {i})", cell.split("\n", 1)[1])
        for i, cell in enumerate(source.split(f"{GIVEN_CELL_MARK} ")[1:], start=1)
    ]


class Bundle:
    """Files of an autograder, by their path inside it (``tests/q1.py``, ``given.py``, ...)."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def names(self) -> list[str]:
        if self.path.is_dir():
            return sorted(p.relative_to(self.path).as_posix() for p in self.path.rglob("*") if p.is_file())
        with zipfile.ZipFile(self.path) as zf:
            return sorted(zf.namelist())

    def read(self, name: str) -> bytes:
        if self.path.is_dir():
            return (self.path / name).read_bytes()
        with zipfile.ZipFile(self.path) as zf:
            return zf.read(name)

    def tests(self) -> dict[str, str]:
        """``tests/<question>.py`` sources by path, in question order."""
        names = [n for n in self.names() if n.startswith(TESTS) and n.endswith(".py")]
        return {n: self.read(n).decode() for n in sorted(names, key=_natural)}

    def test_files(self) -> list:
        """The tests, loaded by otter's ``ExceptionTestFile`` (points resolved as otter does)."""
        from .otter_tests import ExceptionTestFile

        return [ExceptionTestFile.from_string(source, path=path) for path, source in self.tests().items()]

    def otter_config(self) -> dict:
        return json.loads(self.read(OTTER_CONFIG))

    def course(self) -> dict:
        return json.loads(self.read(COURSE))

    def given(self) -> list[tuple[str, str]]:
        return split_given(self.read(GIVEN).decode())

    def checkpoints(self) -> list[dict]:
        return json.loads(self.read(CHECKPOINTS))

    def written(self) -> list[dict]:
        """The written questions (none in a zip made before they existed)."""
        return json.loads(self.read(WRITTEN)) if WRITTEN in self.names() else []


def _natural(name: str) -> tuple:
    stem = Path(name).stem
    digits = "".join(c for c in stem if c.isdigit())
    return (stem.rstrip("0123456789"), int(digits) if digits else 0)


@dataclass(frozen=True)
class AutograderInfo:
    path: Path
    name: str  # the assignment name otter checks notebooks against
    questions: dict[str, float]  # question name -> points (its cases' points, as otter resolves them), in order
    hidden_cases: dict[str, list[bool]]  # question name -> hidden flag of each test case, in order
    written: tuple = ()  # ``grading.written.WrittenQuestion``s, graded by a TA (not in ``questions``)

    @property
    def max_score(self) -> float:
        """The tests' points: the written questions' are added once a TA has marked them."""
        return sum(self.questions.values())

    @property
    def total_points(self) -> float:
        """Every point of the assignment: the tests' and the written questions'."""
        return self.max_score + sum(q.points for q in self.written)


def read_autograder(path: Path) -> AutograderInfo:
    """The questions of an autograder (zip or folder), from its tests as otter loads them."""
    bundle = Bundle(path)
    questions, hidden = {}, {}
    for tf in bundle.test_files():
        questions[tf.name] = float(sum(tc.points or 0 for tc in tf.test_cases))
        hidden[tf.name] = [bool(tc.hidden) for tc in tf.test_cases]
    from .written import WrittenQuestion

    return AutograderInfo(
        path=Path(path),
        name=bundle.otter_config()["assignment_name"],
        questions=questions,
        hidden_cases=hidden,
        written=tuple(WrittenQuestion(**q) for q in bundle.written()),
    )


if __name__ == "__main__":  # python3 -m grading.bundle datasets <bundle>: the data sets to fetch, one a line
    if sys.argv[1] == "datasets":
        print("\n".join(Bundle(Path(sys.argv[2])).course().get("datasets", [])))
