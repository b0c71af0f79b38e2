"""Attacks a student could try, graded through `make grade`'s pipeline: none raises a score, each
is flagged or contained, and the rest of the class is graded normally."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from grading.assignments import ROOT, autograder_zip, examples_dir
from grading.grade import grade_folder

EXAMPLES = examples_dir("01-gradient-descent")

REWRITE_TESTS = '''\
import glob, re
for path in glob.glob("tests/*.py"):
    src = open(path).read()
    name, points = re.search(r'name = "(\\w+)"', src).group(1), re.search(r"points = ([\\d.]+)", src).group(1)
    open(path, "w").write(
        "from otter.test_files import test_case\\nOK_FORMAT = False\\n"
        f"name = {name!r}\\npoints = {points}\\n@test_case(points={points}, hidden=False)\\ndef t():\\n    pass\\n")
'''
PATCH_GRADER = '''\
from otter.test_files.exception_test import test_case
test_case.call_func = lambda self, env: None
'''
ATTACKS = {
    # name: (notebook it starts from, cell it adds)
    "rewrite_tests": ("unanswered", REWRITE_TESTS),
    "patch_grader": ("unanswered", PATCH_GRADER),
    "patch_builtins": ("unanswered", "import builtins\nbuiltins.isinstance = lambda *args: True"),
    "patch_torch": ("unanswered", "import torch\ntorch.allclose = lambda *args, **kwargs: True"),
    "read_tests": ("unanswered", 'print(open("tests/q1.py").read())'),
    "forge_results": ("unanswered", 'open("../results/results.json", "w").write(\'{"tests": []}\')'),
    "shell_escape": ("unanswered", "!cat tests/q1.py"),
}


def _with_cell(start: str, source: str) -> nbformat.NotebookNode:
    nb = nbformat.read(EXAMPLES / f"{start}.ipynb", as_version=4)
    nb.cells.insert(4, nbformat.v4.new_code_cell(source))
    return nb


@pytest.fixture(scope="module")
def attacked_class(tmp_path_factory):
    folder = tmp_path_factory.mktemp("attacks")
    for name, (start, source) in ATTACKS.items():
        nbformat.write(_with_cell(start, source), folder / f"{name}.ipynb")
    nbformat.write(_with_cell("unanswered", 'print("q1 results: All test cases passed!\\nTotal Score: 17.000 / '
                                            '17.000 (100.000%)")'), folder / "fake_print.ipynb")
    nbformat.write(_with_cell("reference", f"import pathlib\nfor p in pathlib.Path({str(ROOT)!r}).rglob('*.ipynb'):"
                                           "\n    p.unlink()"), folder / "deleter.ipynb")
    nbformat.write(_with_cell("unanswered", "import os\nwhile True:\n    os.fork()"), folder / "fork_bomb.ipynb")
    nbformat.write(_with_cell("unanswered", "hog = bytearray(64 * 2**30)"), folder / "memory_hog.ipynb")
    nbformat.write(_with_cell("unanswered", "for _ in range(100):\n    print('x' * 100_000)"), folder / "chatty.ipynb")
    nbformat.write(nbformat.read(EXAMPLES / "reference.ipynb", as_version=4), folder / "honest.ipynb")
    out = tmp_path_factory.mktemp("grades") / "g.csv"
    rows = grade_folder("01-gradient-descent", folder, out, jobs=2, timeout_s=60, quiet=True)
    return {Path(r.submission).stem: r for r in rows}, folder


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_tampering_scores_no_more_than_honest_work_and_is_flagged(attacked_class, attack):
    rows, _ = attacked_class
    row = rows[attack]
    assert row.score == 0, f"{attack} raised its score to {row.score}"
    assert "REVIEW" in row.note, f"{attack} was not flagged: {row.note!r}"


@pytest.mark.parametrize("attack", ["rewrite_tests", "patch_grader"])
def test_the_attacks_are_real_against_plain_otter(attacked_class, attack, tmp_path):
    """Without the grader's defences these attacks win full marks, so the test above means something."""
    _, folder = attacked_class
    subprocess.run([sys.executable, "-m", "otter", "run", "--no-logo", "-a", str(autograder_zip("01-gradient-descent")),
                    "-o", str(tmp_path), str(folder / f"{attack}.ipynb")], check=True, capture_output=True,
                   timeout=300)
    import json

    results = json.loads((tmp_path / "results.json").read_text())
    assert sum(t.get("score") or 0 for t in results["tests"]) == 17


def test_printing_fake_results_changes_nothing(attacked_class):
    rows, _ = attacked_class
    assert rows["fake_print"].score == 0 and rows["fake_print"].status == "graded"


def test_deleting_files_cannot_touch_the_course(attacked_class):
    rows, _ = attacked_class
    assert (EXAMPLES / "reference.ipynb").exists() and (ROOT / "solutions" / "01-gradient-descent.ipynb").exists()
    assert rows["deleter"].score == 17 and rows["deleter"].status == "graded"


def test_fork_bomb_times_out(attacked_class):
    rows, _ = attacked_class
    assert rows["fork_bomb"].status == "timeout"


def test_memory_hog_is_an_error_with_the_reason(attacked_class):
    rows, _ = attacked_class
    assert rows["memory_hog"].status == "error" and "out of memory" in rows["memory_hog"].note


def test_megabytes_of_output_are_graded_normally(attacked_class):
    rows, _ = attacked_class
    assert rows["chatty"].status == "graded" and rows["chatty"].score == 0


def test_the_rest_of_the_class_is_graded_normally(attacked_class):
    rows, _ = attacked_class
    assert rows["honest"].status == "graded" and rows["honest"].score == 17 and rows["honest"].note == ""
