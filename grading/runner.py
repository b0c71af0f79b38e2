"""Grade one submission: validate it, neutralise tampering, run ``otter run`` on it in the sandbox,
read the scores."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from . import sandbox, tamper
from .autograder_zip import AutograderInfo
from .gradebook import Row
from .submissions import InvalidSubmission, Submission, load_notebook

LOG_TAIL_BYTES = 4000
MAX_RESULTS_BYTES = 2**20
RESOURCE_ERRORS = {"MemoryError": "ran out of memory", "RecursionError": "recursed without end"}
KNOWN_CRASHES = {"DeadKernelError": "the notebook's kernel died (it exited, crashed or ran out of memory)"}
# Put first in the graded notebook: writes the type of every exception a cell raises to a file,
# so the gradebook can say "ran out of memory" instead of silently scoring what survived.
ERROR_RECORDER = """\
# added by the grader: record cell errors for the gradebook
def _grader_record_error(result, _path={path!r}):
    if result.error_in_exec is not None:
        with open(_path, "a") as f:
            f.write(type(result.error_in_exec).__name__ + "\\n")
get_ipython().events.register("post_run_cell", _grader_record_error)
"""


def _failed_row(sub: Submission, ag: AutograderInfo, status: str, note: str) -> Row:
    return Row(sub.name, status, 0.0, ag.max_score, {q: 0.0 for q in ag.questions}, note)


def _tail(path: Path) -> str:
    if not path.exists():
        return ""
    with open(path, "rb") as f:
        f.seek(max(0, path.stat().st_size - LOG_TAIL_BYTES))
        return f.read().decode("utf-8", "replace")


def _last_error_line(log: str) -> str:
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    errors = [line for line in lines if "Error" in line or "error" in line]
    last = (errors or lines or ["no output"])[-1][:200]
    return next((why for name, why in KNOWN_CRASHES.items() if name in last), last)


def _run(cmd: list[str], env: dict[str, str], log: Path, timeout_s: float) -> int | None:
    """Run ``cmd`` with output to ``log``; kill its whole process group on timeout.

    Returns the exit code, or None if it ran out of time."""
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=env, start_new_session=True)
        try:
            return proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return None


_free_uids: queue.SimpleQueue[int] = queue.SimpleQueue()
for _i in range(4 * (os.cpu_count() or 1)):
    _free_uids.put(sandbox.FIRST_SANDBOX_UID + _i)


@contextlib.contextmanager
def _sandbox_uid():
    """An unprivileged uid no other running submission uses (None when we cannot switch uid)."""
    if not sandbox.can_switch_uid():
        yield None
        return
    uid = _free_uids.get()
    try:
        yield uid
    finally:
        _free_uids.put(uid)


def _read_results(path: Path, ag: AutograderInfo) -> tuple[dict[str, float], dict[str, str]]:
    """Scores (capped at each question's points) and otter's report per question."""
    if path.stat().st_size > MAX_RESULTS_BYTES:
        raise ValueError("results file is implausibly large")
    tests = [t for t in json.loads(path.read_text()).get("tests", []) if isinstance(t, dict) and "name" in t]
    scores = {t["name"]: float(t.get("score") or 0.0) for t in tests}
    outputs = {t["name"]: str(t.get("output", ""))[:20000] for t in tests}
    return ({q: max(0.0, min(scores.get(q, 0.0), pts)) for q, pts in ag.questions.items()},
            {q: outputs.get(q, "") for q in ag.questions})


def grade(sub: Submission, ag: AutograderInfo, limits: sandbox.Limits, hide: list[Path],
          scratch: Path | None = None) -> Row:
    """Grade ``sub`` with the autograder ``ag``; never raises for anything the submission does."""
    try:
        nb = load_notebook(sub.path)
    except InvalidSubmission as e:
        return _failed_row(sub, ag, "error", str(e))
    otter_meta = nb.metadata.setdefault("otter", {})
    meant_for = otter_meta.get("assignment_name")
    if meant_for and meant_for != ag.name:
        return _failed_row(sub, ag, "error", f"this is the notebook of {meant_for}, not {ag.name}")
    otter_meta["assignment_name"] = ag.name  # front ends that drop otter's metadata lose it otherwise
    flags = tamper.neutralise(nb)
    review = f"REVIEW: {'; '.join(flags)}" if flags else ""
    workdir = Path(tempfile.mkdtemp(prefix="grade-", dir=scratch))
    try:
        with _sandbox_uid() as uid:
            return _grade_in(workdir, nb, sub, ag, limits, hide, uid, review)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _grade_in(workdir: Path, nb: nbformat.NotebookNode, sub: Submission, ag: AutograderInfo,
              limits: sandbox.Limits, hide: list[Path], uid: int | None, review: str) -> Row:
    (workdir / "home").mkdir()
    (workdir / "out").mkdir()
    notebook, errors = workdir / "submission.ipynb", workdir / "out" / "cell-errors.txt"
    nb.cells.insert(0, nbformat.v4.new_code_cell(ERROR_RECORDER.format(path=str(errors))))
    nbformat.write(nb, notebook)
    shutil.copy(ag.path, workdir / "autograder.zip")
    if uid is not None:
        for path in (workdir, *workdir.rglob("*")):
            os.chown(path, uid, uid)
    otter = [sys.executable, "-m", "otter", "run", "--no-logo", "-a", "autograder.zip", "-o", "out",
             notebook.name]
    cmd = sandbox.command(otter, workdir, limits, hide, uid)
    code = _run(cmd, sandbox.environment(workdir, limits), workdir / "otter.log", limits.timeout_s)
    if code is None:
        return _failed_row(sub, ag, "timeout", f"stopped after {limits.timeout_s:g} s {review}".strip())
    results_path = workdir / "out" / "results.json"
    try:
        if code != 0:  # a results file from a run that did not finish cannot be trusted
            raise ValueError(f"exit code {code}: {_last_error_line(_tail(workdir / 'otter.log'))}")
        scores, outputs = _read_results(results_path, ag)
    except (OSError, ValueError) as e:
        return _failed_row(sub, ag, "error", f"grader could not finish: {e} {review}".strip())
    raised = set(errors.read_text(errors="replace").split()) if errors.exists() else set()
    resource = [why for name, why in RESOURCE_ERRORS.items() if name in raised]
    status = "error" if resource else "graded"
    note = "; ".join([*(f"a cell {why} (scores kept for what ran)" for why in resource), review] if resource
                     else [review])
    return Row(sub.name, status, sum(scores.values()), ag.max_score, scores, note.strip("; "), outputs)
