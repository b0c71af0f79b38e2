"""An upload of megabytes of code (issue 30: three 0.95 MB cells of ``a,a,...`` behind a syntax
error) must neither hold up nor bloat the class's outputs: the tamper hints (the judge's) and the
similarity report (``ClassRun._similarity``, the process that writes the report) read only the first
``MAX_CODE`` characters and say so in one line; the honest students' results are what they were.
Nothing here grades: the rows are built by hand, the notebooks are the demo class's."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from grading import layout
from grading.bundle import read_autograder
from grading.grade.run import ClassRun
from grading.judge import tamper
from grading.judge.load import load_notebook
from grading.judge.outcome import Row, Status
from grading.outputs import report, similarity

ASSIGNMENT = "01-gradient-descent"
CELL = 950_000  # characters in each of the three cells, as the red team's upload
EXTRA_S = 2.0  # CPU seconds the oversized notebook may add to the honest class's hints and similarity


def padding() -> list[str]:
    """A syntax error, then three cells of ``a,a,...`` of CELL characters each."""
    return ["def oops(:\n    pass"] + [",".join(["a"] * ((CELL + 1) // 2))] * 3


def write_class(folder: Path, padded: bool = True) -> dict[str, Path]:
    """The demo class's honest notebooks, and one more: the unanswered notebook with the padding
    (or, ``padded=False``, with only the syntax error)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for path in sorted(layout.examples_dir(ASSIGNMENT).glob("*.ipynb")):
        if path.stem not in ("unanswered", "broken", "endless-loop") and not path.stem.startswith("copied"):
            paths[path.name] = path
    nb = nbformat.read(layout.examples_dir(ASSIGNMENT) / "unanswered.ipynb", as_version=4)
    cells = padding() if padded else padding()[:1]
    nb.cells.extend(nbformat.v4.new_code_cell(source) for source in cells)
    paths["huge.ipynb"] = folder / "huge.ipynb"
    nbformat.write(nb, paths["huge.ipynb"])
    return paths


def outputs(paths: dict[str, Path], out: Path):
    """What the main process does for similarity (``ClassRun._similarity`` itself, on hand-built
    rows) and the report's section, and the judge's tamper hints for each notebook; the CPU seconds
    it took."""
    max_score = read_autograder(layout.autograder_zip(ASSIGNMENT)).max_score
    rows = [Row(name, Status.GRADED, 0.0, max_score) for name in paths]
    run = SimpleNamespace(assignment=ASSIGNMENT, rows=rows, paths=paths, outputs=layout.Outputs(out, ASSIGNMENT))
    start = time.process_time()
    hints = {name: tamper.hints(load_notebook(path)) for name, path in paths.items()}
    pairs, subs = ClassRun._similarity(run)
    section = similarity.html_section(pairs, subs)
    return time.process_time() - start, hints, pairs, subs, section, rows


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("oversized")
    honest = {k: v for k, v in write_class(tmp / "small", padded=False).items() if k != "huge.ipynb"}
    alone = outputs(honest, tmp / "alone" / "g.csv")
    small = outputs(write_class(tmp / "small", padded=False), tmp / "small" / "g.csv")
    huge = outputs(write_class(tmp / "huge"), tmp / "huge" / "g.csv")
    return alone, small, huge, tmp


def test_the_oversized_notebook_adds_little_time(runs):
    """Its hints and similarity take at most EXTRA_S CPU seconds more than the honest class's
    alone (uncapped, the hints alone took 17 s and the similarity report 36 s)."""
    alone, _, huge, _ = runs
    assert huge[0] - alone[0] < EXTRA_S, f"{huge[0]:.2f} s with the upload, {alone[0]:.2f} s without"


