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
    if not found:
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
