"""Run a student's notebook where it can do little harm: bubblewrap (no network, read-only system,
private /tmp, course files hidden) plus resource limits. Without bubblewrap, limits only."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .assignments import ROOT

# Folders of the course repo a submission has no business reading (tests, solutions, grades).
HIDDEN_IN_REPO = ("solutions", "autograder", "examples", "grades", "tests", ".git")


@dataclass(frozen=True)
class Limits:
    timeout_s: float = 180.0
    memory_bytes: int = 6 * 2**30  # address space; torch alone reserves about 1 GiB
    file_bytes: int = 256 * 2**20  # largest file the notebook may write (caps runaway output too)
    threads: int = 1  # BLAS/OpenMP threads per notebook


def bubblewrap_available() -> bool:
    return shutil.which("bwrap") is not None


def command(inner: list[str], workdir: Path, limits: Limits, hide: list[Path]) -> list[str]:
    """Wrap ``inner`` so it runs sandboxed in ``workdir`` (its only writable folder) under ``limits``."""
    limited = ["prlimit", f"--as={limits.memory_bytes}", f"--fsize={limits.file_bytes}",
               "--nofile=1024", "--core=0", "--", *inner]
    if not bubblewrap_available():
        return limited
    wrapped = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
               "--unshare-all", "--die-with-parent", "--new-session"]
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
