"""Throughput of `make grade` against a plain sequential `otter run` loop, on the same copies.

For each assignment it grades N copies of the reference both ways and prints the speed-up, and
the per-notebook overhead of `make grade` beyond the notebook's own computation (its cells run in
a process that has already imported the libraries, built a first optimizer and figure and
decompressed FashionMNIST, as a zygote has; one BLAS thread, no tests, as many side by side as make
grade has workers). Run it on an idle machine; the figures are printed, never asserted.

    .venv/bin/python scripts/benchmark_grading.py 01-gradient-descent 05-fashion-mnist -n 8
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grading.grade.run import grade_folder  # noqa: E402
from grading.layout import autograder_zip, examples_dir  # noqa: E402

ONE_THREAD = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
# (speed-up over the otter loop, seconds a notebook costs in a warm worker beyond its own computation),
# on a quiet 2-core machine (issue 31)
TARGETS = {"01-gradient-descent": (7.0, 0.3), "05-fashion-mnist": (3.0, 1.0)}
OWN_RUN = r"""
import json, sys, time
import numpy, torch, sklearn, sklearn.linear_model, sklearn.datasets, matplotlib.pyplot, torchinfo, student_utils
import nbformat
from grading.notebooks import without_otter_lines
from grading.inside import warm_up
from student_utils import data
torch.set_num_threads(1)
warm_up.optimizers(), warm_up.plots()  # what torch and matplotlib do on first use, as a zygote pays it once
if data.find_directory() is not None:
    data.keep_in_memory(data.find_directory())  # FashionMNIST decompressed, as a zygote keeps it
cells = [c.source for c in nbformat.read(sys.argv[1], as_version=4).cells if c.cell_type == "code"]
namespace = {"__name__": "__main__"}
start = time.perf_counter()
for source in cells:
    code = without_otter_lines(source)
    code = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!")))
    exec(compile(code, "cell", "exec"), namespace)
print(json.dumps(time.perf_counter() - start))
"""


def own_computation(notebook: Path, workdir: Path, at_once: int) -> float:
    """Seconds the notebook's cells take once the libraries are imported: the median of 3 rounds of
    ``at_once`` runs side by side, as ``make grade`` runs that many notebooks side by side (on 2
    cores, two at once take longer each than one alone, and that is not the grader's doing)."""
    times = []
    for _ in range(3):
        runs = [
            subprocess.Popen(
                [sys.executable, "-c", OWN_RUN, str(notebook)],
                cwd=workdir,
                env=ONE_THREAD | {"PYTHONPATH": str(ROOT)},
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            for _ in range(at_once)
        ]
        for run in runs:
            out, _ = run.communicate()
            assert run.returncode == 0, f"the notebook failed on its own ({notebook})"
            times.append(json.loads(out.strip().splitlines()[-1]))
    return statistics.median(times)


def otter_loop(assignment: str, notebooks: list[Path], workdir: Path) -> float:
    start = time.perf_counter()
    for i, notebook in enumerate(notebooks):
        out = workdir / f"otter-{i}"
        out.mkdir()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "otter",
                "run",
                "--no-logo",
                "-a",
                str(autograder_zip(assignment)),
                "-o",
                str(out),
                str(notebook),
            ],
            check=True,
            capture_output=True,
            env=ONE_THREAD,
        )
    return time.perf_counter() - start


def bench(assignment: str, n: int, jobs: int) -> None:
    reference = examples_dir(assignment) / "reference.ipynb"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        subs = tmp / "submissions"
        subs.mkdir()
        copies = [subs / f"student{i:03d}.ipynb" for i in range(n)]
        for copy in copies:
            shutil.copy(reference, copy)
        shutil.copytree(ROOT / "student_utils", tmp / "student_utils")
        own = own_computation(reference, tmp, jobs)
        alone = own_computation(reference, tmp, 1)
        sequential = otter_loop(assignment, copies, tmp)
        start = time.perf_counter()
        rows = grade_folder(assignment, subs, tmp / "grades" / "g.csv", jobs, None, quiet=True, use_cache=False)
        parallel = time.perf_counter() - start
        assert all(r.score == r.max_score for r in rows), "the reference should get full marks"
    per_notebook = parallel * jobs / n
    # In a warm worker: spawn, run, judge. The median row, since each worker's first also loads its
    # autograder (the given cells) and pays its first optimizer: the start-up line below counts those.
    inside = statistics.median(r.seconds for r in rows)
    speedup = sequential / parallel
    target, overhead_target = TARGETS.get(assignment, (None, None))
    print(f"{assignment}: {n} copies of the reference, {jobs} jobs, {os.cpu_count()} cores")
    print(
        f"  notebook's own computation (libraries imported, no tests): {own:.2f} s with {jobs} side by side"
        f" as make grade runs them ({alone:.2f} s alone)"
    )
    print(f"  plain `otter run` loop, sequential     {sequential:7.1f} s  {60 * n / sequential:6.1f} submissions/min")
    print(f"  make grade (sandboxed, {jobs} workers)    {parallel:7.1f} s  {60 * n / parallel:6.1f} submissions/min")
    print(
        f"  speed-up over the otter loop: {speedup:.2f}x"
        + (f" (target {target:g}x: {'met' if speedup >= target else 'NOT met'})" if target else "")
    )
    print(
        f"  make grade per notebook in a warm worker (median): {inside:.2f} s, {inside - own:.2f} s beyond the "
        f"notebook's own computation side by side (fork, sandbox, judge and tests; "
        f"{inside - alone:.2f} s beyond it alone)"
        + (
            f" (target < {overhead_target:g}: {'met' if inside - own < overhead_target else 'NOT met'})"
            if overhead_target
            else ""
        )
    )
    print(
        f"  with the run's start-up (workers importing, zygotes preloading) spread over {n} notebooks: "
        f"{per_notebook:.2f} core-s each, {per_notebook - own:.2f} beyond the notebook's own computation"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", default=list(TARGETS))
    parser.add_argument("-n", type=int, default=8, help="copies of the reference to grade")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    for assignment in args.assignments:
        bench(assignment, args.n, args.jobs)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20
    print(f"largest process (worker, zygote or job) peaked at {peak:.2f} GiB of memory")


if __name__ == "__main__":
    main()
