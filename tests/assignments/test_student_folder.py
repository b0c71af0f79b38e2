"""A student folder, copied on its own, runs in a fresh venv with only the public libraries of its
requirements.txt: nothing of this repository, no `make install`. Exporting takes seconds, runs
nothing again, and says nothing alarming."""

from __future__ import annotations

import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from grading.course import ASSIGNMENT_IDS
from grading.layout import ROOT, examples_dir, student_dir
from student_utils.data import find_directory


def execute_in_the_students_venv(venv: Path, folder: Path, notebook: Path) -> nbformat.NotebookNode:
    """Run every cell of ``notebook`` in the venv's own kernel, as Jupyter would from ``folder``."""
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(folder),
        "MPLBACKEND": "Agg",
        "FASHION_MNIST_DIR": str(find_directory()),
        "JUPYTER_PLATFORM_DIRS": "1",
    }
    script = (
        "import nbformat, sys; from nbclient import NotebookClient\n"
        "nb = nbformat.read(sys.argv[1], as_version=4)\n"
        "NotebookClient(nb, kernel_name='nn-course', timeout=600, allow_errors=True,"
        " resources={'metadata': {'path': sys.argv[2]}}).execute()\n"
        "nbformat.write(nb, sys.argv[1])\n"
    )
    subprocess.run(
        [str(venv / "bin" / "python"), "-c", script, str(notebook), str(folder)],
        cwd=folder,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return nbformat.read(notebook, as_version=4)


def run_in_the_students_venv(assignment: str, venv: Path, folder: Path) -> tuple[nbformat.NotebookNode, float]:
    """Copy the student folder alone, answer it with the reference's cells, run every cell (the
    export cell last) in the venv's own kernel; returns the executed notebook and its run time."""
    shutil.copytree(student_dir(assignment), folder)
    answered = nbformat.read(examples_dir(assignment) / "reference.ipynb", as_version=4)
    handed_out = nbformat.read(folder / f"{assignment}.ipynb", as_version=4)
    answered.cells = [*answered.cells, *handed_out.cells[len(answered.cells) :]]  # keeps the export cell
    # Nothing saves the notebook while nbclient runs it: the export cell refuses, and the student insists.
    answered.cells.append(nbformat.v4.new_code_cell("grader.export(pdf=False, anyway=True)"))
    nbformat.write(answered, folder / f"{assignment}.ipynb")
    started = time.monotonic()
    nb = execute_in_the_students_venv(venv, folder, folder / f"{assignment}.ipynb")
    return nb, time.monotonic() - started


@pytest.fixture(scope="module")
def ran(student_venv, tmp_path_factory):
    def one(assignment):
        return run_in_the_students_venv(assignment, student_venv, tmp_path_factory.mktemp("copy") / assignment)

    with ThreadPoolExecutor(2) as pool:
        return dict(zip(ASSIGNMENT_IDS, pool.map(one, ASSIGNMENT_IDS)))


def _outputs(cell) -> str:
    return "\n".join(
        str(o.get("text", ""))
        + str(o.get("data", {}).get("text/plain", ""))
        + str(o.get("evalue", ""))
        + str(o.get("data", {}).get("text/html", ""))
        for o in cell.get("outputs", [])
    )


def test_the_venv_has_only_the_public_libraries(student_venv):
    listed = subprocess.run(
        [str(student_venv / "bin" / "pip"), "list", "--format=freeze"], capture_output=True, text=True, check=True
    ).stdout.lower()
    assert "torch==" in listed and "otter-grader==" in listed and "jupyterlab==" in listed
    assert "nn-course" not in listed and "student-utils" not in listed and str(ROOT) not in listed
    unused = [p for p in ("playwright==", "sphinx==", "python-on-whales==", "jupytext==") if p in listed]
    assert not unused, f"otter's dependencies a student never imports were installed: {unused}"


def test_one_venv_serves_every_assignment():
    """Every folder asks for the same packages, so setting up 05 after 03 changes nothing 03 runs on."""
    for name in ("requirements.txt", "requirements-otter.txt"):
        texts = {(student_dir(a) / name).read_text() for a in ASSIGNMENT_IDS}
        assert len(texts) == 1, f"the assignments' {name} differ"
    assert "--no-deps -r requirements-otter.txt" in (student_dir(ASSIGNMENT_IDS[0]) / "requirements.txt").read_text()


def test_every_cell_runs_and_every_check_passes(assignment, ran):
    nb, _ = ran[assignment]
    errors = [
        (i, o.get("ename"))
        for i, c in enumerate(nb.cells)
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors, errors
    checks = [_outputs(c) for c in nb.cells if c.cell_type == "code" and "grader.check(" in c.source]
    assert checks and all("passed" in out and "failed" not in out.lower() for out in checks), checks[:2]


def test_exporting_is_quick_and_quiet(assignment, ran, tmp_path_factory):
    nb, _ = ran[assignment]
    refused, export = [c for c in nb.cells if c.cell_type == "code" and "grader.export" in c.source]
    assert "Not exported" in _outputs(refused) and "save the notebook" in _outputs(refused)  # never saved
    text = _outputs(export)
    assert "TCP" not in text and "without encryption" not in text, text
    timing = export.metadata.get("execution", {})
    started, ended = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    assert started and ended
    from datetime import datetime

    seconds = (datetime.fromisoformat(ended.rstrip("Z")) - datetime.fromisoformat(started.rstrip("Z"))).total_seconds()
    assert seconds < 10, f"exporting took {seconds:.1f} s: it should not run the notebook again"
    assert ".zip" in text, text


def test_a_check_run_before_its_answer_says_which_name_and_what_to_run(student_venv, tmp_path):
    """The student skipped the answer cell: the check names the answer, as the graded feedback does
    (stock otter would show "TypeError: 'NoneType' object is not callable" from inside the test)."""
    assignment = "01-gradient-descent"
    folder = tmp_path / assignment
    shutil.copytree(student_dir(assignment), folder)
    nb = nbformat.read(folder / f"{assignment}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    nb.cells = [code[0], next(c for c in code if 'grader.check("q1")' in c.source)]
    nbformat.write(nb, folder / "skipped.ipynb")
    out = _outputs(execute_in_the_students_venv(student_venv, folder, folder / "skipped.ipynb").cells[1])
    assert "`df` is not defined in your notebook: run the cell that defines it" in out, out
    assert "NoneType" not in out, out
