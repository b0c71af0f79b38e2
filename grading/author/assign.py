"""``make student``: turn each reference notebook into its student version, autograder and examples.

otter assign splits the reference into the student notebook and otter's test files; this module
runs it in a scratch folder and lays out what the course hands out:

- ``assignments/<id>/``: the notebook (kernel ``Python (nn-course)``), its public tests, a copy of
  ``student_utils`` and the ``requirements.txt`` a student's environment needs;
- ``autograder/<id>/``: the reference notebook, every test, ``given.py`` (the cells tagged
  ``given``: data the judge rebuilds itself) and the zip (which also holds the cells tagged
  ``checkpoint``: results of a question that later questions build on) for ``make grade`` and Gradescope, whose
  entry point runs the same judge as ``make grade``;
- ``examples/<id>/``: a demo class of submissions (``grading.author.demo_class``).

The output is reproducible (stable cell ids, a zip with sorted entries and no dates), so the
generated files are committed and a test fails when they are stale.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import nbformat

from .. import bundle, course, written
from ..host.bubblewrap import SandboxUnavailable
from ..layout import (
    GRADESCOPE_FILES,
    GRADING,
    GRADING_REQUIREMENTS,
    OTTER_REQUIREMENTS,
    ROOT,
    STUDENT_REQUIREMENTS,
    STUDENT_UTILS,
    autograder_dir,
    autograder_zip,
    examples_dir,
    solution_notebook,
    student_dir,
)
from ..notebooks import checked_question
from . import checks, demo_class, verify

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
KERNELSPEC = {"name": course.KERNEL, "display_name": course.KERNEL_DISPLAY_NAME, "language": "python"}
# Put before otter's own first cell: in a kernel without the course's packages, this says what is
# missing and how to get it, where `import otter` would only raise a bare ImportError.
KERNEL_CHECK = "import student_utils  # first: it says what this kernel lacks, if anything, and how to get it\n"
# After otter's lines: a check then names an answer the notebook has not defined yet
# (``student_utils.missing_names``).
NAME_MISSING = "student_utils.name_missing_answers()  # a check says which answer is not defined yet"
CPU_TORCH_INDEX = "--extra-index-url https://download.pytorch.org/whl/cpu"
SHOWN = 8  # rewritten files named on the terminal, per assignment
STUDENT_SETUP = [
    "# The same file in every assignment folder: one venv and one kernel serve all five. In that venv, after",
    "# this file: pip install --no-deps -r requirements-otter.txt (the course's README says how, step by step).",
]
OTTER_SETUP = ["# After requirements.txt, in the same venv: pip install --no-deps -r requirements-otter.txt"]
STUDENT_TORCH = [
    "# PyTorch's CPU build (no CUDA: a download of a few hundred MB, not several GB). With an NVIDIA GPU",
    "# you want to use, delete the next line: pip then takes the CUDA build from PyPI.",
    CPU_TORCH_INDEX,
]
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc")


def normalise_notebook(path: Path) -> None:
    """The kernel check first, stable cell ids (so regenerating gives the same bytes), the course's kernel."""
    nb = nbformat.read(path, as_version=4)
    first = next((c for c in nb.cells if c.cell_type == "code"), None)
    if first is not None and "otter.Notebook" in first.source and not first.source.startswith(KERNEL_CHECK):
        first.source = KERNEL_CHECK + first.source.rstrip("\n") + "\n" + NAME_MISSING
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:03d}"
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nbformat.write(nb, path)


def run_otter_assign(assignment: str, workdir: Path) -> Path:
    """Run otter assign on a staged copy of the reference notebook; return its output folder."""
    stage, dist = workdir / "stage", workdir / "dist"
    stage.mkdir()
    nb = nbformat.read(solution_notebook(assignment), as_version=4)
    ours = course.config_cell(nb)  # the course's cell, not otter's: never handed out
    nb.cells = [c for c in nb.cells if c is not ours]
    nbformat.write(nb, stage / f"{assignment}.ipynb")
    otter = Path(sys.executable).with_name("otter")
    result = subprocess.run(
        [str(otter), "assign", "--no-pdfs", "--no-run-tests", f"{assignment}.ipynb", str(dist)],
        cwd=stage,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"otter assign failed for {assignment}:\n{result.stdout}\n{result.stderr}")
    return dist


