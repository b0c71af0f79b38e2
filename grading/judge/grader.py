"""One submission, judged in named steps (trusted side): load, screen, run, test, score.

A ``Judge`` lives in one worker process: it holds one zygote (the sandbox, ``grading.host``), a
pool of uids for its jobs, and the autograders it has loaded (tests, given data, checkpoints),
and grades one submission at a time, of any assignment.
"""

from __future__ import annotations

import base64
import io
import re
import shutil
import tempfile
import time
import traceback
from dataclasses import dataclass
from multiprocessing.util import Finalize
from pathlib import Path

import nbformat

from .. import written
from ..bundle import AutograderInfo, Bundle, read_autograder
from ..host import datasets
from ..host.limits import Limits
from ..host.uids import UidPool
from ..host.zygote import Zygote
from ..notebooks import without_otter_lines
from . import checkpoints, given, reference_fork, tamper, testfiles, unseen
from .load import InvalidSubmission, Submission, load_notebook
from .outcome import MAX_CELL_CHARS, Row, Status, Stop, failed
from .session import NotebookSession, describe_errors


@dataclass(frozen=True)
class Config:
    """What a worker process needs to start a judge (picklable)."""

    mode: str  # the sandbox mode (``grading.host.MODES``)
    hide: tuple[Path, ...] = ()  # folders to hide in the sandbox, where they lie under a shown one


class Autograder:
    """One assignment's autograder as the judge holds it."""

    def __init__(self, path: Path):
        bundle = Bundle(path)
        self.info: AutograderInfo = read_autograder(path)
        otter_config = bundle.otter_config()
        self.seed_variable, self.seed = otter_config.get("seed_variable"), otter_config.get("seed")
        self.tests = bundle.tests()
        data, self.checkpoints = reference_fork.run(bundle.given(), bundle.checkpoints(), self.seed_variable, self.seed)
        self.given = given.Given({**data, **unseen.names(bundle.course().get("datasets", []))})


@dataclass
class Runs:
    """The runs of a notebook that its questions are graded on (a checkpoint adds a second)."""

    first: NotebookSession
    second: NotebookSession | None = None
    later: tuple[str, ...] = ()  # the questions graded on the second run
    note: str = ""

    def for_question(self, question: str) -> NotebookSession:
        return self.second if self.second is not None and question in self.later else self.first

    def close(self) -> None:
        self.first.close()
        if self.second is not None:
            self.second.close()


