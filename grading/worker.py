"""A grading worker process (judge side): one zygote, one sandbox uid, the assignment's tests and
given data; grades one submission at a time. ``grade_folder`` runs JOBS of them in parallel.

The heavy imports happen in ``init``, inside the worker, so the process that draws the progress
bar and writes the gradebook stays light.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
import traceback
import warnings
from dataclasses import dataclass
from multiprocessing.util import Finalize
from pathlib import Path

from . import tamper
from .assignments import ASSIGNMENT_IDS
from .autograder_zip import AutograderInfo, Bundle, read_autograder
from .gradebook import Row
from .sandbox import Limits
from .submissions import InvalidSubmission, Submission, load_notebook

# Lines otter puts in every student notebook: the grader runs the tests itself, so these are left out.
OTTER_LINE = re.compile(r"^\s*(import otter|grader\s*=\s*otter\.Notebook\(.*\)|grader\.(check|check_all|export)\(.*\))\s*$")


@dataclass(frozen=True)
class Config:
    assignment: str
    autograder: Path
    limits: Limits
    mode: str
    hide: tuple[Path, ...]


class Worker:
    def __init__(self, config: Config):
        from . import cgroups
        from .judge import checkpoints, given
        from .sandbox import UidLease, Zygote

        self.config = config
        self.info: AutograderInfo = read_autograder(config.autograder)
        bundle = Bundle(config.autograder)
        otter_config, given_source = bundle.config(), bundle.read("given.py").decode()
        self.seed_variable, self.seed = otter_config.get("seed_variable"), otter_config.get("seed")
        self.tests = bundle.tests()
        from . import warm_up

        warm_up.optimizers()  # the tests build optimizers too
        given_namespace = given.run(given.cells(given_source), self.seed_variable, self.seed)
        self.given = given.Given(given.data(given_namespace))
        self.checkpoints = checkpoints.build(json.loads(bundle.read("checkpoints.json")), given_namespace,
                                             self.seed_variable, self.seed)
        self.lease = UidLease()
        self.scratch = Path(tempfile.mkdtemp(prefix="nn-course-worker-"))
        Finalize(self, shutil.rmtree, args=(self.scratch, True), exitpriority=10)  # also when the pool ends the process
        from student_utils.data import find_directory

        self.zygote = Zygote(config.mode, config.limits, list(config.hide), self.scratch / "zygote.log",
                             find_directory())
        self.cgroups = cgroups

    def _cgroup(self):
        if self.cgroups.version() is None or self.lease.uid is None:
            return None
        limits = self.config.limits
        return self.cgroups.JobCgroup(f"nn-course-{self.lease.uid}", limits.memory_bytes, limits.processes, limits.cpus)

    def grade(self, sub: Submission) -> Row:
        started = time.monotonic()
        try:
            row = self._grade(sub)
        except Exception as e:  # noqa: BLE001 - the grader's own failure: reported, never cached
            row = failed_row(sub, self.info, "error", f"grader failed ({type(e).__name__}: {str(e)[:200]}); "
                                                      "regrade, and report this if it persists")
            row.cacheable = False
            traceback.print_exc()
        row.seconds = round(time.monotonic() - started, 2)
        return row

    def _grade(self, sub: Submission) -> Row:
        from .judge import checkpoints, checks
        from .judge.session import describe_errors

        try:
            nb = load_notebook(sub.path)
        except InvalidSubmission as e:
            return failed_row(sub, self.info, "error", str(e))
        otter = nb.metadata.get("otter")
        meant_for = otter.get("assignment_name") if isinstance(otter, dict) else None
        if meant_for and meant_for != self.info.name:  # named only when it is one of ours: the text is the student's
            other = meant_for if meant_for in ASSIGNMENT_IDS else "another assignment"
            return failed_row(sub, self.info, "error", f"this is the notebook of {other}, not {self.info.name}")
        code_cells = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        cells = ["\n".join("" if OTTER_LINE.match(line) else line for line in c.source.splitlines())
                 for _, c in code_cells]
        session = self._session(cells)
        try:
            session.start()
            files = checks.run(self.tests, checks.Namespace(self.given, session))
            missed = checkpoints.differing(self.checkpoints, session, [c.source for _, c in code_cells])
        finally:
            session.close()
        report = session.report
        notes = []
        if missed:
            files, note = self._grade_later_questions_again(cells, missed, report.skipped, files)
            notes.append(note)
        scores = {tf.name: max(0.0, min(float(tf.score), self.info.questions.get(tf.name, 0.0))) for tf in files}
        scores = {q: scores.get(q, 0.0) for q in self.info.questions}
        number = {k: i for k, (i, _) in enumerate(code_cells)}  # code cell -> notebook cell index
        report.skipped = {number[k]: why for k, why in report.skipped.items() if k in number}
        report.cell_errors = {number[k]: kind for k, kind in report.cell_errors.items() if k in number}
        notes = describe_errors(report, session.out_of_memory) + notes
        timed_out = any("time" in why for why in report.skipped.values()) or "Stopped" in report.cell_errors.values()
        failed = any("time" not in why for why in report.skipped.values()) or session.out_of_memory or \
            "MemoryError" in report.cell_errors.values()
        status = "timeout" if timed_out else "error" if failed else "graded"
        notes += isolation_notes(report.isolation, self.config.mode)
        hints = tamper.hints(nb)
        if hints:
            notes.append("REVIEW: " + "; ".join(hints))
        return Row(sub.name, status, sum(scores.values()), self.info.max_score, scores, "; ".join(notes),
                   {tf.name: checks.cases(tf) for tf in files})

    def _session(self, cells: list[str], before: dict[int, dict] | None = None):
        from .judge.session import NotebookSession

        # SANDBOX=off runs jobs as the grader's own user: without bubblewrap nothing makes the
        # interpreter readable to another uid (it may live in a private home folder).
        uid = self.lease.uid if self.config.mode != "off" else None
        return NotebookSession(self.zygote, cells, self.seed_variable, self.seed, self.config.limits, uid,
                               self._cgroup, before)

    def _grade_later_questions_again(self, cells: list[str], missed: dict, skipped: dict, files: list):
        """Run the notebook again with the reference's results of the questions in ``missed``
        (``grading.judge.checkpoints``), and grade the questions after them on that run instead.
        Returns the test files and the gradebook's note."""
        from .judge import checkpoints, checks

        order = list(self.info.questions)
        later = order[min(order.index(cp.after) for cp in missed.values()) + 1:]
        again = self._session(cells, before={at: cp.values for at, cp in missed.items()})
        again.report.skipped = dict(skipped)  # a cell that never ended is not waited for twice
        try:
            again.start()
            files = checkpoints.replace(files, checks.run(self.tests, checks.Namespace(self.given, again),
                                                          only=set(later)))
        finally:
            again.close()
        given_names = ", ".join(f"{cp.after}: {', '.join(cp.values)}" for cp in missed.values())
        span = later[0] if len(later) == 1 else f"{later[0]}-{later[-1]}"
        return files, f"{span} graded on a second run given the reference's results in place of yours ({given_names})"

    def close(self) -> None:
        self.zygote.close()
        self.lease.release()


