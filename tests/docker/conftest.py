"""The real-container tier (``make test-gradescope``): a Docker engine of its own, an image per zip
built as Gradescope builds it, every run in a fresh container with Gradescope's defaults.

Left out of ``make test`` (it needs root, an engine and minutes): it runs only with
``NN_DOCKER_TESTS=1``, which the make target sets; there any failure to get an engine or an image
fails the tests, never skips them."""

from __future__ import annotations

import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

ENABLED = os.environ.get("NN_DOCKER_TESTS") == "1"
TIMINGS = Path(__file__).resolve().parents[2] / "build" / "gradescope-docker-timings.json"


def pytest_collection_modifyitems(config, items):
    if ENABLED:
        return
    skip = pytest.mark.skip(reason="real containers: `make test-gradescope` (NN_DOCKER_TESTS=1)")
    for item in items:
        if "tests/docker/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def engine():
    import gradescope_docker

    with gradescope_docker.engine():
        yield gradescope_docker


@pytest.fixture(scope="session")
def images(engine):
    start = time.monotonic()
    tags = engine.build_all()
    _record("image build (all zips, cached layers reused)", time.monotonic() - start)
    return tags


def run_all(engine, images, todo: dict) -> dict:
    """``todo``: key -> (assignment, notebook, memory). Two containers at a time (each half a CPU)."""

    def one(item):
        key, (assignment, notebook, memory) = item
        graded = engine.grade(images[assignment], assignment, notebook, memory)
        _record(f"{key} ({memory})", graded.seconds)
        return key, graded

    with ThreadPoolExecutor(2) as pool:
        return dict(pool.map(one, todo.items()))


_times: dict[str, float] = {}


def _record(what, seconds: float) -> None:
    _times[str(what)] = round(seconds, 1)
    TIMINGS.parent.mkdir(exist_ok=True)
    TIMINGS.write_text(json.dumps(_times, indent=1))


def pytest_terminal_summary(terminalreporter):
    if _times:
        terminalreporter.section("seconds per container run (start to exit)")
        for what, seconds in _times.items():
            terminalreporter.write_line(f"{seconds:8.1f}  {what}")
