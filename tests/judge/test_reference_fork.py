"""The given and checkpoint cells run in a fork of the judge (grading/judge/reference_fork.py): the
values come back as running them in the judge gives them, tensors that shared memory still share
it, a library's function stays pickled until a test names it, and a failing cell says so instead of
hanging."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch

from grading.bundle import Bundle
from grading.course import ASSIGNMENT_IDS
from grading.judge import checkpoints, given, reference_fork
from grading.layout import autograder_zip

CELLS = [
    ("given cell 1", "import torch\nfrom torch.utils.data import DataLoader, TensorDataset\nseed = 1"),
    (
        "given cell 2",
        "X = torch.arange(12.0).reshape(3, 4).t()\nloader = DataLoader(TensorDataset(X[1:]), batch_size=2)",
    ),
    ("given cell 3", "from sklearn.datasets import make_blobs\nlrs = [0.1, 0.5]\nh = torch.ones(2).half()"),
]


def test_values_come_back_as_made_and_shared_memory_stays_shared():
    values, built = reference_fork.run(CELLS, [{"after": "q1", "source": "Y = X * 2"}], "seed", 3)
    assert torch.equal(values["X"], torch.arange(12.0).reshape(3, 4).t()) and values["X"].dtype == torch.float32
    assert values["X"].stride() == (1, 4), "a view stays a view"
    part = values["loader"].dataset.tensors[0]
    assert part.untyped_storage().data_ptr() == values["X"].untyped_storage().data_ptr(), "one storage, sent once"
    assert torch.equal(part, values["X"][1:])
    assert values["lrs"] == [0.1, 0.5] and values["seed"] == 3
    assert values["h"].dtype == torch.float16 and torch.equal(values["h"], torch.ones(2).half())
    assert [(c.after, list(c.values)) for c in built] == [("q1", ["Y"])]
    assert torch.equal(built[0].values["Y"], torch.arange(12.0).reshape(3, 4).t() * 2)


def test_values_made_one_after_another_keep_their_own_data():
    """A generator's state is a temporary tensor when pickled: the next one's may take its memory."""
    cells = [
        ("given cell 1", "import torch\n" + "\n".join(f"g{i} = torch.Generator().manual_seed({i})" for i in range(20)))
    ]
    values, _ = reference_fork.run(cells, [], None, None)
    for i in range(20):
        want = torch.Generator().manual_seed(i)
        assert values[f"g{i}"].initial_seed() == i and torch.equal(values[f"g{i}"].get_state(), want.get_state())


def test_a_librarys_function_is_kept_pickled_until_a_test_names_it():
    """Rebuilding it would import its library (scikit-learn here) into the judge for good."""
    values, _ = reference_fork.run(CELLS, [], "seed", 3)
    assert isinstance(values["make_blobs"], given.Later)
    from sklearn.datasets import make_blobs

    assert given.Given(values)["make_blobs"] is make_blobs


def test_a_failing_cell_raises_and_leaves_no_process_behind():
    children = Path(f"/proc/self/task/{os.getpid()}/children")
    before = children.read_text().split()
    with pytest.raises(RuntimeError, match="given or checkpoint cells failed"):
        reference_fork.run([("given cell 1", "x = 1\nraise ValueError('broken reference')")], [], None, None)
    assert children.read_text().split() == before, "the fork was waited for"


def _same(got, want) -> bool:
    if isinstance(want, torch.Generator):
        return isinstance(got, torch.Generator) and torch.equal(got.get_state(), want.get_state())
    if isinstance(want, torch.Tensor | np.ndarray | torch.utils.data.DataLoader):
        return checkpoints.same(got, want)
    return type(got) is type(want) and (callable(want) or repr(got) == repr(want))


@pytest.mark.sandbox  # the real reference cells and data set, seconds each: make test, not test-fast
@pytest.mark.parametrize("name", ASSIGNMENT_IDS)
def test_each_assignments_given_data_and_checkpoints_are_what_the_judge_would_make(name, tmp_path):
    with zipfile.ZipFile(autograder_zip(name)) as z:
        z.extractall(tmp_path)
    bundle = Bundle(tmp_path)
    config = bundle.otter_config()
    seed_variable, seed = config.get("seed_variable"), config.get("seed")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the fork computes as the jobs do, with one thread
    try:
        namespace = given.run(bundle.given(), seed_variable, seed)
        here = given.data(namespace)
        want_built = checkpoints.build(bundle.checkpoints(), namespace, seed_variable, seed)
    finally:
        torch.set_num_threads(threads)
    values, built = reference_fork.run(bundle.given(), bundle.checkpoints(), seed_variable, seed)
    lent = given.Given(values)
    assert sorted(values) == sorted(here)
    for key, want in here.items():
        if type(want).__module__.startswith("matplotlib") or isinstance(want, np.ndarray) and want.dtype == object:
            continue  # a figure drawn for the student: no test compares one
        assert _same(lent[key], want), key
    assert [c.after for c in built] == [c.after for c in want_built]
    for c, w in zip(built, want_built, strict=True):
        assert sorted(c.values) == sorted(w.values)
        assert all(checkpoints.same(c.values[k], w.values[k]) for k in w.values), c.after