def given_cells(nb: nbformat.NotebookNode) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code" and "given" in c.metadata.get("tags", [])]


def checkpoint_cells(nb: nbformat.NotebookNode) -> list[dict]:
    """The reference's cells tagged ``checkpoint``, each with the question it answers (the next
    ``grader.check``), for ``grading.judge.checkpoints``."""
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and "checkpoint" in cell.metadata.get("tags", []):
            question = next((q for q in map(checked_question, (c.source for c in nb.cells[i + 1 :])) if q), None)
            if question is None:
                raise ValueError(f"a checkpoint cell (cell {i + 1}) must come before a question's grader.check")
            found.append({"after": question, "source": cell.source})
    return found


def flat_requirements(path: Path) -> list[str]:
    """The pins of a requirements file, following ``-r`` includes, without comments."""
    lines = []
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line.startswith("-r "):
            lines += flat_requirements(path.parent / line[3:].strip())
        elif line:
            lines.append(line)
    return lines


def _python_files(package: Path) -> dict[str, bytes]:
    return {
        p.relative_to(package.parent).as_posix(): p.read_bytes()
        for p in sorted(package.rglob("*.py"))
        if "__pycache__" not in p.parts
    }


def write_zip(target: Path, entries: dict[str, bytes]) -> None:
    """A zip with sorted entries, a fixed date and fixed modes: the same bytes every time."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.external_attr = (0o755 if name in bundle.EXECUTABLE else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, entries[name])


def autograder_entries(
    assignment: str, dist: Path, given: str, checkpoints: list[dict], questions: list[written.WrittenQuestion]
) -> dict[str, bytes]:
    """What the zip holds: otter's tests and config, the given and checkpoint cells, the written
    questions, the judge and its sandbox (``files/``), and Gradescope's setup and entry point."""
    (raw_zip,) = dist.glob("autograder/*-autograder_*.zip")
    with zipfile.ZipFile(raw_zip) as zf:
        entries = {n: zf.read(n) for n in zf.namelist() if n.startswith(bundle.TESTS) or n == bundle.OTTER_CONFIG}
    facts = {"assignment": assignment, **course.facts(assignment)}
    requirements = [CPU_TORCH_INDEX, *flat_requirements(GRADING_REQUIREMENTS)]
    entries.update(
        {
            bundle.GIVEN: given.encode(),
            bundle.CHECKPOINTS: (json.dumps(checkpoints, indent=2) + "\n").encode(),
            bundle.COURSE: (json.dumps(facts, indent=2) + "\n").encode(),
            bundle.WRITTEN: (json.dumps([q.as_dict() for q in questions], indent=2) + "\n").encode(),
            bundle.REQUIREMENTS: ("\n".join(requirements) + "\n").encode(),
            bundle.RUN_AUTOGRADER: (GRADESCOPE_FILES / "run_autograder").read_bytes(),
            bundle.SETUP: (GRADESCOPE_FILES / "setup.sh").read_bytes(),
        }
    )
    for package in (GRADING, STUDENT_UTILS):
        entries.update({f"{bundle.FILES}{name}": data for name, data in _python_files(package).items()})
    return entries


def _replace_dir(source: Path, target: Path, ignore=None) -> None:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=ignore)


