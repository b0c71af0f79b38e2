"""The red-team suite: attacks (tests/attacks.py) on the unanswered notebooks of two assignments,
graded through `make grade`'s pipeline. Each must score exactly 0, a patched wrong answer no more
than the same answer unpatched, and the honest notebook beside them full marks. The same attacks
win against stock otter, so these tests mean something."""

from __future__ import annotations

import json
import subprocess
import sys

import attacks
import nbformat
import pytest
from attacks import ATTACKED, with_cells
from conftest import course_digest

from grading.layout import ROOT, autograder_zip, examples_dir

pytestmark = pytest.mark.redteam  # make test-redteam (CI runs it): its own target keeps make test near 12 minutes

CASES = [(a, name) for a in ATTACKED for name in attacks.for_assignment(a)]


def test_the_suite_has_at_least_twelve_attacks():
    assert all(len(attacks.for_assignment(a)) >= 12 for a in ATTACKED)


@pytest.mark.parametrize("assignment, attack", CASES, ids=[f"{a}:{n}" for a, n in CASES])
def test_an_attack_scores_zero(attacked, assignment, attack):
    row = attacked(assignment)[attack]
    assert row.score == 0, f"{attack} scored {row.score}: {row.questions}"


@pytest.mark.parametrize("assignment", ATTACKED)
def test_the_honest_notebook_beside_them_keeps_full_marks(attacked, assignment):
    row = attacked(assignment)["honest"]
    assert row.status == "graded" and row.score == row.max_score and row.note == ""


@pytest.mark.parametrize("assignment", ATTACKED)
def test_no_notebook_puts_itself_on_the_leaderboard(attacked, assignment):
    """Only what the judge's tests measure goes there: these assignments measure nothing."""
    assert {name: row.leaderboard for name, row in attacked(assignment).items() if row.leaderboard} == {}


@pytest.mark.parametrize("assignment", ATTACKED)
def test_a_patched_wrong_answer_scores_no_more_than_unpatched(attacked, assignment):
    rows = attacked(assignment)
    assert 0 < rows["wrong"].score < rows["wrong"].max_score
    assert rows["wrong-and-patched"].score <= rows["wrong"].score


@pytest.mark.parametrize("assignment", ATTACKED)
def test_no_note_carries_what_a_notebook_says(attacked, assignment):
    rows = attacked(assignment)
    for row in rows.values():
        assert "17" not in row.note and "by hand" not in row.note and "GRADER" not in row.note, row.note


@pytest.mark.parametrize("assignment", ATTACKED)
def test_obvious_attempts_are_flagged_for_a_ta(attacked, assignment):
    """The regex is a hint for a TA, never a defence: some attacks get a REVIEW note, none a point."""
    rows = attacked(assignment)
    for name in (
        "patch-otter-through-aliases",
        "rewrite-the-tests-with-the-shell",
        "forked-child-rewrites-results",
        "patch-torch-and-numpy",
    ):
        assert "REVIEW" in rows[name].note, (name, rows[name].note)


def test_the_course_is_untouched(attacked, course_digest_before):
    attacked(ATTACKED[0]), attacked(ATTACKED[1])
    assert course_digest() == course_digest_before


@pytest.mark.sandbox  # stock otter, for real
@pytest.mark.parametrize("attack", ["patch-otter-through-aliases", "rewrite-the-tests-with-pathlib"])
def test_the_attacks_are_real_against_plain_otter(tmp_path, attack):
    """Stock otter runs the tests in the student's kernel: these attacks win full marks there."""
    unanswered = nbformat.read(examples_dir("01-gradient-descent") / "unanswered.ipynb", as_version=4)
    nb = with_cells(unanswered, attacks.for_assignment("01-gradient-descent")[attack])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}  # the venv's own
    nbformat.write(nb, tmp_path / "a.ipynb")
    (tmp_path / "out").mkdir()
    # read-only everywhere but its own folders: the attack must not reach the course's files
    subprocess.run(
        [
            "bwrap",
            "--ro-bind",
            "/",
            "/",
            "--dev",
            "/dev",
            "--proc",
            "/proc",
            "--tmpfs",
            "/tmp",
            "--ro-bind",
            str(ROOT),
            str(ROOT),
            "--bind",
            str(tmp_path),
            str(tmp_path),
            sys.executable,
            "-m",
            "otter",
            "run",
            "--no-logo",
            "-a",
            str(autograder_zip("01-gradient-descent")),
            "-o",
            str(tmp_path / "out"),
            str(tmp_path / "a.ipynb"),
        ],
        check=True,
        capture_output=True,
        timeout=300,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "MPLBACKEND": "Agg",
            "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        },
    )
    results = json.loads((tmp_path / "out" / "results.json").read_text())
    assert sum(t.get("score") or 0 for t in results["tests"]) > 0


