"""Shared fixtures: each assignment's demo class and simulated students, graded once per session
through the real grader, and the slow environments some tests build, started early in the
background so they are ready when needed."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
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
_jobs: dict[str, tuple[threading.Thread, dict]] = {}


def in_background(name: str, work) -> None:
    """Start ``work()`` (a slow build) in a thread, once per name per session."""
    if name in _jobs:
        return
    result: dict = {}

    def run():
        try:
            result["value"] = work()
        except Exception as e:  # noqa: BLE001 - reported by the test that waits for it
            result["error"] = f"{type(e).__name__}: {e}"

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    _jobs[name] = (thread, result)


def wait_for(name: str):
    thread, result = _jobs[name]
    thread.join()
    assert "error" not in result, f"{name} failed:\n{result['error']}"
    return result["value"]


def build_venv(target: Path, requirements: Path, env: dict | None = None) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(target)], check=True, capture_output=True)
    done = subprocess.run([str(target / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
                           "-r", str(requirements)], capture_output=True, text=True, timeout=1800, env=env)
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return target


def pytest_collection_modifyitems(session, config, items):
    """Slow environments some tests need start building at once, while the other tests run."""
    builders = {"student_venv": _start_student_venv, "gradescope_image": _start_gradescope_image}
    wanted = {name for item in items for name in getattr(item, "fixturenames", ()) if name in builders}
    for name in wanted:
        builders[name](config)


_scratch_dirs: list[Path] = []


def _scratch(config, name: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=f"nn-course-{name}-"))
    _scratch_dirs.append(path)
    return path


def pytest_sessionfinish(session, exitstatus):
    for thread, _ in _jobs.values():
        thread.join()
    for path in _scratch_dirs:
        shutil.rmtree(path, ignore_errors=True)


def _start_student_venv(config) -> None:
    """What the README tells a student without `make install` to do: a venv from the folder's
    requirements.txt, and the kernel the notebooks name."""
    from grading.assignments import student_dir

    def build():
        target = build_venv(_scratch(config, "student-venv") / "venv", student_dir("01-gradient-descent") / "requirements.txt")
        subprocess.run([str(target / "bin" / "python"), "-m", "ipykernel", "install", "--sys-prefix", "--name",
                        "nn-course", "--display-name", "Python (nn-course)"], check=True, capture_output=True)
        return target

    in_background("student_venv", build)


def _start_gradescope_image(config) -> None:
    from gradescope_like import build

    in_background("gradescope_image", lambda: build(_scratch(config, "gradescope-image")))


@pytest.fixture(scope="session")
def student_venv() -> Path:
    return wait_for("student_venv")


@pytest.fixture(scope="session")
def gradescope_image() -> Path:
    return wait_for("gradescope_image")


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
