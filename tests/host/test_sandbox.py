"""The sandbox, tried from inside a real job: what a notebook can read, write, spend and leave
behind, and that grading refuses to start without it."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import probe
import pytest

from grading.bundle import read_autograder
from grading.host import cgroups, uids
from grading.host.limits import Limits
from grading.host.zygote import KILL_TIMEOUT_S
from grading.layout import ROOT, autograder_zip, examples_dir

pytestmark = pytest.mark.sandbox
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (CI and a TA's grading box run as root)")


@pytest.fixture(scope="module")
def box(tmp_path_factory):
    with probe.zygote(
        tmp_path_factory.mktemp("zygote"), limits=Limits(timeout_s=60, memory_bytes=2**30, processes=64)
    ) as z:
        yield z


def values(box, cells: list[str], *names: str):
    session = probe.run(*box, cells)
    try:
        return [session.get(n) for n in names]
    finally:
        session.close()


@needs_root
def test_a_job_cannot_read_what_its_uid_cannot(box, tmp_path):
    secret_dir = Path("/var/tmp") / f"nn-course-test-{os.getpid()}"
    secret_dir.mkdir(mode=0o700, exist_ok=True)
    (secret_dir / "grades.csv").write_text("alice,17\n")
    try:
        (result,) = values(
            box,
            [
                textwrap.dedent(f"""
            import os
            found = []
            for path in ({str(secret_dir / "grades.csv")!r}, "/etc/shadow", "/proc/1/environ"):
                try:
                    found.append(open(path).read()[:10])
                except OSError as e:
                    found.append(type(e).__name__)
            try:
                found.append(os.listdir({str(secret_dir)!r}))
            except OSError as e:
                found.append(type(e).__name__)
            found.append(os.listdir("/root"))
            """)
            ],
            "found",
        )
    finally:
        shutil.rmtree(secret_dir)
    assert result[0] in ("PermissionError", "FileNotFoundError") and result[3] == result[0]
    assert result[1:3] == ["PermissionError", "PermissionError"]
    shown = {
        p.relative_to("/root").parts[0] for p in map(Path, (sys.prefix, sys.base_prefix)) if p.is_relative_to("/root")
    }
    assert set(result[4]) <= shown, f"/root shows {result[4]}; only the Python the grader runs should be there"


def test_a_job_sees_no_course_file_but_its_own_code(box):
    (seen,) = values(
        box,
        [
            textwrap.dedent(f"""
        import os
        root = {str(ROOT)!r}
        seen = sorted(os.listdir(root)) if os.path.isdir(root) else []
        """)
        ],
        "seen",
    )
    assert set(seen) <= {"grading", "student_utils", ".venv"}, seen


def test_no_other_copy_of_the_course_on_the_machine_is_in_sight(box):
    """Readable by everyone, outside the repo: a TA's second checkout, a backup, last year's course."""
    copy = Path("/var/tmp") / f"nn-course-copy-{os.getpid()}"
    (copy / "solutions").mkdir(parents=True, exist_ok=True)
    (copy / "solutions" / "01.ipynb").write_text("# BEGIN SOLUTION")
    os.chmod(copy, 0o755)
    try:
        (seen,) = values(
            box,
            [
                textwrap.dedent(f"""
            import os
            seen = [p for p in ({str(copy / "solutions" / "01.ipynb")!r}, "/var", "/srv", "/opt", "/mnt", "/media")
                    if os.path.exists(p)]
            """)
            ],
            "seen",
        )
    finally:
        shutil.rmtree(copy)
    assert seen == [], f"in sight of a job: {seen}"


WRITE_OUTSIDE = textwrap.dedent("""
    import os
    outside = []
    for path in ("/tmp/evil", "/var/tmp/evil", "/dev/shm/../evil", os.path.expanduser("~/../../evil"), "/evil",
                 "/run/evil", "/home/evil", "/root/evil", os.path.join(os.environ["PYTHONPATH"], "evil")):
        try:
            open(path, "w").write("x")
            outside.append(path)
        except OSError:
            pass
    """)


def test_what_a_job_writes_is_capped_and_private(box):
    limits = box[2]
    cap = limits.workdir_bytes
    (written, outside) = values(
        box,
        [
            textwrap.dedent("""
        import os
        written = 0
        try:
            for i in range(40):
                with open(f"big-{i}.bin", "wb") as f:
                    for _ in range(64):
                        f.write(b"x" * 2**20)
                        written += 2**20
        except OSError:
            pass
        """)
            + WRITE_OUTSIDE
        ],
        "written",
        "outside",
    )
    assert written <= cap, f"the job wrote {written >> 20} MiB, over its {cap >> 20} MiB"
    assert written >= cap // 2  # it could write, up to the cap
    assert outside == [], f"the job could write outside its folder: {outside}"


@needs_root
def test_memory_is_limited_for_the_job_as_a_whole(box):
    """Three processes hold 512 MiB each at once: each fits a per-process limit of 1 GiB, together
    they do not fit the job's 1 GiB, so at most two live through it."""
    if cgroups.version() is None:
        pytest.skip("no cgroups here: memory is limited per process only (the note says so)")
    session = probe.run(
        *box,
        [
            textwrap.dedent("""
        import os, time
        def grab():  # hold 512 MiB for 3 s; only a process that lived through it signs
            block = bytearray(512 * 2**20)
            for i in range(0, len(block), 4096):
                block[i] = 1
            time.sleep(3)
            with open("held-memory", "a") as f:
                f.write("x")
        children = []
        for _ in range(2):
            pid = os.fork()
            if pid == 0:
                grab()
                os._exit(0)
            children.append(pid)
        time.sleep(1)
        grab()
        for pid in children:
            os.waitpid(pid, 0)
        got = len(open("held-memory").read())
        """)
        ],
    )
    try:
        got = session.get("got")
    finally:
        session.close()
    assert session.out_of_memory
    assert not isinstance(got, int) or got < 3, f"{got} processes of 512 MiB ran in a job limited to 1 GiB"


