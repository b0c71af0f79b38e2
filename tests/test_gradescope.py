"""Each autograder zip works where Gradescope runs it: in an image built only from the zip (its
setup.sh, its requirements, its data fetched and checked), with /autograder laid out as Gradescope
lays it out, no bubblewrap, no repository, no host data. Graded by the same judge as `make grade`:
the attacks on what differs there (the sandbox, the entry point) score the same through the zip.
(Every run starts in the background as soon as the session does: ``gradescope_like.build_and_run``.)"""

from __future__ import annotations

import attacks
import gradescope_like
import pytest

from grading.bundle import read_autograder
from grading.layout import autograder_zip

pytestmark = pytest.mark.gradescope  # minutes of image building and runs: `make test-gradescope`


def _scores(results: dict) -> dict[str, tuple[float, float]]:
    return {t["name"]: (t["score"], t["max_score"]) for t in results["tests"] if "max_score" in t}


def _written(assignment: str, results: dict) -> list[str]:
    """The written questions' entries (for the TA who grades them in Gradescope): one each, no score."""
    entries = [t for t in results["tests"] if "(written" in t["name"]]
    assert len(entries) == len(read_autograder(autograder_zip(assignment)).written)
    assert all("score" not in t and t["output_format"] == "text" for t in entries)
    return [t["output"] for t in entries]


def test_the_zip_is_small_and_its_torch_a_cpu_build(assignment, gradescope_image):
    image, _ = gradescope_image
    assert autograder_zip(assignment).stat().st_size < 512 * 2**10
    torch_dirs = list((image / "venv").glob("lib/python3*/site-packages/torch-*.dist-info"))
    assert torch_dirs and all("+cpu" in d.name for d in torch_dirs)
    assert not list((image / "venv").glob("lib/python3*/site-packages/nvidia"))


def test_reference_gets_full_marks_through_the_zip(assignment, gradescope_image):
    results = gradescope_image[1][(assignment, "reference")]
    scores = _scores(results)
    assert scores and all(score == max_score for score, max_score in scores.values()), results["output"]
    assert "runs as the grader's user" not in results["output"], "the job must get a uid of its own"
    assert _written(assignment, results) and all("(left blank)" not in out for out in _written(assignment, results))


def test_unanswered_gets_zero_and_hidden_results_stay_hidden(assignment, gradescope_image):
    results = gradescope_image[1][(assignment, "unanswered")]
    scores = _scores(results)
    assert scores and all(score == 0 for score, _ in scores.values()), scores
    per_question = [t for t in results["tests"] if "max_score" in t]
    assert all(t["visibility"] == "after_published" for t in per_question), "shown only once grades are published"
    assert results["execution_time"] > 0
    public = next(t for t in results["tests"] if t["name"] == "Public Tests")
    assert public["visibility"] == "visible" and "hidden test" not in public["output"]
    assert all("(left blank)" in out for out in _written(assignment, results))


def test_the_attacks_score_the_same_through_the_zip(gradescope_image):
    runs = gradescope_image[1]
    assert runs[(gradescope_like.ATTACKED, "honest")]["score"] == 17
    scores = {name: r["score"] for (a, name), r in runs.items() if name.startswith("attack-")}
    assert len(scores) >= 12 and scores == {name: 0 for name in scores}, scores
    assert set(attacks.for_assignment(gradescope_like.ATTACKED)) - gradescope_like.SAME_JUDGE_CODE == {
        name.removeprefix("attack-") for name in scores
    }


def test_the_leaderboard_holds_the_accuracy_the_judge_measured(gradescope_image):
    """05's leaderboard: the accuracy on the 2,000 kept-back images, measured by the hidden test
    itself; a notebook without a model gets no entry (not a 0 it could be ranked by)."""
    (entry,) = gradescope_image[1][("05-fashion-mnist", "reference")]["leaderboard"]
    assert entry["name"] == "accuracy on the 2,000 kept-back test images" and entry["order"] == "desc"
    assert 0.8 < entry["value"] <= 1.0
    assert "leaderboard" not in gradescope_image[1][("05-fashion-mnist", "unanswered")]
    assert all("leaderboard" not in r for (a, _), r in gradescope_image[1].items() if a != "05-fashion-mnist")
