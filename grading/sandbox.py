"""Where student code runs (judge side): a zygote inside bubblewrap, and the jobs it forks.

Modes, chosen by the TA (``SANDBOX=``) or the Gradescope entry point:

- ``bwrap`` (the default): the zygote runs in bubblewrap with no network, a private /tmp, and an
  allow-list of the host, read-only: the system folders (``SYSTEM_DIRS``), the grader's own code,
  ``student_utils``, the venv, its Python and the data set. The course repo, home folders, /run,
  /var, the submissions, the gradebooks and any other copy of the course on the machine do not
  exist inside.
  Without a working bubblewrap, grading stops before it starts (``SandboxUnavailable``).
- ``off``: no bubblewrap. Unsafe (a notebook can read what the grader's user can read); only when
  a TA asks for it, and every gradebook row says so.
- ``uid``: Gradescope's container, where bubblewrap cannot run: root, no file-system sandbox, and
  the autograder's files readable by root only; each job still gets a uid of its own.

In every mode each job isolates itself further (``grading.inside.isolate``) and gets the limits
below for the job as a whole: cgroups where the machine offers them, per-process limits otherwise.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from .assignments import ROOT

MODES = ("bwrap", "off", "uid")
FIRST_SANDBOX_UID, SANDBOX_UIDS = 61000, 2000
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/sys")  # all a job sees of the host
STARTUP_TIMEOUT_S = 180


class SandboxUnavailable(RuntimeError):
    """Grading cannot start safely; the message says what is missing and how to install it."""


@dataclass(frozen=True)
class Limits:
    timeout_s: float = 180.0  # running the notebook once
    call_timeout_s: float = 60.0  # one call of a student's function by a test
    memory_bytes: int = 6 * 2**30  # the job as a whole (cgroup), or per process (RLIMIT_AS) without one
    workdir_bytes: int = 512 * 2**20  # everything the job writes (its private /tmp)
    file_bytes: int = 256 * 2**20
    processes: int = 256
    cpus: float = 1.0
    threads: int = 1  # BLAS/OpenMP threads: fixed, so scores never depend on JOBS or the machine

    def job(self, address_space: bool) -> dict:
        return {"memory_bytes": self.memory_bytes, "processes": self.processes, "file_bytes": self.file_bytes,
                "workdir_bytes": self.workdir_bytes, "address_space": address_space}


def bubblewrap_problem() -> str | None:
    """Why bubblewrap cannot sandbox here, or None when it works."""
    if shutil.which("bwrap") is None:
        return ("bubblewrap (bwrap) is not installed. Install it with `make install` (as root or with sudo), "
                "or `sudo apt-get install bubblewrap`.")
    probe = subprocess.run(["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--unshare-net",
                            "--unshare-pid", "--die-with-parent", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        return (f"bubblewrap is installed but cannot make a sandbox here: {probe.stderr.strip()[:300]}. "
                "It needs user namespaces (or root).")
    return None


def ensure(mode: str) -> None:
    if mode not in MODES:
        raise SandboxUnavailable(f"unknown SANDBOX={mode!r}; choose one of {', '.join(MODES)}")
    if mode == "bwrap":
        problem = bubblewrap_problem()
        if problem:
            raise SandboxUnavailable(f"refusing to grade without a sandbox: {problem} "
                                     "(SANDBOX=off grades without one; unsafe, see the README.)")
    if mode == "uid" and os.geteuid() != 0:
        raise SandboxUnavailable("SANDBOX=uid needs root (it is Gradescope's mode)")


class UidLease:
    """An unprivileged uid no other grading process on this machine holds (a lock file per uid)."""

    def __init__(self):
        self.uid: int | None = None
        self._fd: int | None = None
        if os.geteuid() != 0:
            return
        folder = Path("/run/lock/nn-course-sandbox-uids")
        folder.mkdir(parents=True, exist_ok=True)
        for uid in range(FIRST_SANDBOX_UID, FIRST_SANDBOX_UID + SANDBOX_UIDS):
            fd = os.open(folder / str(uid), os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            self.uid, self._fd = uid, fd
            return
        raise SandboxUnavailable("no free sandbox uid (2000 graders running?)")

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _under(path: Path, parent: Path) -> bool:
    try:
        path.resolve().relative_to(parent.resolve())
        return True
    except ValueError:
        return False


def system_binds() -> list[str]:
    """bubblewrap arguments that show the host's system folders (``SYSTEM_DIRS``), read-only."""
    args = []
    for name in SYSTEM_DIRS:
        path = Path(name)
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), name]
        elif path.is_dir():
            args += ["--ro-bind", name, name]
    return args


