"""The mutation suite: each realistic wrong answer (tests/mutations/<id>.toml, edits of the
reference) is graded through the real pipeline and must lose points on its own question only."""

from __future__ import annotations

from grading.assignments import ASSIGNMENT_IDS, autograder_zip
from grading.autograder_zip import read_autograder
from mutation_table import load


def pytest_generate_tests(metafunc):
    if "mutation" in metafunc.fixturenames:
        cases = [(a, m) for a in ASSIGNMENT_IDS for m in load(a)]
        metafunc.parametrize("assignment, mutation", cases, ids=[f"{a}:{m.name}" for a, m in cases])


def test_every_assignment_has_at_least_six_mutations():
    for assignment in ASSIGNMENT_IDS:
        assert len(load(assignment)) >= 6, f"tests/mutations/{assignment}.toml needs at least 6 mutations"


def test_mutation_loses_points_on_its_question_only(assignment, mutation, graded_mutants):
    row = graded_mutants(assignment)[mutation.name]
    assert row.status == "graded", row.note
    full, points = row.questions, read_autograder(autograder_zip(assignment)).questions
    for q in mutation.loses:
        assert full[q] < points[q], f"{mutation.name} should lose points on {q} but scored {full[q]}/{points[q]}"
    untouched = set(points) - set(mutation.loses) - set(mutation.may_lose)
    lost = {q: f"{full[q]}/{points[q]}" for q in sorted(untouched) if full[q] < points[q]}
    assert not lost, f"{mutation.name} also lost points on questions it does not touch: {lost}"
    if mutation.public_message:
        outputs = " ".join(row.outputs.get(q, "") for q in mutation.loses)
        assert mutation.public_message in outputs, (
            f"the public test should tell the student {mutation.public_message!r}; it said:\n{outputs[:1500]}")
