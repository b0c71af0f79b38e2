"""`make student` refuses a solution notebook with an authoring mistake, in one line naming the
question (grading/author/checks.py), before it writes anything: each mistake made once in a copy of
a real solution, generated (where otter must run) into a scratch root."""

from __future__ import annotations

import ast
import hashlib
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from grading.author import assign, checks
from grading.layout import ROOT, autograder_dir, examples_dir, solution_notebook, student_dir

OTTER_TESTS = ROOT / ".venv/lib/python3.11/site-packages/otter/assign/tests_manager.py"


def _edited(assignment: str, old: str, new: str, *more: tuple[str, str]) -> nbformat.NotebookNode:
    nb = nbformat.read(solution_notebook(assignment), as_version=4)
    for before, after in ((old, new), *more):
        cells = [c for c in nb.cells if before in c.source]
        assert len(cells) == 1, before
        cells[0].source = cells[0].source.replace(before, after, 1)
    return nb


def _cell(assignment: str, text: str) -> int:
    """The notebook's number (from 1) of the one cell holding ``text``."""
    cells = nbformat.read(solution_notebook(assignment), as_version=4).cells
    (number,) = [i for i, c in enumerate(cells, start=1) if text in c.source]
    return number


def test_every_solution_passes(assignment):
    checks.check(nbformat.read(solution_notebook(assignment), as_version=4))


MISTAKES = [
    (  # a typo in a hidden test's parameter
        "03-trainer",
        "def test_q3_weights_are_the_models(reg_model,",
        "def test_q3_weights_are_the_models(reg_modle,",
        "q3: test_q3_weights_are_the_models (cell",
    ),
    (  # a tolerance tightened in a hidden test but not in the question's text
        "02-tensors",
        "want, atol=1e-4), (",
        "want, atol=1e-6), (",
        "q3: test_q3_standardize (cell",
    ),
    (  # a test header that is not YAML
        "03-trainer",
        'points: 1.5\nhidden: true\n""" # END TEST CONFIG\ndef test_q3_fit(',
        'points: 1.5\nhidden: [true\n""" # END TEST CONFIG\ndef test_q3_fit(',
        "q3: the test header of cell",
    ),
    (  # a misspelt `hidden`: otter ignores the key and ships the test to students
        "03-trainer",
        'points: 1.5\nhidden: true\n""" # END TEST CONFIG\ndef test_q3_fit(',
        'points: 1.5\nhiden: true\n""" # END TEST CONFIG\ndef test_q3_fit(',
        f"q3: the test header of cell {_cell('03-trainer', 'def test_q3_fit(')} has `hiden`, a key otter ignores "
        "(did you mean hidden?)",
    ),
    (  # a misspelt `points`
        "03-trainer",
        'points: 1\nhidden: true\n""" # END TEST CONFIG\ndef test_q1_class(',
        'point: 1\nhidden: true\n""" # END TEST CONFIG\ndef test_q1_class(',
        f"q1: the test header of cell {_cell('03-trainer', 'def test_q1_class(')} has `point`, a key otter "
        "ignores (did you mean points?)",
    ),
    (  # a header otter never reads (not on the first line): the test would ship as a public one
        "03-trainer",
        '""" # BEGIN TEST CONFIG\npoints: 1\nhidden: true\n""" # END TEST CONFIG\ndef test_q1_class(',
        '# the class\n""" # BEGIN TEST CONFIG\npoints: 1\nhidden: true\n""" # END TEST CONFIG\ndef test_q1_class(',
        f"q1: the test header of cell {_cell('03-trainer', 'def test_q1_class(')} is not on the cell's first line",
    ),
    (  # a positional tolerance (rtol) of torch.allclose, stated nowhere in Question 1 or the opening text
        "03-trainer",
        "torch.allclose(model(x), by_hand, atol=1e-5)",
        "torch.allclose(model(x), by_hand, 2e-3)",
        "q1: test_q1_class (cell",
    ),
    (  # the same, as a method: `a.allclose(b, rtol)`
        "03-trainer",
        "torch.allclose(model(x), by_hand, atol=1e-5)",
        "model(x).allclose(by_hand, 2e-3)",
        "holds students to 0.002, a bar the text of q1 never states",
    ),
    (  # behaves_as's tolerance
        "04-bce-classifier",
        "X, tol=1e-5)",
        "X, tol=3e-2)",
        "q7: test_q7_architecture (cell",
    ),
    (  # a bar inside check_thresholds([...]), the course's own idiom
        "03-trainer",
        "mse / line_mse, 0.2, False)",
        "mse / line_mse, 0.37, False)",
        "q5: test_q5_beats_a_line (cell",
    ),
    (  # the same bar held in a variable
        "03-trainer",
        "mse / line_mse, 0.2, False)",
        "mse / line_mse, bar, False)",
        ("    A = torch.cat([X_nl", "    bar = 0.37\n    A = torch.cat([X_nl"),
        "holds students to 0.37, a bar the text of q5 never states",
    ),
    (  # a bar in a variable, then compared
        "03-trainer",
        "abs(b_sklearn - sol[3].item()) < 1e-3",
        "abs(b_sklearn - sol[3].item()) < bar",
        (
            "    X, y = reg_loader.dataset.tensors",
            "    bar = 0.037\n    X, y = reg_loader.dataset.tensors",
        ),
        "q3: test_q3_loader_and_sklearn (cell",
    ),
    (  # a bar stated in another question's text only (Question 7's 0.85)
        "03-trainer",
        "mse / line_mse, 0.2, False)",
        "mse / line_mse, 0.85, False)",
        "holds students to 0.85, a bar the text of q5 never states",
    ),
    (  # a bar the question's text gives only as a setting (`lr=0.05`)
        "03-trainer",
        "mse / line_mse, 0.2, False)",
        "mse / line_mse, 0.05, False)",
        "holds students to 0.05, a bar the text of q5 never states",
    ),
    (  # a given cell that reads a name only the student's cells define
        "03-trainer",
        "n_features = 25\n",
        "n_features = 25 + 0 * count_parameters(torch.nn.Linear(1, 1))\n",
        f"cell {_cell('03-trainer', 'n_features = 25')}, tagged `given`, reads `count_parameters`, which only "
        "the student's cells define",
    ),
]


