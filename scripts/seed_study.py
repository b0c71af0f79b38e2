"""Grade an assignment's reference under many autograder seeds; report failures and margins.

Every training-based check in the hidden tests goes through student_utils.testing.check_threshold,
which logs its margin when NN_COURSE_MARGINS is set (the judge's worker processes inherit it). A
sound assignment fails no check for any seed.

    .venv/bin/python scripts/seed_study.py 04-bce-classifier --seeds 20
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grading.course import ASSIGNMENT_IDS  # noqa: E402
from grading.grade.run import grade_folder  # noqa: E402
from grading.layout import autograder_zip, examples_dir  # noqa: E402
from student_utils.testing import MARGINS_ENV  # noqa: E402


def zip_with_seed(source: Path, target: Path, seed: int) -> None:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "otter_config.json":
                data = json.dumps(dict(json.loads(data), seed=seed)).encode()
            zout.writestr(info, data)


def study(assignment: str, seeds: int, jobs: int, workdir: Path) -> int:
    """Grade the reference with seeds 1..seeds; print failures per question and the smallest margins."""
    failures: dict[str, int] = defaultdict(int)
    margins: dict[str, list[float]] = defaultdict(list)
    for seed in range(1, seeds + 1):
        folder = workdir / f"{assignment}-{seed}"
        (folder / "subs").mkdir(parents=True)
        (folder / "subs" / "reference.ipynb").write_bytes((examples_dir(assignment) / "reference.ipynb").read_bytes())
        zip_with_seed(autograder_zip(assignment), folder / "autograder.zip", seed)
        os.environ[MARGINS_ENV] = str(folder / "margins.jsonl")
        (row,) = grade_folder(
            assignment,
            folder / "subs",
            folder / "g.csv",
            jobs=jobs,
            timeout_s=None,
            quiet=True,
            use_cache=False,
            autograder=folder / "autograder.zip",
        )
        for q, score in row.questions.items():
            failures[q] += score < row.max_score and any(not c["passed"] for c in row.cases[q])
        if (folder / "margins.jsonl").exists():
            for line in (folder / "margins.jsonl").read_text().splitlines():
                entry = json.loads(line)
                margins[entry["check"]].append(entry["margin"])
    print(f"{assignment}: {seeds} seeds")
    for q in sorted(failures):
        print(f"  {q}: failed for {failures[q]} of {seeds} seeds")
    for check, values in sorted(margins.items()):
        print(f"  smallest margin {min(values):+.4g} (median {sorted(values)[len(values) // 2]:+.4g}): {check}")
    return sum(failures.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", default=list(ASSIGNMENT_IDS))
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        failed = sum(study(a, args.seeds, args.jobs, Path(tmp)) for a in args.assignments)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
