"""FashionMNIST as tensors, read from the original IDX files (lecture 5; torchvision is not needed).

The test split has 10,000 images; ``load_fashion_mnist("test")`` gives the first 8,000. The last
``HELD_OUT`` (2,000) are kept back for the autograder, which measures a trained model's accuracy on
images no code of the notebook has seen, so a model that learned the test images by heart has
nothing to gain.

Where the files are looked for, first match wins:

1. the ``root`` argument, if given;
2. the folder in the ``FASHION_MNIST_DIR`` environment variable: when it is set (the grader sets it,
   as can a course's JupyterHub), it is the course's copy and nothing else is looked at or fetched;
3. ``/usr/share/datasets/fashion-mnist`` (Debian/Ubuntu package ``dataset-fashion-mnist``);
4. the user cache, ``$XDG_CACHE_HOME/nn-course/fashion-mnist`` (``~/.cache/nn-course/fashion-mnist``);
5. else the files are downloaded into that cache from the mirrors in ``FASHION_MNIST_MIRROR``
   (several separated by spaces), default ``MIRRORS``, each checked against its SHA-256.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import os
import re
import sys
import urllib.request
import zlib
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
MIRROR_ENV_VAR = "FASHION_MNIST_MIRROR"
MIRRORS = (  # Zalando's own copies: their bucket (torchvision's source), then their GitHub repository
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
)

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


class DownloadError(RuntimeError):
    """No mirror gave a file whose contents check out (the message says what each one gave)."""


def cache_dir() -> Path:
    """Where downloads go: read at each call, so ``XDG_CACHE_HOME`` and ``HOME`` are those of now."""
    base = os.environ.get("XDG_CACHE_HOME") or "~/.cache"
    return Path(base).expanduser() / "nn-course" / "fashion-mnist"


def mirrors() -> list[str]:
    """The URLs to try in turn: ``FASHION_MNIST_MIRROR`` (one, or several separated by spaces or
    commas) if set, else ``MIRRORS``."""
    given = [m for m in re.split(r"[\s,]+", os.environ.get(MIRROR_ENV_VAR, "")) if m]
    return [m.rstrip("/") + "/" for m in (given or MIRRORS)]


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read one IDX file (gzipped or not) into a ``uint8`` array of the shape its header states.

    Raises ``ValueError`` on a file that is not an unsigned-byte IDX file or whose size does not
    match its header.
    """
    path = Path(path)
    raw = _KEPT.get(_identity(path)) if _KEPT else None
    if raw is None:
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


_KEPT: dict[tuple, bytes] = {}  # decompressed files by (path, size, mtime): only a grader's zygote fills it


def _identity(path: Path) -> tuple:
    stat = path.stat()
    return (str(path.resolve()), stat.st_size, stat.st_mtime_ns)


def keep_in_memory(directory: str | os.PathLike) -> None:
    """Decompress the IDX files of ``directory`` once, for every ``read_idx`` after it in this
    process and in the processes it forks: the grader's zygote does this, so each notebook it runs
    skips half a second of gzip. What ``read_idx`` returns is the same either way (a read-only
    view of immutable bytes)."""
    for path in sorted(Path(directory).glob("*-ubyte.gz")):
        with gzip.open(path, "rb") as f:
            _KEPT[_identity(path)] = f.read()


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
    if os.environ.get(ENV_VAR):  # the course's copy: never mixed with another, never fetched
        return [*dirs, Path(os.environ[ENV_VAR]).expanduser()]
    return [*dirs, DEBIAN_DIR, cache_dir()]


def find_directory(root: str | os.PathLike | None = None) -> Path | None:
    """The first folder of the search order that holds all four files, or None."""
    for directory in _search_dirs(root):
        if all(find_file(name, directory) for names in FILES.values() for name in names):
            return directory
    return None


def _download(url: str, part: Path, progress: bool) -> None:
    from tqdm import tqdm

    with urllib.request.urlopen(url, timeout=60) as response, open(part, "wb") as out:
        size = int(response.headers.get("Content-Length") or 0) or None
        with tqdm(total=size, unit="B", unit_scale=True, desc=url.rsplit("/", 1)[-1], disable=not progress) as bar:
            while chunk := response.read(1 << 16):
                out.write(chunk)
                bar.update(len(chunk))


