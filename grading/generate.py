"""``make student``: turn each reference notebook into its student version, autograder and examples.

otter assign does the real work; this module runs it in a scratch folder and makes its output
reproducible (stable cell ids, a zip without timestamps in its name or its entries), so that the
generated files can be committed and a test can tell when they are stale.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import nbformat

from .assignments import (ASSIGNMENT_IDS, GRADING_REQUIREMENTS, ROOT, STUDENT_UTILS, autograder_dir,
                          autograder_zip, check_id, examples_dir, solution_notebook, student_dir)

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc")


def normalise_notebook(path: Path) -> None:
    """Give every cell an id from its position, so regenerating gives the same bytes."""
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:03d}"
    nbformat.write(nb, path)


def repack_zip(source: Path, target: Path) -> None:
    """Copy a zip with sorted entries, a fixed date and normalised notebooks inside."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in sorted(zin.infolist(), key=lambda i: i.filename):
            if info.is_dir() or "__pycache__" in info.filename:
                continue
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            entry.external_attr = info.external_attr
            entry.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(entry, zin.read(info))


def _replace_dir(source: Path, target: Path, ignore=None) -> None:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=ignore)


def run_otter_assign(assignment: str, workdir: Path) -> Path:
    """Run otter assign on a staged copy of the reference notebook; return its output folder."""
    stage, dist = workdir / "stage", workdir / "dist"
    stage.mkdir()
    shutil.copy(solution_notebook(assignment), stage)
    shutil.copy(GRADING_REQUIREMENTS, stage)
    shutil.copytree(STUDENT_UTILS, stage / STUDENT_UTILS.name, ignore=IGNORED)
    otter = Path(sys.executable).with_name("otter")
    result = subprocess.run(
        [str(otter), "assign", "--no-pdfs", "--no-run-tests", f"{assignment}.ipynb", str(dist)],
        cwd=stage, capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"otter assign failed for {assignment}:\n{result.stdout}\n{result.stderr}")
    return dist


def generate(assignment: str, root: Path = ROOT) -> None:
    """Write assignments/<id>, autograder/<id> and examples/<id> under ``root``."""
    check_id(assignment)
    with tempfile.TemporaryDirectory(prefix=f"assign-{assignment}-") as tmp:
        dist = run_otter_assign(assignment, Path(tmp))
        for notebook in dist.glob("*/*.ipynb"):
            normalise_notebook(notebook)
        (raw_zip,) = dist.glob("autograder/*-autograder_*.zip")

        _replace_dir(dist / "student", student_dir(assignment, root))
        ag_dir = autograder_dir(assignment, root)
        _replace_dir(dist / "autograder", ag_dir,
                     ignore=shutil.ignore_patterns("*.zip", STUDENT_UTILS.name, "__pycache__"))
        repack_zip(raw_zip, autograder_zip(assignment, root))

        examples = examples_dir(assignment, root)
        examples.mkdir(parents=True, exist_ok=True)
        shutil.copy(dist / "autograder" / f"{assignment}.ipynb", examples / "reference.ipynb")
        shutil.copy(dist / "student" / f"{assignment}.ipynb", examples / "unanswered.ipynb")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", default=list(ASSIGNMENT_IDS))
    args = parser.parse_args(argv)
    for assignment in args.assignments:
        generate(assignment)
        print(f"generated {assignment}: assignments/, autograder/ and examples/ are up to date")


if __name__ == "__main__":
    main()
