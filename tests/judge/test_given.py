"""What tests are handed (grading/judge/given.py): the given data and the notebook's globals once
read. Each test gets its own copy; a tensor's copy is lent again only while nothing changed it."""

from __future__ import annotations

import torch
from torch.utils.data import DataLoader, TensorDataset

from grading.judge.given import Given


def test_a_tensor_a_test_changed_is_pristine_for_the_next_one():
    X = torch.arange(6.0)
    values = Given({"X": X})
    first = values["X"]
    assert values["X"] is first, "unchanged: the same copy is lent again, nothing is copied"
    first[2:].zero_()  # a view changes it in place: the version counter moves
    second = values["X"]
    assert second is not first and torch.equal(second, torch.arange(6.0)) and torch.equal(X, torch.arange(6.0))
    second.requires_grad_()
    assert values["X"] is not second and not values["X"].requires_grad


def test_a_loaders_data_is_lent_and_its_shuffling_starts_afresh_each_time():
    gen = torch.Generator().manual_seed(5)
    values = Given({"loader": DataLoader(TensorDataset(torch.arange(10.0)), batch_size=3, shuffle=True, generator=gen)})
    a, b = values["loader"], values["loader"]
    assert a is not b and a.dataset.tensors[0] is b.dataset.tensors[0]
    assert [x.tolist() for (x,) in a] == [x.tolist() for (x,) in b], "each starts from the generator's state"
    assert b.batch_size == 3 and len(b) == 4
    a.dataset.tensors[0].mul_(0)
    assert values["loader"].dataset.tensors[0].sum().item() == 45.0


def test_other_values_are_deep_copies():
    values = Given({"lrs": [0.1, 0.5], "w": torch.zeros(2, requires_grad=True)})
    values["lrs"].append(9.0)
    assert values["lrs"] == [0.1, 0.5]
    w = values["w"]
    assert w.requires_grad and w is not values["w"]
