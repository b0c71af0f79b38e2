"""Where each assignment's files live; the ids are fixed by the course."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASSIGNMENT_IDS = (
    "01-gradient-descent",
    "02-tensors",
    "03-trainer",
    "04-bce-classifier",
    "05-fashion-mnist",
)
# Seconds for running a notebook once, and for one call of a student's function by a test.
TIMEOUTS = {"05-fashion-mnist": (600.0, 180.0)}
DEFAULT_TIMEOUTS = (180.0, 60.0)
# Data sets an assignment's notebook loads, which the Gradescope image must fetch (setup.sh).
DATASETS = {"05-fashion-mnist": ["fashion-mnist"]}
GRADING_REQUIREMENTS = ROOT / "requirements-grading.txt"
STUDENT_REQUIREMENTS = ROOT / "requirements-student.txt"
STUDENT_UTILS = ROOT / "student_utils"
EDITS = ROOT / "tests" / "students"  # <id>.toml: realistic wrong answers and other correct styles


def check_id(assignment: str) -> str:
    """Return ``assignment`` if it is a known id, else raise a ValueError listing the known ones."""
    if assignment not in ASSIGNMENT_IDS:
        raise ValueError(f"unknown assignment {assignment!r}; choose one of {', '.join(ASSIGNMENT_IDS)}")
    return assignment


def solution_notebook(assignment: str, root: Path = ROOT) -> Path:
    return root / "solutions" / f"{assignment}.ipynb"


def student_dir(assignment: str, root: Path = ROOT) -> Path:
    return root / "assignments" / assignment


def autograder_dir(assignment: str, root: Path = ROOT) -> Path:
    return root / "autograder" / assignment


def autograder_zip(assignment: str, root: Path = ROOT) -> Path:
    return autograder_dir(assignment, root) / f"{assignment}-autograder.zip"


def examples_dir(assignment: str, root: Path = ROOT) -> Path:
    return root / "examples" / assignment


def limits_for(assignment: str, timeout_s: float | None = None):
    """The sandbox limits for grading ``assignment`` (``timeout_s`` overrides the notebook's time)."""
    from .sandbox import Limits

    notebook_s, call_s = TIMEOUTS.get(assignment, DEFAULT_TIMEOUTS)
    return Limits(timeout_s=timeout_s or notebook_s, call_timeout_s=call_s)