@needs_root
def test_processes_are_limited_for_the_job(box):
    (started,) = values(
        box,
        [
            textwrap.dedent("""
        import os
        started = 0
        kids = []
        try:
            for _ in range(200):
                pid = os.fork()
                if pid == 0:
                    import time
                    time.sleep(5)
                    os._exit(0)
                kids.append(pid)
                started += 1
        except OSError:
            pass
        """)
        ],
        "started",
    )
    assert started < 64


@needs_root
def test_a_job_gets_one_cpu(box):
    if cgroups.version() != "v1":
        pytest.skip("checked on cgroup v1 hosts")
    (quota,) = values(
        box,
        [
            textwrap.dedent("""
        line = [l for l in open("/proc/self/cgroup").read().splitlines() if "cpu" in l.split(":")[1].split(",")][0]
        path = "/sys/fs/cgroup/cpu" + line.split(":", 2)[2]
        quota = (int(open(path + "/cpu.cfs_quota_us").read()), int(open(path + "/cpu.cfs_period_us").read()))
        """)
        ],
        "quota",
    )
    assert quota[0] == quota[1], quota


def test_two_jobs_leave_no_trace_for_each_other(box):
    first = probe.run(
        *box,
        [
            textwrap.dedent("""
        import os, random, sys, torch, numpy as np
        import student_utils
        torch.leaked = "from the first student"
        student_utils.leaked = True
        os.environ["LEAKED"] = "1"
        open("trace.txt", "w").write("x")
        open(os.path.join(os.environ["TMPDIR"], "trace.txt"), "w").write("x")
        open("/dev/shm/trace", "w").write("x")
        torch.manual_seed(123); random.seed(123); np.random.seed(123)
        sys.modules["json"].leaked = True
        """)
        ],
    )
    first.close()
    (seen,) = values(
        box,
        [
            textwrap.dedent("""
        import json, os, random, torch, numpy as np
        import student_utils
        seen = {
            "module attributes": [m for m, o in (("torch", torch), ("student_utils", student_utils), ("json", json))
                                  if hasattr(o, "leaked")],
            "environment": "LEAKED" in os.environ,
            "files": [p for p in ("trace.txt", os.path.join(os.environ["TMPDIR"], "trace.txt"), "/dev/shm/trace")
                      if os.path.exists(p)],
            "random": (torch.rand(1).item(), random.random(), float(np.random.rand())),
        }
        """)
        ],
        "seen",
    )
    import random

    import numpy as np
    import torch

    torch.manual_seed(0), random.seed(0), np.random.seed(0)
    fresh = (torch.rand(1).item(), random.random(), float(np.random.rand()))
    assert seen == {"module attributes": [], "environment": False, "files": [], "random": fresh}