def isolation_notes(isolation: dict, mode: str) -> list[str]:
    """Say what was weaker than the default sandbox (root, bubblewrap, cgroups)."""
    notes = []
    if mode == "off":
        notes.append("SANDBOX=off: graded without bubblewrap (unsafe)")
    weaker = []
    if "memory" not in isolation.get("cgroups", []):
        weaker.append("memory limited per process only")
    if not isolation.get("process_limit"):
        weaker.append("no limit on processes")
    if not isolation.get("namespaces"):
        weaker.append("no private /tmp or process view")
    elif not isolation.get("read_only"):
        weaker.append("only /tmp made read-only (kernel before 5.12)")
    if not isolation.get("own_uid") and mode != "bwrap":
        weaker.append("runs as the grader's user")
    if weaker:
        notes.append("limits: " + ", ".join(weaker))
    return notes


def failed_row(sub: Submission, info: AutograderInfo, status: str, note: str) -> Row:
    return Row(sub.name, status, 0.0, info.max_score, {q: 0.0 for q in info.questions}, note)


# -- the process-pool side: one Worker per process

_worker: Worker | None = None
_config: Config | None = None
_startup_error = ""


def init(config: Config) -> None:
    global _worker, _config, _startup_error
    _config = config
    warnings.simplefilter("ignore")  # tests' own warnings are not the TA's concern
    try:
        _worker = Worker(config)
    except Exception as e:  # noqa: BLE001 - every submission then gets a row saying so
        _startup_error = f"{type(e).__name__}: {e}"
        traceback.print_exc()


def grade(sub: Submission) -> Row:
    if _worker is None:
        row = failed_row(sub, read_autograder(_config.autograder), "error",
                         f"grader could not start ({_startup_error[:300]})")
        row.cacheable = False
        return row
    return _worker.grade(sub)
