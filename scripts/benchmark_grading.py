"""Throughput of `make grade` against a plain sequential `otter run` loop, measured in one run.

Grades N copies of an assignment's reference three ways and prints submissions per minute and the
per-notebook overhead beyond the notebook's own run time (executing it with nbclient, no grading):

    .venv/bin/python scripts/benchmark_grading.py --assignment 01-gradient-descent -n 8
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402

from grading.assignments import autograder_zip, examples_dir  # noqa: E402
from grading.grade import grade_folder  # noqa: E402

ONE_THREAD = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg"}


def own_run_time(notebook: Path, workdir: Path) -> float:
    """Seconds to execute the notebook alone (no tests), with student_utils importable."""
    nb = nbformat.read(notebook, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(workdir)}},
                   allow_errors=True).execute(env=ONE_THREAD)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="01-gradient-descent")
    parser.add_argument("-n", type=int, default=8, help="copies of the reference to grade")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    reference = examples_dir(args.assignment) / "reference.ipynb"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        subs = tmp / "submissions"
        subs.mkdir()
        for i in range(args.n):
            shutil.copy(reference, subs / f"student{i:03d}.ipynb")
        shutil.copytree(ROOT / "student_utils", tmp / "student_utils")
        own = own_run_time(reference, tmp)

        start = time.perf_counter()
        for i in range(args.n):
            out = tmp / f"otter-{i}"
            out.mkdir()
            subprocess.run([sys.executable, "-m", "otter", "run", "--no-logo", "-a",
                            str(autograder_zip(args.assignment)), "-o", str(out), str(subs / f"student{i:03d}.ipynb")],
                           check=True, capture_output=True, env=ONE_THREAD)
        sequential = time.perf_counter() - start

        start = time.perf_counter()
        rows = grade_folder(args.assignment, subs, tmp / "grades" / "g.csv", args.jobs, None, quiet=True,
                            use_cache=False)
        parallel = time.perf_counter() - start
        assert all(r.score == r.max_score for r in rows), "the reference should get full marks"

    n, jobs = args.n, args.jobs
    print(f"{args.assignment}: {n} copies of the reference, {jobs} jobs, {os.cpu_count()} cores")
    print(f"  notebook's own run time (nbclient, no tests)   {own:7.1f} s")
    print(f"  plain `otter run` loop, sequential              {sequential:7.1f} s  "
          f"{60 * n / sequential:6.1f} submissions/min  {sequential / n:5.1f} s each")
    print(f"  make grade (sandboxed, parallel)                {parallel:7.1f} s  "
          f"{60 * n / parallel:6.1f} submissions/min  {parallel * jobs / n:5.1f} core-s each")
    print(f"  overhead per notebook beyond its own run time: otter run {sequential / n - own:5.1f} s, "
          f"make grade {parallel * jobs / n - own:5.1f} core-s")
    print(f"  speed-up of make grade over the otter loop: {sequential / parallel:.2f}x on {jobs} jobs")


if __name__ == "__main__":
    main()
