"""The red-team suite: attacks (tests/attacks.py) on the unanswered notebooks of two assignments,
graded through `make grade`'s pipeline. Each must score exactly 0, a patched wrong answer no more
than the same answer unpatched, and the honest notebook beside them full marks. The same attacks
win against stock otter, so these tests mean something."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import attacks
from grading import edits
from grading.assignments import ROOT, autograder_zip, examples_dir
from grading.grade import grade_folder

ATTACKED = ("01-gradient-descent", "02-tensors")
AFTER_SETUP = 4  # attack cells go right after the setup cells


def with_cells(nb: nbformat.NotebookNode, *sources: str) -> nbformat.NotebookNode:
    nb = nbformat.from_dict(nb)
    for offset, source in enumerate(sources):
        nb.cells.insert(AFTER_SETUP + offset, nbformat.v4.new_code_cell(source))
    return nb


def write_attacked_class(assignment: str, folder: Path) -> None:
    unanswered = nbformat.read(examples_dir(assignment) / "unanswered.ipynb", as_version=4)
    for name, code in attacks.for_assignment(assignment).items():
        nbformat.write(with_cells(unanswered, code), folder / f"{name}.ipynb")
    reference = nbformat.read(examples_dir(assignment) / "reference.ipynb", as_version=4)
    nbformat.write(reference, folder / "honest.ipynb")
    mutant = next(e for e in edits.load(assignment) if e.kind == "mutant").apply(reference)
    nbformat.write(mutant, folder / "wrong.ipynb")
    patches = attacks.for_assignment(assignment)
    nbformat.write(with_cells(mutant, patches["patch-torch-and-numpy"], patches["exec-behind-hex-and-a-continuation"],
                              patches["ipython-post-run-hook"]), folder / "wrong-and-patched.ipynb")


def _course_digest() -> str:
    h = hashlib.sha256()
    for folder in ("solutions", "autograder", "assignments", "examples", "tests", "grading"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                h.update(path.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    before = _course_digest()
    results = {}
    for assignment in ATTACKED:
        folder = tmp_path_factory.mktemp(f"attacks-{assignment}")
        write_attacked_class(assignment, folder)
        rows = grade_folder(assignment, folder, folder.parent / f"{assignment}.csv", jobs=2, timeout_s=60, quiet=True)
        results[assignment] = {Path(r.submission).stem: r for r in rows}
    return results, before


CASES = [(a, name) for a in ATTACKED for name in attacks.for_assignment(a)]


def test_the_suite_has_at_least_twelve_attacks():
    assert all(len(attacks.for_assignment(a)) >= 12 for a in ATTACKED)


@pytest.mark.parametrize("assignment, attack", CASES, ids=[f"{a}:{n}" for a, n in CASES])
def test_an_attack_scores_zero(attacked, assignment, attack):
    row = attacked[0][assignment][attack]
    assert row.score == 0, f"{attack} scored {row.score}: {row.questions}"


@pytest.mark.parametrize("assignment", ATTACKED)
def test_the_honest_notebook_beside_them_keeps_full_marks(attacked, assignment):
    row = attacked[0][assignment]["honest"]
    assert row.status == "graded" and row.score == row.max_score and row.note == ""


@pytest.mark.parametrize("assignment", ATTACKED)
def test_a_patched_wrong_answer_scores_no_more_than_unpatched(attacked, assignment):
    rows = attacked[0][assignment]
    assert 0 < rows["wrong"].score < rows["wrong"].max_score
    assert rows["wrong-and-patched"].score <= rows["wrong"].score


@pytest.mark.parametrize("assignment", ATTACKED)
def test_no_note_carries_what_a_notebook_says(attacked, assignment):
    rows = attacked[0][assignment]
    for row in rows.values():
        assert "17" not in row.note and "by hand" not in row.note and "GRADER" not in row.note, row.note


@pytest.mark.parametrize("assignment", ATTACKED)
def test_obvious_attempts_are_flagged_for_a_ta(attacked, assignment):
    """The regex is a hint for a TA, never a defence: some attacks get a REVIEW note, none a point."""
    rows = attacked[0][assignment]
    for name in ("patch-otter-through-aliases", "rewrite-the-tests-with-the-shell", "forked-child-rewrites-results",
                 "patch-torch-and-numpy"):
        assert "REVIEW" in rows[name].note, (name, rows[name].note)


def test_the_course_is_untouched(attacked):
    assert _course_digest() == attacked[1]


@pytest.mark.parametrize("attack", ["patch-otter-through-aliases", "rewrite-the-tests-with-pathlib"])
def test_the_attacks_are_real_against_plain_otter(tmp_path, attack):
    """Stock otter runs the tests in the student's kernel: these attacks win full marks there."""
    unanswered = nbformat.read(examples_dir("01-gradient-descent") / "unanswered.ipynb", as_version=4)
    nb = with_cells(unanswered, attacks.for_assignment("01-gradient-descent")[attack])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}  # the venv's own
    nbformat.write(nb, tmp_path / "a.ipynb")
    (tmp_path / "out").mkdir()
    # read-only everywhere but its own folders: the attack must not reach the course's files
    subprocess.run(["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
                    "--ro-bind", str(ROOT), str(ROOT), "--bind", str(tmp_path), str(tmp_path), sys.executable, "-m", "otter", "run", "--no-logo", "-a", str(autograder_zip("01-gradient-descent")),
                    "-o", str(tmp_path / "out"), str(tmp_path / "a.ipynb")], check=True, capture_output=True,
                   timeout=300, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "MPLBACKEND": "Agg",
                                    "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")})
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert sum(t.get("score") or 0 for t in results["tests"]) > 0


