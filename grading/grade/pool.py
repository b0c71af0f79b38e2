"""JOBS worker processes, each holding one warm judge (``grading.judge.grader.Judge``).

A worker grades submissions of any assignment, one at a time: it loads an autograder once and
keeps its zygote between submissions, so a class run (or a whole test session) pays the start-up
once per worker. The heavy imports happen in the workers, so the process that draws the progress
bar and writes the gradebook stays light.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import traceback
import warnings
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.util import Finalize
from pathlib import Path

from ..host.limits import Limits
from ..judge.grader import Config, Judge
from ..judge.load import Submission
from ..judge.outcome import Row, Status, failed

_judge: Judge | None = None
_startup_error = ""


def _init(config: Config) -> None:
    global _judge, _startup_error
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the TA's run's to handle, not each worker's
    # Last of the worker's exit steps (after the judge's own clean-up): leave without collecting
    # the garbage of torch and the judge, a second or more that the closing run would wait for.
    Finalize(None, _leave_now, exitpriority=-100)
    warnings.simplefilter("ignore")  # tests' own warnings are not the TA's concern
    try:
        _judge = Judge(config)
    except Exception as e:  # noqa: BLE001 - every submission then gets a row saying so
        _startup_error = f"{type(e).__name__}: {e}"
        traceback.print_exc()


def _leave_now() -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _started() -> None:
    """Nothing: submitted once per worker so that all start at once, not one per submission."""


def _grade(sub: Submission, autograder: Path, limits: Limits) -> Row:
    if _judge is None:
        from ..bundle import read_autograder

        return failed(
            sub.name,
            read_autograder(autograder).questions,
            Status.ERROR,
            f"grader could not start ({_startup_error[:300]})",
            cacheable=False,
        )
    return _judge.grade(sub, autograder, limits)


class Graders:
    """Up to ``jobs`` warm judges; ``submit`` grades one submission in whichever is free."""

    def __init__(self, jobs: int, config: Config):
        self.jobs, self.config = max(1, jobs), config
        self._executor = ProcessPoolExecutor(
            max_workers=self.jobs,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init,
            initargs=(config,),
        )
        for _ in range(self.jobs):
            self._executor.submit(_started)

    def submit(self, sub: Submission, autograder: Path, limits: Limits) -> Future:
        """A future row; when a worker has already died (the host killed it), one that says so."""
        try:
            return self._executor.submit(_grade, sub, Path(autograder), limits)
        except BrokenProcessPool as e:
            broken: Future = Future()
            broken.set_exception(e)
            return broken

    def close(self, cancel: bool = False) -> None:
        if cancel:  # stop now: the workers and their sandboxes go with them
            for process in list(getattr(self._executor, "_processes", {}).values()):
                process.terminate()
        self._executor.shutdown(wait=not cancel, cancel_futures=cancel)

    def __enter__(self) -> Graders:
        return self

    def __exit__(self, *exc) -> None:
        self.close(cancel=exc[0] is not None)
