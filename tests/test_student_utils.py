"""student_utils on real data: the FashionMNIST files, real tensors, real plots."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
import torch

import student_utils as su
from student_utils import data as su_data
from student_utils import testing

DATA = su_data.find_directory()  # FASHION_MNIST_DIR, else the Debian copy, else ~/.cache


def test_get_device_prefers_an_available_accelerator():
    device = su.get_device()
    if torch.cuda.is_available():
        assert device.type == "cuda"
    else:
        assert device.type in {"mps", "cpu"}
    torch.ones(2, device=device)  # the chosen device works


def test_seed_everything_repeats_python_numpy_and_torch():
    import random

    su.seed_everything(123)
    first = (random.random(), np.random.rand(), torch.rand(3))
    su.seed_everything(123)
    second = (random.random(), np.random.rand(), torch.rand(3))
    assert first[0] == second[0] and first[1] == second[1] and torch.equal(first[2], second[2])
    su.seed_everything(124)
    assert not torch.equal(torch.rand(3), first[2])


@pytest.mark.parametrize("split, n", [("train", 60000), ("test", 8000)])
def test_load_fashion_mnist_shapes_dtypes_and_range(split, n):
    X, y = su.load_fashion_mnist(split)
    assert X.shape == (n, 1, 28, 28) and X.dtype == torch.float32
    assert y.shape == (n,) and y.dtype == torch.int64
    assert X.min() >= 0 and X.max() <= 1 and X.max() == 1.0
    counts = torch.bincount(y, minlength=10)  # FashionMNIST is balanced; its first 8,000 test images nearly so
    assert counts.min() >= 0.95 * n // 10 and counts.max() <= 1.05 * n // 10, counts


def test_pixels_match_the_raw_idx_bytes():
    X, _ = su.load_fashion_mnist("test")
    with gzip.open(DATA / "t10k-images-idx3-ubyte.gz", "rb") as f:
        raw = f.read()
    first = np.frombuffer(raw, dtype=np.uint8, offset=16, count=784).reshape(28, 28)
    assert torch.allclose(X[0, 0], torch.from_numpy(first.astype(np.float32)) / 255)


def _make_small_copy(target, n=50):
    """Write valid gzipped IDX files holding the first n test images and labels."""
    target.mkdir(parents=True, exist_ok=True)
    images = su_data.read_idx(DATA / "t10k-images-idx3-ubyte.gz")[:n]
    labels = su_data.read_idx(DATA / "t10k-labels-idx1-ubyte.gz")[:n]
    for name, arr in (("t10k-images-idx3-ubyte", images), ("t10k-labels-idx1-ubyte", labels)):
        header = bytes([0, 0, 8, arr.ndim]) + b"".join(d.to_bytes(4, "big") for d in arr.shape)
        with gzip.open(target / f"{name}.gz", "wb") as f:
            f.write(header + arr.tobytes())
    return images, labels


def test_env_var_overrides_the_debian_copy(tmp_path, monkeypatch):
    images, labels = _make_small_copy(tmp_path / "mine")
    monkeypatch.setenv(su_data.ENV_VAR, str(tmp_path / "mine"))
    X, y = su.load_fashion_mnist("test")
    assert X.shape == (50, 1, 28, 28) and torch.equal(y, torch.from_numpy(labels.astype(np.int64)))


def test_truncated_idx_file_is_reported(tmp_path):
    raw = gzip.open(DATA / "t10k-labels-idx1-ubyte.gz").read()
    (tmp_path / "bad").write_bytes(raw[:-10])
    with pytest.raises(ValueError, match="truncated"):
        su_data.read_idx(tmp_path / "bad")


def test_plot_regression_draws_data_and_fit():
    X = torch.linspace(-1, 1, 20).unsqueeze(1)
    ax = su.plot_regression(X, 2 * X, y_hat=2 * X)
    assert len(ax.collections) == 1 and len(ax.lines) == 1
    assert np.allclose(np.sort(ax.lines[0].get_xdata()), X.flatten().numpy())


def test_plot_decision_boundary_uses_the_model_and_restores_its_mode():
    from sklearn.datasets import make_blobs

    X, y = make_blobs(n_samples=60, centers=2, random_state=0)
    model = torch.nn.Linear(2, 1)
    model.train()
    ax = su.plot_decision_boundary(model, torch.tensor(X, dtype=torch.float32), torch.tensor(y))
    assert model.training, "the model's mode must be restored"
    assert len(ax.collections) >= 2  # filled regions, boundary and points


def test_plot_losses_one_curve_per_series():
    ax = su.plot_losses({"train": [3, 2, 1], "valid": [3, 2.5, 2.4]})
    assert [line.get_label() for line in ax.lines] == ["train", "valid"]
    assert list(ax.lines[0].get_xdata()) == [1, 2, 3]


def test_meta_scalars_let_a_training_step_run_on_the_meta_device():
    model = torch.nn.Linear(3, 2).to(testing.META)
    X, y = torch.randn(4, 3), torch.randint(0, 2, (4,))
    with pytest.raises(RuntimeError):
        torch.nn.functional.cross_entropy(model(X), y)  # a batch left on the CPU: PyTorch refuses to mix
    with testing.meta_scalars() as meta:
        loss = torch.nn.functional.cross_entropy(model(X.to(meta)), y.to(meta))
        loss.backward()
        loss = loss.detach()
        assert loss.item() == 0.0 and float(loss) == 0.0 and loss.cpu().device.type == "cpu"
    with pytest.raises(RuntimeError, match="meta"):
        loss.item()  # outside the block meta tensors hold no numbers again


def test_seeded_leaves_the_callers_random_numbers_alone():
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    with testing.seeded(0):
        inside = torch.nn.Linear(2, 2).weight.detach().clone()
    assert torch.equal(torch.rand(3), expected)
    with testing.seeded(0):
        assert torch.equal(torch.nn.Linear(2, 2).weight.detach(), inside)


def test_backward_through_leaves_gradients_on_the_arguments():
    z = torch.tensor([1.0, -2.0], requires_grad=True)
    out = testing.backward_through(lambda t: (t**3).sum(), z)
    assert out.item() == -7.0 and z.grad.tolist() == [3.0, 12.0]


def test_thresholds_count_nan_as_failing_and_log_their_margins(tmp_path, monkeypatch):
    monkeypatch.setenv(testing.MARGINS_ENV, str(tmp_path / "m.jsonl"))
    assert not testing.failing([("ratio", 0.2, 0.3, False), ("accuracy", 0.95, 0.9, True)])
    assert testing.failing([("accuracy", float("nan"), 0.9, True)]) and testing.failing([("ratio", 0.3, 0.3, False)])
    testing.check_threshold("accuracy", 0.95, 0.9)
    with pytest.raises(AssertionError, match="it should be above 0.9"):
        testing.check_threshold("accuracy", 0.85, 0.9)
    margins = [line for line in (tmp_path / "m.jsonl").read_text().splitlines()]
    assert len(margins) == 2 and '"margin": 0.05' in margins[0].replace("0.04999999999999993", "0.05")


def test_check_notebook_names_what_is_left_to_do(tmp_path, capsys):
    import nbformat

    nb = nbformat.v4.new_notebook()
    failed = nbformat.v4.new_output("stream", text="q1 results:\n    q1 - 1 result:\n        ❌ Test case failed\n")
    nb.cells = [
        nbformat.v4.new_code_cell("x = 1", execution_count=1),
        nbformat.v4.new_code_cell("\ny = ...", metadata={"tags": ["otter_answer_cell"]}, execution_count=3),
        nbformat.v4.new_code_cell('grader.check("q1")', execution_count=2, outputs=[failed]),
        nbformat.v4.new_markdown_cell("not code"),
        nbformat.v4.new_code_cell("w = 3"),
    ]
    nbformat.write(nb, tmp_path / "a.ipynb")
    assert not su.check_notebook(tmp_path / "a.ipynb")
    out = capsys.readouterr().out
    assert "the cell [3] that starts `y = ...` still has a `...`" in out  # as the editor shows it
    assert "the cell [ ] that starts `w = 3` was never run" in out
    assert 'grader.check("q1") failed when it last ran' in out
    assert "out of order (after the cell [3] that starts `y = ...`)" in out
    assert not su.check_notebook(tmp_path / "missing.ipynb")
    assert "save the notebook" in capsys.readouterr().out
    for i, cell in enumerate(nb.cells):
        cell.source = f"v{i} = {i}"
        if cell.cell_type == "code":
            cell.execution_count, cell.outputs = i + 1, []
    nbformat.write(nb, tmp_path / "a.ipynb")
    assert su.check_notebook(tmp_path / "a.ipynb")
    assert "every grader.check passed" in capsys.readouterr().out


def test_check_notebook_says_save_first_when_the_file_is_older_than_the_kernel(tmp_path):
    import nbformat

    from student_utils.notebook_check import problems

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1", execution_count=1), nbformat.v4.new_code_cell("y = 2")]
    nbformat.write(nb, tmp_path / "a.ipynb")
    check = "su.check_notebook(...)"
    (said,) = problems(tmp_path / "a.ipynb", history=["", "x = 1", *["y = 2"] * 7, check])  # ran since the save
    assert "older than your work" in said and "save the notebook" in said
    assert "never run" in " ".join(problems(tmp_path / "a.ipynb", history=["", "x = 1", check]))  # saved just now


def test_a_python_without_torch_is_told_what_to_do(tmp_path):
    """What a student sees when the notebook's kernel is a Python without the course's packages."""
    import shutil
    import subprocess
    import sys

    from grading.layout import STUDENT_UTILS

    shutil.copytree(STUDENT_UTILS, tmp_path / "student_utils")
    result = subprocess.run(
        [sys.executable, "-S", "-c", "import sys; sys.path.insert(0, '.'); import student_utils"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "lacks: torch" in result.stderr and "Python (nn-course)" in result.stderr
    assert "%pip install -r requirements.txt" in result.stderr


def test_standardize_is_a_layer_without_parameters():
    layer = su.Standardize(0.5, 0.25)
    assert list(layer.parameters()) == []
    assert torch.equal(layer(torch.tensor([0.5, 1.0, 0.0])), torch.tensor([0.0, 2.0, -2.0]))


@pytest.mark.parametrize(
    "module",
    [
        "student_utils",
        "student_utils.testing",
        "student_utils.plots",
        "student_utils.device",
        "student_utils.seed",
        "student_utils.layers",
    ],
)
def test_the_examples_in_the_docstrings_hold(module):
    """Students read these examples: they must run as shown."""
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0, result


def test_the_test_split_keeps_its_last_images_back_for_the_autograder():
    """A notebook gets the first 8,000 test images; the judge's 2,000 are the rest of the file."""
    from grading.judge import unseen
    from student_utils import data

    X, y = su.load_fashion_mnist("test")
    kept = unseen.names(["fashion-mnist"])
    raw = data.read_idx(data.find_file("t10k-labels-idx1-ubyte", data.find_directory()))
    assert len(y) + len(kept["y_unseen"]) == len(raw) == 10000 and len(kept["y_unseen"]) == data.HELD_OUT
    assert torch.equal(torch.cat([y, kept["y_unseen"]]), torch.from_numpy(raw.astype("int64")))