class Judge:
    def __init__(self, config: Config):
        from student_utils.data import find_directory

        self.config = config
        self.scratch = Path(tempfile.mkdtemp(prefix="nn-course-judge-"))
        Finalize(self, shutil.rmtree, args=(self.scratch, True), exitpriority=10)  # also when a pool ends the process
        original = find_directory()
        shown = datasets.sandbox_copy(original) if original is not None else None
        if shown is not None:
            Finalize(self, shutil.rmtree, args=(shown, True), exitpriority=10)
        hide = (*config.hide, *([original] if original is not None else []))  # the kept-back images too
        self.zygote = Zygote(config.mode, self.scratch / "zygote.log", shown, hide)
        # Not warmed here: a first optimizer imports torch._dynamo, memory 01's judge never needs and
        # Gradescope's default 768 MB does not have (measured in make test-gradescope).
        self.zygote.ready()
        # SANDBOX=off runs jobs as the grader's own user: without bubblewrap nothing makes the
        # interpreter readable to another uid (it may live in a private home folder).
        self.uids = UidPool() if config.mode != "off" else None
        self._autograders: dict[Path, Autograder] = {}

    def autograder(self, path: Path) -> Autograder:
        path = Path(path).resolve()
        if path not in self._autograders:
            self._autograders[path] = Autograder(path)
        return self._autograders[path]

    def grade(self, sub: Submission, autograder: Path, limits: Limits) -> Row:
        """The submission's row; the grader's own failures give an uncached error row."""
        started = time.monotonic()
        ag = self.autograder(autograder)
        try:
            row = self._grade(sub, ag, limits)
        except Exception as e:  # noqa: BLE001 - the grader's own failure: reported, never cached
            traceback.print_exc()
            row = failed(
                sub.name,
                ag.info.questions,
                Status.ERROR,
                f"grader failed ({type(e).__name__}); regrade, and report this if it persists",
                cacheable=False,
            )
        row.seconds = round(time.monotonic() - started, 2)
        return row

    def _grade(self, sub: Submission, ag: Autograder, limits: Limits) -> Row:
        from student_utils.testing import MEASURED as measured  # the tests' leaderboard entries

        try:
            nb = load_notebook(sub.path)
        except InvalidSubmission as e:
            return failed(sub.name, ag.info.questions, Status.ERROR, str(e))
        wrong = _meant_for_another(nb, ag.info.name)
        if wrong:
            return failed(sub.name, ag.info.questions, Status.ERROR, wrong)
        code_cells = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        cells = [without_otter_lines(c.source) for _, c in code_cells]
        answers = written.locate(nb, list(ag.info.written))
        position = {i: k for k, (i, _) in enumerate(code_cells)}
        drawn = frozenset(position[i] for a in answers.values() for i in a.plot_cells)
        runs = self._run(ag, cells, [c.source for _, c in code_cells], limits, drawn)
        for answer in answers.values():
            answer.figures = figures(
                [image for i in answer.plot_cells for image in runs.first.figures.get(position[i], [])]
            )
        charged: dict[str, bool] = {}  # shared by every question's environment
        measured.clear()
        try:
            files = testfiles.run(
                testfiles.load(ag.tests), lambda q: testfiles.Namespace(ag.given, runs.for_question(q), charged)
            )
        finally:
            runs.close()
        row = self._score(sub, ag, runs, files, [i for i, _ in code_cells], nb)
        row.written = answers
        row.leaderboard = [{"name": n, "value": v, "order": o} for n, (v, o) in measured.items()]
        return row

    def _run(self, ag: Autograder, cells: list[str], sources: list[str], limits: Limits, drawn: frozenset[int]) -> Runs:
        """Run the notebook, keeping what the ``drawn`` cells plot; when a checkpoint's values differ
        from the reference's, run it a second time with the reference's values after that question
        (``checkpoints``)."""
        runs = Runs(self._session(ag, cells, limits, drawn=drawn))
        for i, cell in enumerate(cells):  # never sent: preparing megabytes of code alone takes IPython minutes
            if len(cell) > MAX_CELL_CHARS:
                runs.first.report.skipped[i] = Stop.TOO_LARGE
        try:
            self._start(ag, cells, sources, limits, runs)
        except BaseException:
            runs.close()  # a job, its uid and its cgroup are never left behind
            raise
        return runs

    def _start(self, ag: Autograder, cells: list[str], sources: list[str], limits: Limits, runs: Runs) -> None:
        """The first run, then the second where a checkpoint's values differ."""
        runs.first.start()
        missed = checkpoints.differing(ag.checkpoints, runs.first, sources)
        if missed:
            order = list(ag.info.questions)
            runs.later = tuple(order[min(order.index(cp.after) for cp in missed.values()) + 1 :])
            runs.second = self._session(ag, cells, limits, before={at: cp.values for at, cp in missed.items()})
            runs.second.report.skipped = dict(
                runs.first.report.skipped
            )  # a cell that never ended is not waited for twice
            runs.second.start()
            names = ", ".join(f"{cp.after}: {', '.join(cp.values)}" for cp in missed.values())
            span = runs.later[0] if len(runs.later) == 1 else f"{runs.later[0]}-{runs.later[-1]}"
            runs.note = f"{span} graded on a second run given the reference's results in place of yours ({names})"

    def _session(self, ag: Autograder, cells: list[str], limits: Limits, before: dict | None = None, drawn=frozenset()):
        return NotebookSession(self.zygote, cells, ag.seed_variable, ag.seed, limits, self.uids, before, drawn)

    def _score(
        self,
        sub: Submission,
        ag: Autograder,
        runs: Runs,
        files: list,
        cell_numbers: list[int],
        nb: nbformat.NotebookNode,
    ) -> Row:
        questions = ag.info.questions
        scores = {tf.name: max(0.0, min(float(tf.score), questions.get(tf.name, 0.0))) for tf in files}
        scores = {q: scores.get(q, 0.0) for q in questions}
        report, out_of_memory = runs.first.report, runs.first.out_of_memory
        number = dict(enumerate(cell_numbers))  # code cell -> notebook cell index
        report.skipped = {number[k]: why for k, why in report.skipped.items() if k in number}
        report.cell_errors = {number[k]: kind for k, kind in report.cell_errors.items() if k in number}
        notes = describe_errors(report, out_of_memory) + ([runs.note] if runs.note else [])
        failed_cells = (
            any(why is not Stop.TIMEOUT for why in report.skipped.values())
            or out_of_memory
            or "MemoryError" in report.cell_errors.values()
        )
        status = Status.TIMEOUT if report.timed_out else Status.ERROR if failed_cells else Status.GRADED
        notes += isolation_notes(report.isolation, self.config.mode)
        return Row(
            sub.name,
            status,
            sum(scores.values()),
            ag.info.max_score,
            scores,
            notes,
            tamper.hints(nb),
            {tf.name: testfiles.cases(tf) for tf in files},
        )

    def close(self) -> None:
        self.zygote.close()


MAX_FIGURES_PER_ANSWER = 4  # plots shown beside one written answer (its question's cell draws one)
MAX_FIGURE_CHARS = 3 * 2**20  # their PNGs, base64, together: a page of noise would be tens of MB


def figures(images: list) -> list[str]:
    """The first few images as PNGs, while they fit in MAX_FIGURE_CHARS (a TA's page stays small)."""
    kept, size = [], 0
    for image in images[:MAX_FIGURES_PER_ANSWER]:
        encoded = png(image)
        if size + len(encoded) > MAX_FIGURE_CHARS:
            break
        kept.append(encoded)
        size += len(encoded)
    return kept


def png(image) -> str:
    """An RGB image (pixels from the sandbox, ``session``) as a base64 PNG, encoded here: what a TA's
    browser decodes is always a well-formed image of the judge's making."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, "PNG")  # (height, width, 3) uint8: RGB
    return base64.b64encode(buffer.getvalue()).decode()


def _meant_for_another(nb: nbformat.NotebookNode, name: str) -> str | None:
    """Why the notebook is not this assignment's (named only when it is one of ours: the text is the student's)."""
    otter = nb.metadata.get("otter")
    meant_for = otter.get("assignment_name") if isinstance(otter, dict) else None
    if meant_for and meant_for != name:
        other = meant_for if re.fullmatch(r"\d\d-[a-z0-9-]{1,40}", str(meant_for)) else "another assignment"
        return f"this is the notebook of {other}, not {name}"
    return None


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