@pytest.mark.parametrize(
    "assignment, old, new, more, said", [case if len(case) == 5 else (*case[:3], None, case[3]) for case in MISTAKES]
)
def test_a_mistake_is_refused_naming_the_question(assignment, old, new, more, said):
    """``more``: a second edit the mistake needs (a variable set before it is used)."""
    with pytest.raises(checks.AuthoringError, match=re.escape(said)) as caught:
        checks.check(_edited(assignment, old, new, *([more] if more else [])))
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "drop, said",
    [("**Rubric.**", "written question w1: no rubric"), ("With $f'(x) = 2x$", "written question w1: no model answer")],
)
def test_a_written_question_without_its_rubric_or_model_answer_is_refused(drop, said):
    nb = nbformat.read(solution_notebook("01-gradient-descent"), as_version=4)
    nb.cells = [c for c in nb.cells if not c.source.lstrip().startswith(drop)]
    with pytest.raises(checks.AuthoringError, match=re.escape(said)):
        checks.written_questions(nb)


def test_the_test_header_keys_are_otters(tmp_path):
    """Every key otter 7's ``read_test`` reads from a test header (from its source), and no other."""
    tree = ast.parse(OTTER_TESTS.read_text())
    (read_test,) = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "read_test"]
    read = {
        n.args[0].value
        for n in ast.walk(read_test)
        if isinstance(n, ast.Call)
        and getattr(n.func, "attr", "") == "get"
        and getattr(n.func.value, "id", "") == "config"
    }
    assert read == set(checks.TEST_KEYS)


def test_committed_student_tests_hold_no_hidden_test(assignment):
    checks.check_student_tests(
        nbformat.read(solution_notebook(assignment), as_version=4), student_dir(assignment) / "tests"
    )