def test_the_cap_is_noted_in_one_line(runs, tmp_path):
    """The hints say what was not read; the similarity section names the submission cut short,
    and the report that holds it is not much bigger than the honest class's."""
    alone, _, huge, tmp = runs
    _, hints, pairs, subs, section, rows = huge
    total = sum(len(c.source) for c in load_notebook(tmp / "huge" / "huge.ipynb").cells if c.cell_type == "code")
    assert hints["huge.ipynb"] == [tamper.too_long(total)]
    assert "\n" not in tamper.too_long(total) and f"{total:,} characters" in tamper.too_long(total)
    assert all(not h for name, h in hints.items() if name != "huge.ipynb")
    assert pairs.capped == ["huge.ipynb"]
    note = similarity.capped_note(["huge.ipynb"])
    assert "\n" not in note and f"<p>{note}</p>" in section
    assert next(s for s in subs if s.name == "huge.ipynb").cut
    assert sum(len(c) for s in subs for c in s.cells) <= similarity.MAX_CODE * len(subs)

    ag = read_autograder(layout.autograder_zip(ASSIGNMENT))
    for row in rows:
        row.review = hints[row.submission]
    page = report.write(tmp_path / "huge.html", ASSIGNMENT, rows, ag, [], similarity_html=section)
    base = report.write(tmp_path / "alone.html", ASSIGNMENT, alone[5], ag, [], similarity_html=alone[4])
    assert note in page.read_text()
    assert page.stat().st_size < base.stat().st_size + 50_000


def test_the_honest_students_results_are_unchanged(runs):
    """The padding changes no honest pair's evidence: the same pairs, scores and lines as with the
    same notebook without it, and the same pairs flagged as in the honest class alone."""
    alone, small, huge, _ = runs

    def honest(pairs):
        return [p for p in pairs.scored if "huge.ipynb" not in (p.a, p.b)]

    assert honest(huge[2]) == honest(small[2])
    assert [{p.a, p.b} for p in huge[2] if "huge.ipynb" not in (p.a, p.b)] == [{p.a, p.b} for p in alone[2]]


def test_a_long_line_is_shown_cut():
    """A matching line of megabytes is shown cut at WIDTH characters, not whole."""
    line = "x = [" + "1, " * 100_000 + "]"
    sub = similarity.Graded("a", [line], {})
    shown = similarity._code_html(sub, ((0, 1),))
    assert len(shown) < similarity.WIDTH + 500


@pytest.mark.parametrize(
    "source",
    ["x = " + "-" * 3000 + "a", "x = " + "lambda: " * 3000 + "a", "def f(a):\n    return a" + ".b" * 3000 + "\n"],
)
def test_code_nested_too_deep_to_parse_is_read_as_tokens(source):
    """Code the parser gives up on (RecursionError, MemoryError) has token fingerprints only, all
    in common for two copies; the class's similarity report is still written."""
    subs = [similarity.Graded("a", [source], {}), similarity.Graded("b", [source], {})]
    pairs = similarity.compare(subs, [])
    assert [(p.a, p.b, p.code_share) for p in pairs.scored] == [("a", "b", 1.0)]
    assert "a and b" not in similarity.html_section(pairs, subs)


def test_tamper_hints_name_a_few_cells_and_read_up_to_the_cap():
    """Many suspicious cells: MAX_HINTS named, the rest counted; a hint within MAX_CODE is found,
    one past it is not, and the note says the rest was not read."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import subprocess") for _ in range(tamper.MAX_HINTS + 5)]
    notes = tamper.hints(nb)
    assert len(notes) == tamper.MAX_HINTS + 1 and notes[-1] == "and 5 more cells like these"
    nb.cells = [nbformat.v4.new_code_cell("x = 1\n" * (tamper.MAX_CODE // 12) + "exec('1')\n")]
    nb.cells.append(nbformat.v4.new_code_cell("y = 2\n" * (tamper.MAX_CODE // 6) + "import ctypes\n"))
    total = sum(len(c.source) for c in nb.cells)
    assert tamper.hints(nb) == [f"cell 1 line {tamper.MAX_CODE // 12 + 1} runs generated code", tamper.too_long(total)]