@pytest.mark.parametrize(
    "attack, assignment", sorted(attacks.PAIRED), ids=[f"{a}:{n}" for n, a in sorted(attacks.PAIRED)]
)
def test_a_trick_earns_nothing_beyond_the_answers(attack, assignment, tricked):
    """A model whose forward answers from a table, a function that zeroes what the test passes it:
    each scores no more than the same notebook with the trick switched off."""
    rows = tricked(assignment)
    cheat, honest = rows[f"{attack}-cheat"], rows[f"{attack}-honest"]
    assert cheat.status == honest.status == "graded", (cheat.note, honest.note)
    assert cheat.score <= honest.score, f"with the trick {cheat.questions}, without it {honest.questions}"


def test_a_trainer_that_trains_only_the_checks_small_data_earns_no_follow_through(tricked):
    """A trainer that passes Question 2 (small data sets) and trains nothing on a question's own
    data leaves untrained models: the later questions' fit checks fail, not follow through."""
    cheat = tricked("03-trainer")["a-trainer-that-spots-the-recheck-cheat"]
    passed = {case.test: case.passed for cases in cheat.cases.values() for case in cases}
    fits = ("test_q3_fit", "test_q5_beats_a_line", "test_q7_overfitting_and_decay")
    assert not any(passed[test] for test in fits), {test: passed[test] for test in fits}


def test_a_notebook_that_tells_the_runs_of_a_checkpoint_apart_gains_nothing(tricked):
    """Later questions are graded on the second run only: answering each question one way in each
    run scores no more than answering it one way in both."""
    rows = {name.removeprefix("hedge-"): row for name, row in tricked("04-bce-classifier").items()}
    assert rows["first"].questions["q1"] == rows["hedge"].questions["q1"] == 2, "the trigger costs nothing in q1"
    assert rows["hedge"].score <= max(rows["first"].score, rows["second"].score), {
        k: r.questions for k, r in rows.items()
    }


def test_a_notebook_that_learns_the_kept_back_images_gets_no_leaderboard_entry(tricked):
    """05's kept-back images are FashionMNIST's public test images 8000-9999: a notebook can carry them
    with their labels and train on them. Its points are what the same recipe earns on training
    images, and a value above what the fixed network learns from the training images (Question 5's
    ceiling) is kept off the leaderboard; the honest notebook beside it keeps its entry."""
    rows = tricked("05-fashion-mnist")
    cheat, honest = (
        rows["learns-the-kept-back-images-by-heart-cheat"],
        rows["learns-the-kept-back-images-by-heart-honest"],
    )
    assert cheat.leaderboard == [], cheat.leaderboard
    assert [entry["name"] for entry in honest.leaderboard] == ["accuracy on the 2,000 kept-back test images"]
    assert honest.leaderboard[0]["value"] < 0.93


@pytest.mark.parametrize(
    "assignment, attack",
    [
        ("03-trainer", "fakes-training-at-scale"),
        ("04-bce-classifier", "fakes-long-runs"),
        ("04-bce-classifier", "accuracy-made-up-at-scale"),
        ("05-fashion-mnist", "fakes-training-at-scale"),
    ],
)
def test_a_function_that_fakes_at_the_later_questions_scale_earns_no_follow_through(tricked, assignment, attack):
    """Exact on every small check, one cheap test lost on purpose, and faking on the later questions'
    data (told apart by size): no question scores more than in the honest notebook beside it."""
    rows = tricked(assignment)
    cheat, honest = rows[f"{attack}-cheat"], rows[f"{attack}-honest"]
    assert all(cheat.questions[q] <= honest.questions[q] for q in cheat.questions), (cheat.questions, honest.questions)
