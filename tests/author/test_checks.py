"""`make student` refuses a solution notebook with an authoring mistake, in one line naming the
question (grading/author/checks.py): each mistake made once in a copy of a real solution."""

from __future__ import annotations

import re

import nbformat
import pytest

from grading.author import assign, checks
from grading.layout import solution_notebook


def _edited(assignment: str, old: str, new: str) -> nbformat.NotebookNode:
    nb = nbformat.read(solution_notebook(assignment), as_version=4)
    cells = [c for c in nb.cells if old in c.source]
    assert len(cells) == 1, old
    cells[0].source = cells[0].source.replace(old, new, 1)
    return nb


def test_every_solution_passes(assignment):
    checks.check(nbformat.read(solution_notebook(assignment), as_version=4))


@pytest.mark.parametrize(
    "assignment, old, new, said",
    [
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
    ],
)
def test_a_mistake_is_refused_naming_the_question(assignment, old, new, said):
    with pytest.raises(checks.AuthoringError, match=re.escape(said)) as caught:
        checks.check(_edited(assignment, old, new))
    assert "\n" not in str(caught.value)


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
