"""Regrades agree: the same notebook gets the same score for every question, whatever else is in
the folder, in whichever order, with however many jobs, and the cache never changes a score."""

from __future__ import annotations

import kernel_view
import nbformat

from grading import course
from grading.author import simulated
from grading.grade.run import grade_folder
from grading.layout import examples_dir

ASSIGNMENT = "04-bce-classifier"  # trains networks, so it is where nondeterminism would show


def test_same_scores_in_any_order_with_any_number_of_jobs(tmp_path, graded_examples, graded_students):
    mutant = [e for e in simulated.load(ASSIGNMENT) if e.kind == "mutant"][-1]
    # First grading: the session's, in two parallel batches among other notebooks.
    reference = graded_examples(ASSIGNMENT)["reference.ipynb"]
    wrong = graded_students(ASSIGNMENT)[f"mutant-{mutant.name}"]  # observed: one more question, of no points
    assert reference.questions != kernel_view.without_readout(wrong.questions), "or this test proves nothing"
    # Second grading: just these two, one job, the mutant first (the same observed notebook).
    folder = tmp_path / "again"
    folder.mkdir()
    reference_nb = nbformat.read(examples_dir(ASSIGNMENT) / "reference.ipynb", as_version=4)
    nbformat.write(kernel_view.observed(mutant.apply(reference_nb), ASSIGNMENT), folder / "a.ipynb")
    nbformat.write(reference_nb, folder / "b.ipynb")
    out = tmp_path / "grades" / "g.csv"
    limit = course.timeouts(ASSIGNMENT)[0]
    readout = kernel_view.autograder_with_readout(ASSIGNMENT, tmp_path)
    again = {
        r.submission: r
        for r in grade_folder(
            ASSIGNMENT, folder, out, jobs=1, timeout_s=limit, quiet=True, use_cache=False, autograder=readout
        )
    }
    assert again["a.ipynb"].questions == wrong.questions
    assert kernel_view.without_readout(again["b.ipynb"].questions) == reference.questions
    assert again["a.ipynb"].cases == wrong.cases  # every test case, message and evidence included
    cached = {
        r.submission: r.questions
        for r in grade_folder(ASSIGNMENT, folder, out, jobs=1, timeout_s=limit, quiet=True, autograder=readout)
    }
    assert cached == {name: row.questions for name, row in again.items()}
