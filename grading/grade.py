"""``make grade``: grade a folder of submissions in parallel into a CSV gradebook.

    python -m grading.grade 01-gradient-descent examples/01-gradient-descent --out grades/01.csv

Each of JOBS worker processes runs its own zygote in the sandbox and judges one submission at a
time (``grading.worker``); this process only collects rows, writes the gradebook after every
submission, and draws the progress bar.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from tqdm import tqdm

from . import feedback, gradebook, report, sandbox, submissions, worker
from .assignments import ASSIGNMENT_IDS, autograder_zip, check_id, limits_for
from .autograder_zip import read_autograder
from .cache import ResultCache, key


def grade_folder(assignment: str, folder: Path, out: Path, jobs: int, timeout_s: float | None,
                 quiet: bool = False, use_cache: bool = True, show_hidden: bool = False,
                 sandbox_mode: str = "bwrap", autograder: Path | None = None) -> list[gradebook.Row]:
    """Grade every submission in ``folder``; write the gradebook to ``out`` (rewritten after each
    submission, atomically), feedback and a report next to it; return the rows. ``autograder``
    replaces the assignment's zip (the seed study grades with others).

    Raises ``sandbox.SandboxUnavailable`` before grading anything when the sandbox cannot run."""
    sandbox.ensure(sandbox_mode)
    if sandbox_mode == "off":
        print("WARNING: SANDBOX=off grades without bubblewrap: a notebook can read whatever this user can "
              "read. Every row's note says so.", file=sys.stderr)
    ag = read_autograder(autograder or autograder_zip(check_id(assignment)))
    questions = list(ag.questions)
    found, skipped = submissions.collect(folder)
    found, older, newest_notes = submissions.keep_newest(found)
    skipped += older
    limits = limits_for(assignment, timeout_s)
    cache = ResultCache(out.parent / ".cache" / assignment)
    config = worker.Config(assignment, ag.path, limits, sandbox_mode, (folder.resolve(), out.resolve().parent))

    rows, todo = [], []

    def add(row: gradebook.Row) -> None:
        row.note = "; ".join(n for n in (newest_notes.get(row.submission), row.note) if n)
        rows.append(row)

    for sub in found:
        k = key(sub.path, ag.path, limits, sandbox_mode)
        cached = cache.get(k, sub.name) if use_cache else None
        add(cached) if cached else todo.append((sub, k))

    gradebook.write_csv(out, rows, questions)
    with tqdm(total=len(found), initial=len(rows), desc=f"grading {assignment}", unit="nb",
              disable=quiet, file=sys.stderr) as bar:
        if todo:
            with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(todo))),
                                     mp_context=multiprocessing.get_context("spawn"),
                                     initializer=worker.init, initargs=(config,)) as pool:
                futures = {pool.submit(worker.grade, sub): (sub, k) for sub, k in todo}
                for future in as_completed(futures):
                    sub, k = futures[future]
                    try:
                        row = future.result()
                    except Exception as e:  # noqa: BLE001 - a worker process died (killed by the host?)
                        row = worker.failed_row(sub, ag, "error", f"the grading worker stopped ({type(e).__name__}); "
                                                                  "regrade, and report this if it persists")
                        row.cacheable = False
                    cache.put(k, row)
                    add(row)
                    gradebook.write_csv(out, rows, questions)
                    bar.set_postfix_str(f"{gradebook.one_line(row.submission, 60)}: {row.status} "
                                        f"{row.score:g}/{row.max_score:g}")
                    bar.update()
    feedback.write_all(rows, ag, assignment, out.parent / f"{assignment}-feedback", show_hidden)
    page = report.write(out.parent / f"{assignment}-report.html", assignment, rows, ag, skipped, folder)
    if not quiet:
        print(gradebook.summary(rows, questions, ag.max_score))
        for s in skipped:
            print(f"skipped {gradebook.one_line(str(s.path.relative_to(folder)))}: {s.reason}")
        print(f"gradebook: {out}   feedback: {out.parent / f'{assignment}-feedback'}/   report: {page}")
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment", choices=ASSIGNMENT_IDS)
    parser.add_argument("submissions", type=Path, help="folder of .ipynb / otter .zip submissions")
    parser.add_argument("--out", type=Path, help="gradebook CSV (default grades/<assignment>.csv)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=float, help="seconds for running one notebook")
    parser.add_argument("--no-cache", action="store_true", help="regrade even unchanged submissions")
    parser.add_argument("--show-hidden", action="store_true", help="hidden-test details in feedback")
    parser.add_argument("--sandbox", default="bwrap", choices=("bwrap", "off"),
                        help="off grades without bubblewrap (unsafe; see the README)")
    args = parser.parse_args(argv)
    if not args.submissions.is_dir():
        parser.error(f"{args.submissions} is not a folder")
    try:
        grade_folder(args.assignment, args.submissions, args.out or Path("grades") / f"{args.assignment}.csv",
                     args.jobs, args.timeout, use_cache=not args.no_cache, show_hidden=args.show_hidden,
                     sandbox_mode=args.sandbox)
    except sandbox.SandboxUnavailable as e:
        sys.exit(f"make grade: {e}")


if __name__ == "__main__":
    main()
