"""Gradescope's entry point (the zip's ``run_autograder``): grade ``/autograder/submission`` with the
judge of ``make grade`` and write ``/autograder/results/results.json``.

Gradescope runs this as root in its container, where bubblewrap usually cannot make namespaces.
Then the sandbox mode is ``uid``: the notebook runs in a job under a uid of its own, with the limits
the container allows, and everything under /autograder (the tests, the given data, this code) is
made readable by root only before any student code starts, and so is the data set (the job reads a
copy without the test images the autograder keeps back). The tests run here, outside the job.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from .bundle import Bundle, read_autograder
from .grade import submissions
from .host import bubblewrap
from .host.limits import Limits
from .judge.grader import Config, Judge
from .judge.outcome import Row, Status, failed
from .outputs import feedback

DATA_PREFIX = Path(os.environ.get("NN_COURSE_PREFIX", "/opt/nn-course"))
# The container memory (Gradescope's Autograder Settings) an assignment needs beyond the default
# 768 MB, measured in a real container (scripts/gradescope_docker.py, make test-gradescope): 05 at
# its peak holds the judge (about 1.3 GB: the hidden tests' model and data), the zygote (0.45 GB)
# and the job (0.8 GB); 04's unanswered notebook was killed at 768 MB and graded at 1 GB. Below it
# the kernel kills the judge and Gradescope gets no results; so the grader says what to raise
# instead. The bytes allow for a "GB" that means 10**9 or 2**30.
MEMORY_NEEDED = {"04-bce-classifier": ("1 GB", 950 * 2**20), "05-fashion-mnist": ("2 GB", 1900 * 2**20)}


def container_memory() -> int | None:
    """The container's memory limit in bytes (cgroup v2, else v1), or None when it has none."""
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(path).read_text().strip()
        except OSError:
            continue
        return None if text == "max" or int(text) >= 2**60 else int(text)
    return None


def too_little_memory(assignment: str) -> str | None:
    setting, needed = MEMORY_NEEDED.get(assignment, ("", 0))
    limit = container_memory()
    if limit is None or limit >= needed:
        return None
    return (
        f"not graded: this autograder needs {setting} of memory and its container has {limit / 2**20:.0f} MB. "
        f"Course staff: in the assignment's Autograder Settings raise the memory to {setting} or more, "
        "then regrade all submissions"
    )


def results(row: Row, info) -> dict:
    """Gradescope's results format, laid out as otter lays it out: a visible summary of the public
    tests, then one entry per question that students see once the instructor publishes the grades
    (Gradescope's ``after_published``); ``execution_time`` is the grading's, in seconds; the
    ``leaderboard`` holds what the tests measured themselves (05: the accuracy on the kept-back images)."""
    public = [line for q in info.questions for line in feedback.question(row, q, 0, False, public_only=True)]
    tests = [
        {
            "name": "Public Tests",
            "visibility": "visible",
            "output": "\n".join(public),
            "status": "passed" if all(c.passed for cs in row.cases.values() for c in cs if not c.hidden) else "failed",
        }
    ]
    for q, points in info.questions.items():
        tests.append(
            {
                "name": q,
                "score": round(row.questions.get(q, 0.0), 5),
                "max_score": points,
                "visibility": "after_published",
                "output": "\n".join(feedback.question(row, q, points, True)),
            }
        )
    summary = f"{row.status}: {row.score:g} / {row.max_score:g}" + (f" ({row.note})" if row.note else "")
    return {
        "score": row.score,
        "execution_time": round(row.seconds, 2),
        "output": summary,
        "tests": tests,
        "stdout_visibility": "hidden",
        **({"leaderboard": row.leaderboard} if row.leaderboard else {}),
    }


def main(root: Path) -> None:
    source, out = root / "source", root / "results"
    out.mkdir(parents=True, exist_ok=True)
    for path in (root, source, out):
        os.chmod(path, 0o700)
    if (DATA_PREFIX / "fashion-mnist").is_dir():  # root's only: the job gets a copy without the kept-back images
        os.chmod(DATA_PREFIX / "fashion-mnist", 0o700)
        os.environ.setdefault("FASHION_MNIST_DIR", str(DATA_PREFIX / "fashion-mnist"))
    course = Bundle(source).course()
    info = read_autograder(source)
    found, _ = submissions.collect(root / "submission")
    found, _, _ = submissions.keep_newest(found)
    mode = "bwrap" if bubblewrap.bubblewrap_problem() is None else "uid"
    limits = Limits(timeout_s=course["timeout_s"], call_timeout_s=course["call_timeout_s"])
    if note := too_little_memory(course["assignment"]):
        row = failed(found[0].name if found else "(none)", info.questions, Status.ERROR, note)
    elif not found:
        row = failed("(none)", info.questions, Status.ERROR, "no .ipynb or .zip was submitted")
    else:
        judge = Judge(Config(mode, (root,)))
        try:
            row = judge.grade(found[0], source, limits)
        finally:
            judge.close()
    (out / "results.json").write_text(json.dumps(results(row, info), indent=1))
    print(f"{row.status}: {row.score:g} / {row.max_score:g} (sandbox: {mode})")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/autograder"))
