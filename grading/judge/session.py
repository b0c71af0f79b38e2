"""One submission's notebook, running in a sandboxed job, as the judge sees it.

The judge sends the cells, then asks for values and calls functions, each with a time limit.
Every answer is decoded by ``grading.wire`` with full validation. When a cell never ends or kills
its process, the job is replaced by a fresh one that runs the notebook without that cell, so one
bug costs the points of its own question and not the whole notebook.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass, field

from .. import wire
from ..sandbox import Limits, Zygote
from .given import Given
from .remote import Missing, RemoteFunction, RemoteModule, RemoteObject

GRACE_S = 10.0
MAX_RESTARTS = 2
MAX_RECEIVED_BYTES = 2**30  # tensor data read from one run of a notebook: what the judge may hold of it
KNOWN_ERRORS = {"MemoryError": "ran out of memory", "RecursionError": "recursed without end",
                "Stopped": "ran out of time", "BlockingIOError": "could not start more processes"}
# Builtin exceptions a test may catch by type; anything else the student raises arrives as StudentError.
PASSED_THROUGH = {e.__name__: e for e in (RuntimeError, TypeError, ValueError, AttributeError, IndexError,
                                          KeyError, NameError, ZeroDivisionError, NotImplementedError,
                                          AssertionError, LookupError, ArithmeticError, OverflowError)}


class StudentError(Exception):
    """The student's code raised something the judge does not pass through by type."""


class NotAnswering(AssertionError):
    """The job did not answer in time, or is gone; the test that asked fails."""


@dataclass
class Job:
    """One forked job and its channel."""

    job: int
    sock: socket.socket
    isolation: dict = field(default_factory=dict)


@dataclass
class RunReport:
    """What happened while the notebook ran, in the judge's own words (never the student's)."""

    cell_errors: dict[int, str] = field(default_factory=dict)  # cell index -> exception type name
    skipped: dict[int, str] = field(default_factory=dict)  # cell index -> why it was left out
    restarts: int = 0
    isolation: dict = field(default_factory=dict)


