"""One submission's notebook, running in a sandboxed job, as the judge sees it.

The judge sends the cells, then asks for values and calls functions, each with a time limit.
Every answer is decoded by ``grading.wire`` with full validation. When a cell never ends or kills
its process, the job is replaced by a fresh one that runs the notebook without that cell, so one
bug costs the points of its own question and not the whole notebook. Every job gets a uid and a
cgroup of its own, and when it ends, every process of it is gone before the uid is leased again.
"""

from __future__ import annotations

import itertools
import os
import socket
import time
from dataclasses import dataclass, field

import numpy as np

from .. import wire
from ..host import cgroups
from ..host.limits import Limits
from ..host.uids import Lease, UidPool
from ..host.zygote import Zygote
from ..wire.messages import MAX_FIGURE_PIXELS, MAX_FIGURES, ErrorType, Event, Op
from . import evidence
from .given import Given
from .outcome import KNOWN_ERRORS, Stop
from .remote import Missing, RemoteFunction, RemoteModule, RemoteObject, stand_in

GRACE_S = 10.0
ISOLATION_TIMEOUT_S = 60.0
MAX_RESTARTS = 2
_CGROUP_NUMBERS = itertools.count(1)  # one cgroup per job, named by the judge's pid and this
MAX_RECEIVED_BYTES = 2**30  # tensor data read from one run of a notebook: what the judge may hold of it
# Builtin exceptions a test may catch by type; anything else the student raises arrives as StudentError.
PASSED_THROUGH = {
    e.__name__: e
    for e in (
        RuntimeError,
        TypeError,
        ValueError,
        AttributeError,
        IndexError,
        KeyError,
        NameError,
        ZeroDivisionError,
        NotImplementedError,
        AssertionError,
        LookupError,
        ArithmeticError,
        OverflowError,
    )
}


class StudentError(Exception):
    """The student's code raised something the judge does not pass through by type."""


class NotAnswering(AssertionError):
    """The job did not answer in time, or is gone; the test that asked fails."""


@dataclass
class Job:
    """One forked job, its channel, and what it holds of the host (uid, cgroup)."""

    job: int
    sock: socket.socket
    lease: Lease | None
    cgroup: cgroups.JobCgroup | None


@dataclass
class RunReport:
    """What happened while the notebook ran, in the judge's own words (never the student's)."""

    cell_errors: dict[int, str] = field(default_factory=dict)  # cell index -> exception type name
    skipped: dict[int, Stop] = field(default_factory=dict)  # cell index -> why it was left out
    restarts: int = 0
    isolation: dict = field(default_factory=dict)

    @property
    def timed_out(self) -> bool:
        return Stop.TIMEOUT in self.skipped.values() or ErrorType.STOPPED in self.cell_errors.values()


