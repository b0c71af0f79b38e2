"""Similar submissions (``grading.outputs.similarity``) and the disguise that puts it to the test
(``grading.author.copied``): unit tests on hand-built evidence and the demo classes' notebooks,
disguised as a copier would; nothing here grades."""

from __future__ import annotations

import contextlib
import csv
import importlib.util
import io
import time
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import pytest
from html_structure import Structure

from grading.author.copied import disguise
from grading.course import ASSIGNMENT_IDS
from grading.judge.outcome import CaseResult, Row, Status
from grading.layout import examples_dir
from grading.outputs import normalise, similarity
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
    """The unanswered notebook against its own disguise: no normalised fingerprint, no pair (a
    skeleton line with a renamed name may leave a token fingerprint, too little to count)."""
    unanswered = notebook(assignment, "unanswered")
    disguised = disguise(unanswered, seed=3)
    assert code(disguised) != code(unanswered)
    assert similarity.normal_fingerprints(code(disguised), similarity.given(skeleton(assignment))) == {}
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


def honest_class(assignment: str, evidence: dict[str, dict[str, str]]) -> list[Graded]:
    """The example notebooks of ``assignment`` (each its own code), with ``evidence`` by stem."""
    stems = sorted(p.stem for p in examples_dir(assignment).glob("*.ipynb") if not p.stem.startswith("copied"))
    stems = [s for s in stems if s not in ("unanswered", "broken", "endless-loop")]
    return [Graded(s, code(notebook(assignment, s)), evidence.get(s, {})) for s in stems]


def test_rare_wrong_answers_count_when_only_the_pair_failed():
    """Three questions' wrong answers only two gave, in a class where nobody else failed them
    (the old count made them worth 0): flagged on behaviour alone, code entirely different. The
    same answers spread over five students are a common bug and flag none of them."""
    assignment = "01-gradient-descent"
    kept = {f"q{q}/test_q{q}_hidden/0:f": f"float 98.{q}" for q in (2, 3, 4)}
    subs = [Graded(f"student{i:02d}", [f"x{i} = {i}"], {}) for i in range(18)]
    subs += [Graded("copier", ["def f(a):\n    return a * 2"], kept), Graded("source", ["y = [1, 2]"], kept)]
    pairs = similarity.compare(subs, skeleton(assignment))
    assert flagged(pairs) == [{"copier", "source"}]
    assert all(s.sharing == 2 and s.answering == len(subs) for s in pairs[0].behaviour)
    common = [Graded(s.name, s.cells, kept if i < 5 else {}) for i, s in enumerate(subs[:18])]
    assert similarity.compare(common, skeleton(assignment)) == []


def test_one_shared_bug_and_unfinished_answers_do_not_flag():
    """Two honest students (different code) with one common bug only they have, and two who left
    the same two questions unfinished (``None``): none is flagged, and the bug pair is the first
    pair below the threshold, where the report shows it."""
    assignment = "01-gradient-descent"
    bug = {f"q3/test_q3_hidden/{c}:f": f"float 7.{c}" for c in range(3)}
    blank = {f"q{q}/test_q{q}_hidden/0:f": "None" for q in (4, 5)}
    stems = ["reference", first(assignment, "variant"), first(assignment, "mutant")]
    evidence = {stems[1]: bug, stems[2]: bug, "mutant-gd-step-wrong-sign": blank, "dana": blank}
    subs = honest_class(assignment, evidence)
    pairs = similarity.compare(subs, skeleton(assignment))
    assert {stems[1], stems[2]} not in flagged(pairs)
    near = {p.a: p for p in pairs.near} | {p.b: p for p in pairs.near}
    assert near[stems[1]].behaviour and near[stems[1]].score < similarity.THRESHOLD