@pytest.mark.parametrize("attack, assignment", sorted(attacks.PAIRED), ids=[f"{a}:{n}" for n, a in sorted(attacks.PAIRED)])
def test_a_trick_earns_nothing_beyond_the_answers(attack, assignment, tmp_path):
    """A model whose forward answers from a table, a function that zeroes what the test passes it:
    each scores no more than the same notebook with the trick switched off."""
    unanswered = nbformat.read(examples_dir(assignment) / "unanswered.ipynb", as_version=4)
    for cheat in (True, False):
        nb = nbformat.from_dict(unanswered)
        nb.cells.append(nbformat.v4.new_code_cell(attacks.paired(attack, assignment, cheat)))
        nbformat.write(nb, tmp_path / f"cheat-{cheat}.ipynb")
    rows = {r.submission: r for r in grade_folder(assignment, tmp_path, tmp_path.parent / "g.csv", jobs=2,
                                                  timeout_s=120, quiet=True)}
    cheat, honest = rows["cheat-True.ipynb"], rows["cheat-False.ipynb"]
    assert cheat.status == honest.status == "graded", (cheat.note, honest.note)
    assert cheat.score <= honest.score, f"with the trick {cheat.questions}, without it {honest.questions}"


def _hedging(mode: str) -> edits.Edit:
    """04's reference, with Questions 2 and 4 answered one way or the other: "first" and "second"
    answer the same in both runs; "hedge" answers each way in one run of a checkpoint, telling
    them apart by whether its own X_blobs was replaced by the reference's."""
    second_run = {"first": "False", "second": "True", "hedge": "X_blobs is not _MINE"}[mode]
    return edits.Edit("mutant", f"hedge-{mode}", find=[
        "X_circles, y_circles = to_tensors(X_circles_np, y_circles_np)",
        "return (torch.clamp(logits, min=0) + torch.log1p(torch.exp(-logits.abs())) - y * logits).mean()",
        "optimizer = torch.optim.Adam(model.parameters(), lr=lr)",
    ], replace=[
        "X_circles, y_circles = to_tensors(X_circles_np, y_circles_np)\n"
        "X_blobs = X_blobs.clone()\nX_blobs[0, 0] += 1e-6  # Question 1 still passes, and the checkpoint runs twice\n"
        f"_MINE = X_blobs\ndef second_run():\n    return {second_run}",
        "loss = torch.clamp(logits, min=0) + torch.log1p(torch.exp(-logits.abs())) - y * logits\n"
        "    return loss.sum() if second_run() else loss.mean()",
        "optimizer = (torch.optim.Adam if second_run() else torch.optim.SGD)(model.parameters(), lr=lr)",
    ])


def test_a_notebook_that_tells_the_runs_of_a_checkpoint_apart_gains_nothing(tmp_path):
    """Later questions are graded on the second run only: answering each question one way in each
    run scores no more than answering it one way in both."""
    reference = nbformat.read(examples_dir("04-bce-classifier") / "reference.ipynb", as_version=4)
    for mode in ("first", "second", "hedge"):
        nbformat.write(_hedging(mode).apply(reference), tmp_path / f"{mode}.ipynb")
    rows = {Path(r.submission).stem: r for r in grade_folder("04-bce-classifier", tmp_path, tmp_path.parent / "g.csv",
                                                             jobs=2, timeout_s=120, quiet=True)}
    assert rows["first"].questions["q1"] == rows["hedge"].questions["q1"] == 2, "the trigger costs nothing in q1"
    assert rows["hedge"].score <= max(rows["first"].score, rows["second"].score), {k: r.questions for k, r in rows.items()}