def test_a_hidden_test_among_the_student_tests_is_refused(tmp_path):
    """The autograder's hidden test_q3_fit, copied into the student's tests/q3.py."""
    tests = shutil.copytree(student_dir("03-trainer") / "tests", tmp_path / "tests")
    hidden = ast.parse((autograder_dir("03-trainer") / "tests" / "q3.py").read_text())
    (fit,) = [n for n in hidden.body if isinstance(n, ast.FunctionDef) and n.name == "test_q3_fit"]
    fit.decorator_list = []  # as otter writes a test it takes for public: the name alone gives it away
    (tests / "q3.py").write_text((tests / "q3.py").read_text() + "\n\n" + ast.unparse(fit.body) + "\n")
    nb = nbformat.read(solution_notebook("03-trainer"), as_version=4)
    checks.check_student_tests(nb, tests)  # the body alone, without its name, is not a test
    (tests / "q3.py").write_text((tests / "q3.py").read_text() + "\n\n" + ast.unparse(fit) + "\n")
    with pytest.raises(checks.AuthoringError, match=r"^q3: hidden test test_q3_fit \(cell \d+\) is in the student"):
        checks.check_student_tests(nb, tests)


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.author  # make test-author: otter assign and the judge, run again from scratch
def test_a_misspelt_hidden_that_reaches_otter_is_refused_before_anything_is_written(tmp_path, monkeypatch):
    """With the header check out of the way, otter ships ``hiden: true``'s test to students; the check
    of what otter wrote refuses it, and the course's previous files stay as they were."""
    path = tmp_path / "03-trainer.ipynb"
    nbformat.write(
        _edited(
            "03-trainer",
            'points: 1.5\nhidden: true\n""" # END TEST CONFIG\ndef test_q3_fit(',
            'points: 1.5\nhiden: true\n""" # END TEST CONFIG\ndef test_q3_fit(',
        ),
        path,
    )
    monkeypatch.setattr(assign, "solution_notebook", lambda assignment: path)
    monkeypatch.setattr(checks, "check", lambda nb: None)
    out = tmp_path / "course"
    shutil.copytree(student_dir("03-trainer") / "tests", student_dir("03-trainer", out) / "tests")
    before = _snapshot(out)
    with pytest.raises(checks.AuthoringError, match=r"^q3: hidden test test_q3_fit \(cell \d+\) is in the student's"):
        assign.generate("03-trainer", root=out)
    assert _snapshot(out) == before


def test_make_student_stops_on_it_before_writing_anything(tmp_path, monkeypatch):
    path = tmp_path / "03-trainer.ipynb"
    nbformat.write(
        _edited("03-trainer", "test_q3_weights_are_the_models(reg_model,", "test_q3_weights_are_the_models(x,"), path
    )
    monkeypatch.setattr(assign, "solution_notebook", lambda assignment: path)
    out = tmp_path / "course"  # where it would write: never the real course, even when this test fails
    with pytest.raises(SystemExit, match=r"^make student: 03-trainer: q3: test_q3_weights_are_the_models \(cell"):
        assign.main(["03-trainer"], root=out)
    assert not out.exists()


@pytest.mark.author  # make test-author: otter assign and the judge, run again from scratch
def test_make_student_writes_only_once_the_judge_accepts_the_reference(tmp_path, monkeypatch, capsys):
    """The judge grades what was built in a scratch root; a refusal there leaves the course as it was,
    and an acceptance moves the files into place. (The verdicts stand in for the judge's: grading for
    real is tests/author/test_verify.py's.)"""
    assignment, verdicts, seen = "01-gradient-descent", [], []

    def judge(assignments, root, mode):
        seen.append(examples_dir(assignment, root) / "reference.ipynb")
        assert seen[-1].is_file() and root != out, "graded before it is built, or in the course itself"
        return {assignment: verdicts.pop(0)}

    monkeypatch.setattr(assign.verify, "verify", judge)
    out = tmp_path / "course"
    verdicts += ["the reference scores 0/10: test_q1_df fails (df(2.0) should be 4)", None]
    with pytest.raises(SystemExit, match=r"are wrong \(above\); nothing was written"):
        assign.main([assignment], root=out)
    assert "make student: 01-gradient-descent: the reference scores 0/10" in capsys.readouterr().err
    assert not student_dir(assignment, out).exists() and not examples_dir(assignment, out).exists()
    assert not seen[0].exists(), "the scratch root outlived the refusal"
    assign.main([assignment], root=out)
    assert _snapshot(examples_dir(assignment, out)).keys() == _snapshot(examples_dir(assignment)).keys()
    assert (student_dir(assignment, out) / "tests").is_dir()
    assert re.search(r"01-gradient-descent: \d+ files rewritten", capsys.readouterr().out)
