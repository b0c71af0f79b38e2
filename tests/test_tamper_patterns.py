"""The tampering patterns: honest course code passes untouched, grader-reaching code is caught."""

import nbformat
import pytest

from grading import tamper
from grading.assignments import examples_dir


def test_no_reference_or_student_cell_is_flagged(assignment):
    for name in ("reference", "unanswered"):
        nb = nbformat.read(examples_dir(assignment) / f"{name}.ipynb", as_version=4)
        assert tamper.neutralise(nb) == [], f"{assignment}/{name} would lose honest cells"


@pytest.mark.parametrize("line", [
    "model.eval()", "torch.compile(model)", "X_test = test / 255", "# signal and noise", "%matplotlib inline",
    'grader.check("q1")', "import otter", 'grader = otter.Notebook("01-gradient-descent.ipynb")',
    "with torch.no_grad():", "optimizer.zero_grad()", 'print("q1 results: All test cases passed!")',
])
def test_honest_lines_pass(line):
    assert tamper.suspicious_lines(line) == []


@pytest.mark.parametrize("line, why", [
    ('open("tests/q1.py", "w")', "tests"), ("import otter.test_files", "otter"), ("eval('1')", "generated"),
    ("import builtins", "internals"), ("torch.allclose = lambda *a, **k: True", "library"),
    ("import pickle", "results"), ("!cat tests/q1.py", "shell"), ("import subprocess", "processes"),
    ("getattr(__import__('o' + 'tter'), 'x')", "internals"), ("sys.modules['torch'] = None", "internals"),
])
def test_grader_reaching_lines_are_caught(line, why):
    hits = tamper.suspicious_lines(line)
    assert hits and why in hits[0][1]
