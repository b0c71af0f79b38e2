"""Regrades agree: the same notebook gets the same score for every question, whatever else is in
the folder, in whichever order, with however many jobs, and the cache never changes a score."""

from __future__ import annotations

import nbformat

from grading.assignments import examples_dir
from grading.grade import grade_folder
from mutation_table import apply, load

ASSIGNMENT = "04-bce-classifier"  # trains networks, so it is where nondeterminism would show


def test_same_scores_in_any_order_with_any_number_of_jobs(tmp_path, graded_examples, graded_mutants):
    mutation = load(ASSIGNMENT)[-1]
    # First grading: the session's, in two parallel batches among other notebooks.
    reference = graded_examples(ASSIGNMENT)["reference.ipynb"].questions
    mutant = graded_mutants(ASSIGNMENT)[mutation.name].questions
    assert reference != mutant, "the mutant should score differently, or this test proves nothing"
    # Second grading: just these two, one job, the mutant first.
    folder = tmp_path / "again"
    folder.mkdir()
    nbformat.write(apply(mutation, ASSIGNMENT), folder / "a.ipynb")
    nbformat.write(nbformat.read(examples_dir(ASSIGNMENT) / "reference.ipynb", as_version=4), folder / "b.ipynb")
    out = tmp_path / "grades" / "g.csv"
    again = {r.submission: r.questions for r in grade_folder(ASSIGNMENT, folder, out, jobs=1, timeout_s=None,
                                                              quiet=True, use_cache=False)}
    assert again == {"a.ipynb": mutant, "b.ipynb": reference}
    cached = {r.submission: r.questions for r in grade_folder(ASSIGNMENT, folder, out, jobs=1, timeout_s=None,
                                                               quiet=True)}
    assert cached == again
