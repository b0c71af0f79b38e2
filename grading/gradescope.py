"""Gradescope's entry point (the zip's ``run_autograder``): grade ``/autograder/submission`` with the
judge of ``make grade`` and write ``/autograder/results/results.json``.

Gradescope runs this as root in its container, where bubblewrap usually cannot make namespaces.
Then the sandbox mode is ``uid``: the notebook runs in a job under a uid of its own, with the limits
the container allows, and everything under /autograder (the tests, the given data, this code) is
made readable by root only before any student code starts, and so is the data set (the job reads a
copy without the test images the autograder keeps back). The tests run here, outside the job.

Every submission gets a ``results.json``, whatever its notebook does: the file is reserved (made at
its full size) before any student code runs and written in place, so a job that uses up the disk's
files or space cannot stop it, and until then it holds a result that says the grading was stopped.
The judge's own files are in a folder only root may write (``JUDGE_DIR``), not in the /tmp the job
shares; each job has a private folder of its own, and is the kernel's first choice when memory runs
out (``grading.inside.isolate``). When the notebook used up the container's disk or memory, the
result says so in a fixed text, and keeps what was graded.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

from .bundle import Bundle, read_autograder
from .grade import submissions
from .host import bubblewrap
from .host.limits import Limits
from .judge.grader import Config, Judge
from .judge.outcome import Row, Status, failed
from .outputs import feedback

DATA_PREFIX = Path(os.environ.get("NN_COURSE_PREFIX", "/opt/nn-course"))
# Below the container memory an assignment's COURSE CONFIG states (``gradescope_memory_gb``,
# measured in a real container by make test-gradescope: 05 at its peak holds the judge, about
# 1.3 GB with the hidden tests' model and data, the zygote, 0.45 GB, and the job, 0.8 GB), the
# kernel kills the judge and Gradescope gets no results; so the grader says what to raise instead.
# What it checks allows for a "GB" that means 10**9 or 2**30.
NEEDED_PER_GB = 950 * 2**20


def container_memory() -> int | None:
    """The container's memory limit in bytes (cgroup v2, else v1), or None when it has none."""
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(path).read_text().strip()
        except OSError:
            continue
        return None if text == "max" or int(text) >= 2**60 else int(text)
    return None


def too_little_memory(gb: float) -> str | None:
    """Why the container cannot grade an assignment that needs ``gb`` GB (its COURSE CONFIG), or None."""
    limit, setting = container_memory(), f"{gb:g} GB"
    if limit is None or limit >= gb * NEEDED_PER_GB:
        return None
    return (
        f"not graded: this autograder needs {setting} of memory and its container has {limit / 2**20:.0f} MB. "
        f"Course staff: in the assignment's Autograder Settings raise the memory to {setting} or more, "
        "then regrade all submissions"
    )


JUDGE_DIR = Path("/var/lib/nn-course/judge")  # the judge's temporary files: root's, outside /tmp
RESERVED_BYTES = 8 * 2**20  # results.json's room, taken before the job starts (a result is far smaller)
# Fixed texts: what a notebook did to its own run (``ruined``), and the result that holds until the end.
USED_UP_DISK = "the notebook used up the container's disk (no free files or space were left)"
USED_UP_MEMORY = (
    "the notebook's processes used up the container's memory and the kernel stopped some of them "
    "(the notebook's own processes go first)"
)
STOPPED = (
    "not graded: the grading was stopped before it could finish (the container ran out of memory or time); "
    "regrade this submission, and report it if it happens again"
)


def judge_folder() -> Path | None:
    """``JUDGE_DIR``, made only root's to write (others may pass through it to the data set's copy),
    as the temporary folder of this process; None where it cannot be (the system's is used)."""
    try:
        JUDGE_DIR.mkdir(parents=True, exist_ok=True)
        for folder in (JUDGE_DIR.parent, JUDGE_DIR):
            if folder.is_symlink() or folder.stat().st_uid != 0:
                return None
            os.chmod(folder, 0o711)
    except OSError:
        return None
    os.environ["TMPDIR"] = tempfile.tempdir = str(JUDGE_DIR)
    return JUDGE_DIR


def reserve(path: Path, placeholder: dict) -> None:
    """Take ``path``'s room on disk now: a valid result (``placeholder``) followed by spaces."""
    data = json.dumps(placeholder).encode()
    with open(path, "wb") as f:
        f.write(data + b" " * (RESERVED_BYTES - len(data)))
        f.flush()
        os.fsync(f.fileno())