def _problem(name: str, part: Path) -> str | None:
    """Why the downloaded ``part`` is not FashionMNIST's file ``name``, or None when it is."""
    try:
        with gzip.open(part, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
    except (OSError, EOFError, zlib.error) as e:
        return f"not a complete gzip file ({e}): corrupted or cut short"
    if digest != SHA256[name]:
        return f"its contents have SHA-256 {digest}, not FashionMNIST's {SHA256[name]}: corrupted or another file"
    return None


def fetch(split: str, target: Path | None = None, progress: bool = True) -> Path:
    """Download one split's files into ``target`` (default ``cache_dir()``), trying each of
    ``mirrors()`` in turn; a file is kept only once its SHA-256 checks out. Returns ``target``."""
    target = Path(target) if target is not None else cache_dir()
    target.mkdir(parents=True, exist_ok=True)
    for name in FILES[split]:
        final = target / f"{name}.gz"
        if final.is_file():
            continue
        part = target / f"{name}.gz.part"
        failures = []
        for mirror in mirrors():
            url = f"{mirror}{name}.gz"
            try:
                _download(url, part, progress)
                problem = _problem(name, part)
            except (OSError, ValueError, http.client.HTTPException) as e:  # unreachable, HTTP error, cut, bad URL
                problem = f"{type(e).__name__}: {e}"
            if problem is None:
                part.replace(final)
                break
            part.unlink(missing_ok=True)
            failures.append(f"  - {url}: {problem}")
        else:
            raise DownloadError(
                f"Could not download FashionMNIST's {name}.gz; nothing was kept. Each mirror gave:\n"
                + "\n".join(failures)
                + f"\nTry again later, set {MIRROR_ENV_VAR} to another mirror (several separated by spaces), "
                f"or put the four files in a folder and set {ENV_VAR} to it."
            )
    return target


def load_fashion_mnist(
    split: str = "train", root: str | os.PathLike | None = None, download: bool = True
) -> tuple[torch.Tensor, torch.Tensor]:
    """Load one split of FashionMNIST as ``(X, y)`` tensors.

    ``X`` is float32 of shape ``(N, 1, 28, 28)`` with pixels in ``[0, 1]``; ``y`` is int64 of
    shape ``(N,)`` with labels ``0..9`` (names in ``FASHION_MNIST_CLASSES``). ``split`` is
    ``"train"`` (N = 60000) or ``"test"`` (N = 8000: the last 2,000 test images are kept back for
    the autograder). Where no copy is found (module docstring) the files are downloaded once into
    ``cache_dir()``, unless ``download=False`` or ``FASHION_MNIST_DIR`` is set.

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
        if not download or os.environ.get(ENV_VAR):
            tried = "\n".join(f"  - {d}" for d in dirs)
            raise FileNotFoundError(
                f"FashionMNIST files ({images_name}.gz, {labels_name}.gz) not found. Looked in:\n{tried}\n"
                + (
                    f"{ENV_VAR} is set, so only that folder is used: put the four files there, or unset it "
                    "to use the Debian package's copy or a download."
                    if os.environ.get(ENV_VAR)
                    else "Call load_fashion_mnist without download=False to download them, or install the "
                    "Debian/Ubuntu package: sudo apt-get install dataset-fashion-mnist"
                )
            )
        directory = fetch(split)
        images, labels = find_file(images_name, directory), find_file(labels_name, directory)
    shown = slice(0, TEST_SHOWN) if split == "test" else slice(None)
    X = torch.from_numpy(read_idx(images)[shown].copy()).unsqueeze(1).float().div_(255.0)
    y = torch.from_numpy(read_idx(labels)[shown].astype(np.int64))
    if len(X) != len(y):
        raise ValueError(f"{images} holds {len(X)} images but {labels} holds {len(y)} labels")
    return X, y


if __name__ == "__main__":  # python -m student_utils.data DIR: download and check both splits into DIR
    for split in FILES:
        fetch(split, Path(sys.argv[1]), progress=sys.stderr.isatty())
    print(f"FashionMNIST: 4 files checked into {sys.argv[1]}")