def test_files_kept_in_memory_read_as_from_disk(tmp_path, monkeypatch):
    """The grader's zygote decompresses the data set once (``keep_in_memory``); its jobs then read
    the same read-only arrays without gzip, and a changed file is read from disk again."""
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    gz = tmp_path / "tiny-images-idx3-ubyte.gz"

    def write(array):
        su_data.write_idx(tmp_path / "raw", array)
        gz.write_bytes(gzip.compress((tmp_path / "raw").read_bytes()))

    write(images)
    monkeypatch.setattr(su_data, "_KEPT", {})
    su_data.keep_in_memory(tmp_path)
    with monkeypatch.context() as m:
        m.setattr(su_data.gzip, "open", lambda *a, **k: pytest.fail("read from disk, not memory"))
        kept = su_data.read_idx(gz)
    assert np.array_equal(kept, images) and not kept.flags.writeable
    write(images[:1])
    assert su_data.read_idx(gz).shape == (1, 3, 4)


def test_check_notebook_reminds_of_a_written_answer_left_as_the_placeholder(tmp_path):
    """The student notebook as handed out: its written answer cells hold otter's placeholder, which
    check_notebook names; once written over, it says nothing about them."""
    import nbformat

    from grading import layout, written
    from student_utils.notebook_check import problems

    nb = nbformat.read(layout.student_notebook("01-gradient-descent"), as_version=4)
    nbformat.write(nb, tmp_path / "a.ipynb")
    assert (
        sum("a written answer still reads" in p for p in problems(tmp_path / "a.ipynb"))
        == len([c for c in nb.cells if c.cell_type == "markdown" and c.source.strip() == written.PLACEHOLDER])
        > 0
    )
    for cell in nb.cells:
        cell.source = cell.source.replace(written.PLACEHOLDER, "My answer.")
    nbformat.write(nb, tmp_path / "a.ipynb")
    assert not any("written answer" in p for p in problems(tmp_path / "a.ipynb"))
