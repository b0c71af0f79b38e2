"""Shared fixtures: each assignment's demo class and simulated students, graded once per session
through the real grader, and the slow environments some tests build, started early in the
background so they are ready when needed."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import matplotlib
import nbformat
import pytest

from grading import edits
from grading.assignments import ASSIGNMENT_IDS, ROOT, autograder_zip, examples_dir
from grading.autograder_zip import read_autograder
from grading.grade import grade_folder

matplotlib.use("Agg")
DEMO_TIMEOUT_S = 30  # the demo class has a student whose cell never ends
_venvs: dict[str, tuple[threading.Thread, dict]] = {}


def build_venv(name: str, target: Path, requirements: Path) -> None:
    """Start building a venv from ``requirements`` in the background (one per name per session)."""
    if name in _venvs:
        return
    result: dict = {}

    def work():
        try:
            subprocess.run([sys.executable, "-m", "venv", str(target)], check=True, capture_output=True)
            done = subprocess.run([str(target / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
                                   "-r", str(requirements)], capture_output=True, text=True, timeout=1800)
            result["error"] = done.stderr[-3000:] if done.returncode else None
        except Exception as e:  # noqa: BLE001 - reported by the test that waits for it
            result["error"] = repr(e)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    _venvs[name] = (thread, result)


def wait_for_venv(name: str, target: Path) -> Path:
    thread, result = _venvs[name]
    thread.join()
    assert not result.get("error"), f"building the {name} venv failed:\n{result['error']}"
    return target


@pytest.fixture(scope="session")
def venv_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("venvs")


@pytest.fixture(scope="session")
def graded_examples(tmp_path_factory):
    """Grade each assignment's demo class (examples/<id>/) once per session."""
    cache: dict[str, dict] = {}

    def get(assignment: str) -> dict:
        if assignment not in cache:
            out = tmp_path_factory.mktemp(assignment) / f"{assignment}.csv"
            rows = grade_folder(assignment, examples_dir(assignment), out, jobs=2, timeout_s=DEMO_TIMEOUT_S, quiet=True)
            cache[assignment] = {row.submission: row for row in rows}
        return cache[assignment]

    return get


@pytest.fixture(scope="session")
def graded_students(tmp_path_factory):
    """Grade every simulated student (tests/students/<id>.toml) of an assignment in one parallel run."""
    cache: dict[str, dict] = {}

    def get(assignment: str) -> dict:
        if assignment not in cache:
            folder = tmp_path_factory.mktemp(f"students-{assignment}")
            reference = nbformat.read(examples_dir(assignment) / "reference.ipynb", as_version=4)
            for edit in edits.load(assignment):
                nbformat.write(edit.apply(reference), folder / f"{edit.kind}-{edit.name}.ipynb")
            rows = grade_folder(assignment, folder, folder.parent / f"{assignment}.csv", jobs=2, timeout_s=None,
                                quiet=True)
            cache[assignment] = {Path(r.submission).stem: r for r in rows}
        return cache[assignment]

    return get


@pytest.fixture(scope="session")
def points():
    return lambda assignment: read_autograder(autograder_zip(assignment)).questions


def pytest_generate_tests(metafunc):
    """Tests that take ``assignment`` run for all five, unless they choose their own."""
    chosen = any("assignment" in str(m.args[0]) for m in metafunc.definition.iter_markers("parametrize"))
    if "assignment" in metafunc.fixturenames and "edit" not in metafunc.fixturenames and not chosen:
        metafunc.parametrize("assignment", ASSIGNMENT_IDS)


@pytest.fixture
def repo_root() -> Path:
    return ROOT
