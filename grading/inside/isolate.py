"""Turn a freshly forked job process into a sandboxed one, before any student code runs.

Runs in the zygote's child while it still holds the zygote's privileges, then gives them up for
good. Each step is done where the machine allows it, and ``Isolation`` records what was in force
so the gradebook can say when limits were weaker than the defaults:

- join the job's cgroups (memory, processes, CPU for the job as a whole);
- new mount, PID and IPC namespaces: a private, size-capped tmpfs holding the working folder, HOME
  and TMPDIR (the cap on what the job may write in total) while the rest of /tmp turns read-only,
  its own /dev/shm and /proc, and no view of other jobs' processes;
- per-process limits (address space only as a fallback, file size, open files, core dumps);
- its own unprivileged uid when the zygote is root, and no way back (no_new_privs, no capabilities).
"""

from __future__ import annotations

import ctypes
import errno
import os
import resource
import signal
import tempfile
from dataclasses import dataclass, field

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWIPC = 0x00020000, 0x10000000, 0x20000000, 0x08000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 8, 32, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS, PR_CAPBSET_DROP = 1, 38, 24
JOB_DIR = "/tmp/nn-job"  # the job's own size-capped tmpfs: work/ (the cwd), home/ and tmp/

_libc = ctypes.CDLL(None, use_errno=True)


def _call(name: str, *args) -> None:
    if getattr(_libc, name)(*args) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{name}: {os.strerror(err)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    _call("mount", source and source.encode(), target.encode(), fstype and fstype.encode(), ctypes.c_ulong(flags),
          data and data.encode())


@dataclass
class Isolation:
    """What a job got; sent to the judge, which notes what was weaker than the default."""

    cgroups: list[str] = field(default_factory=list)  # controllers the job joined
    namespaces: bool = False  # private /tmp (size-capped), /proc and process view
    own_uid: bool = False
    address_space_limit: bool = False  # memory held per process by RLIMIT_AS (no memory cgroup)
    process_limit: bool = False


@dataclass(frozen=True)
class JobLimits:
    memory_bytes: int
    processes: int
    file_bytes: int
    workdir_bytes: int
    open_files: int = 1024
    address_space: bool = False  # RLIMIT_AS: only when no memory cgroup holds the job


def _write_uid_map(uid: int, gid: int) -> None:
    with open("/proc/self/setgroups", "w") as f:
        f.write("deny")
    with open("/proc/self/uid_map", "w") as f:
        f.write(f"1000 {uid} 1")
    with open("/proc/self/gid_map", "w") as f:
        f.write(f"1000 {gid} 1")


def _drop_capabilities() -> None:
    """Empty the effective, permitted and inheritable sets (a process in a user namespace)."""
    for cap in range(64):
        _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]

    header, data = Header(0x20080522, 0), (Data * 2)()
    _call("capset", ctypes.byref(header), ctypes.byref(data))


def enter(job_uid: int | None, limits: JobLimits, cgroup_fds: dict[str, int]) -> Isolation:
    """Isolate the calling process (forked from the zygote); returns in the job's own process.

    With namespaces, the caller stays behind as a small parent that waits for the job and exits
    with its status; killing it kills the whole job (the job is PID 1 of its namespace and dies
    with its parent).
    """
    done = Isolation()
    for controller, fd in cgroup_fds.items():  # "0" moves the writer itself
        try:
            os.write(fd, b"0")
            done.cgroups += controller.split(",")
        except OSError:
            pass
        finally:
            os.close(fd)
    real_root = os.geteuid() == 0 and _in_initial_user_namespace()
    outer_uid, outer_gid = os.geteuid(), os.getegid()
    flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | (0 if real_root else CLONE_NEWUSER)
    try:
        _call("unshare", flags)
        done.namespaces = True
    except OSError:
        pass
    if done.namespaces:
        if not real_root:
            _write_uid_map(outer_uid, outer_gid)
        pid = os.fork()
        if pid:  # the waiting parent
            _, status = os.waitpid(pid, 0)
            os._exit(os.waitstatus_to_exitcode(status) & 0xFF)
        _call("prctl", PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # PID 1 here: its parent is outside
        _mount(None, "/", None, MS_REC | MS_PRIVATE)
        os.makedirs(JOB_DIR, exist_ok=True)
        _mount("/tmp", "/tmp", None, MS_BIND)  # the shared /tmp becomes read-only for this job ...
        _mount(None, "/tmp", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
        _mount("tmpfs", JOB_DIR, "tmpfs", MS_NOSUID | MS_NODEV, f"size={limits.workdir_bytes},mode=0755")  # ... but this
        if os.path.isdir("/dev/shm"):
            _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, f"size={limits.workdir_bytes},mode=1777")
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        top = JOB_DIR
    else:
        top = f"{JOB_DIR}-{os.getpid()}"
        os.mkdir(top, 0o700)
    for sub in ("work", "home", "tmp"):
        os.makedirs(f"{top}/{sub}", mode=0o700, exist_ok=True)
    if real_root and job_uid is not None:
        for path in (top, f"{top}/work", f"{top}/home", f"{top}/tmp"):
            os.chown(path, job_uid, job_uid)
    own_uid = real_root and job_uid is not None
    done.address_space_limit = limits.address_space or "memory" not in done.cgroups
    done.process_limit = own_uid or "pids" in done.cgroups
    _set_limits(limits, address_space=done.address_space_limit, processes=own_uid)
    if own_uid:
        os.setgroups([])
        os.setresgid(job_uid, job_uid, job_uid)
        os.setresuid(job_uid, job_uid, job_uid)
        done.own_uid = True
    elif done.namespaces and not real_root:
        _drop_capabilities()
    _call("prctl", PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    os.chdir(f"{top}/work")
    os.environ.update(HOME=f"{top}/home", TMPDIR=f"{top}/tmp")
    tempfile.tempdir = f"{top}/tmp"  # the zygote already asked once: forget its answer
    return done


def _set_limits(limits: JobLimits, address_space: bool, processes: bool) -> None:
    """RLIMIT_NPROC counts every process of a uid, so it is a per-job limit only with a uid of its own."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
    resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if processes:
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
    if address_space:
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead of killing


def _in_initial_user_namespace() -> bool:
    try:
        with open("/proc/self/uid_map") as f:
            return f.read().split() == ["0", "0", "4294967295"]
    except OSError as e:
        return e.errno == errno.ENOENT
