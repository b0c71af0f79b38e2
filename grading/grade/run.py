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
from ..judge.load import InvalidSubmission, Submission, load_notebook
from ..judge.outcome import Row, Status, failed
from ..outputs import feedback, gradebook, lms, marks, report, similarity, written_page
from ..outputs.cache import ResultCache, key
from ..text import one_line
from . import roster as class_roster
from . import submissions, time_limit
from .pool import Graders


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a run, with how far it got (the gradebook holds those rows)."""

    def __init__(self, graded: int, total: int):
        super().__init__(f"{graded} of {total} graded")
        self.graded, self.total = graded, total


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
        roster: Path | None = None,
        bom: bool = False,
        error_as_zero: bool = False,
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
        self.paths, self.bom = {sub.name: sub.path for sub in found}, bom
        self.matches = (
            class_roster.match({sub.name: submissions.owner_of(sub) for sub in found}, class_roster.read(roster))
            if roster
            else None
        )
        # The LMS files: the roster's own column for this assignment, scaled to its points; the files
        # each student handed in; unreadable files left empty there unless error_as_zero.
        self.target = (
            lms.canvas_target(assignment, self.ag.total_points, class_roster.grade_columns(roster, assignment))
            if roster
            else None
        )
        self.files = {sub.name: [sub.name] for sub in found}
        for skip in reversed(older):  # the newest first
            self.files[skip.superseded_by].append(skip.path.relative_to(folder).as_posix())
        self.error_as_zero, self.blank = error_as_zero, set()
        self.marks = self._read_marks()
        self.total = len(found)
        self.graders, self.own, self.jobs = graders, False, max(1, min(jobs, len(found)))
        self.config = Config(sandbox_mode, (folder.resolve(), out.resolve().parent))
        if timeout_s is None and found:
            timeout_s, measured = time_limit.calibrated(
                assignment, self.ag.path, self.outputs.cache, sandbox_mode, self._judges
            )
            if not quiet:
                print(
                    f"time limit: {timeout_s:g} s per notebook ({time_limit.FACTOR}x the {measured:.1f} s the "
                    "reference takes to grade here, at least a minute; TIMEOUT= sets it)",
                    file=sys.stderr,
                )
        limits = host_limits.for_assignment(assignment, timeout_s)
        self.cache = ResultCache(self.outputs.cache)
        self.rows: list[Row] = []
        todo = []
        for sub in found:
            k = key(sub.path, self.ag.path, limits, sandbox_mode)
            cached = self.cache.get(k, sub.name) if use_cache else None
            self._add(cached) if cached else todo.append((sub, k))
        self._write_gradebook()
        self.futures = {self._judges().submit(sub, self.ag.path, limits): (sub, k) for sub, k in todo}

    def _judges(self) -> Graders:
        """The warm judges: those handed in, else this run's own (started on first use)."""
        if self.graders is None:
            self.graders, self.own = Graders(self.jobs, self.config), True
        return self.graders

    def _read_marks(self) -> marks.Marks:
        """The TA's marks for the written questions (``outputs.marks``), from the previous run's file."""

        return marks.read(self.outputs.written_csv, list(self.ag.written), set(self.paths), self._owner)

    @staticmethod
    def _owner(name: str) -> str:
        """Who handed a submission in, from its name alone (``submissions.owner_of``)."""
        return submissions.owner_of(Submission(Path(name), name)).id

    def _merged(self) -> list[Row]:
        """The judge's rows with the TA's marks added (the cache keeps the judge's own)."""
        return marks.merged(self.rows, list(self.ag.written), self.marks)

    @property
    def _columns(self) -> list[str]:
        return [*self.ag.questions, *(q.name for q in self.ag.written)]

    def _write_gradebook(self) -> None:
        students = (lambda name: lms.student_columns(self.matches, name)) if self.matches else None
        gradebook.write_csv(self.out, self._merged(), self._columns, self.bom, students)

    def _add(self, row: Row) -> None:
        if row.submission in self.newest_notes:
            row.notes.insert(0, self.newest_notes[row.submission])
        if (
            self.matches
            and row.submission in self.matches.by_submission
            and not self.error_as_zero
            and row.status == Status.ERROR
            and row.cacheable
            and submissions.unreadable(self.paths[row.submission])
        ):
            self.blank.add(row.submission)
            row.notes.append(lms.BLANK_NOTE)
        self.rows.append(row)

    def finish(self) -> list[Row]:
        """Wait for every submission, writing the gradebook after each; then feedback and report."""
        ag = self.ag
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
                    self._write_gradebook()
                    bar.set_postfix_str(f"{one_line(row.submission, 60)}: {row.status} {row.score:g}/{row.max_score:g}")
                    bar.update()
        except KeyboardInterrupt:
            raise Interrupted(len(self.rows), self.total) from None
        finally:
            if self.own:
                self.graders.close(cancel=sys.exc_info()[0] is not None)
        self.marks = self._read_marks()  # as the TA left them, read again now that grading is over
        rows, standing = self._merged(), marks.standing(self.rows, list(ag.written), self.marks)
        self._write_gradebook()
        feedback.write_all(rows, ag, self.assignment, self.outputs.feedback, self.show_hidden, standing)
        if ag.written:
            self._write_written()
        skips = [(str(s.path.relative_to(self.folder)), s.reason) for s in self.skipped]
        pairs, alike = self._similarity()
        page = report.write(
            self.outputs.report,
            self.assignment,
            rows,
            ag,
            skips,
            roster=self._roster(),
            similarity_html=similarity.html_section(pairs, alike),
        )
        if self.matches:
            target, blank = self.target, self.blank
            lms.write_canvas(
                self.outputs.canvas, target.title, target.points, self.matches, rows, self.bom,
                scale=target.scale, blank=blank,
            )  # fmt: skip
            lms.write_gradescope(self.outputs.gradescope, self.matches, rows, self.bom, blank=blank)
            lms.write_students(
                self._students_csv, self.matches, rows, self.files, self.bom, scale=target.scale, blank=blank
            )
        if not self.quiet:
            print(gradebook.summary(rows, self._columns, ag.total_points))
            for name, reason in skips:
                print(f"skipped {one_line(name)}: {reason}")
            if self.matches:
                for name in self.matches.unmatched:
                    print(f"no roster student for {one_line(name)}")
                print(f"{len(self.matches.missing)} roster students handed nothing in (see the report)")
                for note in self._lms_notes():
                    print(note)
                print(f"for the LMS: {self.outputs.canvas}   {self.outputs.gradescope}")
                print(f"by student (the row that counts, the files it came from): {self._students_csv}")
            if ag.written:
                print(self._written_summary(rows))
            if pairs:
                print(
                    f"{len(pairs)} pairs of submissions look alike (a hint, not a verdict): {self.outputs.similarity}"
                )
            print(f"gradebook: {self.out}   feedback: {self.outputs.feedback}/   report: {page}")
        return self.rows

    def _student_name(self, submission: str) -> str:
        student = self.matches.by_submission.get(submission) if self.matches else None
        return student.name if student else ""

    def _write_written(self) -> None:
        """The TA's page and the marks file, every mark the old file held written back."""
        questions = list(self.ag.written)
        names = self._student_name if self.matches else None
        written_page.write(self.outputs.written_page, self.assignment, self.rows, questions, self.marks, names)
        if not self.marks.unreadable:  # a file this run cannot read is the TA's to repair, never overwritten
            marks.write(self.outputs.written_csv, self.rows, questions, self.marks, names, self.bom)

    def _written_summary(self, rows: list[Row]) -> str:
        """What the terminal says about the written questions: the problems in the TA's file, how many
        answers are graded, where to grade the rest."""
        lines = [f"written questions: {problem}" for problem in self.marks.problems]
        answered = [(r, q.name) for r in rows for q in self.ag.written if q.name in r.written]
        graded = sum(q in r.questions for r, q in answered)
        lines.append(
            f"written questions: {graded} of {len(answered)} answers graded (blank ones are 0); grade from "
            f"{self.outputs.written_page}, mark in {self.outputs.written_csv}, then run make grade again"
        )
        return "\n".join(lines)

    def _similarity(self) -> tuple[list[similarity.Pair], list[similarity.Graded]]:
        """The pairs of graded submissions that look copied (``outputs.similarity``); the notebooks'
        JSON is read here, never run."""
        skeleton = [
            c.source for c in load_notebook(layout.student_notebook(self.assignment)).cells if c.cell_type == "code"
        ]
        subs = []
        for row in self.rows:
            if row.status == Status.ERROR:
                continue
            try:
                nb = load_notebook(self.paths[row.submission])
            except (InvalidSubmission, OSError, KeyError):
                continue
            subs.append(similarity.graded(row, [c.source for c in nb.cells if c.cell_type == "code"]))
        pairs = similarity.compare(subs, skeleton)
        similarity.write_csv(self.outputs.similarity, pairs)
        return pairs, subs

    @property
    def _students_csv(self) -> Path:
        return self.outputs.folder / f"{self.assignment}-students.csv"

    def _lms_notes(self) -> list[str]:
        """What the terminal and the report say about the LMS files: a scaled score, a column Canvas
        would create, empty cells for unreadable files, missing emails."""
        notes = list(self.target.notes)
        if self.blank:
            n = len(self.blank)
            notes.append(
                f"{n} file{'s' if n != 1 else ''} could not be read: {'their' if n != 1 else 'its'} student gets an "
                "empty cell in the LMS files, not 0 (the note says so; ERROR_AS_ZERO=1 posts 0)"
            )
        return notes + lms.gradescope_notes(self.matches, self.rows, self.blank)

    def _roster(self) -> report.Roster | None:
        if not self.matches:
            return None
        return report.Roster(
            {name: s.name for name, s in self.matches.by_submission.items()},
            list(self.matches.unmatched),
            [s.name or s.email or s.sis_id for s in self.matches.missing],
            self._lms_notes(),
        )


def grade_folder(assignment: str, folder: Path, out: Path, jobs: int, timeout_s: float | None, **options) -> list[Row]:
    """Grade every submission in ``folder``; write the gradebook to ``out`` (rewritten after each
    submission, atomically), feedback and a report next to it; return the rows. ``options`` are
    ``ClassRun``'s: ``autograder`` replaces the assignment's zip (the seed study grades with
    others); ``graders`` are warm judges to use (a test session shares them)."""
    return ClassRun(assignment, folder, out, jobs, timeout_s, **options).finish()
