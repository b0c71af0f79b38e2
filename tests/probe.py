"""Run a few cells in a real sandboxed job and read their results back, for the sandbox tests."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from grading import cgroups
from grading.judge.session import NotebookSession
from grading.sandbox import Limits, UidLease, Zygote


@contextlib.contextmanager
def zygote(tmp_path: Path, mode: str = "bwrap", limits: Limits = Limits(timeout_s=60), hide=()) -> Iterator[tuple]:
    lease = UidLease()
    z = Zygote(mode, limits, list(hide), tmp_path / "zygote.log")
    try:
        yield z, lease, limits
    finally:
        z.close()
        lease.release()


def run(z, lease, limits: Limits, cells: list[str]) -> NotebookSession:
    """A started session; read values with ``.get(name)``, close it when done."""
    def cgroup():
        if cgroups.version() is None or lease.uid is None:
            return None
        return cgroups.JobCgroup(f"nn-course-{lease.uid}", limits.memory_bytes, limits.processes, limits.cpus)

    session = NotebookSession(z, cells, None, None, limits, lease.uid, cgroup)
    session.start()
    return session
