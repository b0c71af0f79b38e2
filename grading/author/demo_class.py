"""A small, realistic class per assignment for ``make demo`` (``examples/<id>/``), written by
``make student`` from what the project already knows:

- ``reference.ipynb`` (full marks; its written answers are the model answers) and
  ``unanswered.ipynb`` (the student notebook as handed out);
- ``mutant-*.ipynb``: students with one typical mistake each (``solutions/students/<id>.toml``);
- ``variant-*.ipynb``: a correct answer in another style;
- ``broken.ipynb``: an upload cut off halfway;
- ``dana/``: a student who handed in twice (otter export zips; the newer one, by the time stamp
  otter puts in the name, is graded);
- ``endless-loop.ipynb``: a cell that never ends (it polls for a flag nothing sets; a busy loop
  is graded in ``tests/grade``), stopped by the time limit;
- ``copied-from-variant-<name>.ipynb``: a copy, disguised (other local names, order and comments:
  ``copied``), of the variant that rewrites the most lines, which is in the class too: the pair the
  report's similarity section should flag. (A copy of a mutant would not do: a mutant is the
  reference with one edit, and code the whole class shares is no evidence.)
"""

from __future__ import annotations

import difflib
import io
import shutil
import zipfile
from pathlib import Path

import nbformat

from .. import written
from ..layout import ROOT, examples_dir
from . import copied, simulated

MUTANTS, VARIANTS = 3, 1
EARLY, LATE = "2026_11_20T10_00_00_000000", "2026_11_21T09_30_00_000000"


def _zip(nb: nbformat.NotebookNode, name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        zf.writestr(info, nbformat.writes(nb))
    return buffer.getvalue()


def _with_endless_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = nbformat.from_dict(nb)
    first_answer = next(i for i, c in enumerate(nb.cells) if "otter_assign_solution_cell" in c.metadata.get("tags", []))
    nb.cells.insert(
        first_answer + 1,
        nbformat.v4.new_code_cell(
            "# waits for a flag that no cell ever sets\nimport time\n\nready = False\n"
            "while not ready:\n    time.sleep(0.1)",
            id="endless-loop",
        ),
    )
    return nb


def _answered(reference: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The reference as a student who wrote the model answers hands it in: without otter's
    placeholder before a written question's model answer, and without the rubric students never see."""
    nb = nbformat.from_dict(reference)
    nb.cells = [
        c
        for c in nb.cells
        if c.cell_type != "markdown"
        or not (c.source.strip() == written.PLACEHOLDER or c.source.lstrip().startswith(written.RUBRIC))
    ]
    return nb


def write(
    assignment: str, reference: nbformat.NotebookNode, unanswered: nbformat.NotebookNode, root: Path = ROOT
) -> None:
    reference = _answered(reference)
    folder = examples_dir(assignment, root)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    nbformat.write(reference, folder / "reference.ipynb")
    nbformat.write(unanswered, folder / "unanswered.ipynb")
    table = simulated.load(assignment)
    mutants = [e for e in table if e.kind == "mutant"][:MUTANTS]
    variants = [e for e in table if e.kind == "variant"][:VARIANTS]
    for edit in [*mutants, *variants]:
        nbformat.write(edit.apply(reference), folder / f"{edit.kind}-{edit.name}.ipynb")
    text = nbformat.writes(reference)
    (folder / "broken.ipynb").write_text(text[: len(text) // 2])
    (folder / "dana").mkdir()
    first = mutants[0].apply(reference) if mutants else unanswered
    (folder / "dana" / f"{assignment}_{EARLY}.zip").write_bytes(_zip(first, f"{assignment}.ipynb"))
    (folder / "dana" / f"{assignment}_{LATE}.zip").write_bytes(_zip(reference, f"{assignment}.ipynb"))
    nbformat.write(_with_endless_cell(reference), folder / "endless-loop.ipynb")
    others = [e for e in table if e.kind == "variant" and e not in variants]
    if others:
        source = max(others, key=lambda e: _lines_rewritten(reference, e.apply(reference)))
        nbformat.write(source.apply(reference), folder / f"variant-{source.name}.ipynb")
        nbformat.write(copied.disguise(source.apply(reference)), folder / f"copied-from-variant-{source.name}.ipynb")


def _lines_rewritten(before: nbformat.NotebookNode, after: nbformat.NotebookNode) -> int:
    def lines(nb):
        return [line for c in nb.cells if c.cell_type == "code" for line in c.source.splitlines()]

    return sum(line.startswith("+ ") for line in difflib.ndiff(lines(before), lines(after)))
