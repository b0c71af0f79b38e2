"""`make student` (grading/author): generated files are current, and the student versions give nothing away."""

from __future__ import annotations

import ast
import filecmp
import json
import re
import zipfile
from pathlib import Path

import nbformat
import pytest

from grading import bundle
from grading.author.assign import generate
from grading.layout import ROOT, autograder_dir, autograder_zip, examples_dir, solution_notebook, student_dir


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


@pytest.fixture(scope="session")
def fresh(tmp_path_factory):
    """``make student`` into a scratch root, once per assignment and session."""
    made: dict[str, Path] = {}

    def get(assignment: str) -> Path:
        if assignment not in made:
            made[assignment] = tmp_path_factory.mktemp(f"generated-{assignment}")
            generate(assignment, root=made[assignment])
        return made[assignment]

    return get


@pytest.mark.author  # make test-author: otter assign and the judge, run again from scratch
def test_generated_files_are_up_to_date(assignment, fresh):
    tmp_path = fresh(assignment)
    for where in (student_dir, autograder_dir, examples_dir):
        fresh_dir, committed = where(assignment, tmp_path), where(assignment, ROOT)
        assert _files(fresh_dir) == _files(committed), f"{committed} has other files than `make student` writes"
        stale = [f for f in sorted(_files(fresh_dir)) if not filecmp.cmp(fresh_dir / f, committed / f, shallow=False)]
        assert not stale, f"stale in {committed.relative_to(ROOT)}: {stale}; run `make student` and commit"


def test_the_zip_carries_the_judge_and_gradescopes_entry_points(assignment):
    with zipfile.ZipFile(autograder_zip(assignment)) as zf:
        names = set(zf.namelist())
        requirements = zf.read(bundle.REQUIREMENTS).decode()
        course = json.loads(zf.read(bundle.COURSE))
        modes = {i.filename: i.external_attr >> 16 for i in zf.infolist()}
    entries = {
        bundle.RUN_AUTOGRADER,
        bundle.SETUP,
        bundle.OTTER_CONFIG,
        bundle.GIVEN,
        bundle.CHECKPOINTS,
        bundle.COURSE,
        bundle.REQUIREMENTS,
    }
    code = {
        f"{bundle.FILES}{name}"
        for name in (
            "grading/wire/frame.py",
            "grading/inside/zygote.py",
            "grading/judge/testfiles.py",
            "grading/gradescope.py",
            "student_utils/__init__.py",
        )
    }
    assert entries | code <= names
    assert any(n.startswith("tests/q") for n in names)
    assert not any(n.endswith(".ipynb") for n in names), "no notebook (the reference least of all) in the zip"
    assert all(modes[name] & 0o111 for name in bundle.EXECUTABLE)
    assert "download.pytorch.org/whl/cpu" in requirements and "torch==2.13.0" in requirements
    assert course["assignment"] == assignment and course["timeout_s"] > 0


def test_given_cells_are_the_references_and_rebuild_the_data(assignment):
    from grading.judge import given

    reference = nbformat.read(solution_notebook(assignment), as_version=4)
    tagged = [c.source for c in reference.cells if "given" in c.metadata.get("tags", [])]
    text = (autograder_dir(assignment) / bundle.GIVEN).read_text()
    assert tagged and all(cell.strip() in text for cell in tagged)
    config = json.loads((autograder_dir(assignment) / "otter_config.json").read_text())
    names = given.data(given.run(bundle.split_given(text), config["seed_variable"], config["seed"]))
    assert names[config["seed_variable"]] == config["seed"], "the given cells run with the autograder's seed"
    for name in _test_parameters(assignment):
        assert name in names or not _given_like(name), name


def test_checkpoints_are_the_references_cells_and_give_data(assignment):
    """A cell tagged `checkpoint` holds results later questions build on: the judge rebuilds them
    (grading/judge/checkpoints.py), so they must be data, named before their question's check."""
    from grading.judge import checkpoints, given

    reference = nbformat.read(solution_notebook(assignment), as_version=4)
    tagged = [c.source for c in reference.cells if "checkpoint" in c.metadata.get("tags", [])]
    with zipfile.ZipFile(autograder_zip(assignment)) as zf:
        entries = json.loads(zf.read(bundle.CHECKPOINTS))
        given_text, config = zf.read(bundle.GIVEN).decode(), json.loads(zf.read(bundle.OTTER_CONFIG))
    assert [e["source"] for e in entries] == tagged
    namespace = given.run(bundle.split_given(given_text), config["seed_variable"], config["seed"])
    for cp in checkpoints.build(entries, namespace, config["seed_variable"], config["seed"]):
        assert cp.values and all(not callable(v) for v in cp.values.values()), cp.values
        assert cp.after in _question_names(assignment)
    if assignment == "04-bce-classifier":  # its Question 1 makes the tensors Questions 5 to 7 train on
        assert [(e["after"], checkpoints.assigned_names(e["source"])) for e in entries] == [
            ("q1", ["X_blobs", "y_blobs", "X_circles", "y_circles"])
        ]


