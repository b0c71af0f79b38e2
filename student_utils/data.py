"""FashionMNIST as tensors, read from the original IDX files (lecture 5; torchvision is not needed).

The test split has 10,000 images; ``load_fashion_mnist("test")`` gives the first 8,000. The last
``HELD_OUT`` (2,000) are kept back for the autograder, which measures a trained model's accuracy on
images no code of the notebook has seen, so a model that learned the test images by heart has
nothing to gain.

Where the files are looked for, first match wins:

1. the ``root`` argument, if given;
2. the directory in the ``FASHION_MNIST_DIR`` environment variable;
3. ``/usr/share/datasets/fashion-mnist`` (Debian/Ubuntu package ``dataset-fashion-mnist``);
4. the user directory ``~/.cache/fashion-mnist`` (where ``download=True`` saves them).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import urllib.request
from pathlib import Path

import numpy as np
import torch

FASHION_MNIST_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
"""Class names, indexed by label."""

ENV_VAR = "FASHION_MNIST_DIR"
DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
USER_DIR = Path("~/.cache/fashion-mnist").expanduser()
MIRROR_ENV_VAR = "FASHION_MNIST_MIRROR"
DEFAULT_MIRROR = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"

FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
_IDX_UBYTE = 0x08  # the only IDX element type FashionMNIST uses
TEST_SHOWN = 8000  # test images a notebook gets; the rest of the test split is kept back
HELD_OUT = 2000  # test images kept back for the autograder: the last ones of the test split
SHA256 = {  # of the uncompressed files, so a recompressed copy (Debian's) checks out too
    "train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read one IDX file (gzipped or not) into a ``uint8`` array of the shape its header states.

    Raises ``ValueError`` on a file that is not an unsigned-byte IDX file or whose size does not
    match its header.
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != _IDX_UBYTE:
        raise ValueError(f"{path} is not an unsigned-byte IDX file")
    ndim = raw[3]
    header_end = 4 + 4 * ndim
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    data = np.frombuffer(raw, dtype=np.uint8, offset=header_end)
    if data.size != int(np.prod(shape)):
        raise ValueError(f"{path}: header says {shape} but holds {data.size} values (truncated?)")
    return data.reshape(shape)


def write_idx(path: str | os.PathLike, data: np.ndarray) -> None:
    """Write a ``uint8`` array as an (uncompressed) IDX file, the format ``read_idx`` reads."""
    data = np.ascontiguousarray(data, dtype=np.uint8)
    header = bytes([0, 0, _IDX_UBYTE, data.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in data.shape)
    Path(path).write_bytes(header + data.tobytes())


def find_file(name: str, directory: Path) -> Path | None:
    for candidate in (directory / f"{name}.gz", directory / name):
        if candidate.is_file():
            return candidate
    return None


def _search_dirs(root: str | os.PathLike | None) -> list[Path]:
    dirs = [Path(root).expanduser()] if root is not None else []
    if os.environ.get(ENV_VAR):
        dirs.append(Path(os.environ[ENV_VAR]).expanduser())
    return dirs + [DEBIAN_DIR, USER_DIR]


def find_directory(root: str | os.PathLike | None = None) -> Path | None:
    """The first folder of the search order that holds all four files, or None."""
    for directory in _search_dirs(root):
        if all(find_file(name, directory) for names in FILES.values() for name in names):
            return directory
    return None


def fetch(split: str, target: Path | None = None) -> None:
    """Fetch one split's files from the mirror in ``FASHION_MNIST_MIRROR`` into ``target`` (default
    ``~/.cache/fashion-mnist``), each checked against its SHA-256 before it is kept."""
    target = target if target is not None else USER_DIR
    mirror = os.environ.get(MIRROR_ENV_VAR, DEFAULT_MIRROR).rstrip("/") + "/"
    target.mkdir(parents=True, exist_ok=True)
    for name in FILES[split]:
        final = target / f"{name}.gz"
        if final.is_file():
            continue
        partial = final.with_suffix(".gz.part")
        with urllib.request.urlopen(f"{mirror}{name}.gz") as response, open(partial, "wb") as out:
            shutil.copyfileobj(response, out)
        with gzip.open(partial, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        if digest != SHA256[name]:
            partial.unlink()
            raise ValueError(f"{mirror}{name}.gz does not have the expected contents (SHA-256 {digest})")
        partial.rename(final)


def load_fashion_mnist(
    split: str = "train", root: str | os.PathLike | None = None, download: bool = False
) -> tuple[torch.Tensor, torch.Tensor]:
    """Load one split of FashionMNIST as ``(X, y)`` tensors.

    ``X`` is float32 of shape ``(N, 1, 28, 28)`` with pixels in ``[0, 1]``; ``y`` is int64 of
    shape ``(N,)`` with labels ``0..9`` (names in ``FASHION_MNIST_CLASSES``). ``split`` is
    ``"train"`` (N = 60000) or ``"test"`` (N = 8000: the last 2,000 test images are kept back for
    the autograder). With ``download=True`` missing files are fetched into
    ``~/.cache/fashion-mnist`` from the mirror in ``FASHION_MNIST_MIRROR``.

    >>> X, y = load_fashion_mnist("test")  # doctest: +SKIP
    >>> X.shape, X.dtype, y.shape, y.dtype  # doctest: +SKIP
    (torch.Size([8000, 1, 28, 28]), torch.float32, torch.Size([8000]), torch.int64)
    """
    if split not in FILES:
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")
    images_name, labels_name = FILES[split]
    dirs = _search_dirs(root)
    for directory in dirs:
        images, labels = find_file(images_name, directory), find_file(labels_name, directory)
        if images and labels:
            break
    else:
        if not download:
            tried = "\n".join(f"  - {d}" for d in dirs)
            raise FileNotFoundError(
                f"FashionMNIST files ({images_name}.gz, {labels_name}.gz) not found. Looked in:\n"
                f"{tried}\nFix it one of these ways:\n"
                f"  - install the Debian/Ubuntu package: sudo apt-get install dataset-fashion-mnist\n"
                f"  - point the {ENV_VAR} environment variable at a folder holding the files\n"
                f"  - call load_fashion_mnist(..., download=True) to fetch them into {USER_DIR}"
            )
        fetch(split)
        images, labels = find_file(images_name, USER_DIR), find_file(labels_name, USER_DIR)
    shown = slice(0, TEST_SHOWN) if split == "test" else slice(None)
    X = torch.from_numpy(read_idx(images)[shown].copy()).unsqueeze(1).float().div_(255.0)
    y = torch.from_numpy(read_idx(labels)[shown].astype(np.int64))
    if len(X) != len(y):
        raise ValueError(f"{images} holds {len(X)} images but {labels} holds {len(y)} labels")
    return X, y


if __name__ == "__main__":  # python -m student_utils.data DIR: fetch and check both splits into DIR
    import sys

    for split in FILES:
        fetch(split, Path(sys.argv[1]))
    print(f"FashionMNIST: 4 files checked into {sys.argv[1]}")
