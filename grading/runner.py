"""Grade one submission: validate it, run ``otter run`` on it in the sandbox, read the scores."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from . import sandbox
from .autograder_zip import AutograderInfo
from .gradebook import Row
from .submissions import InvalidSubmission, Submission, load_notebook

LOG_TAIL_BYTES = 4000


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
    return (errors or lines or ["no output"])[-1][:200]


def _run(cmd: list[str], env: dict[str, str], log: Path, timeout_s: float) -> bool:
    """Run ``cmd`` with output to ``log``; kill its whole process group on timeout. True if it finished."""
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=env, start_new_session=True)
        try:
            proc.wait(timeout=timeout_s)
            return True
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return False


def _scores(results: dict, ag: AutograderInfo) -> dict[str, float]:
    by_name = {t["name"]: float(t.get("score") or 0.0) for t in results.get("tests", []) if "name" in t}
    return {q: min(by_name.get(q, 0.0), points) for q, points in ag.questions.items()}


def grade(sub: Submission, ag: AutograderInfo, limits: sandbox.Limits, hide: list[Path],
          scratch: Path | None = None) -> Row:
    """Grade ``sub`` with the autograder ``ag``; never raises for anything the submission does."""
    try:
        nb = load_notebook(sub.path)
    except InvalidSubmission as e:
        return _failed_row(sub, ag, "error", str(e))
    workdir = Path(tempfile.mkdtemp(prefix="grade-", dir=scratch))
    try:
        (workdir / "home").mkdir()
        (workdir / "out").mkdir()
        notebook = workdir / "submission.ipynb"
        nbformat.write(nb, notebook)
        shutil.copy(ag.path, workdir / "autograder.zip")
        otter = [sys.executable, "-m", "otter", "run", "--no-logo", "-a", "autograder.zip", "-o", "out",
                 notebook.name]
        cmd = sandbox.command(otter, workdir, limits, hide)
        finished = _run(cmd, sandbox.environment(workdir, limits), workdir / "otter.log", limits.timeout_s)
        if not finished:
            return _failed_row(sub, ag, "timeout", f"stopped after {limits.timeout_s:g} s")
        results_path = workdir / "out" / "results.json"
        if not results_path.exists():
            return _failed_row(sub, ag, "error", f"grader crashed: {_last_error_line(_tail(workdir / 'otter.log'))}")
        scores = _scores(json.loads(results_path.read_text()), ag)
        return Row(sub.name, "graded", sum(scores.values()), ag.max_score, scores)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
