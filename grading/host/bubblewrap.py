"""The file-system sandbox the zygote runs in: bubblewrap showing an allow-list of the host.

Nothing else of the host exists inside: no home folder, no /tmp, /run, /var, /srv, /opt or /work,
so no copy of the course anywhere on the machine; of the course itself only what runs there
(``layout.SANDBOXED_CODE``), read-only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from . import MODES, SandboxUnavailable

SYSTEM_DIRS = (
    "/usr",
    "/bin",
    "/sbin",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/etc",
    "/sys",
)  # all a job sees of the host


def bubblewrap_problem() -> str | None:
    """Why bubblewrap cannot sandbox here, or None when it works."""
    if shutil.which("bwrap") is None:
        return (
            "bubblewrap (bwrap) is not installed. Install it with `make install` (as root or with sudo), "
            "or `sudo apt-get install bubblewrap`."
        )
    probe = subprocess.run(
        [
            "bwrap",
            "--ro-bind",
            "/",
            "/",
            "--dev",
            "/dev",
            "--proc",
            "/proc",
            "--unshare-net",
            "--unshare-pid",
            "--die-with-parent",
            "true",
        ],
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0:
        return (
            f"bubblewrap is installed but cannot make a sandbox here: {probe.stderr.strip()[:300]}. "
            "It needs user namespaces (or root)."
        )
    return None


def ensure(mode: str) -> None:
    """Raise ``SandboxUnavailable`` unless grading in ``mode`` can run safely here."""
    if mode not in MODES:
        raise SandboxUnavailable(f"unknown SANDBOX={mode!r}; choose one of {', '.join(MODES)}")
    if mode == "bwrap":
        problem = bubblewrap_problem()
        if problem:
            raise SandboxUnavailable(
                f"refusing to grade without a sandbox: {problem} "
                "(SANDBOX=off grades without one; unsafe, see the README.)"
            )
    if mode == "uid" and os.geteuid() != 0:
        raise SandboxUnavailable("SANDBOX=uid needs root (it is Gradescope's mode)")


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


def command(inner: list[str], hide: list[Path], show: list[Path]) -> list[str]:
    """bubblewrap around ``inner``, seeing an allow-list: the system folders and ``show``, read-only.

    ``hide`` become empty folders where they lie under an allowed folder; ``show`` (folders or
    files) are bound after, so they appear even there.
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
