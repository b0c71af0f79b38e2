"""What the judge decides about one submission, as typed data: a status, each test case's result,
and notes written from fixed texts only (never from what a notebook says). Everything downstream
(gradebook, feedback, report, Gradescope) reads these fields; nothing reads a status out of prose.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum

from ..written import Answer


class Status(StrEnum):
    GRADED = "graded"
    ERROR = "error"  # not a notebook, another assignment's, or a cell that crashed its process
    TIMEOUT = "timeout"  # a cell ran out of time: it is left out, the rest is graded


MAX_CELL_CHARS = 100_000  # a code cell's size; the largest of the reference notebooks is a few thousand


class Stop(StrEnum):
    """Why a cell was left out of the run (the note's words)."""

    TIMEOUT = "ran out of time"
    MEMORY = "ran out of memory"
    CRASH = "ended the notebook's process (it crashed or exited)"
    GARBAGE = "sent something the grader does not understand"
    TOO_LARGE = f"holds more than {MAX_CELL_CHARS:,} characters of code (data belongs in files, not in code)"


# Exception types a cell may end with that say more than the cell's own bug.
KNOWN_ERRORS = {
    "MemoryError": "ran out of memory",
    "RecursionError": "recursed without end",
    "Stopped": "ran out of time",
    "BlockingIOError": "could not start more processes",
}


@dataclass
class CaseResult:
    """One test case of a question, as graded."""

    name: str  # otter's name in the autograder ("q1 - 3")
    test: str  # the test function's name
    hidden: bool
    points: float
    passed: bool
    message: str  # otter's message: the failing line, then the error (quoting the student's code at most)
    number: int  # position among the question's public (or hidden) cases: "q1 - 2" in the student's notebook
    description: str = ""  # what the test checks, in a line (its success message)
    evidence: dict[str, str] = field(default_factory=dict)  # failed cases: call -> what it answered (``evidence``)

    @property
    def label(self) -> str:
        """How the student's notebook names this case (hidden cases: "hidden test 2")."""
        return f"hidden test {self.number}" if self.hidden else f"{self.name.split(' - ')[0]} - {self.number}"


@dataclass
class Row:
    """One submission's line of the gradebook, with what the feedback and the report need."""

    submission: str
    status: Status
    score: float
    max_score: float
    questions: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # fixed texts
    review: list[str] = field(default_factory=list)  # hints for a TA (``tamper``): never a score
    cases: dict[str, list[CaseResult]] = field(default_factory=dict)
    seconds: float = 0.0
    leaderboard: list[dict] = field(default_factory=list)  # {"name", "value", "order"}: measured by the tests
    cacheable: bool = True  # False when the row reports the grader's own failure, not the submission
    written: dict[str, Answer] = field(default_factory=dict)  # written question -> the answer a TA grades

    @property
    def note(self) -> str:
        return "; ".join([*self.notes, *(["REVIEW: " + "; ".join(self.review)] if self.review else [])])

    @property
    def flagged(self) -> bool:
        return bool(self.review)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Row:
        d = dict(d, status=Status(d["status"]))
        d["cases"] = {q: [CaseResult(**c) for c in cases] for q, cases in d.get("cases", {}).items()}
        d["written"] = {q: Answer(**a) for q, a in d.get("written", {}).items()}
        return cls(**d)


def failed(submission: str, questions: dict[str, float], status: Status, note: str, cacheable: bool = True) -> Row:
    """A row that scores nothing, with why."""
    return Row(
        submission, status, 0.0, sum(questions.values()), {q: 0.0 for q in questions}, [note], cacheable=cacheable
    )
