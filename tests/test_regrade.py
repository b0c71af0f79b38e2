"""Regrades agree: the same notebook gets the same score for every question, whatever else is in
the folder, in whichever order, with however many jobs, and the cache never changes a score."""

from __future__ import annotations

import nbformat

from grading.assignments import examples_dir
from grading.grade import grade_folder
from test_mutations import apply, load

ASSIGNMENT = "04-bce-classifier"  # trains networks, so it is where nondeterminism would show


def test_same_scores_in_any_order_with_any_number_of_jobs(tmp_path):
    reference = nbformat.read(examples_dir(ASSIGNMENT) / "reference.ipynb", as_version=4)
    mutant = apply(load(ASSIGNMENT)[-1], ASSIGNMENT)
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    for name, nb in (("a", reference), ("b", mutant), ("c", reference)):
        nbformat.write(nb, first / f"{name}.ipynb")
    for name, nb in (("a", mutant), ("b", reference)):  # the other order, alone
        nbformat.write(nb, second / f"{name}.ipynb")
    run1 = {r.submission: r.questions for r in grade_folder(ASSIGNMENT, first, tmp_path / "g1" / "g.csv", jobs=2,
                                                             timeout_s=None, quiet=True, use_cache=False)}
    run2 = {r.submission: r.questions for r in grade_folder(ASSIGNMENT, second, tmp_path / "g2" / "g.csv", jobs=1,
                                                             timeout_s=None, quiet=True, use_cache=False)}
    assert run1["a.ipynb"] == run1["c.ipynb"] == run2["b.ipynb"]
    assert run1["b.ipynb"] == run2["a.ipynb"]
    assert run1["a.ipynb"] != run1["b.ipynb"], "the mutant should score differently, or this test proves nothing"
    cached = {r.submission: r.questions for r in grade_folder(ASSIGNMENT, second, tmp_path / "g2" / "g.csv", jobs=1,
                                                               timeout_s=None, quiet=True)}
    assert cached == run2
