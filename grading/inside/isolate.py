"""Turn a freshly forked job process into a sandboxed one, before any student code runs.

Runs in the zygote's child while it still holds the zygote's privileges, then gives them up for
good. Each step is done where the machine allows it, and ``Isolation`` records what was in force
so the gradebook can say when limits were weaker than the defaults:

- join the job's cgroups (memory, processes, CPU for the job as a whole);
- new mount, PID, IPC and network namespaces: every mount turns read-only but a private,
  size-capped tmpfs holding the working folder, HOME and TMPDIR (the cap on what the job may write
  in total) and its own /dev/shm; its own /proc, no view of other jobs' processes, no socket that
  reaches another job;
- per-process limits (address space only as a fallback, file size, open files, core dumps);
- its own unprivileged uid when the zygote is root (a fresh one per job: ``grading.host.uids``), and
  no way back (no_new_privs, no capabilities);
- without namespaces (Gradescope's container), a private folder of its own for the working folder,
  HOME and TMPDIR: a random name in a folder only root may write (``JOBS_DIR``), so nothing can be
  planted where it will be, made before the previous job ran anything, so a job that uses up the
  disk's files does not stop the next one (a restart, a checkpoint's second run) from starting;
- the kernel's first choice when memory runs out (``oom_score_adj`` 1000), so a job that spreads
  over the container's memory loses its own processes, not the judge;
- no kernel keyrings (``seccomp``): the one kind of state a uid could carry past its job.
"""

from __future__ import annotations

import ctypes
import errno
import os
import resource
import signal
import stat
import tempfile
from dataclasses import dataclass, field
from typing import NoReturn

from . import seccomp

CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWIPC, CLONE_NEWNET = (
    0x00020000,
    0x10000000,
    0x20000000,
    0x08000000,
    0x40000000,
)
JOB_NAMESPACES = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNET
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = (
    1,
    2,
    4,
    8,
    32,
    4096,
    16384,
    1 << 18,
)
MS_RELATIME = 1 << 21
SYS_MOUNT_SETATTR, AT_FDCWD, AT_RECURSIVE, MOUNT_ATTR_RDONLY = (
    442,
    -100,
    0x8000,
    1,
)  # the same number on x86-64 and arm64
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS, PR_CAPBSET_DROP = 1, 38, 24
JOB_DIR = "/tmp/nn-job"  # the job's own size-capped tmpfs: work/ (the cwd), home/ and tmp/
JOBS_DIR = "/var/lib/nn-course/jobs"  # without namespaces, as root: each job's folder, at a random name
JOB_SUBFOLDERS = ("work", "home", "tmp")
OOM_SCORE_ADJ = 1000  # the most: the kernel's out-of-memory killer takes a job's processes first

_libc = ctypes.CDLL(None, use_errno=True)


def _call(name: str, *args) -> None:
    if getattr(_libc, name)(*args) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{name}: {os.strerror(err)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    _call(
        "mount",
        source and source.encode(),
        target.encode(),
        fstype and fstype.encode(),
        ctypes.c_ulong(flags),
        data and data.encode(),
    )


@dataclass
class Isolation:
    """What a job got; sent to the judge, which notes what was weaker than the default."""

    cgroups: list[str] = field(default_factory=list)  # controllers the job joined
    namespaces: bool = False  # private /tmp (size-capped), /proc and process view
    read_only: bool = False  # everything else it sees is read-only
    own_uid: bool = False
    address_space_limit: bool = False  # memory held per process by RLIMIT_AS (no memory cgroup)
    process_limit: bool = False
    no_keyrings: bool = False
    oom_first: bool = False  # oom_score_adj 1000: the kernel kills the job first when memory runs out


@dataclass(frozen=True)
class JobLimits:
    memory_bytes: int
    processes: int
    file_bytes: int
    workdir_bytes: int
    open_files: int = 1024
    address_space: bool = False  # RLIMIT_AS: only when no memory cgroup holds the job


def _kept_flags(path: str) -> int:
    """The mount's own flags, which a remount inside a user namespace must keep (they are locked)."""
    flag = os.statvfs(path).f_flag
    kept = flag & (MS_NOSUID | MS_NODEV | MS_NOEXEC | 16 | 64 | 1024 | 2048)  # ST_* and MS_* agree on these
    return kept | (MS_RELATIME if flag & 4096 else 0)  # ST_RELATIME is not MS_RELATIME


def _make_all_mounts_read_only() -> bool:
    """Every mount the job can see turns read-only at once (``mount_setattr``, Linux 5.12), which
    also covers what a job keeping uid 0 of a user namespace, or its grader's uid, could otherwise
    write: device nodes such as /dev/null stay writable, as on any read-only file system."""
    attr = (ctypes.c_uint64 * 4)(MOUNT_ATTR_RDONLY, 0, 0, 0)  # struct mount_attr: set, clear, propagation, userns
    return (
        _libc.syscall(
            ctypes.c_long(SYS_MOUNT_SETATTR),
            ctypes.c_int(AT_FDCWD),
            b"/",
            ctypes.c_uint(AT_RECURSIVE),
            ctypes.byref(attr),
            ctypes.c_size_t(ctypes.sizeof(attr)),
        )
        == 0
    )


def _write_uid_map(uid: int, gid: int) -> None:
    with open("/proc/self/setgroups", "w") as f:
        f.write("deny")
    with open("/proc/self/uid_map", "w") as f:
        f.write(f"1000 {uid} 1")
    with open("/proc/self/gid_map", "w") as f:
        f.write(f"1000 {gid} 1")


def _drop_capabilities() -> None:
    """Empty the bounding, effective, permitted and inheritable sets: a job that keeps uid 0 of a
    user namespace, or runs unsandboxed, gets no capability back, not even by exec."""
    for cap in range(64):
        _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]

    header, data = Header(0x20080522, 0), (Data * 2)()
    _call("capset", ctypes.byref(header), ctypes.byref(data))