def bwrap_command(inner: list[str], hide: list[Path], show: list[Path]) -> list[str]:
    """bubblewrap around ``inner``, seeing an allow-list: the system folders and ``show``, read-only.

    Nothing else of the host exists inside: no home folder, no /tmp, /run, /var, /srv, /opt or
    /work, so no copy of the course anywhere on the machine. ``hide`` become empty folders where
    they lie under an allowed folder; ``show`` are bound after, so they appear even there.
    """
    cmd = ["bwrap", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", *system_binds()]
    bound = [Path(name) for name in SYSTEM_DIRS if Path(name).is_dir() and not Path(name).is_symlink()]
    for node in sorted(Path("/dev").glob("nvidia*")):  # a GPU stays usable
        cmd += ["--dev-bind", str(node), str(node)]
    for path in hide:
        if path.exists() and any(_under(path, b) for b in bound):
            cmd += ["--tmpfs", str(path.resolve())]
    made: set[Path] = set()
    for path in show:
        path = path.resolve()
        if not path.exists() or any(_under(path, b) for b in bound) and not any(_under(path, h) for h in hide):
            continue
        for folder in reversed(path.parents):  # traversable by the job's uid, whatever the originals' modes
            if folder != Path("/") and not any(_under(folder, b) for b in bound) and folder not in made:
                cmd += ["--perms", "0755", "--dir", str(folder)]
                made.add(folder)
        cmd += ["--ro-bind", str(path), str(path)]
    namespaces = ["--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-pid", "--unshare-cgroup-try"]
    if os.geteuid() != 0:
        namespaces.append("--unshare-user")
    return [*cmd, *namespaces, "--die-with-parent", "--new-session", "--chdir", "/tmp", "--", *inner]


def zygote_environment(limits: Limits, data_dir: Path | None) -> dict[str, str]:
    """A small, fixed environment: nothing of the TA's own, threads capped, seeds fixed."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL")}
    threads = str(limits.threads)
    env = {**keep, "HOME": "/tmp", "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONHASHSEED": "0",
           "PYTHONNOUSERSITE": "1", "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads,
           "OPENBLAS_NUM_THREADS": threads, "TMPDIR": "/tmp", "PYTHONPATH": str(ROOT)}
    if data_dir is not None:
        env["FASHION_MNIST_DIR"] = str(data_dir)
    return env


class Zygote:
    """One zygote process (``grading.inside.zygote``) and the control channel to it."""

    def __init__(self, mode: str, limits: Limits, hide: list[Path], log: Path, data_dir: Path | None = None):
        ensure(mode)
        self.mode, self.limits = mode, limits
        self.control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        inner = [sys.executable, "-m", "grading.inside.zygote", str(theirs.fileno())]
        if mode == "bwrap":
            show = [ROOT / "grading", ROOT / "student_utils", Path(sys.prefix), Path(sys.base_prefix),
                    *([data_dir] if data_dir else [])]
            inner = bwrap_command(inner, hide=[ROOT, *hide], show=show)
        self._log = open(log, "ab")
        self.proc = subprocess.Popen(inner, pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL,
                                     stdout=self._log, stderr=self._log, env=zygote_environment(limits, data_dir),
                                     cwd="/tmp" if mode == "bwrap" else None, start_new_session=True)
        theirs.close()
        self._events: list[dict] = []
        self._jobs = 0
        ready = self._next_event(STARTUP_TIMEOUT_S, lambda e: e.get("event") == "ready")
        if ready is None:
            self.close()
            raise SandboxUnavailable(f"the sandbox did not start; see {log}")
        self.threads_at_fork = ready.get("tasks")

    def _next_event(self, timeout: float, wanted) -> dict | None:
        deadline = time.monotonic() + timeout
        while True:
            for i, event in enumerate(self._events):
                if wanted(event):
                    return self._events.pop(i)
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                return None
            ready, _, _ = select.select([self.control], [], [], min(left, 1.0))
            if ready:
                data = self.control.recv(65536)
                if not data:
                    return None
                self._events.append(json.loads(data))

    def spawn(self, uid: int | None, cgroup_fds: dict[str, int], address_space: bool) -> tuple[int, socket.socket]:
        """Fork a job; returns its id and the judge's end of its channel."""
        self._jobs += 1
        job = self._jobs
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        request = {"op": "spawn", "job": job, "uid": uid, "limits": self.limits.job(address_space),
                   "cgroups": list(cgroup_fds)}
        try:
            socket.send_fds(self.control, [json.dumps(request).encode()], [theirs.fileno(), *cgroup_fds.values()])
        finally:
            theirs.close()
            for fd in cgroup_fds.values():
                os.close(fd)
        if self._next_event(30, lambda e: e.get("event") == "spawned" and e.get("job") == job) is None:
            mine.close()
            raise SandboxUnavailable("the sandbox stopped answering")
        return job, mine

    def kill(self, job: int) -> None:
        try:
            self.control.send(json.dumps({"op": "kill", "job": job}).encode())
        except OSError:
            pass

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
