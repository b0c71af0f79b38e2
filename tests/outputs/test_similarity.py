"""Similar submissions (``grading.outputs.similarity``) and the disguise that puts it to the test
(``grading.author.copied``): unit tests on hand-built evidence and the demo classes' notebooks,
disguised as a copier would; nothing here grades."""

from __future__ import annotations

import contextlib
import csv
import io

import matplotlib.pyplot as plt
import nbformat
import pytest
from html_structure import Structure

from grading.author.copied import disguise
from grading.course import ASSIGNMENT_IDS
from grading.judge.outcome import CaseResult, Row, Status
from grading.layout import examples_dir
from grading.outputs import similarity
from grading.outputs.similarity import Graded, Pair


def notebook(assignment: str, stem: str) -> nbformat.NotebookNode:
    return nbformat.read(examples_dir(assignment) / f"{stem}.ipynb", as_version=4)


def code(nb: nbformat.NotebookNode) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


def skeleton(assignment: str) -> list[str]:
    return code(notebook(assignment, "unanswered"))


def first(assignment: str, kind: str) -> str:
    return sorted(p.stem for p in examples_dir(assignment).glob(f"{kind}-*.ipynb"))[0]


def flagged(pairs: list[Pair]) -> list[set[str]]:
    return [{p.a, p.b} for p in pairs]


@pytest.mark.parametrize("assignment", ASSIGNMENT_IDS)
def test_a_disguised_copy_of_a_mutant_is_flagged(assignment):
    """Renamed locals, functions in another order, other comments and blank lines: still the same
    fingerprints, every one of them."""
    mutant = notebook(assignment, first(assignment, "mutant"))
    copy = disguise(mutant, seed=1)
    assert code(copy) != code(mutant)
    subs = [Graded("original", code(mutant), {}), Graded("copy", code(copy), {})]
    pairs = similarity.compare(subs, skeleton(assignment))
    assert flagged(pairs) == [{"original", "copy"}]
    assert pairs[0].code_share == pytest.approx(1.0)
    assert pairs[0].lines_a and pairs[0].lines_b


def test_a_common_bug_ranks_below_a_copied_pair():
    """In a class of 20, two honest students (different code) share a bug 12 students have, in
    four questions; a copied pair shares a wrong answer nobody else gave, in two. Only the copied
    pair is flagged."""
    assignment = "01-gradient-descent"
    reference, source = notebook(assignment, "reference"), notebook(assignment, "mutant-gd-drops-x0")
    honest = [notebook(assignment, "mutant-gd-step-wrong-sign"), notebook(assignment, first(assignment, "variant"))]
    common = {f"q{q}/test_q{q}_hidden/0:f": f"float {q}" for q in range(1, 5)}
    own = {f"q{q}/test_q{q}_hidden/0:f": f"raised IndexError {q}" for q in (5, 6)}
    subs = [Graded("copied", code(source), own), Graded("copy", code(disguise(source, seed=2)), own)]
    subs += [Graded(f"honest{i}", code(nb), common) for i, nb in enumerate(honest)]
    for i in range(16):  # the standard solution, written by each in their own names
        evidence = common if i < 10 else {key: f"float {i}.5" for key in own}
        subs.append(Graded(f"student{i:02d}", code(disguise(reference, seed=100 + i)), evidence))
    pairs = similarity.compare(subs, skeleton(assignment))
    assert flagged(pairs) == [{"copied", "copy"}]
    assert {s.question for s in pairs[0].behaviour} == {"q5", "q6"}


def row(name: str, passed: bool, answers: dict[str, str]) -> Row:
    """A graded row whose hidden test of each question answered ``answers[question]``."""
    cases = {
        q: [CaseResult(f"{q} - 1", f"test_{q}_hidden", True, 1.0, passed, "", 1, evidence={"0:f": answer})]
        for q, answer in answers.items()
    }
    return Row(name, Status.GRADED, 0.0, 4.0, cases=cases)


