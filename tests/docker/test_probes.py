"""Hostile notebooks in a real container (``make test-gradescope``): each is the unanswered notebook
plus one cell that ruins its own run. Every one must still leave a results.json that scores 0 and
says what happened in a fixed text, never "grader failed" and never nothing.

- files: about 537,000 empty files in /tmp, to use up the disk's inodes. Gradescope's container has
  one disk for what the job and the judge write; here that disk is a small ext4 (20,000 inodes)
  shown at /tmp, /autograder/results and /var/lib/nn-course (the judge's and the jobs' folders), so
  that the files run out at once, as they would on Gradescope, without using up this machine's;
- memory: sixty processes of 150 MiB each under a 2 GB container limit (the kernel must kill the
  job's processes, not the judge);
- planted: links at /tmp/nn-job-<pid> for the next 3,000 pids (where a job's folder used to be),
  then a crash, so the notebook is run again without that cell in a new job.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from conftest import _record

from grading.layout import ROOT

ASSIGNMENT = "01-gradient-descent"  # the quickest to grade; its unanswered notebook scores 0
KEPT = ROOT / "build" / "gradescope-probes"  # each probe's results.json and log, to read after a run

FILES = textwrap.dedent("""
    made = 0
    try:
        while made < 537_000:
            open(f"/tmp/inode-{made}", "w").close()
            made += 1
    except OSError:
        pass
    """)
MEMORY = textwrap.dedent("""
    import os, time
    kids = []
    for _ in range(60):
        pid = os.fork()
        if pid == 0:
            block = bytearray(150 * 2**20)
            for i in range(0, len(block), 4096):
                block[i] = 1
            time.sleep(5)
            os._exit(0)
        kids.append(pid)
    for pid in kids:
        os.waitpid(pid, 0)
    """)
PLANTED = textwrap.dedent("""
    import os
    me = os.getpid()
    for pid in range(me + 1, me + 3001):
        try:
            os.symlink("/autograder/results/results.json", f"/tmp/nn-job-{pid}")
        except OSError:
            pass
    os._exit(1)
    """)
# probe -> (its cell, the container's memory, what its result must say)
PROBES = {
    "files": (FILES, "768m", "the notebook used up the container's disk"),
    "memory": (MEMORY, "2g", "the notebook's processes used up the container's memory"),
    "planted": (PLANTED, "768m", "ended the notebook's process (it crashed or exited)"),
}


@contextlib.contextmanager
def small_disk(inodes: int = 20_000):
    """A disk of ``inodes`` files (ext4 in a file, mounted here), with a folder for each place it is
    shown at. A disk, not a tmpfs: what a tmpfs holds counts against the container's memory."""
    top = Path(tempfile.mkdtemp(prefix="nn-gs-disk-"))
    image, mounted = top.with_suffix(".img"), top / "disk"
    try:
        with open(image, "wb") as f:
            f.truncate(512 * 2**20)
        subprocess.run(["mkfs.ext4", "-q", "-N", str(inodes), image], check=True)
        mounted.mkdir()
        subprocess.run(["mount", "-o", "loop", image, mounted], check=True)
        for name, mode in (("tmp", 0o1777), ("results", 0o755), ("nn-course", 0o755)):
            (mounted / name).mkdir()
            os.chmod(mounted / name, mode)
        yield [
            f"--mount=type=bind,src={mounted / 'tmp'},dst=/tmp",
            f"--mount=type=bind,src={mounted / 'results'},dst=/autograder/results",
            f"--mount=type=bind,src={mounted / 'nn-course'},dst=/var/lib/nn-course",
        ]
    finally:
        if mounted.is_dir():
            subprocess.run(["umount", mounted], check=False)
        image.unlink(missing_ok=True)
        shutil.rmtree(top, ignore_errors=True)


@pytest.fixture(scope="session")
def image(engine):
    """01's image alone (the other zips' images are left as they are: no pruning here)."""
    requirements = engine.common_requirements()
    with engine.loopback(requirements) as url:
        return engine.zip_image(ASSIGNMENT, engine.shared_image(requirements, url), url)


@pytest.fixture(scope="session")
def probed(engine, image, tmp_path_factory):
    folder = tmp_path_factory.mktemp("probes")
    KEPT.mkdir(parents=True, exist_ok=True)
    unanswered = nbformat.read(ROOT / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)

    def one(name):
        cell, memory, _ = PROBES[name]
        nb = nbformat.v4.new_notebook(cells=[*unanswered.cells, nbformat.v4.new_code_cell(cell)])
        nb.metadata = unanswered.metadata
        path = folder / f"{name}.ipynb"
        nbformat.write(nb, path)
        with small_disk() if name == "files" else contextlib.nullcontext([]) as mounts:
            start = time.monotonic()
            graded = engine.grade(image, ASSIGNMENT, path, memory, extra=tuple(mounts))
        _record(f"probe {name} ({memory})", time.monotonic() - start)
        kept = {"exit": graded.exit_code, "oom_killed": graded.oom_killed, "results": graded.results, "log": graded.log}
        (KEPT / f"{name}.json").write_text(json.dumps(kept, indent=1))
        return name, graded

    with ThreadPoolExecutor(2) as pool:
        return dict(pool.map(one, PROBES))


@pytest.mark.parametrize("name", PROBES)
def test_a_notebook_that_ruins_its_own_run_gets_a_result_that_says_so(name, probed):
    graded, says = probed[name], PROBES[name][2]
    assert graded.results is not None, (
        f"no results.json (exit {graded.exit_code}, OOM {graded.oom_killed}):\n{graded.log[-3000:]}"
    )
    output = graded.results["output"]
    assert graded.results["score"] == 0, output
    assert all(t.get("score", 0) == 0 for t in graded.results["tests"]), output
    assert says in output and "grader failed" not in output and "not graded" not in output, output
