"""Gradescope's sandbox mode, on the host: root without CAP_SYS_ADMIN (as in a Docker container), so
a job gets a uid of its own but no namespaces, and shares /tmp with the judge. Real zygote, real
jobs: its private temporary folder, its place in the out-of-memory killer's order, and a /tmp
planted with links where the next jobs' folders used to be."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from grading.inside.isolate import JOBS_DIR
from grading.layout import ROOT

pytestmark = [
    pytest.mark.sandbox,
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root (CI and a TA's grading box run as root)"),
    pytest.mark.skipif(not (shutil.which("setpriv") and shutil.which("unshare")), reason="no setpriv(1) or unshare(1)"),
]

PLANT = textwrap.dedent("""
    import os
    me = os.getpid()
    planted = 0
    for pid in range(me + 1, me + 3001):
        try:
            os.symlink("/autograder/results/results.json", f"/tmp/nn-job-{pid}")
            planted += 1
        except OSError:
            pass
    """)

LOOK = textwrap.dedent("""
    import os, tempfile
    tmp = os.environ["TMPDIR"]
    st = os.stat(tmp)
    parent = os.path.dirname(os.path.dirname(tmp))
    try:
        os.listdir(parent)
        listed = True
    except OSError:
        listed = False
    def adj():
        return int(open("/proc/self/oom_score_adj").read())
    r, w = os.pipe()
    if os.fork() == 0:
        os.write(w, str(adj()).encode())
        os._exit(0)
    os.wait()
    seen = {
        "tmpdir": tmp, "gettempdir": tempfile.gettempdir(), "home": os.environ["HOME"], "cwd": os.getcwd(),
        "owner": st.st_uid, "mode": oct(st.st_mode & 0o777), "uid": os.getuid(), "pid": os.getpid(),
        "parent_listed": listed, "parent_writable": os.access(parent, os.W_OK),
        "adj": adj(), "child_adj": int(os.read(r, 10)),
    }
    """)


@pytest.fixture(autouse=True)
def _no_job_folders_left():
    """The jobs' folders are left for the container's end (Gradescope: one per submission); here each
    test removes those of its jobs (a spare for the next job stays)."""
    before = set(os.listdir(JOBS_DIR)) if os.path.isdir(JOBS_DIR) else set()
    yield
    for name in set(os.listdir(JOBS_DIR)) - before if os.path.isdir(JOBS_DIR) else ():
        if name.startswith("job-"):
            shutil.rmtree(os.path.join(JOBS_DIR, name), ignore_errors=True)


def _pythons_under_root() -> set[str]:
    return {
        str(Path(p).resolve().relative_to("/root"))
        for p in (sys.prefix, sys.base_prefix)
        if Path(p).resolve().is_relative_to("/root")
    }


def _in_gradescope_like_root(cells_per_run: list[list[str]], tmp_path) -> list[dict]:
    """Each list of cells run in a job of a uid-mode zygote whose grader is root without CAP_SYS_ADMIN;
    per run: the value ``seen``, what the run left out and why, and the sandbox it reported."""
    script = textwrap.dedent(f"""
        import json, sys
        sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / "tests")!r}]
        from pathlib import Path
        import probe
        from grading.host.limits import Limits
        out = []
        with probe.zygote(Path({str(tmp_path)!r}), mode="uid", limits=Limits(timeout_s=60)) as box:
            for cells in {cells_per_run!r}:
                session = probe.run(*box, cells)
                try:
                    seen = session.get("seen")
                    out.append({{"seen": seen if isinstance(seen, dict) else None,
                                "errors": session.report.cell_errors, "skipped": {{str(k): str(v) for k, v in
                                session.report.skipped.items()}}, "isolation": session.report.isolation}})
                finally:
                    session.close()
        print(json.dumps(out))
        """)
    # Gradescope's image keeps its Python where any uid may read it; here /root is root's alone: a
    # private mount namespace shows the jobs what Python needs of it, and nothing else there.
    hold = tmp_path / "root"
    shown = "".join(f'mkdir -p "/root/{r}" && mount --bind "{hold}/{r}" "/root/{r}"\n' for r in _pythons_under_root())
    shell = (
        f"set -e\nmkdir -p {hold} && mount --bind /root {hold} && mount -t tmpfs -o mode=0755 tmpfs /root\n{shown}"
        'exec setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin "$0" -c "$1"\n'
    )
    result = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", shell, sys.executable, script],
        capture_output=True,
        text=True,
        timeout=300,
    )
    log = (tmp_path / "zygote.log").read_text()[-3000:] if (tmp_path / "zygote.log").exists() else ""
    assert result.returncode == 0, result.stderr[-3000:] + log
    return json.loads(result.stdout.splitlines()[-1])


def test_a_job_without_namespaces_has_a_private_temporary_folder_and_is_killed_first(tmp_path):
    (run,) = _in_gradescope_like_root([[LOOK]], tmp_path)
    seen = run["seen"]
    assert seen is not None, run
    assert run["isolation"]["own_uid"] and not run["isolation"]["namespaces"], run["isolation"]
    assert seen["uid"] != 0 and seen["owner"] == seen["uid"] and seen["mode"] == "0o700", seen
    assert seen["gettempdir"] == seen["tmpdir"] and not seen["tmpdir"].startswith("/tmp/"), seen
    assert seen["tmpdir"] != f"/tmp/nn-job-{seen['pid']}/tmp"
    assert {seen["home"], seen["cwd"]} == {os.path.dirname(seen["tmpdir"]) + s for s in ("/home", "/work")}
    assert not seen["parent_listed"] and not seen["parent_writable"], "the jobs' folder is root's alone"
    assert (seen["adj"], seen["child_adj"]) == (1000, 1000), "the kernel's first choice when memory runs out"
    assert run["isolation"]["oom_first"]


def test_links_planted_in_tmp_do_not_stop_the_next_job(tmp_path):
    """A notebook plants /tmp/nn-job-<pid> for the next 3,000 pids, then crashes: the job that runs
    it again without that cell (and the next submission's) starts anyway."""
    crash = PLANT + "os._exit(1)"
    try:
        first, second = _in_gradescope_like_root([[LOOK, crash], [LOOK]], tmp_path)
    finally:
        for name in os.listdir("/tmp"):
            path = f"/tmp/{name}"
            if name.startswith("nn-job-") and os.path.islink(path):
                if os.readlink(path) == "/autograder/results/results.json":
                    os.unlink(path)
    assert first["skipped"] == {"1": "ended the notebook's process (it crashed or exited)"}, first
    assert first["seen"]["owner"] == first["seen"]["uid"] and second["seen"]["owner"] == second["seen"]["uid"]
