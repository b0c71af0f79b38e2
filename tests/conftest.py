"""Shared fixtures: one pool of warm judges for the whole session, and the classes every test reads
(each assignment's demo class and simulated students, the red-team notebooks), all queued on it as
soon as the session starts, so the judges are never idle while the unit tests run. The slow
environments some tests build start early in the background too."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import attacks
import kernel_view
import matplotlib
import nbformat
import pytest

from grading import course
from grading.author import simulated
from grading.bundle import read_autograder
from grading.grade.pool import Graders
from grading.grade.run import ClassRun, grade_folder
from grading.judge.grader import Config
from grading.layout import ROOT, autograder_zip, examples_dir

matplotlib.use("Agg")
JOBS = 2
_jobs: dict[str, tuple[threading.Thread, dict]] = {}
_scratch_dirs: list[Path] = []
_session: dict = {}


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


def scratch(name: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=f"nn-course-{name}-"))
    _scratch_dirs.append(path)
    return path


def build_venv(target: Path, requirements: Path, env: dict | None = None) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(target)], check=True, capture_output=True)
    done = subprocess.run(
        [str(target / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check", "-r", str(requirements)],
        capture_output=True,
        text=True,
        timeout=1800,
        env=env,
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return target


# -- the session's judges and classes


def shared_graders() -> Graders:
    """The session's warm judges (started on first use, closed at the end)."""
    if "graders" not in _session:
        _session["graders"] = Graders(JOBS, Config("bwrap"))
    return _session["graders"]


def course_limit(assignment: str) -> float:
    """The course's own time limit (``course.timeouts``): tests grade with it, not with one measured
    on the machine (``grading.grade.time_limit``, tested on its own), so no class waits for it."""
    return course.timeouts(assignment)[0]


def start_class(assignment: str, folder: Path, timeout_s: float | None, **options) -> ClassRun:
    """Queue a class folder on the session's judges; ``.finish()`` gives its rows (its gradebook,
    feedback and report go to a scratch folder)."""
    out = scratch(f"grades-{assignment}") / f"{assignment}.csv"
    timeout_s = timeout_s or course_limit(assignment)
    return ClassRun(assignment, folder, out, JOBS, timeout_s, quiet=True, graders=shared_graders(), **options)


def simulated_class(assignment: str) -> ClassRun:
    """Every simulated student of an assignment (``solutions/students/<id>.toml``), observed
    (``kernel_view``: the public tests' verdicts in the notebook's own process come back too),
    queued."""
    folder = scratch(f"students-{assignment}") / "class"
    folder.mkdir()
    reference = nbformat.read(examples_dir(assignment) / "reference.ipynb", as_version=4)
    for edit in simulated.load(assignment):
        nbformat.write(
            kernel_view.observed(edit.apply(reference), assignment), folder / f"{edit.kind}-{edit.name}.ipynb"
        )
    readout = kernel_view.autograder_with_readout(assignment, folder.parent)
    return start_class(assignment, folder, None, autograder=readout)


def course_digest() -> str:
    """A hash of every course file a notebook could try to change."""
    h = hashlib.sha256()
    for folder in ("solutions", "autograder", "assignments", "examples", "tests", "grading"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(path.read_bytes())
    return h.hexdigest()


def written_class(name: str, assignments, write, timeout_s: float) -> dict[str, ClassRun]:
    """A class per assignment, ``write(assignment, folder)`` filling its folder, queued."""
    runs = {}
    for assignment in assignments:
        folder = scratch(f"{name}-{assignment}") / "class"
        folder.mkdir()
        write(assignment, folder)
        runs[assignment] = start_class(assignment, folder, timeout_s)
    return runs


def attacked_classes() -> dict[str, ClassRun]:
    _session["course_digest"] = course_digest()  # before any attack runs
    return written_class("attacks", attacks.ATTACKED, attacks.write_attacked_class, 60)


CLASSES = {  # fixture -> what it queues: {assignment: ClassRun}
    "graded_examples": lambda: {
        a: start_class(a, examples_dir(a), course.demo_timeout(a)) for a in course.ASSIGNMENT_IDS
    },
    "graded_students": lambda: {a: simulated_class(a) for a in course.ASSIGNMENT_IDS},
    "attacked": attacked_classes,
    "tricked": lambda: written_class("tricks", attacks.TRICKED, attacks.write_trick_class, 120),
}


def _class_rows(name: str):
    """The fixture's classes, finished once: assignment -> {submission: row}."""
    runs = _session.setdefault("classes", {})
    if name not in runs:
        runs[name] = CLASSES[name]()
    done = _session.setdefault("done", {})
    key = name

    def get(assignment: str) -> dict:
        if (key, assignment) not in done:
            done[(key, assignment)] = {row.submission: row for row in runs[name][assignment].finish()}
        return done[(key, assignment)]

    return get


GRADING_FIXTURES = {"graders", "grade", *CLASSES, "gradescope_image", "student_venv"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session, config, items):
    """A test that grades for real (through one of the fixtures above) is marked ``sandbox``:
    ``make test-fast`` leaves those out."""
    for item in items:
        if GRADING_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.sandbox)
    # The unit tier first: it runs while the judges work through the classes queued for the rest.
    items.sort(key=lambda item: item.get_closest_marker("sandbox") is not None)