class NotebookSession:
    def __init__(self, zygote: Zygote, cells: list[str], seed_variable: str | None, seed: int | None,
                 limits: Limits, uid: int | None, cgroup_factory, before: dict[int, dict] | None = None):
        self.zygote, self.cells, self.limits, self.uid = zygote, cells, limits, uid
        self.before = before or {}  # cell index -> names and values to set before that cell runs
        self.seed_variable, self.seed = seed_variable, seed
        self.cgroup_factory = cgroup_factory  # () -> JobCgroup | None, a fresh one per job
        self.report = RunReport()
        self.job: Job | None = None
        self.cgroup = None
        self.test_budget_end = 0.0
        self.out_of_memory = False
        self._read = Given()  # globals already read that are plain data (get)
        self._received = 0  # bytes of tensor data read from the current job

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
        self.cgroup = self.cgroup_factory()
        fds = self.cgroup.fds() if self.cgroup is not None else {}
        job, sock = self.zygote.spawn(self.uid, fds, address_space=self.cgroup is None)
        sock.settimeout(60)
        header, _ = wire.receive(sock)
        if header.get("event") != "isolated" or not isinstance(header.get("isolation"), dict):
            raise wire.ProtocolError("the job did not report its sandbox")
        self.report.isolation = {k: v for k, v in header["isolation"].items() if isinstance(v, (bool, list))}
        return Job(job, sock, self.report.isolation)

    def _run_once(self) -> tuple[int, str] | None:
        """None when the notebook ran to its end; else (cell, why) for the cell that stopped it."""
        self._stop()
        self.report.cell_errors.clear()
        self._read.clear()
        self._received = 0
        self.job = self._spawn()
        encoder = wire.Encoder(prefix="j", on_unknown=_refuse)
        request = {"op": "run", "cells": self.cells, "skip": sorted(self.report.skipped),
                   "seed_variable": self.seed_variable, "seed": self.seed, "timeout": self.limits.timeout_s}
        if self.before:
            request["set"] = encoder.value(self.before)
        wire.send(self.job.sock, *encoder.finish(request))
        deadline = time.monotonic() + self.limits.timeout_s + GRACE_S
        current = -1
        while True:
            left = deadline - time.monotonic()
            try:
                if left <= 0:
                    raise TimeoutError
                self.job.sock.settimeout(left)
                header, _ = wire.receive(self.job.sock)
            except (TimeoutError, socket.timeout):
                self._stop()
                return current, "ran out of time"
            except (EOFError, ConnectionError, wire.ProtocolError):
                oom = self.cgroup is not None and self.cgroup.oom_killed()
                self.out_of_memory |= oom
                self._stop()
                return current, "ran out of memory" if oom else "ended the notebook's process (it crashed or exited)"
            if header.get("event") == "cell" and type(header.get("index")) is int:
                current = header["index"]
            elif header.get("event") == "done":
                for item in header.get("errors", [])[:1000]:
                    if type(item) is list and len(item) == 2 and type(item[0]) is int and isinstance(item[1], str):
                        self.report.cell_errors[item[0]] = item[1]
                stopped = header.get("stopped")
                return (stopped, "ran out of time") if type(stopped) is int else None
            else:
                self._stop()
                return current, "sent something the grader does not understand"

    def _stop(self) -> None:
        if self.job is not None:
            try:
                wire.send(self.job.sock, {"op": "bye"})
            except OSError:
                pass
            self.zygote.kill(self.job.job)
            self.job.sock.close()
            self.job = None
        if self.cgroup is not None:
            self.out_of_memory |= self.cgroup.oom_killed()
            self.cgroup.close()
            self.cgroup = None

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
            reply = wire.receive(self.job.sock)
        except (TimeoutError, socket.timeout):
            self._stop()
            raise NotAnswering(f"your code did not answer within {timeout:g} s (an endless loop?)") from None
        except (EOFError, ConnectionError, wire.ProtocolError) as e:
            oom = self.cgroup is not None and self.cgroup.oom_killed()
            self.out_of_memory |= oom
            self._stop()
            why = "it ran out of memory" if oom else "it crashed or exited" if not isinstance(e, wire.ProtocolError) \
                else "it sent something that is not valid data"
            raise NotAnswering(f"your notebook's process stopped answering: {why}") from None
        self._received += len(reply[1])
        if self._received > MAX_RECEIVED_BYTES:
            raise NotAnswering(f"not read: your notebook's answers hold more than {MAX_RECEIVED_BYTES >> 20} MiB "
                               "of tensors in all")
        return reply

    def _decoder(self, header: dict, blob: bytes, sent: dict, stand_ins: list) -> wire.Decoder:
        def on_ref(j):
            stand_ins.append(j["id"])
            if j["kind"] == "object":
                return RemoteObject(self, j["id"], j["name"])
            return RemoteFunction(self, j["id"], j["name"], j["kind"])

        def on_remote_module(ref, name):
            stand_ins.append(ref)
            return RemoteModule(self, ref, name), False

        return wire.Decoder(header, blob, on_ref=on_ref, sent=sent, on_remote_module=on_remote_module)

    def _answer(self, header: dict, blob: bytes, sent: dict, stand_ins: list | None = None):
        if header.get("ok") is True:
            decoder = self._decoder(header, blob, sent, stand_ins if stand_ins is not None else [])
            value = decoder.value(header.get("value"))
            decoder.everything_sent()
            return value
        error = header.get("error") if isinstance(header.get("error"), dict) else {}
        kind, message = str(error.get("type", "Exception"))[:80], str(error.get("message", ""))[:500]
        if kind == "Stopped":
            raise NotAnswering("your code ran out of time and was stopped")
        if kind == "Unreadable":
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
            header, blob = self._request({"op": "get", "name": name}, b"", self.limits.call_timeout_s)
        except NotAnswering as e:
            return Missing(name, str(e))
        if header.get("ok") is not True and isinstance(header.get("error"), dict) \
                and header["error"].get("type") == "NameError":
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
        model trained in place, a tensor updated in place)."""
        encoder = wire.Encoder(prefix="j", on_unknown=_refuse)
        request = {"op": "call", "timeout": self.limits.call_timeout_s, "backward": backward,
                   "target": target.wire_ref() if isinstance(target, RemoteFunction) else encoder.value(target),
                   "args": encoder.value(list(args)), "kwargs": encoder.value(dict(kwargs))}
        header, blob = encoder.finish(request)
        sent = encoder.objects()  # before the call: what the student's code may change is decided on our copies
        reply, reply_blob = self._request(header, blob, self.limits.call_timeout_s)
        try:
            return self._answer(reply, reply_blob, wire.updatable(sent))
        except wire.ProtocolError as e:
            raise AssertionError(f"the grader could not read what your code returned: {e}") from None


def _refuse(obj) -> dict:
    """What the judge may send besides data: only the student's own things, back to them."""
    if isinstance(obj, (RemoteFunction, RemoteObject)):
        return obj.wire_ref()
    if isinstance(obj, RemoteModule):
        return obj.wire_ref()
    raise wire.ProtocolError(f"a test tried to send a {type(obj).__name__}, which is not data")


def describe_errors(report: RunReport, out_of_memory: bool = False) -> list[str]:
    """Notes for the gradebook, from fixed texts only."""
    notes = [f"cell {i + 1} {why} and was left out; the rest was graded" for i, why in sorted(report.skipped.items())]
    if out_of_memory and not any("memory" in why for why in report.skipped.values()):
        notes.append("a process of the notebook ran out of memory and was killed")
    for i, kind in sorted(report.cell_errors.items()):
        if kind in KNOWN_ERRORS and i not in report.skipped:
            notes.append(f"cell {i + 1} {KNOWN_ERRORS[kind]} (scores kept for what ran)")
    return notes
