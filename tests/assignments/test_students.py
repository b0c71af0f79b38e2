"""Simulated students (solutions/students/<id>.toml), graded through the real pipeline: each typical
mistake loses points on its own question only, the public tests name most of them, and correct
answers in other styles keep full marks; and a public test's verdict in the student's own kernel is
the verdict it gets at grading."""

from __future__ import annotations

import warnings

import kernel_view

from grading.author import simulated
from grading.course import ASSIGNMENT_IDS
from grading.layout import simulated_students

MIN_PUBLIC_SHARE = 0.8


def pytest_generate_tests(metafunc):
    if "edit" in metafunc.fixturenames:
        cases = [(a, e) for a in ASSIGNMENT_IDS for e in simulated.load(a)]
        metafunc.parametrize("assignment, edit", cases, ids=[f"{a}:{e.kind}:{e.name}" for a, e in cases])


def test_every_assignment_has_mutants_and_variants():
    for assignment in ASSIGNMENT_IDS:
        if not simulated_students(assignment).exists():  # a new assignment grades without them; say so
            warnings.warn(
                f"{assignment} has no simulated students: python -m grading.author.simulated {assignment} "
                "writes a template to fill",
                stacklevel=1,
            )
            continue
        table = simulated.load(assignment)
        assert sum(e.kind == "mutant" for e in table) >= 6, (
            f"solutions/students/{assignment}.toml needs at least 6 mutants"
        )
        assert sum(e.kind == "variant" for e in table) >= 2, (
            f"solutions/students/{assignment}.toml needs at least 2 variants"
        )
        for e in table:
            if e.kind == "mutant":
                assert e.public_message or e.why, f"{e.name}: name the public test's message, or say why there is none"


def test_public_tests_name_most_mistakes():
    mutants = [e for a in ASSIGNMENT_IDS for e in simulated.load(a) if e.kind == "mutant"]
    share = sum(bool(e.public_message) for e in mutants) / len(mutants)
    print(f"public tests name {share:.0%} of {len(mutants)} mutants")
    assert share >= MIN_PUBLIC_SHARE


def test_student_is_graded_as_designed(assignment, edit, graded_students, points):
    row = graded_students(assignment)[f"{edit.kind}-{edit.name}"]
    assert row.status == "graded", row.note
    full = points(assignment)
    lost = {q for q in full if row.questions[q] < full[q]}
    if edit.kind == "variant":
        assert not lost, f"{edit.name} is correct but lost points on {sorted(lost)}: {_failures(row, lost)}"
        return
    assert set(edit.loses) <= lost, f"{edit.name} should lose points on {edit.loses} but lost {sorted(lost)}"
    extra = lost - set(edit.loses)
    assert not extra, f"{edit.name} also lost points on questions it does not touch: {_failures(row, extra)}"
    if edit.public_message:
        public = " ".join(c.message for q in edit.loses for c in row.cases.get(q, []) if not c.hidden)
        assert edit.public_message in public, (
            f"the public test should tell the student {edit.public_message!r}; it said:\n{public[:1500]}"
        )


def test_public_tests_give_the_kernels_verdict_at_grading(assignment, edit, graded_students, points):
    kernel, judge = kernel_view.verdicts(graded_students(assignment)[f"{edit.kind}-{edit.name}"])
    assert set(kernel) == set(points(assignment)), "every question's grader.check should have run in the kernel"
    differ = {q: (kernel[q], judge[q]) for q in kernel if kernel[q] != judge[q]}
    assert not differ, f"public verdicts (in the kernel, at grading) differ: {differ}"


def _failures(row, questions) -> str:
    return "; ".join(
        f"{q} {c.test}: {c.message.splitlines()[-1][:200]}"
        for q in sorted(questions)
        for c in row.cases.get(q, [])
        if not c.passed
    )
