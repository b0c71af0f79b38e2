"""Each autograder zip works where Gradescope runs it: /autograder/{source,submission,results}."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor

import pytest

from grading.assignments import autograder_zip, examples_dir


def run_like_gradescope(assignment: str, submission: str, root) -> dict:
    """Lay out the zip and one submission as Gradescope does and run the zip's own entry point.

    The zip's `run_autograder` only activates Gradescope's conda env and then runs
    `python /autograder/source/run_otter.py`; we run that script with our interpreter, with a
    private /autograder mounted by bubblewrap."""
    ag = root / "autograder"
    for sub in ("source", "submission", "results"):
        (ag / sub).mkdir(parents=True)
    with zipfile.ZipFile(autograder_zip(assignment)) as zf:
        zf.extractall(ag / "source")
    shutil.copy(examples_dir(assignment) / f"{submission}.ipynb", ag / "submission" / f"{assignment}.ipynb")
    (ag / "submission_metadata.json").write_text("{}")
    subprocess.run(["bwrap", "--dev-bind", "/", "/", "--bind", str(ag), "/autograder", "--chdir", "/autograder",
                    sys.executable, "/autograder/source/run_otter.py"],
                   check=True, capture_output=True, timeout=900, env={"PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"})
    return json.loads((ag / "results" / "results.json").read_text())


@pytest.fixture(scope="session")
def gradescope_results(tmp_path_factory):
    """Run the reference and the unanswered version of an assignment side by side, once."""
    cache: dict[tuple[str, str], dict] = {}

    def get(assignment: str, submission: str) -> dict:
        if (assignment, submission) not in cache:
            names = ("reference", "unanswered")
            with ThreadPoolExecutor(2) as pool:
                runs = pool.map(lambda s: run_like_gradescope(assignment, s, tmp_path_factory.mktemp(f"gs-{s}")), names)
                cache.update({(assignment, s): r for s, r in zip(names, runs)})
        return cache[(assignment, submission)]

    return get


def _scores(results: dict) -> dict[str, tuple[float, float]]:
    return {t["name"]: (t["score"], t["max_score"]) for t in results["tests"] if "max_score" in t}


def test_reference_gets_full_marks_on_gradescope(assignment, gradescope_results):
    scores = _scores(gradescope_results(assignment, "reference"))
    assert scores and all(score == max_score for score, max_score in scores.values()), scores


def test_wrong_submission_gets_zero_on_gradescope_and_hidden_results_stay_hidden(assignment, gradescope_results):
    results = gradescope_results(assignment, "unanswered")
    scores = _scores(results)
    assert scores and all(score == 0 for score, _ in scores.values()), scores
    per_question = [t for t in results["tests"] if "max_score" in t]
    assert all(t["visibility"] == "hidden" for t in per_question), "hidden test results must not be shown"
