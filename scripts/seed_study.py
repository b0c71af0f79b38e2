"""Grade an assignment's reference under many autograder seeds; report failures and margins.

Every training-based check in the hidden tests goes through student_utils.testing.check_threshold,
which logs its margin when NN_COURSE_MARGINS is set. A sound assignment fails no check for any seed.

    .venv/bin/python scripts/seed_study.py 04-bce-classifier --seeds 20
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grading.assignments import ASSIGNMENT_IDS, autograder_zip, examples_dir  # noqa: E402
from student_utils.testing import MARGINS_ENV  # noqa: E402


def zip_with_seed(source: Path, target: Path, seed: int) -> None:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "otter_config.json":
                config = json.loads(data)
                config["seed"] = seed
                data = json.dumps(config).encode()
            zout.writestr(info, data)


def run_seed(assignment: str, seed: int, workdir: Path) -> tuple[dict, list[dict]]:
    """Per-question scores and logged margins of the reference graded with ``seed``."""
    folder = workdir / f"seed-{seed}"
    folder.mkdir()
    zip_path, margins = folder / "autograder.zip", folder / "margins.jsonl"
    zip_with_seed(autograder_zip(assignment), zip_path, seed)
    notebook = folder / "reference.ipynb"
    notebook.write_bytes((examples_dir(assignment) / "reference.ipynb").read_bytes())
    env = {"PATH": "/usr/bin:/bin", MARGINS_ENV: str(margins), "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    subprocess.run([sys.executable, "-m", "otter", "run", "--no-logo", "-a", str(zip_path), "-o", str(folder),
                    str(notebook)], cwd=folder, env=env, capture_output=True, check=True)
    results = json.loads((folder / "results.json").read_text())
    scores = {t["name"]: (t["score"], t["max_score"]) for t in results["tests"] if "score" in t}
    logged = [json.loads(line) for line in margins.read_text().splitlines()] if margins.exists() else []
    return scores, logged


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", default=list(ASSIGNMENT_IDS))
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    failed_any = False
    for assignment in args.assignments:
        with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(args.jobs) as pool:
            runs = list(pool.map(lambda s: run_seed(assignment, s, Path(tmp)), range(args.seeds)))
        print(f"\n{assignment}: reference graded with {args.seeds} seeds")
        lost = defaultdict(int)
        for scores, _ in runs:
            for q, (score, max_score) in scores.items():
                lost[q] += score < max_score
        for q in sorted(lost):
            print(f"  {q}: failed for {lost[q]} of {args.seeds} seeds")
        margins = defaultdict(list)
        for _, logged in runs:
            for entry in logged:
                margins[entry["check"]].append(entry)
        for check, entries in sorted(margins.items()):
            worst = min(entries, key=lambda e: e["margin"])
            fails = sum(e["margin"] <= 0 for e in entries)
            print(f"  {check}: failure rate {fails}/{len(entries)}, smallest margin {worst['margin']:.4g} "
                  f"(value {worst['value']:.4g} vs threshold {worst['threshold']:.4g})")
        failed_any |= any(lost.values()) or any(e["margin"] <= 0 for es in margins.values() for e in es)
    return 1 if failed_any else 0


if __name__ == "__main__":
    sys.exit(main())
