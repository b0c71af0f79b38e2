"""Charging a bug once when later questions build on an earlier answer's results.

A cell of the reference tagged ``checkpoint`` computes what later questions use (04's Question 1
turns the data into tensors that Questions 5 to 7 train on). When a submission's values of the
names that cell assigns differ from the reference's, a wrong or missing answer there would make
every later cell that uses them fail too. So the notebook runs a second time with the reference's
values set right after that question's ``grader.check`` cell, and the questions after it are
graded on that run, as if the earlier answer had been right. The checkpoint's own question (and
any before it) is graded on the submission's own run.

Each question is graded on one run only: a notebook that tells the runs apart (the reference's
objects replace its own) gains nothing by answering differently in each.

The reference's values are computed here, in the judge, from the given cells and the checkpoint
cells of the autograder; they cross into the sandbox as data, like a test's arguments.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

import numpy as np
import torch
from torch.utils.data import DataLoader

from ..notebooks import check_cell
from . import given
from .remote import Missing


@dataclass(frozen=True)
class Checkpoint:
    after: str  # the question whose answer the cell holds
    values: dict[str, object]  # the reference's values of the names it assigns


def assigned_names(source: str) -> list[str]:
    """Names a cell assigns at its top level (``X, y = ...``), not the functions it defines."""
    names = []
    for node in ast.parse(source).body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, (ast.AnnAssign, ast.AugAssign))
            else []
        )
        for target in targets:
            for leaf in ast.walk(target):
                if isinstance(leaf, ast.Name) and leaf.id not in names:
                    names.append(leaf.id)
    return names


def build(entries: list[dict], given_namespace: dict, seed_variable: str | None, seed: int | None) -> list[Checkpoint]:
    """Run the checkpoint cells (``{"after": question, "source": code}``) after the given cells."""
    namespace = dict(given_namespace)
    found = []
    for entry in entries:
        given.run([(f"checkpoint of {entry['after']}", entry["source"])], seed_variable, seed, namespace)
        found.append(Checkpoint(entry["after"], {n: namespace[n] for n in assigned_names(entry["source"])}))
    return found


def same(got, want) -> bool:
    """Whether a submission's value is the reference's exactly (type, dtype, shape, device, values)."""
    if isinstance(got, Missing):
        return False
    if isinstance(want, torch.Tensor):
        return (
            isinstance(got, torch.Tensor)
            and got.dtype == want.dtype
            and got.shape == want.shape
            and got.device == want.device
            and torch.equal(got, want)
        )
    if isinstance(want, np.ndarray):
        return isinstance(got, np.ndarray) and got.dtype == want.dtype and np.array_equal(got, want)
    if isinstance(want, DataLoader):  # what the wire carries of one: data, batches, shuffling
        return (
            type(got) is DataLoader
            and (got.batch_size, got.drop_last) == (want.batch_size, want.drop_last)
            and type(got.sampler) is type(want.sampler)
            and len(got.dataset.tensors) == len(want.dataset.tensors)
            and all(same(a, b) for a, b in zip(got.dataset.tensors, want.dataset.tensors))
        )
    try:
        return type(got) is type(want) and bool(got == want)
    except Exception:  # noqa: BLE001 - values that cannot be compared are not the same
        return False


def differing(checkpoints: list[Checkpoint], session, cells: list[str]) -> dict[int, Checkpoint]:
    """The checkpoints whose values the submission's own run (``session``) does not have, by the
    index of the code cell (in ``cells``, as handed in) to set the reference's values before."""
    found = {}
    for cp in checkpoints:
        at = check_cell(cells, cp.after)
        if at is not None and not all(same(session.get(name), value) for name, value in cp.values.items()):
            found[at + 1] = cp
    return found


def replace(first: list, second: list) -> list:
    """The test files of ``first``, with those of the questions ``second`` ran taken from it."""
    again = {tf.name: tf for tf in second}
    return [again.get(tf.name, tf) for tf in first]
