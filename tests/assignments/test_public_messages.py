"""What a student reads in a public test's message names their code and the lesson, never the
grader's own machinery: no stand-in class, no wire error, no module of ours."""

from __future__ import annotations

import re

import pytest

from grading.course import ASSIGNMENT_IDS

INTERNALS = re.compile(
    r"\b(Remote(Module|Function|Object)|Missing|ProtocolError|StudentError|NotAnswering|stand_in|zygote)\b"
    r"|grading[./]|/tmp/|bubblewrap|bwrap"
)


@pytest.mark.parametrize("assignment", ASSIGNMENT_IDS)
def test_no_public_message_names_the_graders_internals(assignment, graded_students, graded_examples):
    rows = list(graded_students(assignment).values()) + list(graded_examples(assignment).values())
    seen = {
        (row.submission, q, case.test): INTERNALS.search(case.message).group(0)
        for row in rows
        for q, cases in row.cases.items()
        for case in cases
        if not case.hidden and INTERNALS.search(case.message)
    }
    assert not seen, f"public messages name the grader's internals: {seen}"
