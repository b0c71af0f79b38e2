"""`make student` grades each reference and unanswered notebook through the judge and says, in one
line, when the tests are wrong (grading/author/verify.py): a copy of 01 whose "reference" is the
unanswered notebook, and one whose "unanswered" notebook is the reference."""

from __future__ import annotations

import re
import shutil

import pytest

from grading.author import verify
from grading.layout import autograder_zip, examples_dir

ASSIGNMENT = "01-gradient-descent"


def _course(root, reference, unanswered):
    autograder_zip(ASSIGNMENT, root).parent.mkdir(parents=True)
    shutil.copy(autograder_zip(ASSIGNMENT), autograder_zip(ASSIGNMENT, root))
    examples = examples_dir(ASSIGNMENT, root)
    examples.mkdir(parents=True)
    shutil.copy(examples_dir(ASSIGNMENT) / reference, examples / verify.REFERENCE)
    shutil.copy(examples_dir(ASSIGNMENT) / unanswered, examples / verify.UNANSWERED)
    return root


class _NoGrading:
    def submit(self, *args):
        raise AssertionError("graded again although nothing changed")


@pytest.mark.parametrize(
    "reference, unanswered, said",
    [
        ("reference.ipynb", "unanswered.ipynb", None),
        ("unanswered.ipynb", "unanswered.ipynb", r"^the reference scores 0/\d+: test_q\w+ fails:\n    \S"),
        ("reference.ipynb", "reference.ipynb", r"^the unanswered notebook scores (\d+)/\1 \(test_q\w+"),
    ],
)
def test_a_wrong_verdict_is_said_whole_and_kept(tmp_path, graders, reference, unanswered, said):
    """One line, or for a failing reference that line and the test's own message, whole, line by line."""
    root = _course(tmp_path, reference, unanswered)
    verdict = verify.verify([ASSIGNMENT], root, graders)[ASSIGNMENT]
    if said is None:
        assert verdict is None
    else:
        assert verdict is not None and "\\n" not in verdict and "[...]" not in verdict
        assert re.match(said, verdict), verdict
    assert verify.verify([ASSIGNMENT], root, _NoGrading())[ASSIGNMENT] == verdict
