"""Checkpoints (grading/judge/checkpoints.py): when a submission's results of an earlier question
differ from the reference's, later questions are graded again with the reference's. The graded
mutants in solutions/students/04-bce-classifier.toml show it end to end; these check its parts."""

from __future__ import annotations

import numpy as np
import torch
from torch.utils.data import DataLoader, TensorDataset

from grading import notebooks
from grading.judge import checkpoints
from grading.judge.remote import Missing


def test_only_exactly_the_references_values_count_as_the_same():
    want = torch.zeros(3, 1)
    assert checkpoints.same(torch.zeros(3, 1), want)
    for got in (
        torch.zeros(3),
        torch.zeros(3, 1, dtype=torch.float64),
        torch.ones(3, 1),
        torch.zeros(3, 1, device="meta"),
        want.numpy(),
        [0.0, 0.0, 0.0],
        Missing("X", "not run"),
    ):
        assert not checkpoints.same(got, want), got
    assert checkpoints.same(np.arange(3), np.arange(3)) and not checkpoints.same(np.arange(3.0), np.arange(3))
    assert checkpoints.same(0.5, 0.5) and not checkpoints.same(np.float64(0.5), 0.5)


def test_loaders_are_the_same_when_their_data_batches_and_shuffling_are():
    data = TensorDataset(torch.arange(10.0), torch.arange(10))
    want = DataLoader(data, batch_size=4, shuffle=True)
    assert checkpoints.same(
        DataLoader(TensorDataset(torch.arange(10.0), torch.arange(10)), batch_size=4, shuffle=True), want
    )
    for got in (
        DataLoader(data, batch_size=5, shuffle=True),
        DataLoader(data, batch_size=4),
        DataLoader(data, batch_size=4, shuffle=True, drop_last=True),
        DataLoader(TensorDataset(torch.arange(10.0), torch.zeros(10, dtype=torch.int64)), batch_size=4, shuffle=True),
    ):
        assert not checkpoints.same(got, want)


def test_the_names_a_checkpoint_cell_assigns():
    source = (
        "def to_tensors(X, y):\n    return X, y\n\n"
        "X_a, y_a = to_tensors(1, 2)\n(X_b, y_b) = 3, 4\nn: int = 5\nX_a.shape"
    )
    assert checkpoints.assigned_names(source) == ["X_a", "y_a", "X_b", "y_b", "n"]


def test_the_values_are_set_after_the_questions_check_cell():
    cells = ["import torch", "def f(): ...", "", "x = f()", "grader.check('q2')"]
    cells[2] = 'grader.check("q1")'
    assert notebooks.check_cell(cells, "q1") == 2 and notebooks.check_cell(cells, "q2") == 4
    assert notebooks.check_cell(cells, "q3") is None
