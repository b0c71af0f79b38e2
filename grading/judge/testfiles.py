"""Run the autograder's otter test files, in the judge, against one submission.

The test files are otter's own format (``tests/qN.py`` in the autograder zip, written by otter
assign from the reference notebook), loaded by otter's ``ExceptionTestFile`` and scored by it. The
one change is where the tests' arguments come from: given data from the judge's own copy
(``given``), everything else from the student's notebook through a session, as data or stand-ins.
"""

from __future__ import annotations

import inspect
import random
from collections.abc import Callable

import numpy as np
import torch

from student_utils import failures

from ..otter_tests import ExceptionTestFile, TestCaseResult
from ..text import one_line
from .given import Given
from .outcome import CaseResult
from .remote import Missing

CASE_SEED = 0


CHARGED = "charged"  # the name under which hidden tests see which earlier questions lost points


class Namespace:
    """The mapping a test case takes its arguments from (otter calls ``.get(name)``): the given
    data, ``charged`` (which earlier questions lost points: a later question forgives a failure an
    earlier mistake explains only when that mistake was charged), else the student's notebook."""

    def __init__(self, given: Given, session, charged: dict[str, bool] | None = None):
        self.given, self.session, self.charged = given, session, charged if charged is not None else {}

    def get(self, name: str, default=None):
        if name == CHARGED:
            return dict(self.charged)
        if name in self.given:
            return self.given[name]
        return self.session.get(name)


def parameters(test_func) -> list[str]:
    """The names a test function takes its arguments by."""
    return list(inspect.signature(test_func).parameters)


class JudgedTestFile(ExceptionTestFile):
    """otter's exception-based test file, run case by case from the same seeds, so a case's data
    never depends on which cases ran before it (or on JOBS, or on the order of submissions)."""

    def run(self, global_environment, hidden: bool | None = None) -> None:
        """Run the cases; with ``hidden``, only the hidden (True) or only the public (False) ones,
        keeping the results of the others from an earlier run."""
        results = {id(r.test_case): r for r in self.test_case_results}
        calls = getattr(getattr(global_environment, "session", None), "calls", [])
        for tc in self.test_cases:
            if hidden is not None and bool(tc.hidden) != hidden:
                continue
            _seed_case()
            calls.clear()
            passed, message = True, "✅ Test case passed"
            try:
                args = {n: global_environment.get(n) for n in parameters(tc.body.test_func)}
                missing = [v for v in args.values() if isinstance(v, Missing)]
                if missing:
                    missing[0]._fail()
                tc.body.test_func(**args)
            except Exception as e:  # noqa: BLE001 - a failing case, whatever it raised
                passed, message = False, "❌ Test case failed\n" + self._message(e)
            results[id(tc)] = TestCaseResult(test_case=tc, message=message, passed=passed)
            if not passed:
                self.evidence[id(tc)] = {f"{i}:{name}": what for i, (name, what) in enumerate(calls)}
        self.test_case_results = [results[id(tc)] for tc in self.test_cases if id(tc) in results]

    def _message(self, e: Exception) -> str:
        """The student's kernel's message (``student_utils.failures``), on one escaped line each."""
        return failures.message(e, self.name, self.path, self.source_lines, clean=one_line)


def _seed_case() -> None:
    """Every generator a case may draw from, at ``CASE_SEED``. Not ``torch.manual_seed``: without a
    GPU it also queues a seed for CUDA, XPU and MTIA, each with a stack trace (0.5 ms a case in a
    worker's deep stack: 10 ms of 01's grading)."""
    random.seed(CASE_SEED)
    np.random.seed(CASE_SEED)
    torch.default_generator.manual_seed(CASE_SEED)
    if torch.cuda.is_available():
        torch.cuda.manual_seed_all(CASE_SEED)


def load(tests: dict[str, str]) -> list[JudgedTestFile]:
    """Each question's test file, from its source (by path), in question order."""
    files = [JudgedTestFile.from_string(source, path=path) for path, source in tests.items()]
    for tf in files:
        tf.evidence = {}  # id(test case) -> what the student's code answered in it, when it failed
    return files


def run(files: list[JudgedTestFile], env_for: Callable[[str], Namespace]) -> list[JudgedTestFile]:
    """Run every question's cases, each against ``env_for(question)``: the public cases of every
    question before any hidden one, so what a student's code sees of the hidden tests' inputs
    cannot reach the public messages it is shown. The hidden cases run question by question, and
    each environment's ``charged`` learns, as each question ends, whether it lost points. Scores
    are in ``.score``."""
    for tf in files:
        tf.run(env_for(tf.name), hidden=False)
    for tf in files:
        env = env_for(tf.name)
        tf.run(env, hidden=True)
        env.charged[tf.name] = any(not r.passed and (r.test_case.points or 0) > 0 for r in tf.test_case_results)
    return files


def cases(tf: JudgedTestFile) -> list[CaseResult]:
    """Each case's result, numbered as the student's notebook numbers them (among the public
    cases, or among the hidden ones)."""
    seen = {False: 0, True: 0}
    found = []
    for r in tf.test_case_results:
        hidden = bool(r.test_case.hidden)
        seen[hidden] += 1
        found.append(
            CaseResult(
                name=r.test_case.name,
                test=r.test_case.body.test_func.__name__,
                hidden=hidden,
                points=float(r.test_case.points or 0),
                passed=bool(r.passed),
                message=r.message,
                number=seen[hidden],
                description=r.test_case.success_message or "",
                evidence=tf.evidence.get(id(r.test_case), {}),
            )
        )
    return found
