"""The mutation tables (tests/mutations/<id>.toml): realistic wrong answers kept as edits of the
reference, so they follow it when it changes."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from grading.assignments import examples_dir

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