def write_reserved(path: Path, result: dict) -> None:
    """Write ``result`` over the room ``reserve`` took (no new file, no new block); one too big for it
    keeps its scores and drops the per-question texts."""
    data = json.dumps(result, indent=1).encode()
    if len(data) > RESERVED_BYTES:
        short = {**result, "tests": [{k: v for k, v in t.items() if k != "output"} for t in result["tests"]]}
        data = json.dumps(short).encode()
    if len(data) > RESERVED_BYTES:
        data = json.dumps({k: result[k] for k in ("score", "output", "stdout_visibility")}).encode()
    with open(path, "r+b") as f:
        f.write(data)
        f.truncate(len(data))


class Watch:
    """What a notebook can use up for everyone in the container: the disk's files and space where a
    job can write, and memory (the container cgroup's count of processes the kernel killed)."""

    PLACES = ("/tmp", "/var/tmp", "/dev/shm", "/var/lib/nn-course")

    def __init__(self, places=PLACES):
        self.places = places
        self.full_before = self._full()
        self.kills_before = self._oom_kills()

    def _full(self) -> set[str]:
        full = set()
        for place in self.places:
            try:
                st = os.statvfs(place)
            except OSError:
                continue
            if (st.f_files and not st.f_favail) or (st.f_blocks and not st.f_bavail):
                full.add(place)
        return full

    @staticmethod
    def _oom_kills() -> int:
        for path in ("/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control"):
            try:
                lines = Path(path).read_text().splitlines()
            except OSError:
                continue
            for line in lines:
                if line.startswith("oom_kill "):
                    return int(line.split()[1])
        return 0

    def ruined(self) -> list[str]:
        """The fixed texts for what was used up since this watch began."""
        notes = [USED_UP_DISK] if self._full() - self.full_before else []
        return notes + ([USED_UP_MEMORY] if self._oom_kills() > self.kills_before else [])


def with_what_was_ruined(row: Row, ruined: list[str]) -> Row:
    """Say what the notebook used up; a row of the grader's own failure that followed it says that the
    notebook's run ended the grading instead (it is not a fault of the grader to regrade)."""
    if not ruined:
        return row
    if not row.cacheable:
        row.notes = [n for n in row.notes if not n.startswith("grader failed")]
        row.notes.append("grading could not go on after that, so it scores 0")
        row.cacheable = True
    row.notes[:0] = ruined
    return row


def results(row: Row, info) -> dict:
    """Gradescope's results format, laid out as otter lays it out: a visible summary of the public
    tests, then one entry per question that students see once the instructor publishes the grades
    (Gradescope's ``after_published``); ``execution_time`` is the grading's, in seconds; the
    ``leaderboard`` holds what the tests measured themselves (05: the accuracy on the kept-back images);
    each written question's answer is an entry of its own, as text with no score, for the TA who
    grades it by hand in Gradescope (the README says how)."""
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
    for q in info.written:  # no score here: the TA grades it in Gradescope, as a question of its own
        answer = row.written.get(q.name)
        text = "(left blank)" if answer is None or answer.blank else answer.text
        tests.append(
            {
                "name": f"{q.name} (written, {q.points:g} points: your TA grades it)",
                "visibility": "visible",
                "output": f"{q.prompt}\n\nYour answer:\n{text}",
                "output_format": "text",  # shown as typed: a student's markup is never rendered
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
    reserve(out / "results.json", {"score": 0.0, "output": STOPPED, "stdout_visibility": "hidden"})
    judge_folder()
    if (DATA_PREFIX / "fashion-mnist").is_dir():  # root's only: the job gets a copy without the kept-back images
        os.chmod(DATA_PREFIX / "fashion-mnist", 0o700)
        os.environ.setdefault("FASHION_MNIST_DIR", str(DATA_PREFIX / "fashion-mnist"))
    course = Bundle(source).course()
    info = read_autograder(source)
    found, _ = submissions.collect(root / "submission")
    found, _, _ = submissions.keep_newest(found)
    mode = "bwrap" if bubblewrap.bubblewrap_problem() is None else "uid"
    limits = Limits(timeout_s=course["timeout_s"], call_timeout_s=course["call_timeout_s"])
    if note := too_little_memory(course.get("gradescope_memory_gb", 0)):
        row = failed(found[0].name if found else "(none)", info.questions, Status.ERROR, note)
    elif not found:
        row = failed("(none)", info.questions, Status.ERROR, "no .ipynb or .zip was submitted")
    else:
        watch = Watch((*Watch.PLACES, str(out)))
        try:
            judge = Judge(Config(mode, (root,)))
            try:
                row = judge.grade(found[0], source, limits)
            finally:
                judge.close()
        except Exception as e:  # noqa: BLE001 - a result for every submission
            note = f"grader failed ({type(e).__name__}); regrade, and report this if it persists"
            row = failed(found[0].name, info.questions, Status.ERROR, note, cacheable=False)
        row = with_what_was_ruined(row, watch.ruined())
    write_reserved(out / "results.json", results(row, info))
    print(f"{row.status}: {row.score:g} / {row.max_score:g} (sandbox: {mode})")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/autograder"))
