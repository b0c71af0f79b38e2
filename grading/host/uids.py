"""A fresh unprivileged uid for every job, unique on this machine while the job runs.

A uid is the one thing the kernel keys some state by that outlives a process (its keyrings, its
process-count limit), so no two jobs share one: each job leases the next free uid of the pool (a
lock file per uid, so concurrent grading runs never take the same), and the lease ends only when
no process of that uid is left. Reuse comes after the whole pool has turned over.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from . import SandboxUnavailable

FIRST_UID, POOL_SIZE = 61000, 2000
LOCKS = Path("/run/lock/nn-course-sandbox-uids")


def processes_of(uid: int) -> list[int]:
    """Pids of the processes whose owner is ``uid`` (as /proc shows them to the grader)."""
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


class Lease:
    """One uid, held until ``release``."""

    def __init__(self, uid: int, fd: int):
        self.uid, self._fd = uid, fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class UidPool:
    """Leases uids in turn, starting where this process last stopped; None as root of nothing
    (an unprivileged grader cannot give a job another uid)."""

    def __init__(self):
        self._next = os.getpid() % POOL_SIZE
        self.enabled = os.geteuid() == 0

    def lease(self) -> Lease | None:
        if not self.enabled:
            return None
        LOCKS.mkdir(parents=True, exist_ok=True)
        for step in range(POOL_SIZE):
            uid = FIRST_UID + (self._next + step) % POOL_SIZE
            fd = os.open(LOCKS / str(uid), os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            if processes_of(uid):  # something of an earlier job lingers: leave that uid alone
                os.close(fd)
                continue
            self._next = (self._next + step + 1) % POOL_SIZE
            return Lease(uid, fd)
        raise SandboxUnavailable(f"no free sandbox uid among {POOL_SIZE}")
