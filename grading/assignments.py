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
GRADING_REQUIREMENTS = ROOT / "requirements-grading.txt"
STUDENT_UTILS = ROOT / "student_utils"


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
