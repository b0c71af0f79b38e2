"""Shared fixtures: the assignments that exist, and graded gradebooks of the bundled examples."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import nbformat
import pytest

from grading.assignments import ASSIGNMENT_IDS, ROOT, examples_dir
from grading.grade import grade_folder
from mutation_table import apply, load

matplotlib.use("Agg")


@pytest.fixture(scope="session")
def graded_examples(tmp_path_factory):
    """Grade each assignment's bundled examples once per session, through the real grader."""
    cache: dict[str, dict] = {}

    def get(assignment: str) -> dict:
        if assignment not in cache:
            out = tmp_path_factory.mktemp(assignment) / f"{assignment}.csv"
            rows = grade_folder(assignment, examples_dir(assignment), out, jobs=2, timeout_s=None, quiet=True)
            cache[assignment] = {row.submission: row for row in rows}
        return cache[assignment]

    return get


@pytest.fixture(scope="session")
def graded_mutants(tmp_path_factory):
    """Grade all mutants of an assignment in one parallel run, once per session."""
    cache: dict[str, dict] = {}

    def get(assignment: str) -> dict:
        if assignment not in cache:
            folder = tmp_path_factory.mktemp(f"mutants-{assignment}")
            for mutation in load(assignment):
                nbformat.write(apply(mutation, assignment), folder / f"{mutation.name}.ipynb")
            rows = grade_folder(assignment, folder, folder.parent / f"{assignment}.csv", jobs=2,
                                timeout_s=None, quiet=True)
            cache[assignment] = {Path(r.submission).stem: r for r in rows}
        return cache[assignment]

    return get


def pytest_generate_tests(metafunc):
    if "assignment" in metafunc.fixturenames and "mutation" not in metafunc.fixturenames:
        metafunc.parametrize("assignment", ASSIGNMENT_IDS)


@pytest.fixture
def repo_root() -> Path:
    return ROOT
