"""Run a few cells in a real sandboxed job and read their results back, for the sandbox tests."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from grading.host.limits import Limits
from grading.host.uids import UidPool
from grading.host.zygote import Zygote
from grading.judge.session import NotebookSession


@contextlib.contextmanager
def zygote(
    tmp_path: Path, mode: str = "bwrap", limits: Limits = Limits(timeout_s=60), hide=(), data_dir: Path | None = None
) -> Iterator[tuple]:
    z = Zygote(mode, tmp_path / "zygote.log", data_dir, hide=tuple(hide))
    try:
        yield z, (UidPool() if mode != "off" else None), limits
    finally:
        z.close()


def run(z, uids, limits: Limits, cells: list[str]) -> NotebookSession:
    """A started session; read values with ``.get(name)``, close it when done."""
    session = NotebookSession(z, cells, None, None, limits, uids)
    session.start()
    return session
