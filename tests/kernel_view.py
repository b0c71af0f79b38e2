"""The student's view of the public tests, recorded in the same graded run as the judge's.

A notebook is "observed": each ``grader.check("qN")`` line becomes ``_kernel_check("qN")``, which
runs that question's public tests right there, in the notebook's own process and namespace, with
otter's own ``ExceptionTestFile`` (what ``grader.check`` does in a student's kernel), and records
each case's verdict. The autograder gets one extra question of no points whose only test reads
the record back (``zz_kernel``), so the judge's verdicts and the kernel's come out of one row.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import nbformat

from grading import bundle
from grading.layout import autograder_zip, student_dir

READOUT = "zz_kernel"
RECORDER = """
import otter.test_files as _otter_files
_kernel_verdicts = {{}}
_public_tests = {tests!r}


def _kernel_check(question):
    test_file = _otter_files.ExceptionTestFile.from_string(_public_tests[question], path=f"tests/{{question}}.py")
    test_file.run(globals())
    _kernel_verdicts[question] = [r.passed for r in test_file.test_case_results]
"""
READOUT_TEST = f'''from otter.test_files import test_case

OK_FORMAT = False

name = "{READOUT}"
points = 0

@test_case(points=0, hidden=True)
def test_kernel_verdicts(_kernel_verdicts):
    import json
    raise AssertionError("VERDICTS" + json.dumps(_kernel_verdicts))
'''


def public_tests(assignment: str) -> dict[str, str]:
    return {p.stem: p.read_text() for p in sorted((student_dir(assignment) / "tests").glob("*.py"))}


def observed(nb: nbformat.NotebookNode, assignment: str) -> nbformat.NotebookNode:
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            # The comment keeps the cell the judge's "grader.check cell" (a checkpoint's second run starts after it).
            cell.source = re.sub(r"grader\.check\(([^)]*)\)", r"_kernel_check(\1)  # grader.check(\1)", cell.source)
    first = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    nb.cells.insert(first + 1, nbformat.v4.new_code_cell(RECORDER.format(tests=public_tests(assignment))))
    return nb


def autograder_with_readout(assignment: str, folder: Path) -> Path:
    """A copy of the assignment's zip with the read-out question added."""
    target = folder / f"{assignment}-with-readout.zip"
    with zipfile.ZipFile(autograder_zip(assignment)) as source, zipfile.ZipFile(target, "w") as copy:
        for info in source.infolist():
            copy.writestr(info, source.read(info))
        copy.writestr(f"{bundle.TESTS}{READOUT}.py", READOUT_TEST)
    return target


def verdicts(row) -> tuple[dict[str, list[bool]], dict[str, list[bool]]]:
    """(the kernel's, the judge's) public verdicts per question, from one row."""
    (case,) = row.cases[READOUT]
    # The message quotes the raising line, then the error: the verdicts follow the last "VERDICTS".
    kernel = (
        json.JSONDecoder().raw_decode(case.message.rsplit("VERDICTS", 1)[1])[0] if "VERDICTS" in case.message else {}
    )
    judge = {q: [c.passed for c in cases if not c.hidden] for q, cases in row.cases.items() if q != READOUT}
    return kernel, judge


def without_readout(mapping: dict) -> dict:
    """A row's per-question mapping as the real autograder would have it."""
    return {q: v for q, v in mapping.items() if q != READOUT}