def enter(job_uid: int | None, limits: JobLimits, cgroup_fds: dict[str, int], pid_namespace: bool = False) -> Isolation:
    """Isolate the calling process (forked from the zygote); returns in the job's own process.

    ``pid_namespace``: the caller is already PID 1 of a new PID namespace (``zygote.PidNamespaces``).
    Else, with namespaces, the caller stays behind as a parent that waits and exits with the job's
    status, and its child is PID 1. Killing either kills the whole job. PID 1 only reaps: the job
    itself is PID 2, so its signals to itself (``abort``, a raised SIGSEGV) act as anywhere else,
    where PID 1 would ignore them.
    """
    done = Isolation()
    done.oom_first = _be_killed_first()  # before any fork here: every process of the job inherits it
    for controller, fd in cgroup_fds.items():  # "0" moves the writer itself
        try:
            os.write(fd, b"0")
            done.cgroups += controller.split(",")
        except OSError:
            pass
        finally:
            os.close(fd)
    real_root = os.geteuid() == 0 and _in_initial_user_namespace()
    # A user namespace made now would hold no privilege over a PID namespace made before it.
    done.namespaces = _unshare(
        JOB_NAMESPACES & ~CLONE_NEWPID if pid_namespace else JOB_NAMESPACES,
        user_namespace_allowed=not (real_root and job_uid is not None or pid_namespace),
    )
    if done.namespaces and not pid_namespace:
        pid = os.fork()
        if pid:  # the waiting parent
            _exit_with(pid)
    pid_one = done.namespaces or pid_namespace
    if pid_one:
        _call("prctl", PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # PID 1 here: its parent is outside
    if done.namespaces:
        _mount(None, "/", None, MS_REC | MS_PRIVATE)
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        os.makedirs(JOB_DIR, exist_ok=True)
        done.read_only = _make_all_mounts_read_only()
        if not done.read_only:  # an old kernel: at least the shared /tmp (recursive bind: the mounts
            _mount("/tmp", "/tmp", None, MS_BIND | MS_REC)  # below it may be locked by an outer sandbox)
            _mount(None, "/tmp", None, MS_REMOUNT | MS_BIND | MS_RDONLY | _kept_flags("/tmp"))
        # the only places it may write: its own folder and /dev/shm, both capped
        _mount("tmpfs", JOB_DIR, "tmpfs", MS_NOSUID | MS_NODEV, f"size={limits.workdir_bytes},mode=0755")
        if os.path.isdir("/dev/shm"):
            _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, f"size={limits.workdir_bytes},mode=1777")
    if pid_one:
        pid = os.fork()
        if pid:  # PID 1: the job's orphans come here
            _exit_with(pid)
    top = JOB_DIR if done.namespaces else _job_folder(reserved=real_root and job_uid is not None)
    for sub in JOB_SUBFOLDERS:
        os.makedirs(f"{top}/{sub}", mode=0o700, exist_ok=True)
    if real_root and job_uid is not None:
        for path in (top, *(f"{top}/{sub}" for sub in JOB_SUBFOLDERS)):
            os.chown(path, job_uid, job_uid, follow_symlinks=False)
    own_uid = real_root and job_uid is not None
    done.address_space_limit = limits.address_space or "memory" not in done.cgroups
    done.process_limit = own_uid or "pids" in done.cgroups
    _set_limits(limits, address_space=done.address_space_limit, processes=own_uid)
    if own_uid:
        os.setgroups([])
        os.setresgid(job_uid, job_uid, job_uid)
        os.setresuid(job_uid, job_uid, job_uid)
        done.own_uid = True
    else:
        _drop_capabilities()
    _call("prctl", PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    done.no_keyrings = seccomp.deny_keyrings()
    os.chdir(f"{top}/work")
    os.environ.update(HOME=f"{top}/home", TMPDIR=f"{top}/tmp")
    tempfile.tempdir = f"{top}/tmp"  # the zygote already asked once: forget its answer
    return done


def _be_killed_first() -> bool:
    """Any process may raise its own ``oom_score_adj``; the job's processes inherit it."""
    try:
        with open("/proc/self/oom_score_adj", "w") as f:
            f.write(str(OOM_SCORE_ADJ))
        return True
    except OSError:
        return False


def _job_folder(reserved: bool) -> str:
    """The folder of a job without a tmpfs of its own (work/, home/, tmp/ in it), at a name no one can
    guess. As root: one made ahead in ``JOBS_DIR`` (claimed by renaming it, so two jobs never share
    one), and the next job's made now, before this one runs anything. Else, or where ``JOBS_DIR`` is
    not root's alone: a new folder in the temporary folder, made as tempfile makes one (O_EXCL)."""
    base = _root_only_folder(JOBS_DIR) if reserved else None
    if base is None:
        return tempfile.mkdtemp(prefix="nn-job-")
    top = _claim_spare(base) or _new_job_folder(base, "job-")
    try:
        _new_job_folder(base, "spare-")
    except OSError:  # a full disk: the next job makes its own, or says why it cannot
        pass
    return top


def _root_only_folder(path: str) -> str | None:
    """``path`` and its parents made where missing, then only if each is a folder (no link) that only
    root may write; else None."""
    try:
        os.makedirs(path, mode=0o711, exist_ok=True)
        here = "/"
        for part in path.strip("/").split("/"):
            here = os.path.join(here, part)
            st = os.lstat(here)
            if not stat.S_ISDIR(st.st_mode) or st.st_uid != 0 or st.st_mode & 0o022:
                return None
    except OSError:
        return None
    return path


def _claim_spare(base: str) -> str | None:
    try:
        spares = [e.name for e in os.scandir(base) if e.name.startswith("spare-")]
    except OSError:
        return None
    for name in spares:
        top = os.path.join(base, "job-" + name.removeprefix("spare-"))
        try:
            os.rename(os.path.join(base, name), top)  # atomic: one job gets it
            return top
        except OSError:
            continue
    return None


def _new_job_folder(base: str, prefix: str) -> str:
    top = tempfile.mkdtemp(prefix=prefix, dir=base)  # mode 0700, a name drawn from os.urandom after the fork
    for sub in JOB_SUBFOLDERS:
        os.mkdir(f"{top}/{sub}", 0o700)
    return top


def _unshare(namespaces: int, user_namespace_allowed: bool) -> bool:
    """New mount, PID, IPC and network namespaces (``namespaces``); and a user namespace as well only
    where they need one.

    Root, even root of a user namespace (a rootless container), does without: a nested user
    namespace would lock the mounts an outer bubblewrap made over /proc and forbid the job's own
    /proc. An ordinary user needs one, and gets its uid mapped to 1000 there. Real root without
    CAP_SYS_ADMIN (Gradescope's container) gets none: a user namespace could not map the job's own
    uid, and that uid (no access to the root-only autograder files) matters more.
    """
    try:
        _call("unshare", namespaces)
        return True
    except OSError:
        if not user_namespace_allowed:
            return False
    outer_uid, outer_gid = os.geteuid(), os.getegid()
    try:
        _call("unshare", namespaces | CLONE_NEWUSER)
    except OSError:
        return False
    _write_uid_map(outer_uid, outer_gid)
    return True


def _exit_with(pid: int) -> NoReturn:
    """Reap every child until ``pid`` ends, then exit with its status."""
    while True:
        child, status = os.waitpid(-1, 0)
        if child == pid:
            os._exit(os.waitstatus_to_exitcode(status) & 0xFF)


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