class NotebookSession:
    def __init__(
        self,
        zygote: Zygote,
        cells: list[str],
        seed_variable: str | None,
        seed: int | None,
        limits: Limits,
        uids: UidPool | None,
        before: dict[int, dict] | None = None,
        drawn: frozenset[int] = frozenset(),
    ):
        self.zygote, self.cells, self.limits, self.uids = zygote, cells, limits, uids
        self.before = before or {}  # cell index -> names and values to set before that cell runs
        self.drawn = drawn  # cells whose figures a TA sees beside a written answer
        self.figures: dict[int, list[np.ndarray]] = {}  # what those cells drew (RGB pixels), as the run left them
        self.seed_variable, self.seed = seed_variable, seed
        self.report = RunReport()
        self.job: Job | None = None
        self.test_budget_end = 0.0
        self.out_of_memory = False
        self._read = Given()  # globals already read that are plain data (get)
        self._received = 0  # bytes of tensor data read from the current job
        self.calls: list[tuple[str, str]] = []  # (what was called, what it answered), for ``evidence``

    # -- running the notebook

    def start(self) -> None:
        """Run the notebook; when a cell runs out of time or kills the job, run it again without
        that cell (at most MAX_RESTARTS times), then keep what ran for the tests."""
        while True:
            outcome = self._run_once()
            if outcome is None:
                break
            index, why = outcome
            self.report.skipped[index] = why
            if self.report.restarts >= MAX_RESTARTS:
                break  # a job still alive (stopped by its own time limit) keeps what it defined
            self.report.restarts += 1
        self.test_budget_end = time.monotonic() + self.limits.timeout_s

    def _spawn(self) -> Job:
        lease = self.uids.lease() if self.uids is not None else None
        cgroup = None
        if cgroups.version() is not None:
            limits, name = self.limits, f"nn-course-{os.getpid()}-{next(_CGROUP_NUMBERS)}"
            cgroup = cgroups.JobCgroup(name, limits.memory_bytes, limits.processes, limits.cpus)
        fds = cgroup.fds() if cgroup is not None else {}
        try:
            job, sock = self.zygote.spawn(lease.uid if lease else None, fds, self.limits.job(cgroup is None))
        except BaseException:
            self._release(lease, cgroup)
            raise
        self.job = Job(job, sock, lease, cgroup)
        header, _ = wire.receive(sock, timeout=ISOLATION_TIMEOUT_S)
        if header.get("event") != Event.ISOLATED or not isinstance(header.get("isolation"), dict):
            raise wire.ProtocolError("the job did not report its sandbox")
        self.report.isolation = {k: v for k, v in header["isolation"].items() if isinstance(v, (bool, list))}
        return self.job

    def _run_once(self) -> tuple[int, Stop] | None:
        """None when the notebook ran to its end; else (cell, why) for the cell that stopped it."""
        self._stop()
        self.report.cell_errors.clear()
        self._read.clear()
        self._received = 0
        job = self._spawn()
        encoder = wire.Encoder(prefix="j", on_unknown=_refuse)
        request = {
            "op": Op.RUN,
            "cells": self.cells,
            "skip": sorted(self.report.skipped),
            "seed_variable": self.seed_variable,
            "seed": self.seed,
            "timeout": self.limits.timeout_s,
        }
        if self.before:
            request["set"] = encoder.value(self.before)
        if self.drawn:
            request["figures"] = sorted(self.drawn)
        wire.send(job.sock, *encoder.finish(request))
        deadline = time.monotonic() + self.limits.timeout_s + GRACE_S
        current = -1
        while True:
            try:
                header, blob = wire.receive(job.sock, timeout=max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                self._stop()
                return current, Stop.TIMEOUT
            except (EOFError, ConnectionError, wire.ProtocolError):
                return current, self._lost()
            if header.get("event") == Event.CELL and type(header.get("index")) is int:
                current = header["index"]
            elif header.get("event") == Event.DONE:
                for item in header.get("errors", [])[:1000]:
                    if type(item) is list and len(item) == 2 and type(item[0]) is int and isinstance(item[1], str):
                        self.report.cell_errors[item[0]] = item[1]
                stopped = header.get("stopped")
                self.figures = self._figures(header, blob)
                return (stopped, Stop.TIMEOUT) if type(stopped) is int else None
            else:
                self._stop()
                return current, Stop.GARBAGE

    def _figures(self, header: dict, blob: bytes) -> dict[int, list[np.ndarray]]:
        """The figures of the cells asked for, each an RGB image no larger than the job may send;
        anything else is dropped (a figure is shown to a TA, never scored)."""
        if not self.drawn or "figures" not in header:
            return {}
        try:
            decoder = wire.Decoder(header, blob, on_ref=_not_data, on_remote_module=_not_data)
            sent = decoder.value(header["figures"])
        except wire.ProtocolError:
            return {}
        kept = {}
        for key, images in sent.items() if isinstance(sent, dict) else ():
            if _is_index(key) and int(key) in self.drawn and isinstance(images, list):
                kept[int(key)] = [a for a in images[:MAX_FIGURES] if _is_image(a)]
        return kept

    def _lost(self) -> Stop:
        """The job's channel broke: why (its memory ran out, or it crashed), after stopping it."""
        oom = self.job is not None and self.job.cgroup is not None and self.job.cgroup.oom_killed()
        self._stop()
        return Stop.MEMORY if oom else Stop.CRASH

    def _stop(self) -> None:
        """End the current job: every process of it, its cgroup, then its uid."""
        if self.job is None:
            return
        job, self.job = self.job, None
        try:
            wire.send(job.sock, {"op": Op.BYE})
        except OSError:
            pass
        if job.cgroup is not None:
            self.out_of_memory |= job.cgroup.oom_killed()
        self.zygote.kill(job.job, then=lambda: self._release(job.lease, job.cgroup))
        job.sock.close()

    @staticmethod
    def _release(lease: Lease | None, cgroup) -> None:
        if cgroup is not None:
            cgroup.close()
        if lease is not None:
            lease.release()

    def close(self) -> None:
        self._stop()

    # -- questions from the tests

    def _request(self, header: dict, blob: bytes, timeout: float) -> tuple[dict, bytes]:
        if self.job is None:
            if self.report.restarts >= MAX_RESTARTS or time.monotonic() >= self.test_budget_end:
                raise NotAnswering("not checked: your notebook's process had to be stopped too often")
            self.report.restarts += 1
            if self._run_once() is not None or self.job is None:
                raise NotAnswering("not checked: your notebook could not be run again")
        left = min(timeout + GRACE_S, self.test_budget_end - time.monotonic())
        try:
            if left <= 0:
                raise TimeoutError
            self.job.sock.settimeout(left)
            wire.send(self.job.sock, header, blob)
            reply = wire.receive(self.job.sock, timeout=left)
        except TimeoutError:
            self._stop()
            raise NotAnswering(f"your code did not answer within {timeout:g} s (an endless loop?)") from None
        except (EOFError, ConnectionError, wire.ProtocolError) as e:
            why = (
                "it sent something that is not valid data"
                if isinstance(e, wire.ProtocolError)
                else "it ran out of memory"
                if self._lost() is Stop.MEMORY
                else "it crashed or exited"
            )
            self._stop()
            raise NotAnswering(f"your notebook's process stopped answering: {why}") from None
        self._received += len(reply[1])
        if self._received > MAX_RECEIVED_BYTES:
            raise NotAnswering(
                f"not read: your notebook's answers hold more than {MAX_RECEIVED_BYTES >> 20} MiB of tensors in all"
            )
        return reply

    def _decoder(self, header: dict, blob: bytes, sent: dict, stand_ins: list) -> wire.Decoder:
        def on_ref(j):
            stand_ins.append(j["id"])
            if j["kind"] == "object":
                return stand_in(RemoteObject, j["name"], self, j["id"], j["name"])
            kernel_name = "type" if j["kind"] == "class" else "function"
            return stand_in(RemoteFunction, kernel_name, self, j["id"], j["name"], j["kind"])

        def on_remote_module(ref, name):
            stand_ins.append(ref)
            return stand_in(RemoteModule, name, self, ref, name), False

        return wire.Decoder(header, blob, on_ref=on_ref, sent=sent, on_remote_module=on_remote_module)

    def _answer(self, header: dict, blob: bytes, sent: dict, stand_ins: list | None = None):
        if header.get("ok") is True:
            decoder = self._decoder(header, blob, sent, stand_ins if stand_ins is not None else [])
            value = decoder.value(header.get("value"))
            decoder.everything_sent()
            return value
        error = header.get("error") if isinstance(header.get("error"), dict) else {}
        kind, message = str(error.get("type", "Exception"))[:80], str(error.get("message", ""))[:500]
        if kind == ErrorType.STOPPED:
            raise NotAnswering("your code ran out of time and was stopped")
        if kind == ErrorType.UNREADABLE:
            raise AssertionError(f"the grader could not read what your code returned: {message}")
        cls = PASSED_THROUGH.get(kind, StudentError)
        raise cls(f"your code raised {kind}: {message}")

    def get(self, name: str):
        """The value of a global of the notebook, as data (or a stand-in); Missing if undefined.

        A global that is plain data is read once, as the notebook left it, and each test gets its
        own copy (as with the given data): a test's calls cannot change what the next test reads,
        and a data set crosses the channel once, not once per test."""
        if name in self._read:
            return self._read[name]
        try:
            header, blob = self._request({"op": Op.GET, "name": name}, b"", self.limits.call_timeout_s)
        except NotAnswering as e:
            return Missing(name, str(e))
        if (
            header.get("ok") is not True
            and isinstance(header.get("error"), dict)
            and header["error"].get("type") == "NameError"
        ):
            return Missing(name, "run every cell, in order, before you hand in")
        stand_ins: list = []
        try:
            value = self._answer(header, blob, {}, stand_ins)
        except wire.ProtocolError as e:
            return Missing(name, f"the grader could not read it: {e}")
        except Exception as e:  # noqa: BLE001 - the student's object refused to be read
            return Missing(name, f"the grader could not read it: {e}")
        if stand_ins:  # it lives in the sandbox: read it anew each time
            return value
        self._read[name] = value
        return self._read[name]

    def call(self, target, args: tuple, kwargs: dict, backward: bool = False):
        """Call a student's function, class or module with the judge's data; returns data.

        The judge's objects among the arguments come back changed as the call changed them (a
        model trained in place, a tensor updated in place); the callee itself never does (a
        module's ``forward`` that changes its own layers changes only the sandbox's copy)."""
        encoder = wire.Encoder(prefix="j", on_unknown=_refuse)
        request = {
            "op": Op.CALL,
            "timeout": self.limits.call_timeout_s,
            "backward": backward,
            "args": encoder.value(list(args)),
            "kwargs": encoder.value(dict(kwargs)),
        }
        passed = encoder.objects()  # what the student's code may change is decided on the arguments' copies
        request["target"] = target.wire_ref() if isinstance(target, RemoteFunction) else encoder.value(target)
        header, blob = encoder.finish(request)
        name = getattr(target, "_name", None) or getattr(target, "_type_name", "?")
        try:
            reply, reply_blob = self._request(header, blob, self.limits.call_timeout_s)
            value = self._answer(reply, reply_blob, wire.updatable(passed))
        except NotAnswering:
            self.calls.append((name, "did not answer"))
            raise
        except wire.ProtocolError as e:
            self.calls.append((name, "answered what is not data"))
            raise AssertionError(f"the grader could not read what your code returned: {e}") from None
        except Exception as e:
            self.calls.append((name, evidence.describe_error(e)))
            raise
        self.calls.append((name, evidence.describe(value)))
        return value


def _is_index(key) -> bool:
    return isinstance(key, str) and key.isascii() and key.isdigit() and len(key) < 10


def _is_image(a) -> bool:
    return (
        isinstance(a, np.ndarray)
        and a.dtype == np.uint8
        and a.ndim == 3
        and a.shape[2] == 3
        and 0 < a.shape[0] <= MAX_FIGURE_PIXELS
        and 0 < a.shape[1] <= MAX_FIGURE_PIXELS
    )


def _not_data(*args):
    raise wire.ProtocolError("only pixels may come back with a figure")


def _refuse(obj) -> dict:
    """What the judge may send besides data: only the student's own things, back to them."""
    if isinstance(obj, (RemoteFunction, RemoteObject, RemoteModule)):
        return obj.wire_ref()
    raise wire.ProtocolError(f"a test tried to send a {type(obj).__name__}, which is not data")


def describe_errors(report: RunReport, out_of_memory: bool = False) -> list[str]:
    """Notes for the gradebook, from fixed texts only."""
    notes = [f"cell {i + 1} {why} and was left out; the rest was graded" for i, why in sorted(report.skipped.items())]
    if out_of_memory and Stop.MEMORY not in report.skipped.values():
        notes.append("a process of the notebook ran out of memory and was killed")
    for i, kind in sorted(report.cell_errors.items()):
        if kind in KNOWN_ERRORS and i not in report.skipped:
            notes.append(f"cell {i + 1} {KNOWN_ERRORS[kind]} (scores kept for what ran)")
    return notes
