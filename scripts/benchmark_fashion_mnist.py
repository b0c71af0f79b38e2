"""Assignment 05 (FashionMNIST): the reference's run time as a student sees it, its training time,
grading time and test accuracy.

End to end is the whole reference notebook in a fresh kernel with one CPU thread, as a student runs
it (public checks and export included). Grading time is `make grade` on the bundled reference
(sandboxed, one BLAS thread, as a TA runs it). Training time is the notebook's own `train_seconds`,
from running the reference's code cells in this process; the accuracy is computed here on the test
split, not read from the notebook's printout. Run it on an otherwise idle machine.

    .venv/bin/python scripts/benchmark_fashion_mnist.py [--seed 4242]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MPLBACKEND", "Agg")

import nbformat  # noqa: E402
import torch  # noqa: E402

import student_utils as su  # noqa: E402
from grading.grade.run import grade_folder  # noqa: E402
from grading.layout import examples_dir  # noqa: E402

ASSIGNMENT = "05-fashion-mnist"


def grading_time() -> tuple[float, float, float]:
    """Grade the reference with `make grade`'s code; return (seconds, score, max score)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "submissions"
        folder.mkdir()
        shutil.copy(examples_dir(ASSIGNMENT) / "reference.ipynb", folder)
        start = time.perf_counter()
        (row,) = grade_folder(
            ASSIGNMENT, folder, Path(tmp) / "grades" / "g.csv", jobs=1, timeout_s=None, quiet=True, use_cache=False
        )
        return time.perf_counter() - start, row.score, row.max_score


def end_to_end() -> float:
    """Seconds to run the whole reference in a fresh kernel, one thread, from a student folder."""
    from nbclient import NotebookClient

    from grading.layout import student_dir

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / ASSIGNMENT
        shutil.copytree(student_dir(ASSIGNMENT), folder)
        nb = nbformat.read(examples_dir(ASSIGNMENT) / "reference.ipynb", as_version=4)
        env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
        start = time.perf_counter()
        NotebookClient(nb, timeout=600, kernel_name="nn-course", resources={"metadata": {"path": str(folder)}}).execute(
            env=env
        )
        return time.perf_counter() - start


def train_reference(seed: int) -> tuple[float, float]:
    """Run the reference's own code cells here; return (its train_seconds, test-split accuracy of its model)."""
    torch.set_num_threads(1)  # as when graded
    nb = nbformat.read(examples_dir(ASSIGNMENT) / "reference.ipynb", as_version=4)
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):  # the notebook's own printouts
        for cell in nb.cells:
            src = cell.source
            if cell.cell_type != "code" or "otter" in src or "grader." in src:
                continue
            exec(compile(src.replace("rng_seed = 2026", f"rng_seed = {seed}"), ASSIGNMENT, "exec"), namespace)
    model = namespace["model"].eval()
    X, y = su.load_fashion_mnist("test")
    device = next(model.parameters()).device
    with torch.no_grad():
        predictions = torch.cat([model(X[i : i + 1000].to(device)).argmax(dim=1).cpu() for i in range(0, len(y), 1000)])
    return namespace["train_seconds"], (predictions == y).float().mean().item()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seed", type=int, default=4242, help="rng_seed for the training run (default: the autograder's)"
    )
    args = parser.parse_args()
    print(f"end to end (fresh kernel, 1 thread, checks and export included): {end_to_end():.1f} s")
    seconds, score, max_score = grading_time()
    print(f"grading (make grade, 1 job, the run's start-up included): {seconds:.1f} s, score {score:g} / {max_score:g}")
    train_seconds, accuracy = train_reference(args.seed)
    print(f"training (rng_seed {args.seed}, 1 thread): {train_seconds:.1f} s, test-split accuracy {accuracy:.4f}")


if __name__ == "__main__":
    main()
