"""An instructor adds an assignment with a notebook alone. The sixth here is made as an instructor
would make one: last term's 01 saved under a new name, with its name, hand-in line and COURSE
CONFIG edited, dropped into ``solutions/`` of a scratch copy of the course. ``make demo`` there
builds it, grades its reference through the judge, and grades its demo class, with no other file
naming it; and no zip carries another assignment's facts, so adding one rewrites no other zip."""

from __future__ import annotations

import ast
import csv
import json
import os
import shutil
import subprocess
import sys
import zipfile

import nbformat
import pytest

from grading import bundle, course
from grading.layout import ROOT, autograder_zip, solution_notebook

OLD, NEW = "01-gradient-descent", "06-gradient-descent-again"
COPIED = ("Makefile", "pyproject.toml", "grading", "student_utils", "gradescope", "scripts")


def _sixth(target):
    nb = nbformat.read(solution_notebook(OLD), as_version=4)
    for cell in nb.cells:
        cell.source = cell.source.replace(f"name: {OLD}", f"name: {NEW}").replace(f"{OLD}.ipynb", f"{NEW}.ipynb")
        if cell is course.config_cell(nb):
            cell.source = cell.source.replace("demo_timeout_s: 15", "demo_timeout_s: 5")
    nbformat.write(nb, target)


@pytest.mark.sandbox
@pytest.mark.author  # make test-author: otter assign and the judge, run again from scratch
def test_a_notebook_dropped_into_solutions_is_a_graded_assignment(tmp_path):
    copy = tmp_path / "course"
    copy.mkdir()
    for name in COPIED:
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy2)(ROOT / name, copy / name)
    for path in ROOT.glob("requirements*.txt"):
        shutil.copy2(path, copy / path.name)
    (copy / "solutions").mkdir()
    _sixth(copy / "solutions" / f"{NEW}.ipynb")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    make = ["make", "--no-print-directory", "-C", str(copy), f"VENV={ROOT / '.venv'}"]

    listed = subprocess.run([*make, "help"], capture_output=True, text=True, env=env, check=True).stdout
    assert f"Assignments: {NEW}\n" in listed
    demo = subprocess.run([*make, "demo"], capture_output=True, text=True, env=env, timeout=600)
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]

    facts = json.loads(zipfile.ZipFile(autograder_zip(NEW, copy)).read(bundle.COURSE))
    assert facts["assignment"] == NEW and facts["demo_timeout_s"] == 5.0
    with open(copy / "grades" / f"{NEW}.csv", newline="") as f:
        rows = {r["submission"].removesuffix(".ipynb"): r for r in csv.DictReader(f)}
    info = bundle.read_autograder(autograder_zip(NEW, copy))
    assert float(rows["reference"]["score"]) == info.max_score > 0, rows["reference"]  # its written ones: a TA's
    assert float(rows["reference"]["max_score"]) == info.total_points and "not graded yet" in rows["reference"]["note"]
    assert float(rows["unanswered"]["score"]) == 0
    assert rows["endless-loop"]["status"] != "graded", rows["endless-loop"]  # the demo's own 5 s limit stopped it


def _named(source: bytes) -> set[str]:
    """The strings a module's code holds, docstrings aside (a docstring may show an id as an example)."""
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and ast.get_docstring(node) is not None
    }
    return {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)} - {
        n.value for n in ast.walk(tree) if id(n) in docstrings
    }


def test_no_zip_carries_another_assignments_facts():
    """What decides a score in a zip is the same bytes in every zip and names no assignment; its own
    facts are in its course.json alone: adding an assignment cannot rewrite another's zip."""
    shared = {}
    for assignment in course.ASSIGNMENT_IDS:
        with zipfile.ZipFile(autograder_zip(assignment)) as zf:
            code = {n: zf.read(n) for n in zf.namelist() if n.startswith(bundle.FILES) and n.endswith(".py")}
            assert json.loads(zf.read(bundle.COURSE))["assignment"] == assignment
        for name, data in code.items():
            assert shared.setdefault(name, data) == data, f"{name} differs between zips"
    for name, data in shared.items():
        named = [a for a in course.ASSIGNMENT_IDS for text in _named(data) if a in text]
        assert not named, f"{name} in every zip names {named[0]}"
    assert shared, "no grader code in the zips"


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-q"]))
