"""Simulated students: realistic answers kept as find-and-replace edits of the reference notebook,
so they follow the reference when it changes (``solutions/students/<id>.toml``).

- a ``mutant`` is a typical mistake: it must lose points on the questions in ``loses`` and keep
  every other question; ``public_message`` is what a public test must tell the student;
- a ``variant`` is a correct answer in another style: it must keep full marks.

The test suite grades all of them; ``make student`` puts a few in each demo class.
"""

from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass, field

import nbformat

from ..layout import simulated_students


@dataclass(frozen=True)
class Edit:
    kind: str  # "mutant" or "variant"
    name: str
    find: list[str]
    replace: list[str]
    loses: list[str] = field(default_factory=list)
    public_message: str | None = None
    why: str = ""  # why no public test names it

    def apply(self, reference: nbformat.NotebookNode) -> nbformat.NotebookNode:
        """The reference with this edit; fails if a ``find`` no longer occurs exactly once."""
        nb = copy.deepcopy(reference)
        for find, replace in zip(self.find, self.replace):
            cells = [c for c in nb.cells if c.cell_type == "code" and find in c.source]
            count = sum(c.source.count(find) for c in cells)
            if count != 1:
                raise ValueError(f"{self.name}: `find` occurs {count} times in the reference; update the table")
            cells[0].source = cells[0].source.replace(find, replace)
        return nb


def _listed(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def load(assignment: str) -> list[Edit]:
    path = simulated_students(assignment)
    if not path.exists():
        return []
    table = tomllib.loads(path.read_text())
    edits = []
    for kind in ("mutant", "variant"):
        for entry in table.get(kind, []):
            entry = dict(entry, find=_listed(entry["find"]), replace=_listed(entry["replace"]))
            if len(entry["find"]) != len(entry["replace"]):
                raise ValueError(f"{entry['name']}: as many `replace` as `find` needed")
            edits.append(Edit(kind=kind, **entry))
    return edits


SCAFFOLD = """# Simulated students of {assignment}, as edits of solutions/{assignment}.ipynb (01's file is an example).
# make test grades each: a mutant (a typical mistake) must lose points on `loses` only, and a public test
# should say `public_message`; a variant (a correct answer in another style) must keep full marks.
# make test asks for at least 6 mutants and 2 variants once this file exists. Questions: {questions}.

# [[mutant]]
# name = "forgets-zero-grad"
# find = "optimizer.zero_grad()"           # a line of the reference, found exactly once
# replace = "pass"
# loses = ["{first}"]
# public_message = "the text a public test prints"

# [[variant]]
# name = "own-module-class"
# find = ["model = nn.Linear(1, 1)"]
# replace = ["model = MyLinear()"]
"""


def scaffold(assignment: str) -> str:
    """Write ``solutions/students/<id>.toml`` as a commented template naming the notebook's questions."""
    from ..layout import solution_notebook
    from ..notebooks import checked_question

    path = simulated_students(assignment)
    if path.exists():
        return f"{path} exists; nothing written"
    nb = nbformat.read(solution_notebook(assignment), as_version=4)
    questions = list(dict.fromkeys(q for c in nb.cells if c.cell_type == "code" and (q := checked_question(c.source))))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SCAFFOLD.format(assignment=assignment, questions=", ".join(questions), first=questions[0]))
    return f"wrote {path}: add 6 mutants and 2 variants"


if __name__ == "__main__":  # python -m grading.author.simulated <id>: a template of its simulated students
    import sys

    print(scaffold(sys.argv[1]))
