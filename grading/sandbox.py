"""Run a student's notebook where it can do little harm.

With bubblewrap: no network, a read-only view of the system, a private /tmp, the course's tests,
solutions and gradebooks and the other submissions hidden, and the submission's own folder as the
only writable place. Run as root (a TA's grading box, CI), each concurrent submission also gets its
own unprivileged uid, so a process limit stops a fork bomb without touching the other graders.
Always: limits on memory, file size and open files; the caller enforces wall time.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from .assignments import ROOT

# Folders of the course repo a submission has no business reading (tests, solutions, grades).
HIDDEN_IN_REPO = ("solutions", "autograder", "examples", "grades", "tests", ".git")
FIRST_SANDBOX_UID = 61000


@dataclass(frozen=True)
class Limits:
    timeout_s: float = 180.0
    memory_bytes: int = 6 * 2**30  # address space; torch alone reserves about 1 GiB
    file_bytes: int = 256 * 2**20  # largest file the notebook may write (caps runaway output too)
    processes: int = 256  # processes and threads of the sandbox's uid (root only)
    threads: int = 1  # BLAS/OpenMP threads per notebook: fixed, so scores never depend on JOBS or the machine


def bubblewrap_available() -> bool:
    return shutil.which("bwrap") is not None


def can_switch_uid() -> bool:
    return os.geteuid() == 0 and shutil.which("setpriv") is not None


def command(inner: list[str], workdir: Path, limits: Limits, hide: list[Path], uid: int | None) -> list[str]:
    """Wrap ``inner`` so it runs sandboxed in ``workdir`` (its only writable folder) under ``limits``.

    ``uid`` is the unprivileged user to run as (only when ``can_switch_uid()``), else None.
    """
    limited = ["prlimit", f"--as={limits.memory_bytes}", f"--fsize={limits.file_bytes}", "--nofile=1024",
               "--core=0"]
    if uid is not None:
        limited.append(f"--nproc={limits.processes}")
        # The interpreter may live under /root: keep only the right to read files, no other privilege.
        limited = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                   "--inh-caps=-all,+dac_read_search", "--ambient-caps=+dac_read_search",
                   "--bounding-set=-all,+dac_read_search", "--", *limited]
    limited += ["--", *inner]
    if not bubblewrap_available():
        return limited
    # As root no user namespace is needed (and one would hide the sandbox uid); otherwise bwrap makes one.
    namespaces = (["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
                  if os.geteuid() == 0 else ["--unshare-all"])
    wrapped = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
               "--perms", "1777", "--size", str(limits.file_bytes * 4), "--tmpfs", "/tmp",
               *namespaces, "--die-with-parent", "--new-session"]
    for needed in {ROOT, Path(sys.prefix)}:  # the course and its venv, if they live under /tmp
        if _contains(Path("/tmp"), needed):
            wrapped += ["--ro-bind", str(needed), str(needed)]
    for path in [*(ROOT / name for name in HIDDEN_IN_REPO), *hide]:
        if path.exists() and not _contains(path, workdir):
            wrapped += ["--tmpfs", str(path)]
    wrapped += ["--bind", str(workdir), str(workdir), "--chdir", str(workdir)]
    return [*wrapped, *limited]


def _contains(parent: Path, child: Path) -> bool:
    try:
        child.resolve().relative_to(parent.resolve())
        return True
    except ValueError:
        return False


def environment(workdir: Path, limits: Limits) -> dict[str, str]:
    """A small, predictable environment: nothing of the TA's own, threads capped."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "FASHION_MNIST_DIR")}
    threads = str(limits.threads)
    return {**keep, "HOME": str(workdir / "home"), "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1",
            "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads, "OPENBLAS_NUM_THREADS": threads,
            "JUPYTER_PLATFORM_DIRS": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
