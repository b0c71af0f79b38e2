"""`make student`: generated files are current, and the student versions give nothing away."""

from __future__ import annotations

import ast
import filecmp
import re
import zipfile
from pathlib import Path

import nbformat

from grading.assignments import (ROOT, autograder_dir, autograder_zip, examples_dir, solution_notebook,
                                 student_dir)
from grading.generate import generate


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


def test_generated_files_are_up_to_date(assignment, tmp_path):
    generate(assignment, root=tmp_path)
    for where in (student_dir, autograder_dir):
        fresh, committed = where(assignment, tmp_path), where(assignment, ROOT)
        assert _files(fresh) == _files(committed), f"{committed} has other files than `make student` writes"
        stale = [f for f in sorted(_files(fresh)) if not filecmp.cmp(fresh / f, committed / f, shallow=False)]
        assert not stale, f"stale in {committed.relative_to(ROOT)}: {stale}; run `make student` and commit"
    for f in _files(examples_dir(assignment, tmp_path)):
        assert filecmp.cmp(examples_dir(assignment, tmp_path) / f, examples_dir(assignment) / f, shallow=False), (
            f"examples/{assignment}/{f} is stale; run `make student`")


def test_autograder_zip_is_reproducible(assignment, tmp_path):
    generate(assignment, root=tmp_path)
    assert autograder_zip(assignment, tmp_path).read_bytes() == autograder_zip(assignment).read_bytes()
    with zipfile.ZipFile(autograder_zip(assignment)) as zf:
        names = set(zf.namelist())
    assert {"run_autograder", "setup.sh", "otter_config.json", "files/student_utils/__init__.py"} <= names
    assert any(n.startswith("tests/q") for n in names)


def _solution_lines(assignment: str) -> set[str]:
    """Lines of reference code the student must not see: inside SOLUTION blocks or marked # SOLUTION,
    and not quoted in the question's text or a public test's hint."""
    nb = nbformat.read(solution_notebook(assignment), as_version=4)
    hidden, shown = set(), set()
    prose = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    prose += "\n".join(p.read_text() for p in (student_dir(assignment) / "tests").glob("*.py"))
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        inside = False
        for line in cell.source.splitlines():
            text = line.split("# SOLUTION")[0].strip()
            if re.match(r"#\s*BEGIN SOLUTION", line.strip()):
                inside = True
            elif re.match(r"#\s*END SOLUTION", line.strip()):
                inside = False
            elif (inside or line.rstrip().endswith("# SOLUTION")) and len(text) >= 16:  # long enough to be telling
                hidden.add(text)
            else:
                shown.add(line.strip())
    return {line for line in hidden - shown if line not in prose}


def _hidden_tests(assignment: str) -> list[ast.FunctionDef]:
    """Test functions the autograder marks hidden=True."""
    found = []
    for test_file in sorted((autograder_dir(assignment) / "tests").glob("*.py")):
        for node in ast.parse(test_file.read_text()).body:
            if isinstance(node, ast.FunctionDef) and any(
                    isinstance(d, ast.Call) and any(k.arg == "hidden" and getattr(k.value, "value", None) is True
                                                    for k in d.keywords) for d in node.decorator_list):
                found.append(node)
    return found


def _student_text(assignment: str) -> str:
    return "\n".join(p.read_text(errors="replace") for p in student_dir(assignment).rglob("*") if p.is_file())


def test_student_version_has_no_solution_code(assignment):
    text = _student_text(assignment)
    leaked = [line for line in _solution_lines(assignment) if line in text]
    assert _solution_lines(assignment), "found no solution lines to check: is the reference notebook marked up?"
    assert not leaked, f"solution code in assignments/{assignment}: {leaked[:5]}"


def test_student_version_has_no_hidden_tests(assignment):
    text = _student_text(assignment)
    hidden = _hidden_tests(assignment)
    assert hidden, "the autograder has no hidden tests"
    for fn in hidden:
        assert fn.name not in text, f"hidden test {fn.name} is in assignments/{assignment}"
        body = ast.unparse(fn.body[-1])
        assert body not in text, f"the body of hidden test {fn.name} is in assignments/{assignment}"


def _hidden_reference_values(assignment: str) -> set[str]:
    """Telling number literals in hidden tests (expected values, not tolerances): floats of 4+ digits
    and at least 1e-3, ints of at least 1000."""
    values = set()
    for fn in _hidden_tests(assignment):
        for node in ast.walk(fn):
            if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
                text = repr(node.value)
                if (isinstance(node.value, float) and abs(node.value) >= 1e-3 and len(text.strip("0.-")) >= 4) or (
                        isinstance(node.value, int) and abs(node.value) >= 1000):
                    values.add(text)
    return values


def test_student_version_has_no_hidden_reference_values(assignment):
    """A value a hidden test compares against may reach students only where the question states it."""
    nb = nbformat.read(solution_notebook(assignment), as_version=4)
    stated = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    stated += "\n".join(p.read_text() for p in (student_dir(assignment) / "tests").glob("*.py"))
    student_code = "\n".join(cell.source for cell in nbformat.read(
        student_dir(assignment) / f"{assignment}.ipynb", as_version=4).cells if cell.cell_type == "code")
    leaked = [v for v in _hidden_reference_values(assignment)
              if re.search(rf"(?<![\d.]){re.escape(v)}(?![\d])", student_code) and v not in stated]
    assert not leaked, f"hidden reference values in the student notebook's code: {leaked}"
