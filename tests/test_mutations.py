"""The mutation suite: each realistic wrong answer (tests/mutations/<id>.toml, edits of the
reference) is graded through the real pipeline and must lose points on its own question only."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

from grading.assignments import ASSIGNMENT_IDS, autograder_zip, examples_dir
from grading.autograder_zip import read_autograder
from grading.grade import grade_folder

MUTATIONS = Path(__file__).parent / "mutations"


@dataclass(frozen=True)
class Mutation:
    name: str
    find: str
    replace: str
    loses: list[str]
    may_lose: list[str] = field(default_factory=list)
    public_message: str | None = None


def load(assignment: str) -> list[Mutation]:
    path = MUTATIONS / f"{assignment}.toml"
    return [Mutation(**m) for m in tomllib.loads(path.read_text())["mutation"]] if path.exists() else []


def apply(mutation: Mutation, assignment: str) -> nbformat.NotebookNode:
    """The reference with the mutation's edit; fails if the edit no longer matches exactly once."""
    nb = nbformat.read(examples_dir(assignment) / "reference.ipynb", as_version=4)
    hits = [c for c in nb.cells if c.cell_type == "code" and mutation.find in c.source]
    count = sum(c.source.count(mutation.find) for c in hits)
    assert count == 1, f"{mutation.name}: `find` occurs {count} times in the reference; update the table"
    hits[0].source = hits[0].source.replace(mutation.find, mutation.replace)
    return nb


def pytest_generate_tests(metafunc):
    if "mutation" in metafunc.fixturenames:
        cases = [(a, m) for a in ASSIGNMENT_IDS for m in load(a)]
        metafunc.parametrize("assignment, mutation", cases, ids=[f"{a}:{m.name}" for a, m in cases])


@pytest.fixture(scope="session")
def graded_mutants(tmp_path_factory):
    """Grade all mutants of an assignment in one parallel run, once per session."""
    cache: dict[str, dict] = {}

    def get(assignment: str) -> dict:
        if assignment not in cache:
            folder = tmp_path_factory.mktemp(f"mutants-{assignment}")
            for mutation in load(assignment):
                nbformat.write(apply(mutation, assignment), folder / f"{mutation.name}.ipynb")
            rows = grade_folder(assignment, folder, folder.parent / f"{assignment}.csv", jobs=2,
                                timeout_s=None, quiet=True)
            cache[assignment] = {Path(r.submission).stem: r for r in rows}
        return cache[assignment]

    return get


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
