"""student_utils on real data: the FashionMNIST files, real tensors, real plots."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
import torch

import student_utils as su
from student_utils import data as su_data
from student_utils.testing import record_moves

DEBIAN = su_data.DEBIAN_DIR


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


@pytest.mark.parametrize("split, n", [("train", 60000), ("test", 10000)])
def test_load_fashion_mnist_shapes_dtypes_and_range(split, n):
    X, y = su.load_fashion_mnist(split)
    assert X.shape == (n, 1, 28, 28) and X.dtype == torch.float32
    assert y.shape == (n,) and y.dtype == torch.int64
    assert X.min() >= 0 and X.max() <= 1 and X.max() == 1.0
    assert torch.equal(torch.bincount(y), torch.full((10,), n // 10))  # FashionMNIST is balanced


def test_pixels_match_the_raw_idx_bytes():
    X, _ = su.load_fashion_mnist("test")
    with gzip.open(DEBIAN / "t10k-images-idx3-ubyte.gz", "rb") as f:
        raw = f.read()
    first = np.frombuffer(raw, dtype=np.uint8, offset=16, count=784).reshape(28, 28)
    assert torch.allclose(X[0, 0], torch.from_numpy(first.astype(np.float32)) / 255)


def _make_small_copy(target, n=50):
    """Write valid gzipped IDX files holding the first n test images and labels."""
    target.mkdir(parents=True, exist_ok=True)
    images = su_data.read_idx(DEBIAN / "t10k-images-idx3-ubyte.gz")[:n]
    labels = su_data.read_idx(DEBIAN / "t10k-labels-idx1-ubyte.gz")[:n]
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


def test_missing_files_name_all_three_places(tmp_path, monkeypatch):
    monkeypatch.setenv(su_data.ENV_VAR, str(tmp_path / "env"))
    monkeypatch.setattr(su_data, "DEBIAN_DIR", tmp_path / "debian")
    monkeypatch.setattr(su_data, "USER_DIR", tmp_path / "user")
    with pytest.raises(FileNotFoundError) as err:
        su.load_fashion_mnist("test")
    message = str(err.value)
    for place in ("env", "debian", "user", "apt-get install dataset-fashion-mnist", su_data.ENV_VAR, "download=True"):
        assert place in message


def test_download_fallback_fetches_into_the_user_dir(tmp_path, monkeypatch):
    _make_small_copy(tmp_path / "mirror")
    monkeypatch.delenv(su_data.ENV_VAR, raising=False)
    monkeypatch.setattr(su_data, "DEBIAN_DIR", tmp_path / "debian")
    monkeypatch.setattr(su_data, "USER_DIR", tmp_path / "user")
    monkeypatch.setenv(su_data.MIRROR_ENV_VAR, (tmp_path / "mirror").as_uri())
    X, y = su.load_fashion_mnist("test", download=True)
    assert X.shape == (50, 1, 28, 28) and (tmp_path / "user" / "t10k-labels-idx1-ubyte.gz").is_file()


def test_truncated_idx_file_is_reported(tmp_path):
    raw = gzip.open(DEBIAN / "t10k-labels-idx1-ubyte.gz").read()
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


def test_record_moves_counts_batches_not_module_parameters():
    with record_moves() as moves:
        torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Linear(3, 1)).to("cpu")
        for _ in range(3):
            torch.ones(2).to("cpu"), torch.ones(2).to(torch.float64)
    assert moves.module_moves_to("cpu") == 1
    assert moves.tensor_moves_to("cpu") == 3  # a dtype-only .to is not a move
    torch.ones(1).to("cpu")
    assert moves.tensor_moves_to("cpu") == 3, "recording stops with the block"
