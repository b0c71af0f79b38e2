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

from . import gradebook, runner, sandbox, submissions
from .assignments import ASSIGNMENT_IDS, autograder_zip, check_id
from .autograder_zip import read_autograder

DEFAULT_TIMEOUT_S = {"05-fashion-mnist": 600.0}
FALLBACK_TIMEOUT_S = 180.0


def grade_folder(assignment: str, folder: Path, out: Path, jobs: int, timeout_s: float | None,
                 quiet: bool = False) -> list[gradebook.Row]:
    """Grade every submission in ``folder``, write the gradebook to ``out`` and return its rows."""
    ag = read_autograder(autograder_zip(check_id(assignment)))
    found, skipped = submissions.collect(folder)
    jobs = max(1, min(jobs, len(found) or 1))
    limits = sandbox.Limits(timeout_s=timeout_s or DEFAULT_TIMEOUT_S.get(assignment, FALLBACK_TIMEOUT_S),
                            threads=max(1, (os.cpu_count() or 1) // jobs))
    hide = [folder.resolve(), out.resolve().parent]
    rows = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(runner.grade, sub, ag, limits, hide) for sub in found]
        with tqdm(total=len(futures), desc=f"grading {assignment}", unit="nb", disable=quiet,
                  file=sys.stderr) as bar:
            for future in as_completed(futures):
                row = future.result()
                rows.append(row)
                bar.set_postfix_str(f"{row.submission}: {row.status} {row.score:g}/{row.max_score:g}")
                bar.update()
    gradebook.write_csv(out, rows, list(ag.questions))
    if not quiet:
        print(gradebook.summary(rows, list(ag.questions), ag.max_score))
        for s in skipped:
            print(f"skipped {s.path.relative_to(folder)}: {s.reason}")
        print(f"gradebook written to {out}")
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment", choices=ASSIGNMENT_IDS)
    parser.add_argument("submissions", type=Path, help="folder of .ipynb / otter .zip submissions")
    parser.add_argument("--out", type=Path, help="gradebook CSV (default grades/<assignment>.csv)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=float, help="seconds per submission")
    args = parser.parse_args(argv)
    if not args.submissions.is_dir():
        parser.error(f"{args.submissions} is not a folder")
    grade_folder(args.assignment, args.submissions, args.out or Path("grades") / f"{args.assignment}.csv",
                 args.jobs, args.timeout)


if __name__ == "__main__":
    main()
