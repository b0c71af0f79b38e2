"""The zygote: a process that has imported what notebooks import, and forks one job per submission.

Importing torch, scikit-learn and matplotlib costs seconds per interpreter; a fork costs
milliseconds. Like PrairieLearn's zygote, this process never runs student code itself: each job is
a fresh fork that isolates itself (``isolate.enter``), resets every seed, and serves one notebook
(``serve.serve``). Runs inside the sandbox; the judge talks to it over a SEQPACKET socket
(``grading.wire.messages``).
"""

from __future__ import annotations

import ctypes
import gc
import importlib
import json
import os
import random
import select
import signal
import socket
import sys
import threading

from ..wire.messages import Event, Op
from . import warm_up

PRELOAD = (
    "numpy",
    "torch",
    "torch.nn",
    "torch.optim",
    "torch.utils.data",
    "sklearn",
    "sklearn.linear_model",
    "sklearn.datasets",
    "matplotlib",
    "matplotlib.pyplot",
    "torchinfo",
    "tqdm",
    "student_utils",
    "IPython.core.interactiveshell",
    "grading.inside.serve",
    "grading.inside.isolate",
)
JOB_SEED = 0


def preload() -> None:
    for name in PRELOAD:
        importlib.import_module(name)
    import torch

    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    from student_utils import data
    from student_utils.testing import enable_meta_scalars

    enable_meta_scalars()  # kept for the zygote's life: judges may run code on the data-less meta device
    if os.environ.get(data.ENV_VAR):  # the data set the grader shows its jobs, decompressed once for all
        data.keep_in_memory(os.environ[data.ENV_VAR])
    warm_up.optimizers()
    warm_up.plots()
    _reset_state()  # a first torch.manual_seed reads torch's sources for its stack traces: 5 ms, once


def _reset_state() -> None:
    """What a new interpreter would have, but fixed: a regrade starts from the same seeds."""
    import numpy as np
    import torch

    random.seed(JOB_SEED)
    np.random.seed(JOB_SEED)
    torch.manual_seed(JOB_SEED)


def _close_all_but(keep: set[int]) -> None:
    low = 3
    for fd in sorted(keep | {1 << 16}):
        if fd >= low:
            os.closerange(low, fd)
            low = fd + 1


def _run_job(channel_fd: int, request: dict, cgroup_fds: dict[str, int], pid_namespace: bool) -> None:
    """In the forked child: isolate, then serve. Never returns."""
    from ..wire import frame
    from . import isolate, serve

    try:
        signal.set_wakeup_fd(-1)  # the zygote's wake-up pipe is not the job's
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        _close_all_but({channel_fd, *cgroup_fds.values()})
        limits = isolate.JobLimits(**request["limits"])
        done = isolate.enter(request.get("uid"), limits, cgroup_fds, pid_namespace)
        _reset_state()
        channel = socket.socket(fileno=channel_fd)
        frame.send(channel, {"event": Event.ISOLATED, "isolation": done.__dict__})
        serve.serve(channel)
    except BaseException as e:  # noqa: BLE001 - report and leave; the judge notes the job failed
        try:
            os.write(2, f"job failed: {type(e).__name__}: {e}\n".encode())
        except OSError:
            pass
    finally:
        os._exit(0)


def main(control_fd: int) -> None:
    control = socket.socket(fileno=control_fd)
    killer = UidKiller()  # forked while this process is still small (a job closes its pipes)
    namespaces = PidNamespaces()
    preload()
    # What preloading made lives as long as the zygote: out of the collector's sight, a job's
    # collections never walk (and so never copy, page by page) the modules it inherited.
    gc.collect()
    gc.freeze()
    control.send(
        json.dumps(
            {"event": Event.READY, "threads": threading.active_count(), "tasks": len(os.listdir("/proc/self/task"))}
        ).encode()
    )
    jobs: dict[int, tuple[int, int | None]] = {}  # pid -> (job id, uid)
    # A job's end wakes select() at once: the handler alone would not (PEP 475 retries select),
    # but Python writes each signal to this pipe too, and select() watches it.
    wake_r, wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    signal.set_wakeup_fd(wake_w, warn_on_full_buffer=False)
    while True:
        ready, _, _ = select.select([control, wake_r], [], [], 0.5)
        if wake_r in ready:
            while _drained(wake_r):
                pass
        _reap(jobs, control, killer)
        if control not in ready:
            continue
        try:
            data, fds, _, _ = socket.recv_fds(control, 65536, 16)
        except OSError:
            data, fds = b"", []
        if not data:
            for pid, (_, uid) in jobs.items():
                _kill(pid)
                killer.kill(uid)
            return
        request = json.loads(data)
        if request["op"] == Op.SPAWN:
            channel_fd, cgroup_fds = fds[0], dict(zip(request.get("cgroups", []), fds[1:]))
            pid, pid_namespace = namespaces.fork()
            if pid == 0:
                _run_job(channel_fd, request, cgroup_fds, pid_namespace)
            for fd in fds:
                os.close(fd)
            jobs[pid] = (request["job"], request.get("uid"))
            control.send(json.dumps({"event": Event.SPAWNED, "job": request["job"]}).encode())
        elif request["op"] == Op.KILL:
            pids = [pid for pid, (job, _) in jobs.items() if job == request["job"]]
            for pid in pids:
                _kill(pid)  # its EXITED follows when it is reaped, once the rest of its uid is gone too
            if not pids:  # already gone (and reported)
                control.send(json.dumps({"event": Event.EXITED, "job": request["job"], "status": None}).encode())


