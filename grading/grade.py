"""``make grade``: grade a folder of submissions in parallel into a CSV gradebook.

    python -m grading.grade 01-gradient-descent examples/01-gradient-descent --out grades/01.csv
"""

from __future__ import annotations

import argparse
import os
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from tqdm import tqdm

from . import feedback, gradebook, runner, sandbox, submissions
from .assignments import ASSIGNMENT_IDS, autograder_zip, check_id
from .autograder_zip import read_autograder
from .cache import ResultCache, key

DEFAULT_TIMEOUT_S = {"05-fashion-mnist": 600.0}
FALLBACK_TIMEOUT_S = 180.0


def grade_folder(assignment: str, folder: Path, out: Path, jobs: int, timeout_s: float | None,
                 quiet: bool = False, use_cache: bool = True, show_hidden: bool = False) -> list[gradebook.Row]:
    """Grade every submission in ``folder``; write the gradebook to ``out`` (rewritten after each
    submission, atomically) and feedback next to it; return the rows."""
    ag = read_autograder(autograder_zip(check_id(assignment)))
    questions = list(ag.questions)
    found, skipped = submissions.collect(folder)
    found, older, newest_notes = submissions.keep_newest(found)
    skipped += older
    jobs = max(1, min(jobs, len(found) or 1))
    limits = sandbox.Limits(timeout_s=timeout_s or DEFAULT_TIMEOUT_S.get(assignment, FALLBACK_TIMEOUT_S))
    cache = ResultCache(out.parent / ".cache" / assignment)
    hide = [folder.resolve(), out.resolve().parent]

    rows, todo = [], []

    def add(row: gradebook.Row) -> None:
        row.note = "; ".join(n for n in (newest_notes.get(row.submission), row.note) if n)
        rows.append(row)

    for sub in found:
        k = key(sub.path, ag.path, limits)
        cached = cache.get(k, sub.name) if use_cache else None
        add(cached) if cached else todo.append((sub, k))

    gradebook.write_csv(out, rows, questions)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(runner.grade, sub, ag, limits, hide): k for sub, k in todo}
        with tqdm(total=len(found), initial=len(rows), desc=f"grading {assignment}", unit="nb",
                  disable=quiet, file=sys.stderr) as bar:
            for future in as_completed(futures):
                row = future.result()
                cache.put(futures[future], row)
                add(row)
                gradebook.write_csv(out, rows, questions)
                bar.set_postfix_str(f"{row.submission}: {row.status} {row.score:g}/{row.max_score:g}")
                bar.update()
    feedback.write_all(rows, ag, assignment, out.parent / f"{assignment}-feedback", show_hidden)
    if not quiet:
        print(gradebook.summary(rows, questions, ag.max_score))
        for s in skipped:
            print(f"skipped {s.path.relative_to(folder)}: {s.reason}")
        print(f"gradebook: {out}   feedback: {out.parent / f'{assignment}-feedback'}/")
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment", choices=ASSIGNMENT_IDS)
    parser.add_argument("submissions", type=Path, help="folder of .ipynb / otter .zip submissions")
    parser.add_argument("--out", type=Path, help="gradebook CSV (default grades/<assignment>.csv)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=float, help="seconds per submission")
    parser.add_argument("--no-cache", action="store_true", help="regrade even unchanged submissions")
    parser.add_argument("--show-hidden", action="store_true", help="hidden-test details in feedback")
    args = parser.parse_args(argv)
    if not args.submissions.is_dir():
        parser.error(f"{args.submissions} is not a folder")
    grade_folder(args.assignment, args.submissions, args.out or Path("grades") / f"{args.assignment}.csv",
                 args.jobs, args.timeout, use_cache=not args.no_cache, show_hidden=args.show_hidden)


if __name__ == "__main__":
    main()
