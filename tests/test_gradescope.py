"""Each autograder zip works where Gradescope runs it: in an image built only from the zip (its
setup.sh, its requirements, its data fetched and checked), with /autograder laid out as Gradescope
lays it out, no bubblewrap, no repository, no host data. Graded by the same judge as `make grade`:
the attack suite scores the same through the zip."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

import attacks
import gradescope_like
from grading.assignments import autograder_zip, examples_dir
from test_attacks import with_cells

ATTACKED = "01-gradient-descent"


@pytest.fixture(scope="session")
def gradescope(gradescope_image, tmp_path_factory):
    """Run notebooks through a zip, two at a time, once each per session."""
    cache: dict[tuple[str, str], dict] = {}

    def run_all(assignment: str, notebooks: dict[str, Path]) -> dict[str, dict]:
        todo = {name: path for name, path in notebooks.items() if (assignment, name) not in cache}
        with ThreadPoolExecutor(2) as pool:
            runs = pool.map(lambda item: gradescope_like.run(assignment, item[1], image,
                                                              tmp_path_factory.mktemp("gs")), todo.items())
            cache.update({(assignment, name): result for name, result in zip(todo, runs)})
        return {name: cache[(assignment, name)] for name in notebooks}

    image = gradescope_image
    return run_all


def _scores(results: dict) -> dict[str, tuple[float, float]]:
    return {t["name"]: (t["score"], t["max_score"]) for t in results["tests"] if "max_score" in t}


@pytest.fixture(scope="session")
def examples_through_the_zip(gradescope):
    def get(assignment: str) -> dict[str, dict]:
        return gradescope(assignment, {n: examples_dir(assignment) / f"{n}.ipynb" for n in ("reference", "unanswered")})

    return get


def test_the_zip_is_small_and_its_torch_a_cpu_build(assignment, gradescope_image):
    assert autograder_zip(assignment).stat().st_size < 512 * 2**10
    torch_dirs = list((gradescope_image / "venv").glob("lib/python3*/site-packages/torch-*.dist-info"))
    assert torch_dirs and all("+cpu" in d.name for d in torch_dirs)
    assert not list((gradescope_image / "venv").glob("lib/python3*/site-packages/nvidia"))


def test_reference_gets_full_marks_through_the_zip(assignment, examples_through_the_zip):
    results = examples_through_the_zip(assignment)["reference"]
    scores = _scores(results)
    assert scores and all(score == max_score for score, max_score in scores.values()), results["output"]
    assert "runs as the grader's user" not in results["output"], "the job must get a uid of its own"


def test_unanswered_gets_zero_and_hidden_results_stay_hidden(assignment, examples_through_the_zip):
    results = examples_through_the_zip(assignment)["unanswered"]
    scores = _scores(results)
    assert scores and all(score == 0 for score, _ in scores.values()), scores
    per_question = [t for t in results["tests"] if "max_score" in t]
    assert all(t["visibility"] == "hidden" for t in per_question), "hidden test results must not be shown"
    public = next(t for t in results["tests"] if t["name"] == "Public Tests")
    assert public["visibility"] == "visible" and "hidden test" not in public["output"]


def test_the_attacks_score_the_same_through_the_zip(gradescope, tmp_path_factory):
    folder = tmp_path_factory.mktemp("zip-attacks")
    unanswered = nbformat.read(examples_dir(ATTACKED) / "unanswered.ipynb", as_version=4)
    notebooks = {}
    for name, code in attacks.for_assignment(ATTACKED).items():
        notebooks[name] = folder / f"{name}.ipynb"
        nbformat.write(with_cells(unanswered, code), notebooks[name])
    shutil.copy(examples_dir(ATTACKED) / "reference.ipynb", folder / "honest.ipynb")
    notebooks["honest"] = folder / "honest.ipynb"
    results = gradescope(ATTACKED, notebooks)
    scores = {name: r["score"] for name, r in results.items()}
    assert scores.pop("honest") == 17
    assert scores == {name: 0 for name in scores}, scores
