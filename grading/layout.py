"""Where every file lives, in one home: the course's sources and generated folders, and what a
grading run writes next to its gradebook."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRADING = ROOT / "grading"
STUDENT_UTILS = ROOT / "student_utils"
GRADING_REQUIREMENTS = ROOT / "requirements-grading.txt"
STUDENT_REQUIREMENTS = ROOT / "requirements-student.txt"
OTTER_REQUIREMENTS = ROOT / "requirements-otter.txt"  # a student installs it with --no-deps
GRADESCOPE_FILES = ROOT / "gradescope"
# What the sandbox shows of the course: the untrusted runtime, the wire it speaks, the helpers.
SANDBOXED_CODE = (GRADING / "__init__.py", GRADING / "inside", GRADING / "wire", STUDENT_UTILS)
# What decides a score besides the submission and the autograder zip: a change here regrades.
SCORING_CODE = ("judge", "host", "wire", "inside", "bundle.py", "course.py", "layout.py", "written.py")


def solution_notebook(assignment: str, root: Path = ROOT) -> Path:
    return root / "solutions" / f"{assignment}.ipynb"


def simulated_students(assignment: str, root: Path = ROOT) -> Path:
    """``solutions/students/<id>.toml``: typical mistakes and other correct styles, as edits."""
    return root / "solutions" / "students" / f"{assignment}.toml"


def student_dir(assignment: str, root: Path = ROOT) -> Path:
    return root / "assignments" / assignment


def student_notebook(assignment: str, root: Path = ROOT) -> Path:
    """The notebook students are handed (its code is everyone's: not evidence of copying)."""
    return student_dir(assignment, root) / f"{assignment}.ipynb"


def autograder_dir(assignment: str, root: Path = ROOT) -> Path:
    return root / "autograder" / assignment


def autograder_zip(assignment: str, root: Path = ROOT) -> Path:
    return autograder_dir(assignment, root) / f"{assignment}-autograder.zip"


def examples_dir(assignment: str, root: Path = ROOT) -> Path:
    return root / "examples" / assignment


class Outputs:
    """What one grading run writes, beside its gradebook ``<folder>/<id>.csv``."""

    def __init__(self, gradebook: Path, assignment: str):
        self.gradebook, self.assignment = Path(gradebook), assignment
        self.folder = self.gradebook.parent

    @property
    def report(self) -> Path:
        return self.folder / f"{self.assignment}-report.html"

    @property
    def feedback(self) -> Path:
        return self.folder / f"{self.assignment}-feedback"

    @property
    def similarity(self) -> Path:
        return self.folder / f"{self.assignment}-similarity.csv"

    @property
    def written_csv(self) -> Path:
        """A TA's marks for the written questions (``outputs.marks``): read, then written back."""
        return self.folder / f"{self.assignment}-written.csv"

    @property
    def written_page(self) -> Path:
        """The page a TA grades the written questions from (``outputs.written_page``)."""
        return self.folder / f"{self.assignment}-written.html"

    @property
    def canvas(self) -> Path:
        """Grades for Canvas's gradebook import (with a roster)."""
        return self.folder / f"{self.assignment}-canvas.csv"

    @property
    def gradescope(self) -> Path:
        """Grades in Gradescope's columns (with a roster)."""
        return self.folder / f"{self.assignment}-gradescope.csv"

    @property
    def cache(self) -> Path:
        return self.folder / ".cache" / self.assignment