def _drained(fd: int) -> bool:
    try:
        return bool(os.read(fd, 4096))
    except BlockingIOError:
        return False


def _kill(pid: int) -> None:
    """Kill the process that started a job: its PID namespace's processes die with it (it is that
    namespace's PID 1, or the parent of one killed by PDEATHSIG); what ran under the job's uid
    outside them goes when it is reaped (``UidKiller``)."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


class PidNamespaces:
    """Each job's PID namespace, made here for the fork that starts the job, which so is its PID 1:
    else that process makes the namespace, stays outside it as a parent that only waits, and forks
    its PID 1: one more fork of this 500 MB process, about 20 ms a job. Where this process may not
    make one (no CAP_SYS_ADMIN: Gradescope, a TA without root), the job does as it can."""

    def __init__(self):
        from .isolate import CLONE_NEWPID

        self.flag, self.libc = CLONE_NEWPID, ctypes.CDLL(None, use_errno=True)
        try:
            self.own = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            self.own = None

    def fork(self) -> tuple[int, bool]:
        """``os.fork()``, and whether the child is PID 1 of a namespace of its own. The next fork
        goes back to this process's own namespace: a job must never start in another's."""
        made = self.own is not None and self.libc.unshare(self.flag) == 0
        pid = -1
        try:
            pid = os.fork()
        finally:
            if made and pid != 0 and self.libc.setns(self.own, self.flag) != 0:
                why = os.strerror(ctypes.get_errno())
                os.write(2, f"the zygote cannot leave a job's PID namespace: {why}\n".encode())
                os._exit(1)
        return pid, made


class UidKiller:
    """Kills every process of a job's uid, as root: only a process running as that uid can signal
    them all at once (``kill(-1)``), so each kill is a fork that drops to the uid. A small process
    forked before the heavy imports does the forking: a fork of it costs about a millisecond, a
    fork of the loaded zygote tens."""

    def __init__(self):
        self.enabled = os.geteuid() == 0
        if not self.enabled:
            return
        requests_r, self.requests = os.pipe()
        self.replies, replies_w = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            _close_all_but({requests_r, replies_w})
            _serve_kills(requests_r, replies_w)
        os.close(requests_r)
        os.close(replies_w)

    def kill(self, uid: int | None) -> None:
        """Every process of ``uid`` gone when this returns."""
        if uid is None or not self.enabled:
            return
        os.write(self.requests, uid.to_bytes(4, "little"))
        os.read(self.replies, 1)


def _serve_kills(requests: int, replies: int) -> None:
    while len(data := os.read(requests, 4)) == 4:
        uid = int.from_bytes(data, "little")
        child = os.fork()
        if child == 0:
            try:
                os.setresuid(uid, uid, uid)
                os.kill(-1, signal.SIGKILL)
            finally:
                os._exit(0)
        os.waitpid(child, 0)
        os.write(replies, b"k")
    os._exit(0)  # the zygote is gone


def _reap(jobs: dict[int, tuple[int, int | None]], control: socket.socket, killer: UidKiller) -> None:
    while jobs:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if pid in jobs:
            job, uid = jobs.pop(pid)
            killer.kill(uid)  # what the job left running
            try:
                control.send(
                    json.dumps(
                        {"event": Event.EXITED, "job": job, "status": os.waitstatus_to_exitcode(status)}
                    ).encode()
                )
            except OSError:  # the judge is gone; the main loop notices
                pass


if __name__ == "__main__":
    main(int(sys.argv[1]))
