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
from pathlib import Path

from .. import layout
from ..wire.messages import Event, Op
from . import SandboxUnavailable, bubblewrap

STARTUP_TIMEOUT_S = 180
KILL_TIMEOUT_S = 10


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
        self._jobs = 0
        ready = self._next_event(STARTUP_TIMEOUT_S, lambda e: e.get("event") == Event.READY)
        if ready is None:
            self.close()
            raise SandboxUnavailable(f"the sandbox did not start; see {log}")
        self.threads_at_fork = ready.get("tasks")

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
            ready, _, _ = select.select([self.control], [], [], min(left, 1.0))
            if ready:
                data = self.control.recv(65536)
                if not data:
                    return None
                event = json.loads(data)
                if event.get("event") == Event.EXITED:
                    self._exited.add(event.get("job"))
                else:
                    self._events.append(event)

    def spawn(self, uid: int | None, cgroup_fds: dict[str, int], job_limits: dict) -> tuple[int, socket.socket]:
        """Fork a job; returns its id and the judge's end of its channel."""
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

    def kill(self, job: int) -> bool:
        """Kill a job and every process of its uid; True once the zygote says they are gone."""
        try:
            self.control.send(json.dumps({"op": Op.KILL, "job": job}).encode())
        except OSError:
            return False
        gone = self._wait(KILL_TIMEOUT_S, lambda: True if job in self._exited else None) is not None
        self._exited.discard(job)
        return gone

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        self.control.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()
