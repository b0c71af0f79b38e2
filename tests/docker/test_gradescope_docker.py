"""Each zip in a real container built and run as Gradescope does (``scripts/gradescope_docker.py``):
the reference notebook gets full marks and the unanswered one 0, per question, each in a fresh
container with Gradescope's defaults (768 MB, half a CPU, no network)."""

from __future__ import annotations

import json

import pytest
from conftest import run_all

from grading import course
from grading.course import ASSIGNMENT_IDS
from grading.layout import examples_dir

NOTEBOOKS = ("reference", "unanswered")
# The setting the README states for each assignment that needs more than Gradescope's 768 MB.
MEMORY = {
    a: f"{course.facts(a)['gradescope_memory_gb']:g}g"
    for a in ASSIGNMENT_IDS
    if course.facts(a)["gradescope_memory_gb"]
}


@pytest.fixture(scope="session")
def runs(engine, images):
    todo = {
        (a, n): (a, examples_dir(a) / f"{n}.ipynb", MEMORY.get(a, "768m")) for a in ASSIGNMENT_IDS for n in NOTEBOOKS
    }
    todo[("05-fashion-mnist", "too-little-memory")] = (
        "05-fashion-mnist",
        examples_dir("05-fashion-mnist") / "reference.ipynb",
        "768m",
    )
    return run_all(engine, images, todo)


def _scores(results: dict) -> dict[str, tuple[float, float]]:
    return {t["name"]: (t["score"], t["max_score"]) for t in results["tests"] if "max_score" in t}


def test_every_zip_shares_the_layers_with_the_pip_install(engine, images):
    """One requirements.txt for all zips, so every zip's image is the shared venv plus its own setup."""
    engine.common_requirements()  # raises when they differ
    layers = {}
    for assignment, tag in images.items():
        inspect = engine.docker("image", "inspect", "--format", "{{json .RootFS.Layers}}", tag)
        layers[assignment] = json.loads(inspect.stdout)
    assert len(set(images.values())) == len(ASSIGNMENT_IDS)
    assert len({tuple(v[:-1]) for v in layers.values()}) == 1, "all but each zip's own top layer are shared"
    assert all(len(v) == 3 for v in layers.values()), "base, shared venv, the zip's setup.sh"


@pytest.mark.parametrize("assignment", ASSIGNMENT_IDS)
def test_reference_gets_full_marks_in_a_container(assignment, runs):
    graded = runs[(assignment, "reference")]
    assert graded.results is not None, f"no results.json (exit {graded.exit_code}):\n{graded.log[-3000:]}"
    scores = _scores(graded.results)
    assert scores and all(s == m for s, m in scores.values()), graded.results["output"]
    assert graded.results["score"] == sum(m for _, m in scores.values())


@pytest.mark.parametrize("assignment", ASSIGNMENT_IDS)
def test_unanswered_gets_zero_in_a_container(assignment, runs):
    graded = runs[(assignment, "unanswered")]
    assert graded.results is not None, f"no results.json (exit {graded.exit_code}):\n{graded.log[-3000:]}"
    scores = _scores(graded.results)
    assert scores and all(s == 0 for s, _ in scores.values()), scores
    assert graded.results["score"] == 0


def test_too_little_memory_gets_a_result_that_says_what_to_raise(runs):
    """05 under Gradescope's default 768 MB: a results.json naming the setting, not a killed run."""
    graded = runs[("05-fashion-mnist", "too-little-memory")]
    assert graded.results is not None, f"no results.json (exit {graded.exit_code}, OOM {graded.oom_killed})"
    assert graded.results["score"] == 0
    assert "raise the memory to 2 GB" in graded.results["output"], graded.results["output"]
