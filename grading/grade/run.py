"""Grade a folder of submissions into a gradebook, feedback and a class report.

Every submission is graded by a warm judge of ``pool`` (JOBS of them in parallel); this process
only collects rows, writes the gradebook after every submission (so an interrupted run loses
nothing and a rerun grades only what changed, ``outputs.cache``), and draws the progress bar.
"""

from __future__ import annotations

import sys
from concurrent.futures import as_completed
from pathlib import Path

from tqdm import tqdm

from .. import course, layout
from ..bundle import read_autograder
from ..host import bubblewrap
from ..host import limits as host_limits
from ..judge.grader import Config
from ..judge.outcome import Row, Status, failed
from ..outputs import feedback, gradebook, report
from ..outputs.cache import ResultCache, key
from ..text import one_line
from . import submissions
from .pool import Graders


class ClassRun:
    """One class folder being graded: started at once (its submissions queued on the judges),
    finished by ``finish`` (the rows, the gradebook, feedback and the report). Several runs may
    share warm judges and be under way together (a test session grades many classes this way).

    Raises ``SandboxUnavailable`` before grading anything when the sandbox cannot run."""

    def __init__(
        self,
        assignment: str,
        folder: Path,
        out: Path,
        jobs: int,
        timeout_s: float | None,
        quiet: bool = False,
        use_cache: bool = True,
        show_hidden: bool = False,
        sandbox_mode: str = "bwrap",
        autograder: Path | None = None,
        graders: Graders | None = None,
    ):
        bubblewrap.ensure(sandbox_mode)
        if sandbox_mode == "off":
            print(
                "WARNING: SANDBOX=off grades without bubblewrap: a notebook can read whatever this user can "
                "read. Every row's note says so.",
                file=sys.stderr,
            )
        self.assignment, self.folder, self.out, self.quiet, self.show_hidden = (
            assignment,
            folder,
            out,
            quiet,
            show_hidden,
        )
        self.ag = read_autograder(autograder or layout.autograder_zip(course.check_id(assignment)))
        self.outputs = layout.Outputs(out, assignment)
        found, self.skipped = submissions.collect(folder)
        found, older, self.newest_notes = submissions.keep_newest(found)
        self.skipped += older
        self.total = len(found)
        limits = host_limits.for_assignment(assignment, timeout_s)
        self.cache = ResultCache(self.outputs.cache)
        self.rows: list[Row] = []
        todo = []
        for sub in found:
            k = key(sub.path, self.ag.path, limits, sandbox_mode)
            cached = self.cache.get(k, sub.name) if use_cache else None
            self._add(cached) if cached else todo.append((sub, k))
        gradebook.write_csv(out, self.rows, list(self.ag.questions))
        self.own = graders is None and bool(todo)
        if self.own:
            graders = Graders(min(jobs, len(todo)), Config(sandbox_mode, (folder.resolve(), out.resolve().parent)))
        self.graders = graders
        self.futures = {graders.submit(sub, self.ag.path, limits): (sub, k) for sub, k in todo}

    def _add(self, row: Row) -> None:
        if row.submission in self.newest_notes:
            row.notes.insert(0, self.newest_notes[row.submission])
        self.rows.append(row)

    def finish(self) -> list[Row]:
        """Wait for every submission, writing the gradebook after each; then feedback and report."""
        ag, questions = self.ag, list(self.ag.questions)
        try:
            with tqdm(
                total=self.total,
                initial=len(self.rows),
                desc=f"grading {self.assignment}",
                unit="nb",
                disable=self.quiet,
                file=sys.stderr,
            ) as bar:
                for future in as_completed(self.futures):
                    sub, k = self.futures[future]
                    try:
                        row = future.result()
                    except Exception as e:  # noqa: BLE001 - a worker process died (killed by the host?)
                        row = failed(
                            sub.name,
                            ag.questions,
                            Status.ERROR,
                            f"the grading worker stopped ({type(e).__name__}); regrade, and report this if it persists",
                            cacheable=False,
                        )
                    self.cache.put(k, row)
                    self._add(row)
                    gradebook.write_csv(self.out, self.rows, questions)
                    bar.set_postfix_str(f"{one_line(row.submission, 60)}: {row.status} {row.score:g}/{row.max_score:g}")
                    bar.update()
        finally:
            if self.own:
                self.graders.close(cancel=sys.exc_info()[0] is not None)
        feedback.write_all(self.rows, ag, self.assignment, self.outputs.feedback, self.show_hidden)
        skips = [(str(s.path.relative_to(self.folder)), s.reason) for s in self.skipped]
        page = report.write(self.outputs.report, self.assignment, self.rows, ag, skips)
        if not self.quiet:
            print(gradebook.summary(self.rows, questions, ag.max_score))
            for name, reason in skips:
                print(f"skipped {one_line(name)}: {reason}")
            print(f"gradebook: {self.out}   feedback: {self.outputs.feedback}/   report: {page}")
        return self.rows


def grade_folder(assignment: str, folder: Path, out: Path, jobs: int, timeout_s: float | None, **options) -> list[Row]:
    """Grade every submission in ``folder``; write the gradebook to ``out`` (rewritten after each
    submission, atomically), feedback and a report next to it; return the rows. ``options`` are
    ``ClassRun``'s: ``autograder`` replaces the assignment's zip (the seed study grades with
    others); ``graders`` are warm judges to use (a test session shares them)."""
    return ClassRun(assignment, folder, out, jobs, timeout_s, **options).finish()
