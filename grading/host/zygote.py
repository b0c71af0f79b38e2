"""The zygote's host side: start ``grading.inside.zygote`` (in bubblewrap, unless SANDBOX=off) and
ask it, over a SEQPACKET socket, to fork and to kill jobs (``grading.wire.messages``)."""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from .. import layout
from ..wire.messages import Event, Op
from . import SandboxUnavailable, bubblewrap

STARTUP_TIMEOUT_S = 180  # on an idle machine; a loaded one gets more (``startup_timeout``)
KILL_TIMEOUT_S = 10
MAX_DYING = 4  # killed jobs not yet gone before a kill waits for them


def environment(threads: int, data_dir: Path | None) -> dict[str, str]:
    """A small, fixed environment: nothing of the TA's own, threads capped, seeds fixed."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL")}
    env = {
        **keep,
        "HOME": "/tmp",
        "MPLBACKEND": "Agg",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "PYTHONNOUSERSITE": "1",
        "OMP_NUM_THREADS": str(threads),
        "MKL_NUM_THREADS": str(threads),
        "OPENBLAS_NUM_THREADS": str(threads),
        "TMPDIR": "/tmp",
        "PYTHONPATH": str(layout.ROOT),
    }
    if data_dir is not None:
        env["FASHION_MNIST_DIR"] = str(data_dir)
    return env


def startup_timeout() -> float:
    """STARTUP_TIMEOUT_S, stretched by how many runnable tasks share each core."""
    return STARTUP_TIMEOUT_S * max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))


class Zygote:
    """One zygote process and the control channel to it."""

    def __init__(
        self, mode: str, log: Path, data_dir: Path | None = None, hide: tuple[Path, ...] = (), threads: int = 1
    ):
        bubblewrap.ensure(mode)
        self.mode = mode
        self.control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        inner = [sys.executable, "-m", "grading.inside.zygote", str(theirs.fileno())]
        if mode == "bwrap":
            show = [*layout.SANDBOXED_CODE, Path(sys.prefix), Path(sys.base_prefix), *([data_dir] if data_dir else [])]
            inner = bubblewrap.command(inner, hide=[layout.ROOT, *hide], show=show)
        self._log = open(log, "ab")
        self.proc = subprocess.Popen(
            inner,
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=self._log,
            env=environment(threads, data_dir),
            cwd="/tmp" if mode == "bwrap" else None,
            start_new_session=True,
        )
        theirs.close()
        self._events: list[dict] = []
        self._exited: set[int] = set()
        self._after_exit: dict[int, Callable[[], None]] = {}  # killed jobs not yet reported gone
        self._jobs = 0
        self.log = log
        self._ready = False

    def ready(self) -> None:
        """Wait until the zygote has imported what notebooks import (the judge does its own start-up
        meanwhile). A busy machine makes that slow, never a failure: the wait grows with the load."""
        if self._ready:
            return
        waited = self._next_event(startup_timeout(), lambda e: e.get("event") == Event.READY)
        if waited is None:
            status = self.proc.poll()
            self.close()
            why = f"it exited with status {status}" if status is not None else "it did not finish starting in time"
            raise SandboxUnavailable(f"the sandbox did not start: {why}; see {self.log}")
        self._ready = True

    def _next_event(self, timeout: float, wanted) -> dict | None:
        """The first event ``wanted`` accepts (reading more as needed), or None on time-out."""

        def pick():
            for i, event in enumerate(self._events):
                if wanted(event):
                    return self._events.pop(i)
            return None

        return self._wait(timeout, pick)

    def _wait(self, timeout: float, found):
        """Read events until ``found()`` gives something (returned), or None on time-out."""
        deadline = time.monotonic() + timeout
        while True:
            result = found()
            if result is not None:
                return result
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                return None
            select.select([self.control], [], [], min(left, 1.0))
            if not self._read_ready():
                return None

    def _read_ready(self) -> bool:
        """Take in every event already sent, without waiting; False once the zygote hung up."""
        while select.select([self.control], [], [], 0)[0]:
            try:
                data = self.control.recv(65536)
            except OSError:
                return False
            if not data:
                return False
            event = json.loads(data)
            if event.get("event") == Event.EXITED:
                self._exited.add(event.get("job"))
            else:
                self._events.append(event)
        return True

    def spawn(self, uid: int | None, cgroup_fds: dict[str, int], job_limits: dict) -> tuple[int, socket.socket]:
        """Fork a job; returns its id and the judge's end of its channel."""
        self.ready()
        self.settle()
        self._jobs += 1
        job = self._jobs
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        request = {"op": Op.SPAWN, "job": job, "uid": uid, "limits": job_limits, "cgroups": list(cgroup_fds)}
        try:
            socket.send_fds(self.control, [json.dumps(request).encode()], [theirs.fileno(), *cgroup_fds.values()])
        finally:
            theirs.close()
            for fd in cgroup_fds.values():
                os.close(fd)
        if self._next_event(30, lambda e: e.get("event") == Event.SPAWNED and e.get("job") == job) is None:
            mine.close()
            raise SandboxUnavailable("the sandbox stopped answering")
        return job, mine

    def kill(self, job: int, then: Callable[[], None]) -> None:
        """Have the zygote kill a job and every process of its uid; ``then`` runs once it reports
        them all gone (``settle``). The judge goes on meanwhile: what the job held (its uid, its
        cgroup) is released in ``then``, never before, so no later job can get it while it lives."""
        self._after_exit[job] = then
        try:
            self.control.send(json.dumps({"op": Op.KILL, "job": job}).encode())
        except OSError:
            pass  # the zygote is gone, and its jobs with it (PDEATHSIG): settle runs ``then``
        self.settle(KILL_TIMEOUT_S if len(self._after_exit) > MAX_DYING else 0.0)

    def settle(self, wait: float = 0.0) -> None:
        """Run ``then`` of the killed jobs the zygote reported gone, waiting up to ``wait`` seconds
        for the rest; after that (or once the zygote is gone) run theirs too, as the cgroup's own
        kill and the uid pool's check for lingering processes still hold."""
        deadline = time.monotonic() + wait
        while True:
            alive = self._read_ready() and self.proc.poll() is None
            for job in [j for j in self._after_exit if j in self._exited]:
                self._exited.discard(job)
                self._after_exit.pop(job)()
            left = deadline - time.monotonic()
            if not self._after_exit:
                return
            if not alive or left <= 0:
                if not alive or wait > 0:  # no report will come, or waited long enough
                    for job in list(self._after_exit):
                        self._after_exit.pop(job)()
                return
            select.select([self.control], [], [], min(left, 1.0))

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        self.settle(KILL_TIMEOUT_S)
        self.control.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()