def benchmark():
    """``scripts/benchmark_similarity.py``, whose padding is the red team's."""
    path = Path(__file__).resolve().parents[2] / "scripts" / "benchmark_similarity.py"
    spec = importlib.util.spec_from_file_location("benchmark_similarity", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("assignment", ["03-trainer", "04-bce-classifier"])
def test_a_padded_copy_is_flagged(assignment):
    """Every name in parentheses and a no-op line after each line: few token fingerprints survive,
    the normalised form is the same, and the copy is flagged as a whole."""
    original = code(notebook(assignment, first(assignment, "variant")))
    copied = [benchmark().padded(c) for c in original]
    assert sum(c != p for c, p in zip(original, copied)) >= 3
    given = similarity.skeleton_lines(skeleton(assignment))
    tokens, padded_tokens = similarity.fingerprints(original, given), similarity.fingerprints(copied, given)
    assert len(tokens.keys() & padded_tokens.keys()) < len(tokens) / 4
    subs = [Graded("original", original, {}), Graded("padded", copied, {})]
    pairs = similarity.compare(subs, skeleton(assignment))
    assert flagged(pairs) == [{"original", "padded"}] and pairs[0].code_share > 0.9


@pytest.mark.parametrize("seed", [1, 3])
def test_a_common_bug_and_converging_code_do_not_flag(seed):
    """The benchmark's classes where s00 and s01 (one common bug, code written from the same
    templates) were flagged: code several wrote alike is spread over their pairs, and one shared
    question counts less, so they stay below the threshold; the partial copy of whole functions
    of seed 1 is flagged."""
    bench = benchmark()
    subs, planted = bench.build("04-bce-classifier", seed)
    pairs = similarity.compare(subs, bench.skeleton("04-bce-classifier"))
    assert {frozenset(p) for p in flagged(pairs)} <= set(planted)
    partial = next(p for p, kind in planted.items() if kind == "partial")
    assert seed != 1 or set(partial) in flagged(pairs)


def test_normalised_spellings_meet():
    """Loop forms, equivalent calls, dead code and no-op lines normalise to one form."""
    a = "def f(x, n):\n    ys = [v * 2 for v in x]\n    total = x.sum()\n    return ys, total.item()\n"
    b = (
        "def f(x, n):\n    '''doc'''\n    ys = []\n    unused = 3\n    for v in (x):\n        ys.append(v * 2)\n"
        "        pass\n    total = torch.sum(x)\n    print(total)\n    return ys, float(total)\n    x = 1\n"
    )
    c = "def f(x, n):\n    ys = [v + 2 for v in x]\n    total = x.mean()\n    return ys, total.item()\n"
    spell = lambda s: [sym for sym, _ in normalise.segments(s)[0]]  # noqa: E731
    assert spell(a) == spell(b) != spell(c)


def test_code_is_read_up_to_a_cap():
    """An upload of megabytes is cut at MAX_CODE: the class is compared within seconds and the
    report names the one cut short."""
    assignment = "03-trainer"
    subs = honest_class(assignment, {})
    huge = "def g(a):\n    return a + 1\n" * 40_000
    subs.append(Graded("huge", [huge] * 3, {}))
    cells, cut = similarity.capped(subs[-1].cells)
    assert cut and sum(map(len, cells)) == similarity.MAX_CODE
    start = time.perf_counter()
    pairs = similarity.compare(subs, skeleton(assignment))
    assert time.perf_counter() - start < 10
    assert pairs.capped == ["huge"]
    assert "huge" in similarity.html_section(pairs, subs)


def test_the_section_shows_the_distribution_and_the_next_pairs():
    """Every pair's score with the threshold marked, and the highest unflagged pairs, named (the
    two with one bug in common among them)."""
    assignment = "01-gradient-descent"
    mutant = notebook(assignment, "mutant-gd-drops-x0")
    bug = {"q3/test_q3_hidden/0:f": "float 7.5"}
    subs = honest_class(assignment, {"reference": bug, first(assignment, "variant"): bug})
    subs.append(Graded("copy", code(disguise(mutant, seed=6)), {}))
    pairs = similarity.compare(subs, skeleton(assignment))
    assert len(pairs.scores) == len(subs) * (len(subs) - 1) // 2
    assert pairs.near and all(p.score < similarity.THRESHOLD for p in pairs.near)
    section = similarity.html_section(pairs, subs)
    parser = Structure()
    parser.feed(section)
    assert parser.stack == [] and parser.errors == []
    assert "<svg" in section and f"threshold {similarity.THRESHOLD:g}" in section
    below = section[section.index("Next below the threshold") :]
    assert all(p.a in below and p.b in below for p in pairs.near)
    assert any({p.a, p.b} == {"reference", first(assignment, "variant")} for p in pairs.near)
