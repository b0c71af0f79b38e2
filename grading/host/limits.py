"""How much one job may take: time, memory, processes, disk, CPU (the host enforces them)."""

from __future__ import annotations

from dataclasses import dataclass

from .. import course


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
        """What the job itself applies (``grading.inside.isolate.JobLimits``)."""
        return {
            "memory_bytes": self.memory_bytes,
            "processes": self.processes,
            "file_bytes": self.file_bytes,
            "workdir_bytes": self.workdir_bytes,
            "address_space": address_space,
        }


def for_assignment(assignment: str, timeout_s: float | None = None) -> Limits:
    """The limits for grading ``assignment`` (``timeout_s`` overrides the notebook's time)."""
    notebook_s, call_s = course.timeouts(assignment)
    return Limits(timeout_s=timeout_s or notebook_s, call_timeout_s=call_s)
