"""``make grade``'s command line.

python -m grading.grade 01-gradient-descent examples/01-gradient-descent --out grades/01-gradient-descent.csv
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .. import course
from ..host import SandboxUnavailable
from .roster import RosterError
from .run import Interrupted, grade_folder


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Grade every submission in a folder into a CSV gradebook.")
    parser.add_argument("assignment", choices=course.ASSIGNMENT_IDS)
    parser.add_argument("submissions", type=Path, help="folder of .ipynb / otter .zip submissions")
    parser.add_argument("--out", type=Path, help="gradebook CSV (default grades/<assignment>.csv)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=float, help="seconds for running one notebook")
    parser.add_argument("--no-cache", action="store_true", help="regrade even unchanged submissions")
    parser.add_argument("--show-hidden", action="store_true", help="hidden-test details in feedback")
    parser.add_argument(
        "--roster",
        type=Path,
        help="the class roster (a Canvas gradebook export, a Gradescope roster or a CSV with name/id/email): "
        "adds who handed in each submission, and files for the LMS's import",
    )
    parser.add_argument("--bom", action="store_true", help="CSV files with a byte-order mark, for Excel")
    parser.add_argument(
        "--error-as-zero",
        action="store_true",
        help="an upload that is no readable notebook gets 0 in the LMS files (default: an empty cell)",
    )
    parser.add_argument(
        "--sandbox",
        default="bwrap",
        choices=("bwrap", "off"),
        help="off grades without bubblewrap (unsafe; see the README)",
    )
    args = parser.parse_args(argv)
    if not args.submissions.is_dir():
        parser.error(f"{args.submissions} is not a folder")
    if args.roster and not args.roster.is_file():
        parser.error(f"{args.roster}: no such roster file")
    try:
        grade_folder(
            args.assignment,
            args.submissions,
            args.out or Path("grades") / f"{args.assignment}.csv",
            args.jobs,
            args.timeout,
            use_cache=not args.no_cache,
            show_hidden=args.show_hidden,
            sandbox_mode=args.sandbox,
            roster=args.roster,
            bom=args.bom,
            error_as_zero=args.error_as_zero,
        )
    except SandboxUnavailable as e:
        sys.exit(f"make grade: {e}")
    except RosterError as e:
        sys.exit(f"make grade: {e}")
    except Interrupted as e:
        print(f"\ninterrupted: {e.graded} of {e.total} graded, rerun the same command to resume", file=sys.stderr)
        sys.exit(130)
    except KeyboardInterrupt:  # before grading started
        print("\ninterrupted before grading started", file=sys.stderr)
        sys.exit(130)


if __name__ == "__main__":
    main()
