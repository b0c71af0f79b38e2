"""Memory, process and CPU limits for one job as a whole, with cgroups (judge side).

A job's processes all count against its cgroup, so a fork bomb or a notebook that spreads its
memory over many processes is held like one that does not. Works with cgroup v2 (one hierarchy)
and v1 (one hierarchy per controller), as root. Jobs are made below the cgroup the grader itself
runs in, so limits set around the grader still hold.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
V1_CONTROLLERS = ("memory", "pids", "cpu")


def version() -> str | None:
    """ "v2", "v1" or None when this process cannot make cgroups (not root, or none mounted)."""
    if os.geteuid() != 0:
        return None
    if (ROOT / "cgroup.controllers").exists():
        return "v2" if os.access(ROOT, os.W_OK) else None
    if all((ROOT / c).is_dir() and os.access(ROOT / c, os.W_OK) for c in V1_CONTROLLERS):
        return "v1"
    return None


def _own_path(controller: str | None) -> str:
    """This process's cgroup in a hierarchy (v1: the line naming ``controller``; v2: the 0:: line)."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, names, path = line.split(":", 2)
        if (controller is None and names == "") or (controller and controller in names.split(",")):
            return path.lstrip("/")
    return ""


class JobCgroup:
    """One job's cgroups; ``fds()`` opens what the job writes itself into."""

    def __init__(self, name: str, memory_bytes: int, processes: int, cpus: float):
        self.version = version()
        self.dirs: dict[str, Path] = {}
        if self.version == "v1":
            for c in V1_CONTROLLERS:
                self.dirs[c] = ROOT / c / _own_path(c) / name
        elif self.version == "v2":
            parent = ROOT / _own_path(None)
            wanted = {"memory", "pids", "cpu"}
            enabled = set((parent / "cgroup.subtree_control").read_text().split())
            try:
                for c in wanted - enabled:
                    (parent / "cgroup.subtree_control").write_text(f"+{c}")
            except OSError:  # the grader's own cgroup holds processes: v2 forbids controllers there
                self.version = None
                return
            for c in wanted:
                self.dirs[c] = parent / name
        for d in set(self.dirs.values()):
            self._remove(d)
            d.mkdir(parents=True)
        period = 100_000
        self._write("memory", "memory.limit_in_bytes", "memory.max", str(memory_bytes))
        self._write(
            "memory",
            "memory.memsw.limit_in_bytes",
            "memory.swap.max",
            str(memory_bytes) if self.version == "v1" else "0",
            optional=True,
        )
        self._write("pids", "pids.max", "pids.max", str(processes))
        if self.version == "v1":
            self._write("cpu", "cpu.cfs_period_us", None, str(period))
            self._write("cpu", "cpu.cfs_quota_us", None, str(int(cpus * period)))
        else:
            self._write("cpu", None, "cpu.max", f"{int(cpus * period)} {period}")

    def _write(self, controller: str, v1: str | None, v2: str | None, value: str, optional: bool = False) -> None:
        name = v1 if self.version == "v1" else v2
        if controller not in self.dirs or name is None:
            return
        try:
            (self.dirs[controller] / name).write_text(value)
        except OSError:
            if not optional:
                raise

    def fds(self) -> dict[str, int]:
        """``cgroup.procs`` of each hierarchy, opened for the job to write itself into, keyed by the
        controllers it holds (v2: one file for all)."""
        if self.version == "v2":
            return {",".join(sorted(self.dirs)): os.open(self.dirs["memory"] / "cgroup.procs", os.O_WRONLY)}
        return {c: os.open(d / "cgroup.procs", os.O_WRONLY) for c, d in self.dirs.items()}

    def oom_killed(self) -> bool:
        d = self.dirs.get("memory")
        if d is None:
            return False
        try:
            text = (d / ("memory.oom_control" if self.version == "v1" else "memory.events")).read_text()
        except OSError:
            return False
        counts = dict(line.split() for line in text.splitlines() if len(line.split()) == 2)
        return int(counts.get("oom_kill", 0)) > 0 or (self.version == "v1" and int(counts.get("under_oom", 0)) > 0)

    def kill(self) -> None:
        for d in set(self.dirs.values()):
            for _ in range(50):
                try:
                    pids = [int(p) for p in (d / "cgroup.procs").read_text().split()]
                except OSError:
                    break
                if not pids:
                    break
                for pid in pids:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                time.sleep(0.02)

    def close(self) -> None:
        self.kill()
        for d in set(self.dirs.values()):
            self._remove(d)

    @staticmethod
    def _remove(d: Path) -> None:
        for _ in range(50):
            try:
                d.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:
                time.sleep(0.02)
