"""Gradescope, imitated: the image its setup builds from a zip, and a run of the zip's own entry
point with /autograder laid out as Gradescope lays it out. Nothing of this repository or its venv
is visible to the run, nor the host's data sets."""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import threading
import zipfile
from pathlib import Path

from grading.host.bubblewrap import SYSTEM_DIRS, system_binds
from grading.layout import ROOT, autograder_zip
from student_utils.data import find_directory

PREFIX = "/opt/nn-course"  # where setup.sh puts the venv and the data in Gradescope's image


def _serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """A mirror of the data set on loopback: the image build's internet, here."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def build(root: Path) -> Path:
    """Run 05's setup.sh (the one that also fetches data) with the zip's own requirements."""
    root.mkdir(parents=True, exist_ok=True)
    source = root / "source"
    with zipfile.ZipFile(autograder_zip("05-fashion-mnist")) as zf:
        zf.extractall(source)
    server, url = _serve(find_directory())
    try:
        registry = {k: v for k, v in os.environ.items() if k.startswith("PIP_")}  # this machine's package sources
        env = {
            **registry,
            "PATH": "/usr/bin:/bin",
            "HOME": str(root),
            "AUTOGRADER_SOURCE": str(source),
            "NN_COURSE_PREFIX": str(root / "image"),
            "FASHION_MNIST_MIRROR": url,
            "PIP_RETRIES": "0",
        }  # no internet here: an unreachable index fails at once
        done = subprocess.run(["bash", str(source / "setup.sh")], env=env, capture_output=True, text=True, timeout=1800)
    finally:
        server.shutdown()
    if done.returncode:
        raise RuntimeError(f"setup.sh failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return root / "image"


def run(assignment: str, notebook: Path, image: Path, workdir: Path) -> dict:
    """The zip unpacked to /autograder/source, the notebook in /autograder/submission, the zip's
    run_autograder run as root in a container of its own (process, IPC and host-name namespaces),
    without bubblewrap (Gradescope's containers cannot run it) and without CAP_SYS_ADMIN (so no
    namespaces or cgroups of the grader's own either); returns results.json."""
    ag = workdir / "autograder"
    workdir.mkdir(parents=True, exist_ok=True)
    for sub in ("source", "submission", "results"):
        (ag / sub).mkdir(parents=True)
    with zipfile.ZipFile(autograder_zip(assignment)) as zf:
        zf.extractall(ag / "source")
    for name in ("run_autograder", "setup.sh"):
        os.chmod(ag / "source" / name, 0o755)
    shutil.copy(notebook, ag / "submission" / f"{assignment}.ipynb")
    (ag / "submission_metadata.json").write_text("{}")
    root = system_binds()  # the base image: the host's system folders only (no other copy of the course)
    hide = ["--tmpfs", "/tmp", "--tmpfs", "/run", "--dir", "/root", "--dir", "/opt"]
    data = find_directory()  # the host's copy of the data set, wherever FASHION_MNIST_DIR puts it
    for path in (ROOT, Path("/usr/share/datasets"), *([data] if data else []), Path(__file__).resolve().parents[1]):
        if path.exists() and any(path.resolve().is_relative_to(d) for d in SYSTEM_DIRS):
            hide += ["--tmpfs", str(path)]
    bwrap = shutil.which("bwrap")
    cmd = [
        "bwrap",
        *root,
        "--dev",
        "/dev",
        "--proc",
        "/proc",
        *hide,
        "--bind",
        str(image),
        PREFIX,
        "--bind",
        str(ag),
        "/autograder",
        "--ro-bind",
        "/dev/null",
        bwrap,
        "--cap-drop",
        "CAP_SYS_ADMIN",
        "--die-with-parent",
        "--unshare-pid",
        "--unshare-ipc",
        "--unshare-uts",  # a container of its own, as on Gradescope
        "--",
        "/autograder/source/run_autograder",
    ]
    done = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        timeout=1200,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/root", "LANG": "C.UTF-8"},
    )
    if done.returncode:
        raise RuntimeError(f"run_autograder failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return json.loads((ag / "results" / "results.json").read_text())


ATTACKED = "01-gradient-descent"  # the attack suite also goes through this zip
# What differs on Gradescope is the sandbox (a uid of its own, no namespaces, no cgroups) and the
# entry point (results.json, its output, the leaderboard): the attacks on those go through the zip.
# These attack how the judge reads answers (the wire, forged values, the given data) or the
# sandbox's own modules, which meet the same code under `make grade`, where they are run.
SAME_JUDGE_CODE = {
    "exec-behind-hex-and-a-continuation",
    "patch-torch-and-numpy",
    "reply-with-a-header-nested-without-end",
    "floats-equal-to-anything",
    "tensors-equal-to-anything",
    "replace-the-given-data",
}


def submissions(folder: Path) -> dict[tuple[str, str], Path]:
    """What the Gradescope tests run through the zips: each reference and unanswered notebook, and
    the attacks on what differs there (with the honest notebook beside them)."""
    import attacks
    import nbformat

    from grading.course import ASSIGNMENT_IDS
    from grading.layout import examples_dir

    found = {
        (a, name): examples_dir(a) / f"{name}.ipynb" for a in ASSIGNMENT_IDS for name in ("reference", "unanswered")
    }
    unanswered = nbformat.read(examples_dir(ATTACKED) / "unanswered.ipynb", as_version=4)
    for name, code in attacks.for_assignment(ATTACKED).items():
        if name in SAME_JUDGE_CODE:
            continue
        found[(ATTACKED, f"attack-{name}")] = folder / f"{name}.ipynb"
        nbformat.write(attacks.with_cells(unanswered, code), folder / f"{name}.ipynb")
    found[(ATTACKED, "honest")] = examples_dir(ATTACKED) / "reference.ipynb"
    return found


def build_and_run(root: Path) -> tuple[Path, dict[tuple[str, str], dict]]:
    """Build the image, then run every ``submissions`` notebook through its zip, two at a time."""
    from concurrent.futures import ThreadPoolExecutor

    image = build(root / "image-build")
    (root / "notebooks").mkdir()
    todo = submissions(root / "notebooks")
    with ThreadPoolExecutor(2) as pool:
        results = pool.map(
            lambda item: run(item[0][0], item[1], image, root / "runs" / "-".join(item[0])), todo.items()
        )
        return image, dict(zip(todo, results))