def test_correct_answers_that_agree_are_not_evidence():
    """The reference and a correct variant agree on every answer and share most code with the
    class: neither makes them a pair (``graded`` keeps only the failed cases' answers, and code
    most of the class has is boilerplate)."""
    assignment = "01-gradient-descent"
    questions = ["q1", "q2", "q3", "q4"]
    right = {q: f"float {q}" for q in questions}
    stems = ["reference", first(assignment, "variant")]
    mutants = sorted(p.stem for p in examples_dir(assignment).glob("mutant-*.ipynb"))
    rows = [row(stem, True, right) for stem in stems]
    rows += [row(stem, False, {q: f"float {stem} {q}" for q in questions}) for stem in mutants]
    subs = [similarity.graded(r, code(notebook(assignment, r.submission))) for r in rows]
    assert subs[0].evidence == {} and subs[-1].evidence["q1/test_q1_hidden/0:f"] == f"float {mutants[-1]} q1"
    assert similarity.compare(subs, skeleton(assignment)) == []


@pytest.mark.parametrize("assignment", ASSIGNMENT_IDS)
def test_the_skeleton_never_counts(assignment):
    """The unanswered notebook against its own disguise: no fingerprint, no pair."""
    unanswered = notebook(assignment, "unanswered")
    disguised = disguise(unanswered, seed=3)
    assert code(disguised) != code(unanswered)
    given = similarity.skeleton_lines(skeleton(assignment))
    assert similarity.fingerprints(code(disguised), given) == {}
    subs = [Graded("unanswered", code(unanswered), {}), Graded("disguised", code(disguised), {})]
    assert similarity.compare(subs, skeleton(assignment)) == []


def test_csv_and_html_section(tmp_path):
    """One CSV row per flagged pair (a formula neutralised); the report's section escapes what
    students wrote, says it is a hint and never a verdict, and marks the matching lines."""
    assignment, script = "01-gradient-descent", "<script>alert(1)</script>"
    mutant = notebook(assignment, "mutant-gd-drops-x0")
    subs = [Graded(script, code(mutant), {}), Graded("=1+1", code(disguise(mutant, seed=4)), {}), Graded("x", [], {})]
    pairs = similarity.compare(subs, skeleton(assignment))
    assert len(pairs) == 1
    similarity.write_csv(tmp_path / "similar.csv", pairs)
    with open(tmp_path / "similar.csv", newline="") as f:
        head, *body = list(csv.reader(f))
    assert head[:3] == ["a", "b", "score"] and len(body) == len(pairs)
    assert {body[0][0], body[0][1]} == {script, "'=1+1"}

    section = similarity.html_section(pairs, subs)
    parser = Structure()
    parser.feed(section)
    text = " ".join(parser.text)
    assert "<script>" not in section and script in text and parser.stack == [] and parser.errors == []
    assert "hint" in text and "never a verdict" in text and "changed no score" in text
    assert "<mark>" in section
    nothing = similarity.html_section([], subs)
    assert "never a verdict" in nothing and nothing.count("<p>") == 1


def test_clusters_join_pairs_that_share_a_submission():
    def pair(a, b):
        return Pair(a, b, 5.0, (), 1.0, (), ())

    pairs = [pair("b", "c"), pair("d", "e"), pair("a", "b")]
    assert similarity.clusters(pairs) == [["a", "b", "c"], ["d", "e"]]
    assert similarity.clusters([]) == []


SKIPPED = ("grader.", "import otter", "%", "!")


def run_cells(nb: nbformat.NotebookNode) -> dict:
    """A notebook's code cells run in one fresh namespace, without otter's lines."""
    namespace = {"__name__": "__main__"}
    for source in code(nb):
        kept = ["" if s.lstrip().startswith(SKIPPED) or "otter.Notebook(" in s else s for s in source.splitlines()]
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile("\n".join(kept), "<cell>", "exec"), namespace)
    plt.close("all")
    return namespace


def test_disguise_computes_the_same(monkeypatch, tmp_path):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(tmp_path)  # the notebook's last check looks for its saved file here
    reference = notebook("01-gradient-descent", "reference")
    disguised = disguise(reference, seed=5)
    want, got = run_cells(reference), run_cells(disguised)
    for name in ("xs", "grad_w", "grad_b"):
        assert got[name] == want[name], name
    assert not any("xs.append" in source for source in code(disguised))  # the local `xs` was renamed
