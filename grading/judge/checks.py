"""Run the autograder's otter test files, in the judge, against one submission.

The test files are otter's own format (``tests/qN.py`` in the autograder zip, written by otter
assign from the reference notebook) and are loaded by otter's ``ExceptionTestFile``. The one change
is where the tests' arguments come from: given data from the judge's own copy (``given``),
everything else from the student's notebook through the session, as data or stand-ins.
"""

from __future__ import annotations

import random

import numpy as np
import torch
from otter.test_files import ExceptionTestFile
from otter.test_files.abstract_test import TestCaseResult

from ..gradebook import one_line
from .given import Given
from .remote import Missing
from .session import NotebookSession

CASE_SEED = 0


class Namespace:
    """The mapping a test case takes its arguments from (otter calls ``.get(name)``)."""

    def __init__(self, given: Given, session: NotebookSession):
        self.given, self.session = given, session

    def get(self, name: str, default=None):
        if name in self.given:
            return self.given[name]
        return self.session.get(name)


class JudgedTestFile(ExceptionTestFile):
    """otter's exception-based test file, run case by case from the same seeds, so a case's data
    never depends on which cases ran before it (or on JOBS, or on the order of submissions)."""

    def run(self, global_environment, hidden: bool | None = None) -> None:
        """Run the cases; with ``hidden``, only the hidden (True) or only the public (False) ones,
        keeping the results of the others from an earlier run."""
        results = {id(r.test_case): r for r in self.test_case_results}
        for tc in self.test_cases:
            if hidden is not None and bool(tc.hidden) != hidden:
                continue
            random.seed(CASE_SEED)
            np.random.seed(CASE_SEED)
            torch.manual_seed(CASE_SEED)
            passed, message = True, "✅ Test case passed"
            try:
                args = {n: global_environment.get(n) for n in tc.body._get_func_params()}
                missing = [v for v in args.values() if isinstance(v, Missing)]
                if missing:
                    missing[0]._fail()
                tc.body.test_func(**args)
            except Exception as e:  # noqa: BLE001 - a failing case, whatever it raised
                passed, message = False, "❌ Test case failed\n" + self._message(e)
            results[id(tc)] = TestCaseResult(test_case=tc, message=message, passed=passed)
        self.test_case_results = [results[id(tc)] for tc in self.test_cases if id(tc) in results]

    def _message(self, e: Exception) -> str:
        """otter's message format: the failing line of the test, then the error."""
        tb, line = e.__traceback__, None
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == self.path:
                line = tb.tb_lineno
            tb = tb.tb_next
        text = one_line(str(e).strip("'"))
        if line is None:
            return f"{type(e).__name__}: {text}"
        code = self.source_lines[line - 1].strip() if line <= len(self.source_lines) else ""
        return f"Error at line {line} in test {self.name}:\n  {code}\n{type(e).__name__}: {text}"


def run(tests: dict[str, str], env: Namespace, only: set[str] | None = None) -> list[JudgedTestFile]:
    """Each question's test file (sources by path), run; scores are in ``.score`` and ``.possible``.
    ``only`` names the questions to run, when not all. The public cases of every question run
    before any hidden one."""
    files = [JudgedTestFile.from_string(source, path=path) for path, source in tests.items()]
    files = [tf for tf in files if only is None or tf.name in only]
    for hidden in (False, True):  # every public case first: what the student's code sees of the hidden
        for tf in files:          # tests' inputs cannot reach the public messages it is shown
            tf.run(env, hidden=hidden)
    return files


def cases(tf: JudgedTestFile) -> list[dict]:
    """One dict per test case: otter's name, the test function's, hidden, points, passed, the message."""
    return [{"name": r.test_case.name, "test": r.test_case.body.test_func.__name__, "hidden": bool(r.test_case.hidden),
             "points": float(r.test_case.points or 0), "passed": bool(r.passed), "message": r.message}
            for r in tf.test_case_results]