def _question_names(assignment: str) -> set[str]:
    return {p.stem for p in (autograder_dir(assignment) / "tests").glob("*.py")}


def _test_parameters(assignment: str) -> set[str]:
    found = set()
    for test_file in (autograder_dir(assignment) / "tests").glob("*.py"):
        for node in ast.parse(test_file.read_text()).body:
            if isinstance(node, ast.FunctionDef):
                found |= {a.arg for a in node.args.args}
    return found


def _given_like(name: str) -> bool:
    return name in {
        "X",
        "y",
        "candidate_lrs",
        "labels_np",
        "images",
        "table",
        "X_reg",
        "y_reg",
        "X_nl",
        "y_nl",
        "X_tr",
        "y_tr",
        "X_va",
        "y_va",
        "X_train",
        "y_train",
        "X_test",
        "y_test",
        "pixel_mean",
        "pixel_std",
        "X_blobs_np",
        "y_blobs_np",
        "X_circles_np",
        "y_circles_np",
    }


def test_student_folder_carries_what_the_notebook_imports(assignment):
    folder = student_dir(assignment)
    assert (folder / "student_utils" / "__init__.py").is_file()
    requirements = (folder / "requirements.txt").read_text()
    assert "torch==2.13.0" in requirements
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in requirements.splitlines()  # no CUDA by default
    nb = nbformat.read(folder / f"{assignment}.ipynb", as_version=4)
    assert nb.metadata.kernelspec["name"] == "nn-course"
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert first_code.source.startswith("import student_utils"), "the first import checks the kernel's packages"
    export = [c.source for c in nb.cells if "grader.export" in c.source]
    assert export and all("run_tests=True" not in c for c in export), "exporting must not run the notebook again"


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
                isinstance(d, ast.Call)
                and any(k.arg == "hidden" and getattr(k.value, "value", None) is True for k in d.keywords)
                for d in node.decorator_list
            ):
                found.append(node)
    return found


def _student_text(assignment: str) -> str:
    """The assignment's own files for students (student_utils, public course code, is left out)."""
    folder = student_dir(assignment)
    return "\n".join(
        p.read_text(errors="replace")
        for p in folder.rglob("*")
        if p.is_file() and "student_utils" not in p.relative_to(folder).parts
    )


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
        assert not re.search(rf"\b{fn.name}\b", text), f"hidden test {fn.name} is in assignments/{assignment}"
        body = ast.unparse(fn.body[-1])
        assert body not in text, f"the body of hidden test {fn.name} is in assignments/{assignment}"


def _hidden_reference_values(assignment: str) -> set[str]:
    """Telling number literals in hidden tests (expected values, not tolerances): floats of 4+ digits
    and at least 1e-3, ints of at least 1000."""
    values = set()
    for fn in _hidden_tests(assignment):
        for node in ast.walk(fn):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, (int, float))
                and not isinstance(node.value, bool)
            ):
                text = repr(node.value)
                if (isinstance(node.value, float) and abs(node.value) >= 1e-3 and len(text.strip("0.-")) >= 4) or (
                    isinstance(node.value, int) and abs(node.value) >= 1000
                ):
                    values.add(text)
    return values


def test_student_version_has_no_hidden_reference_values(assignment):
    """A value a hidden test compares against may reach students only where the question states it."""
    nb = nbformat.read(solution_notebook(assignment), as_version=4)
    stated = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    stated += "\n".join(p.read_text() for p in (student_dir(assignment) / "tests").glob("*.py"))
    student_code = "\n".join(
        cell.source
        for cell in nbformat.read(student_dir(assignment) / f"{assignment}.ipynb", as_version=4).cells
        if cell.cell_type == "code"
    )
    leaked = [
        v
        for v in _hidden_reference_values(assignment)
        if re.search(rf"(?<![\d.]){re.escape(v)}(?![\d])", student_code) and v not in stated
    ]
    assert not leaked, f"hidden reference values in the student notebook's code: {leaked}"