def pytest_collection_finish(session):
    """What the selected tests need starts at once: the classes they read, queued on the judges,
    and the slow environments, built in the background while the other tests run."""
    if session.config.option.collectonly:
        return
    wanted = {name for item in session.items for name in getattr(item, "fixturenames", ())}
    for name in ("graded_students", "graded_examples", "attacked", "tricked"):  # the longest queue first
        if name in wanted:
            _class_rows(name)
    builders = {"student_venv": _start_student_venv, "gradescope_image": _start_gradescope_image}
    for name in wanted & set(builders):
        builders[name]()


def pytest_sessionfinish(session, exitstatus):
    for thread, _ in _jobs.values():
        thread.join()
    if "graders" in _session:
        _session["graders"].close(cancel=exitstatus != 0)
    for path in _scratch_dirs:
        shutil.rmtree(path, ignore_errors=True)


def _start_student_venv() -> None:
    """What the README tells a student without `make install` to do: a venv from the folder's
    requirements.txt, then its requirements-otter.txt with --no-deps, and the kernel the notebooks name."""
    from grading.layout import student_dir

    def build():
        folder = student_dir("01-gradient-descent")
        no_retries = {**os.environ, "PIP_RETRIES": "0"}  # no internet here: PyTorch's CPU index fails at once
        target = build_venv(scratch("student-venv") / "venv", folder / "requirements.txt", no_retries)
        otter = [str(target / "bin" / "pip"), "install", "--quiet", "--no-deps", "-r", "requirements-otter.txt"]
        subprocess.run(otter, cwd=folder, env=no_retries, check=True, capture_output=True)
        subprocess.run(
            [
                str(target / "bin" / "python"),
                "-m",
                "ipykernel",
                "install",
                "--sys-prefix",
                "--name",
                course.KERNEL,
                "--display-name",
                course.KERNEL_DISPLAY_NAME,
            ],
            check=True,
            capture_output=True,
        )
        return target

    in_background("student_venv", build)


def _start_gradescope_image() -> None:
    """Gradescope's image, built from a zip, and every run the Gradescope tests read."""
    from gradescope_like import build_and_run

    in_background("gradescope_image", lambda: build_and_run(scratch("gradescope")))


@pytest.fixture(scope="session")
def student_venv() -> Path:
    return wait_for("student_venv")


@pytest.fixture(scope="session")
def gradescope_image() -> tuple[Path, dict]:
    """(the image's folder, {(assignment, notebook): results.json})."""
    return wait_for("gradescope_image")


@pytest.fixture(scope="session")
def graders() -> Graders:
    return shared_graders()


@pytest.fixture(scope="session")
def grade(graders, tmp_path_factory):
    """``grade(assignment, folder, timeout_s=None, **options)``: rows, graded by the warm judges."""

    def run(assignment: str, folder: Path, timeout_s: float | None = None, out: Path | None = None, **options):
        out = out or tmp_path_factory.mktemp("grades") / f"{assignment}.csv"
        timeout_s = timeout_s or course_limit(assignment)
        return grade_folder(assignment, folder, out, JOBS, timeout_s, quiet=True, graders=graders, **options)

    return run


@pytest.fixture(scope="session")
def graded_examples():
    """Each assignment's demo class (examples/<id>/), graded once: submission -> row."""
    return _class_rows("graded_examples")


@pytest.fixture(scope="session")
def example_outputs(graded_examples):
    """Where each demo class's gradebook, report and similarity file went, once it is graded."""

    def get(assignment: str):
        graded_examples(assignment)
        return _session["classes"]["graded_examples"][assignment].outputs

    return get


@pytest.fixture(scope="session")
def graded_students():
    """Every simulated student of an assignment, graded once: "<kind>-<name>" -> row."""
    rows = _class_rows("graded_students")
    return lambda assignment: {Path(name).stem: row for name, row in rows(assignment).items()}


@pytest.fixture(scope="session")
def attacked():
    """The red-team class of each attacked assignment, graded once: notebook stem -> row."""
    rows = _class_rows("attacked")
    return lambda assignment: {Path(name).stem: row for name, row in rows(assignment).items()}


@pytest.fixture(scope="session")
def tricked():
    """The paired tricks and the checkpoint hedgers of each assignment, graded once: stem -> row."""
    rows = _class_rows("tricked")
    return lambda assignment: {Path(name).stem: row for name, row in rows(assignment).items()}


@pytest.fixture(scope="session")
def course_digest_before(attacked) -> str:
    return _session["course_digest"]


@pytest.fixture(scope="session")
def points():
    return lambda assignment: read_autograder(autograder_zip(assignment)).questions


def pytest_generate_tests(metafunc):
    """Tests that take ``assignment`` run for all five, unless they choose their own."""
    chosen = any("assignment" in str(m.args[0]) for m in metafunc.definition.iter_markers("parametrize"))
    if "assignment" in metafunc.fixturenames and "edit" not in metafunc.fixturenames and not chosen:
        metafunc.parametrize("assignment", course.ASSIGNMENT_IDS)


@pytest.fixture
def repo_root() -> Path:
    return ROOT