def _digests(folders: list[Path], root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for folder in folders
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _folders(assignment: str, root: Path) -> list[Path]:
    return [student_dir(assignment, root), autograder_dir(assignment, root), examples_dir(assignment, root)]


def build(assignment: str, root: Path) -> None:
    """Write assignments/<id>, autograder/<id> and examples/<id> under ``root``, a scratch root that
    ``install`` moves into place once every check passes. Raises ``checks.AuthoringError`` for a
    mistake in the solution notebook (before otter runs) or a hidden test in the student's files."""
    course.check_id(assignment)
    solution = nbformat.read(solution_notebook(assignment), as_version=4)
    checks.check_course(assignment, solution)
    checks.check(solution)
    questions = checks.written_questions(solution)
    with tempfile.TemporaryDirectory(prefix=f"assign-{assignment}-") as tmp:
        dist = run_otter_assign(assignment, Path(tmp))
        for notebook in dist.glob("*/*.ipynb"):
            normalise_notebook(notebook)
        reference = nbformat.read(dist / "autograder" / f"{assignment}.ipynb", as_version=4)
        given = bundle.join_given(given_cells(reference))

        student = student_dir(assignment, root)
        _replace_dir(dist / "student", student)
        shutil.copytree(STUDENT_UTILS, student / STUDENT_UTILS.name, ignore=IGNORED)
        (student / "requirements.txt").write_text(
            "\n".join([*STUDENT_SETUP, *STUDENT_TORCH, *flat_requirements(STUDENT_REQUIREMENTS)]) + "\n"
        )
        (student / OTTER_REQUIREMENTS.name).write_text(
            "\n".join([*OTTER_SETUP, *flat_requirements(OTTER_REQUIREMENTS)]) + "\n"
        )

        ag_dir = autograder_dir(assignment, root)
        _replace_dir(
            dist / "autograder",
            ag_dir,
            ignore=shutil.ignore_patterns("*.zip", STUDENT_UTILS.name, "__pycache__", "requirements.txt"),
        )
        (ag_dir / "given.py").write_text(given)
        write_zip(
            autograder_zip(assignment, root),
            autograder_entries(assignment, dist, given, checkpoint_cells(reference), questions),
        )

        demo_class.write(assignment, reference, nbformat.read(student / f"{assignment}.ipynb", as_version=4), root)
    checks.check_student_tests(solution, student_dir(assignment, root) / "tests")


def install(assignment: str, scratch: Path, root: Path) -> list[str]:
    """Replace ``root``'s generated folders with those ``build`` wrote under ``scratch``; return the
    files that changed (written anew, rewritten or removed)."""
    before, after = _digests(_folders(assignment, root), root), _digests(_folders(assignment, scratch), scratch)
    changed = sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))
    if changed:
        for made, target in zip(_folders(assignment, scratch), _folders(assignment, root), strict=True):
            target.parent.mkdir(parents=True, exist_ok=True)
            _replace_dir(made, target)
    return changed


def generate(assignment: str, root: Path = ROOT) -> list[str]:
    """``build`` in a scratch root, then ``install`` under ``root``: a refusal writes nothing."""
    with tempfile.TemporaryDirectory(prefix=f"student-{assignment}-") as tmp:
        build(assignment, Path(tmp))
        return install(assignment, Path(tmp), root)


def main(argv: list[str] | None = None, root: Path = ROOT) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", default=list(course.ASSIGNMENT_IDS))
    parser.add_argument("--sandbox", default="bwrap", help="the sandbox the reference is graded in (as make grade)")
    args = parser.parse_args(argv)
    # Everything is built and graded in a scratch root first: a refusal leaves the generated files as they were.
    with tempfile.TemporaryDirectory(prefix="make-student-") as tmp:
        scratch = Path(tmp)
        for assignment in args.assignments:
            try:
                build(assignment, scratch)
            except checks.AuthoringError as e:
                sys.exit(f"make student: {assignment}: {e}")
        print("grading each reference and unanswered notebook through the judge ...", flush=True)
        verify.cache_dir(root).parent.mkdir(parents=True, exist_ok=True)
        verify.cache_dir(scratch).parent.symlink_to(verify.cache_dir(root).parent)  # verdicts outlive the scratch root
        try:
            verdicts = verify.verify(args.assignments, scratch, mode=args.sandbox)
        except SandboxUnavailable as e:
            sys.exit(f"make student: {e}")
        wrong = {a: problem for a, problem in verdicts.items() if problem}
        for assignment, problem in wrong.items():
            print(f"make student: {assignment}: {problem}", file=sys.stderr)
        if wrong:
            sys.exit(
                f"make student: the tests of {', '.join(wrong)} are wrong (above); nothing was written: "
                "fix solutions/ and rerun"
            )
        for assignment in args.assignments:
            changed = install(assignment, scratch, root)
            shown = ", ".join(changed[:SHOWN]) + (f" and {len(changed) - SHOWN} more" if len(changed) > SHOWN else "")
            print(f"{assignment}: " + (f"{len(changed)} files rewritten: {shown}" if changed else "nothing changed"))
    print("every reference earns full marks and every unanswered notebook 0")


if __name__ == "__main__":
    main()
