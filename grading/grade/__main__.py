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
from .run import grade_folder


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
        "--sandbox",
        default="bwrap",
        choices=("bwrap", "off"),
        help="off grades without bubblewrap (unsafe; see the README)",
    )
    args = parser.parse_args(argv)
    if not args.submissions.is_dir():
        parser.error(f"{args.submissions} is not a folder")
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
        )
    except SandboxUnavailable as e:
        sys.exit(f"make grade: {e}")


if __name__ == "__main__":
    main()
