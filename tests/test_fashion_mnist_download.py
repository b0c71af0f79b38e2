"""05's data where students work: with no course copy, ``load_fashion_mnist`` downloads the Debian
package's own files from a mirror served on 127.0.0.1, checks them, and refuses what does not check
out. No test here reaches any address but loopback (``only_loopback`` makes sure)."""

from __future__ import annotations

import functools
import gzip
import http.server
import socket
import threading
from pathlib import Path

import numpy as np
import pytest
import torch

import student_utils as su
from student_utils import data

COURSE_COPY = data.find_directory()  # FASHION_MNIST_DIR, else the Debian package's copy
pytestmark = pytest.mark.skipif(COURSE_COPY is None, reason="no FashionMNIST on this machine (make install)")
TEST_FILES = data.FILES["test"]


@pytest.fixture(autouse=True)
def only_loopback(monkeypatch):
    """Any connection to an address other than 127.0.0.1 fails the test (the real mirrors included)."""
    real = socket.create_connection

    def guarded(address, *args, **kwargs):
        assert address[0] == "127.0.0.1", f"a test tried to reach {address}"
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guarded)


class Mirror:
    """A folder served over HTTP on 127.0.0.1, counting the requests it gets."""

    def __init__(self, folder: Path):
        self.requests: list[str] = []
        requests = self.requests

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                requests.append(self.path)

        self.server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Handler, directory=str(folder))
        )
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def serve():
    mirrors = []

    def start(folder: Path) -> Mirror:
        mirrors.append(Mirror(folder))
        return mirrors[-1]

    yield start
    for mirror in mirrors:
        mirror.close()


@pytest.fixture
def laptop(tmp_path, monkeypatch):
    """A student's machine: no FASHION_MNIST_DIR, no Debian package, an empty user cache."""
    monkeypatch.delenv(data.ENV_VAR, raising=False)
    monkeypatch.setattr(data, "DEBIAN_DIR", tmp_path / "no-debian-package")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "nn-course" / "fashion-mnist"


def _unused_loopback_url() -> str:
    with socket.socket() as s:  # a port nothing listens on: refused at once
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/"


@functools.cache
def _gzipped(name: str) -> bytes:
    """A course copy's file, gzipped as Zalando serves it (once a session: 8 MB at level 9 takes seconds)."""
    return gzip.compress(gzip.open(data.find_file(name, COURSE_COPY)).read())


def _mirror_of(folder: Path, **replace: bytes) -> Path:
    """The course copy's test files, gzipped as Zalando serves them, with some files' bytes replaced."""
    folder.mkdir()
    for name in TEST_FILES:
        (folder / f"{name}.gz").write_bytes(replace[name] if name in replace else _gzipped(name))
    return folder


def test_with_no_copy_anywhere_the_files_are_downloaded_checked_and_cached(laptop, serve, monkeypatch, capsys):
    mirror = serve(_mirror_of(laptop.parents[2] / "mirror"))
    monkeypatch.setenv(data.MIRROR_ENV_VAR, f"{_unused_loopback_url()} {mirror.url}")  # the first one is down
    X, y = su.load_fashion_mnist("test")
    images, labels = (data.read_idx(data.find_file(name, COURSE_COPY)) for name in TEST_FILES)
    assert torch.equal(y, torch.from_numpy(labels[: data.TEST_SHOWN].astype(np.int64)))
    assert torch.equal(X, torch.from_numpy(images[: data.TEST_SHOWN].copy()).unsqueeze(1).float() / 255)
    assert sorted(p.name for p in laptop.iterdir()) == sorted(f"{name}.gz" for name in TEST_FILES)
    assert sorted(mirror.requests) == sorted(f"/{name}.gz" for name in TEST_FILES)
    progress = capsys.readouterr().err
    assert all(f"{name}.gz" in progress for name in TEST_FILES) and "100%" in progress, progress

    su.load_fashion_mnist("test")  # the second time, from the cache
    assert len(mirror.requests) == len(TEST_FILES)


@pytest.mark.parametrize(
    "damage, said",
    [
        (lambda raw: gzip.compress(raw[:-1] + bytes([raw[-1] ^ 1])), "SHA-256"),  # one label changed
        (lambda raw: gzip.compress(raw)[:-100], "cut short"),  # the download stopped early
    ],
    ids=["one-byte-changed", "truncated"],
)
def test_a_corrupted_download_is_refused_and_not_kept(laptop, serve, monkeypatch, damage, said):
    name = "t10k-labels-idx1-ubyte"
    raw = gzip.open(data.find_file(name, COURSE_COPY)).read()
    mirror = serve(_mirror_of(laptop.parents[2] / "mirror", **{name: damage(raw)}))
    monkeypatch.setenv(data.MIRROR_ENV_VAR, mirror.url)
    with pytest.raises(data.DownloadError) as refused:
        su.load_fashion_mnist("test")
    message = str(refused.value)
    assert f"{mirror.url}{name}.gz" in message and said in message and "nothing was kept" in message, message
    assert data.MIRROR_ENV_VAR in message and data.ENV_VAR in message, message
    assert not (laptop / f"{name}.gz").exists() and not list(laptop.glob("*.part"))


def test_the_courses_copy_is_never_downloaded_over(tmp_path, serve, monkeypatch):
    """The grader and a course's JupyterHub set FASHION_MNIST_DIR: a folder lacking the files is an
    error that names it, never a download (the grader's sandbox has no network, and must not need it)."""
    mirror = serve(_mirror_of(tmp_path / "mirror"))
    monkeypatch.setenv(data.MIRROR_ENV_VAR, mirror.url)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv(data.ENV_VAR, str(tmp_path / "empty"))
    with pytest.raises(FileNotFoundError) as missing:
        su.load_fashion_mnist("test")
    assert str(tmp_path / "empty") in str(missing.value) and data.ENV_VAR in str(missing.value)
    assert mirror.requests == [] and not (tmp_path / "cache").exists()


def test_download_false_names_every_place_it_looked(laptop, serve, monkeypatch):
    mirror = serve(_mirror_of(laptop.parents[2] / "mirror"))
    monkeypatch.setenv(data.MIRROR_ENV_VAR, mirror.url)
    with pytest.raises(FileNotFoundError) as missing:
        su.load_fashion_mnist("test", download=False)
    for place in (data.DEBIAN_DIR, laptop, "apt-get install dataset-fashion-mnist"):
        assert str(place) in str(missing.value)
    assert mirror.requests == []


def test_the_mirror_list_and_the_cache_follow_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv(data.MIRROR_ENV_VAR, raising=False)
    assert data.mirrors() == list(data.MIRRORS)
    monkeypatch.setenv(data.MIRROR_ENV_VAR, "http://127.0.0.1:1/a, http://127.0.0.1:2/b/")
    assert data.mirrors() == ["http://127.0.0.1:1/a/", "http://127.0.0.1:2/b/"]
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert data.cache_dir() == tmp_path / ".cache" / "nn-course" / "fashion-mnist"