@needs_root
def test_sandbox_uids_are_unique_across_grading_processes():
    pool = uids.UidPool()
    mine = pool.lease()
    try:
        other = subprocess.run(
            [sys.executable, "-c", "from grading.host.uids import UidPool; print(UidPool().lease().uid)"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
        assert int(other.stdout) != mine.uid and pool.lease().uid != mine.uid
    finally:
        mine.release()


HIDE_BWRAP = 'touch {stub} && chmod 644 {stub} && mount --bind {stub} "$(command -v bwrap)" && '


@needs_root
@pytest.mark.parametrize("sandbox, ok", [("bwrap", False), ("off", True)])
def test_grading_refuses_to_run_unsandboxed_unless_asked(tmp_path, sandbox, ok):
    """With bubblewrap gone (a private mount namespace hides it), `make grade` stops before
    grading; with SANDBOX=off it grades, full marks for the reference, and says so in every row."""
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(examples_dir("01-gradient-descent") / "reference.ipynb", subs / "alice.ipynb")
    stub = tmp_path / "bwrap-stub"
    make = (
        f"make --no-print-directory grade ASSIGNMENT=01-gradient-descent SUBMISSIONS={subs} "
        f"GRADES={tmp_path / 'grades'} JOBS=1 SANDBOX={sandbox}"
    )
    result = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", HIDE_BWRAP.format(stub=stub) + make],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    gradebook = tmp_path / "grades" / "01-gradient-descent.csv"
    if not ok:
        assert result.returncode != 0
        assert "refusing to grade without a sandbox" in result.stderr and "bubblewrap" in result.stderr
        assert not gradebook.exists()
        return
    assert result.returncode == 0, result.stderr[-2000:]
    assert "WARNING: SANDBOX=off" in result.stderr
    row = list(csv.reader(gradebook.read_text().splitlines()))[1]
    ag = read_autograder(autograder_zip("01-gradient-descent"))
    assert row[:4] == ["alice.ipynb", "graded", f"{ag.max_score:g}", f"{ag.total_points:g}"]
    assert "SANDBOX=off" in row[-1]


def test_the_autograder_zip_is_not_in_reach(box):
    (found,) = values(
        box,
        [
            textwrap.dedent(f"""
        import os
        found = [p for p in ({str(autograder_zip("01-gradient-descent"))!r}, {str(ROOT / "solutions")!r},
                             {str(ROOT / "tests")!r}, {str(ROOT / "autograder")!r}) if os.path.exists(p)]
        """)
        ],
        "found",
    )
    assert found == []


def test_a_grader_without_privileges_still_isolates_its_jobs(tmp_path):
    """A TA without root, played by a user namespace that holds no privilege over the host: the job's
    own nested user namespace stands in for a uid of its own (mounts inherited from bubblewrap are
    locked there); it still writes nowhere but its capped folder, and says it has no uid of its own."""
    if shutil.which("unshare") is None:
        pytest.skip("no unshare(1)")
    script = textwrap.dedent(f"""
        import json, sys
        sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / "tests")!r}]
        from pathlib import Path
        import probe
        from grading.host.limits import Limits
        with probe.zygote(Path({str(tmp_path)!r}), limits=Limits(timeout_s=60)) as box:
            session = probe.run(*box, [{WRITE_OUTSIDE!r}])
            print(json.dumps({{"outside": session.get("outside"), "isolation": session.report.isolation,
                              "errors": session.report.cell_errors}}))
            session.close()
        """)
    result = subprocess.run(
        ["unshare", "--user", "--map-root-user", sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:] + (tmp_path / "zygote.log").read_text()[-3000:]
    got = json.loads(result.stdout.splitlines()[-1])
    assert got["errors"] == {} and got["outside"] == []
    assert got["isolation"]["namespaces"] and got["isolation"]["read_only"] and not got["isolation"]["own_uid"]


def test_each_test_reads_the_globals_as_the_notebook_left_them(box):
    """A global that is data is read once and each test gets its own copy: a test's calls into the
    notebook, or its changes to what it read, do not change what the next test sees."""
    session = probe.run(*box, ["data = [1, 2]\ndef grow():\n    data.append(3)\n    return len(data)"])
    try:
        for _ in range(2):
            session.get("data").append("changed by a test")
        assert session.get("grow")() == 3  # the student's own list grew, in the sandbox
        assert session.get("data") == [1, 2]
    finally:
        session.close()


def test_the_judge_reads_a_bounded_amount_of_a_notebooks_answers(box, monkeypatch):
    """Many names for one big tensor must not make the judge hold a copy per name: past a budget
    per run, what is left is not read (and fails the tests that need it)."""
    from grading.judge import session as judge_session

    monkeypatch.setattr(judge_session, "MAX_RECEIVED_BYTES", 10 * 2**20)
    session = probe.run(*box, ["import torch\nbig = torch.zeros(2**20)\na = b = c = big"])  # 4 MiB each time
    try:
        got = [session.get(name) for name in ("a", "b", "c")]
    finally:
        session.close()
    assert [type(g).__name__ for g in got] == ["Tensor", "Tensor", "Missing"]
    with pytest.raises(AssertionError, match="MiB of tensors in all"):
        got[2]._fail()


KEYRING = textwrap.dedent("""
    import ctypes, os, platform
    libc = ctypes.CDLL(None, use_errno=True)
    ADD_KEY = {"x86_64": 248, "aarch64": 217}[platform.machine()]
    KEY_SPEC_USER_KEYRING = -4
    key = libc.syscall(ADD_KEY, b"user", b"nn-course-note", b"hidden inputs", 13, KEY_SPEC_USER_KEYRING)
    keyring = (key, ctypes.get_errno())
    """)


@needs_root
def test_a_job_has_no_kernel_keyring(box):
    """Keyrings are kept by uid, not by namespace: a job that could add a key could leave hidden
    test inputs, or answers, for whoever gets its uid next."""
    import errno

    (keyring,) = values(box, [KEYRING], "keyring")
    assert keyring == (-1, errno.EPERM), keyring


@needs_root
def test_every_job_has_a_uid_of_its_own_and_leaves_no_process_behind(box):
    """A double-forked, setsid child that waits past its job (to kill the next job's processes)
    is gone when its job ends, and the next job runs under another uid anyway."""
    linger = textwrap.dedent("""
        import os, time
        uid = os.getuid()
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                time.sleep(30)
                os.kill(-1, 9)
            os._exit(0)
        """)
    first = probe.run(*box, [linger])
    uid = first.get("uid")
    first.close()
    second = probe.run(*box, ["import os\nuid = os.getuid()"])
    try:
        assert isinstance(uid, int) and second.get("uid") != uid
    finally:
        second.close()
    box[0].settle(KILL_TIMEOUT_S)  # a kill is not waited for: the zygote reports each job gone
    assert uids.processes_of(uid) == [], "a process of the first job outlived it"


@needs_root
def test_a_job_is_pid_2_below_a_pid_1_the_zygote_forked_itself(box):
    """The zygote makes each job's PID namespace for the fork that starts the job, which so is its PID 1:
    no parent that only waits outside it, one fork of the whole zygote fewer (about 20 ms a job)."""
    session = probe.run(*box, ["import os\nuid, pid = os.getuid(), os.getpid()"])
    try:
        uid, pid = session.get("uid"), session.get("pid")

        def parent(p: int) -> int:
            return int(Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[1])

        def is_zygote(p: int) -> bool:
            return Path(f"/proc/{p}/cmdline").read_bytes().split(b"\0")[1:3] == [b"-m", b"grading.inside.zygote"]

        (job,) = uids.processes_of(uid)
        pid_one = parent(job)
        in_namespace = Path(f"/proc/{pid_one}/status").read_text().split("NSpid:")[1].split("\n")[0].split()
        forked_by = [is_zygote(parent(pid_one)), is_zygote(parent(parent(pid_one)))]
    finally:
        session.close()
    assert pid == 2 and in_namespace[-1] == "1"
    assert forked_by == [True, False], "PID 1's parent is not the zygote itself"


def test_two_jobs_alive_at_once_cannot_reach_each_other(box):
    """Each job has its own network namespace: not even an abstract unix socket crosses."""
    listener = probe.run(
        *box,
        [
            textwrap.dedent("""
        import socket
        server = socket.socket(socket.AF_UNIX)
        server.bind("\\0nn-course-between-jobs")
        server.listen()
        """)
        ],
    )
    try:
        (reached,) = values(
            box,
            [
                textwrap.dedent("""
            import socket
            client = socket.socket(socket.AF_UNIX)
            try:
                client.connect("\\0nn-course-between-jobs")
                reached = True
            except OSError:
                reached = False
            """)
            ],
            "reached",
        )
    finally:
        listener.close()
    assert reached is False


def test_the_kept_back_test_images_never_enter_the_sandbox(tmp_path):
    """A job sees FashionMNIST as the judge copies it: all of the training split, the test split
    without its last 2,000 images; the original files are not in sight, wherever they are."""
    from grading.host import datasets
    from student_utils import data

    original = data.find_directory()
    if original is None:
        pytest.skip("no FashionMNIST here")
    shown = datasets.sandbox_copy(original)
    try:
        with probe.zygote(tmp_path, data_dir=shown, hide=(original,)) as z:
            (seen,) = values(
                z,
                [
                    textwrap.dedent(f"""
                import os, glob
                import student_utils as su
                from student_utils import data
                X, y = su.load_fashion_mnist("test")
                raw = data.read_idx(data.find_file("t10k-labels-idx1-ubyte", data.find_directory()))
                X_train, _ = su.load_fashion_mnist("train")
                seen = {{"test": len(y), "raw": len(raw), "train": len(X_train),
                        "original": sorted(glob.glob({str(original)!r} + "/*"))}}
                """)
                ],
                "seen",
            )
    finally:
        import shutil as _shutil

        _shutil.rmtree(shown)
    assert seen == {"test": data.TEST_SHOWN, "raw": data.TEST_SHOWN, "train": 60000, "original": []}
