"""The demo class of every assignment (examples/<id>/), graded as `make demo` grades it: the
reference full marks, the unanswered notebook 0, and the statuses and notes of the rest."""

from __future__ import annotations

import csv


def test_reference_scores_full_marks(assignment, graded_examples):
    row = graded_examples(assignment)["reference.ipynb"]
    assert row.status == "graded", row.note
    assert row.score == row.max_score > 0
    assert all(c.passed for cases in row.cases.values() for c in cases)


def test_unanswered_scores_zero_on_every_question(assignment, graded_examples):
    row = graded_examples(assignment)["unanswered.ipynb"]
    assert row.status == "graded", row.note
    assert row.questions and all(score == 0 for score in row.questions.values()), row.questions


def test_demo_class_has_a_spread(assignment, graded_examples):
    rows = graded_examples(assignment)
    assert {"graded", "error", "timeout"} <= {r.status for r in rows.values()}
    dana = [name for name in rows if name.startswith("dana/")]
    assert len(dana) == 1 and "2026_11_21" in dana[0] and "newest of 2" in rows[dana[0]].note
    assert rows[dana[0]].score == rows[dana[0]].max_score  # the later hand-in is the fixed one
    mutants = [r for name, r in rows.items() if name.startswith("mutant-")]
    assert mutants and all(0 < r.score < r.max_score for r in mutants)
    assert all(r.score == r.max_score for name, r in rows.items() if name.startswith("variant-"))


def test_a_cell_that_never_ends_costs_only_itself(assignment, graded_examples):
    row = graded_examples(assignment)["endless-loop.ipynb"]
    assert row.status == "timeout"
    assert "ran out of time and was left out; the rest was graded" in row.note
    assert row.score == row.max_score  # the loop is an extra cell: every answer still counts



def test_the_copied_notebook_and_its_source_are_the_pair_flagged(assignment, graded_examples, example_outputs):
    """The demo's copied notebook (a variant's, disguised) is flagged with the variant it came
    from, and no other pair of the class is."""
    rows = graded_examples(assignment)
    copy = next(name for name in rows if name.startswith("copied-from-"))
    assert rows[copy].score == rows[copy.removeprefix("copied-from-")].score == rows[copy].max_score
    with open(example_outputs(assignment).similarity, newline="") as f:
        pairs = {frozenset((row["a"], row["b"])) for row in csv.DictReader(f)}
    assert pairs == {frozenset((copy, copy.removeprefix("copied-from-")))}
