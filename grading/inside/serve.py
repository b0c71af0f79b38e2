"""Run a student's notebook, then answer the judge's questions about it (inside the sandbox).

The judge sends the notebook's cells; they run here, one after the other, in one IPython shell, as
in a kernel. Then the judge asks for values (``get``) and calls (``call``) and gets data back
(``grading.wire``). Whatever this process answers is checked by the judge, which never runs
anything that is sent from here.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
import warnings

import numpy as np
import torch
from torch import nn

from .. import wire
from ..wire.messages import MAX_FIGURE_PIXELS, MAX_FIGURES, ErrorType, Event, Op

MAX_MESSAGE_CHARS = 500
FIGURE_SECONDS = 10.0  # drawing a cell's kept figures, at most


class Stopped(BaseException):
    """Raised in a cell or call that ran past its time (a BaseException: `except Exception` keeps it)."""


def _on_alarm(signum, frame):
    raise Stopped("stopped: it ran out of time")


class Handles:
    """Live objects the judge may refer to (functions, classes, modules the student made)."""

    def __init__(self):
        self._by_ref: dict[str, object] = {}
        self._by_id: dict[int, str] = {}

    def ref(self, obj) -> dict:
        key = id(obj)
        if key not in self._by_id:
            ref = f"r{len(self._by_ref) + 1}"
            self._by_ref[ref], self._by_id[key] = obj, ref
        kind = (
            "class"
            if isinstance(obj, type)
            else "function"
            if callable(obj) and not isinstance(obj, nn.Module)
            else "object"
        )
        name = getattr(obj, "__qualname__", None) if kind != "object" else None
        return {
            "$": "ref",
            "id": self._by_id[key],
            "kind": kind,
            "name": str(name if isinstance(name, str) else type(obj).__name__)[:200],
        }

    def get(self, ref: str):
        if ref not in self._by_ref:
            raise LookupError(f"no live object {ref}")
        return self._by_ref[ref]


class Session:
    def __init__(self, sock: socket.socket, shell):
        self.sock, self.shell, self.handles = sock, shell, Handles()
        self.pid = os.getpid()

    def _leave_if_forked(self) -> None:
        """A process the student's code forked must not talk on the judge's channel."""
        if os.getpid() != self.pid:
            os._exit(0)

    # -- notebook

    def run_notebook(self, request: dict, blob: bytes) -> None:
        """Run the cells in order; ``set`` gives values (the reference's results of an earlier
        question, ``grading.judge.checkpoints``) to put in the namespace before a cell."""
        cells, skip = request["cells"], set(request.get("skip", []))
        seed_line = f"{request['seed_variable']} = {int(request['seed'])}\n" if request.get("seed_variable") else ""
        deadline = time.monotonic() + float(request["timeout"])
        before = self._decoder(request, blob).value(request["set"]) if request.get("set") else {}
        drawn = set(request.get("figures", []))  # cells whose figures a TA sees beside a written answer
        errors, stopped, figures = [], None, {}
        for index, source in enumerate(cells):
            self.shell.user_ns.update(before.get(index, {}))
            if index in skip:
                continue
            wire.send(self.sock, {"event": Event.CELL, "index": index})
            left = deadline - time.monotonic()
            if left > 0:
                signal.setitimer(signal.ITIMER_REAL, left)
                try:
                    result = self.shell.run_cell(seed_line + source, store_history=False)
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                self._leave_if_forked()
                error = result.error_in_exec or result.error_before_exec
            if left <= 0 or isinstance(error, Stopped):
                stopped = index  # out of time: the cells after it do not run
                break
            if error is not None:
                errors.append([index, type(error).__name__[:80]])
            if index in drawn:
                figures[str(index)] = _figures(min(FIGURE_SECONDS, max(deadline - time.monotonic(), 0.001)))
                self._leave_if_forked()
            _close_figures()
        encoder = wire.Encoder(prefix="s", on_unknown=_not_data)
        done = {"event": Event.DONE, "errors": errors, "stopped": stopped, "figures": encoder.value(figures)}
        wire.send(self.sock, *encoder.finish(done))

    # -- requests

    def _decoder(self, header: dict, blob: bytes) -> wire.Decoder:
        def on_remote_module(ref, type_name):
            obj = self.handles.get(ref)
            if not isinstance(obj, nn.Module):
                raise wire.ProtocolError(f"{ref} is not a module")
            return obj, True

        return wire.Decoder(header, blob, on_ref=lambda j: self.handles.get(j["id"]), on_remote_module=on_remote_module)

    def answer(self, header: dict, blob: bytes) -> None:
        op = header.get("op")
        try:
            if op == Op.GET:
                name = header.get("name")
                if name not in self.shell.user_ns:
                    raise NameError(f"name {name!r} is not defined")
                value, received = self.shell.user_ns[name], {}
            elif op == Op.CALL:
                decoder = self._decoder(header, blob)
                target = decoder.value(header["target"])
                args = decoder.value(header["args"])
                kwargs = decoder.value(header["kwargs"])
                signal.setitimer(signal.ITIMER_REAL, float(header.get("timeout", 60)))
                try:
                    value = target(*args, **kwargs)
                    if header.get("backward") and isinstance(value, torch.Tensor) and value.requires_grad:
                        value.backward()  # the judge's tensors then come back with their .grad
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                self._leave_if_forked()
                received = decoder.built
            else:
                raise wire.ProtocolError(f"unknown request {op!r}")
        except BaseException as e:  # noqa: BLE001 - anything the student's code raises is an answer
            self._fail(type(e).__name__, e)
            return
        try:
            self._reply(value, received)
        except BaseException as e:  # noqa: BLE001 - what came back cannot be sent as data
            self._fail(ErrorType.UNREADABLE, e)

    def _fail(self, kind: str, e: BaseException) -> None:
        self._leave_if_forked()
        wire.send(self.sock, {"ok": False, "error": {"type": kind[:80], "message": str(e)[:MAX_MESSAGE_CHARS]}})

    def _reply(self, value, received: dict) -> None:
        encoder = wire.Encoder(
            prefix="s", on_unknown=self.handles.ref, known={id(obj): ident for ident, obj in received.items()}
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            encoded = encoder.value(value)
            for obj in wire.updatable(received).values():  # report what the call did to the judge's objects
                if isinstance(obj, torch.Tensor):
                    encoder.tensor(obj)
                elif isinstance(obj, nn.Module):
                    encoder.module(obj, 0)
                elif isinstance(obj, torch.optim.Optimizer):
                    encoder.optimizer(obj, 0)
                elif isinstance(obj, torch.Generator):
                    encoder.generator(obj)
        header, blob = encoder.finish({"ok": True, "value": encoded})
        wire.send(self.sock, header, blob)

    def loop(self) -> None:
        while True:
            try:
                header, blob = wire.receive(self.sock)
            except (EOFError, ConnectionError):
                return
            if header.get("op") == Op.RUN:
                self.run_notebook(header, blob)
            elif header.get("op") == Op.BYE:
                return
            else:
                self.answer(header, blob)


def _not_data(obj) -> dict:
    raise wire.ProtocolError(f"a {type(obj).__name__} is not data")


def _figures(seconds: float) -> list[np.ndarray]:
    """The open figures as RGB pixels (height, width, 3), each at most MAX_FIGURE_PIXELS a side:
    the judge makes the images a TA sees from these numbers, never from a file the notebook wrote."""
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is None:
        return []
    images = []
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        for number in plt.get_fignums()[:MAX_FIGURES]:
            fig = plt.figure(number)
            fig.set_dpi(min(float(fig.dpi), MAX_FIGURE_PIXELS / max(*fig.get_size_inches(), 0.01)))
            fig.canvas.draw()
            rgb = np.asarray(fig.canvas.buffer_rgba())[:, :, :3]
            images.append(np.ascontiguousarray(rgb[:MAX_FIGURE_PIXELS, :MAX_FIGURE_PIXELS]))
    except (Exception, Stopped):  # noqa: BLE001 - a figure that cannot be drawn is left out
        pass
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return images


def _close_figures() -> None:
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close("all")


def make_shell():
    """An IPython shell as a kernel has one, without history on disk."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    config = Config()
    config.HistoryManager.enabled = False
    return InteractiveShell(config=config)


def serve(sock: socket.socket) -> None:
    """Answer on ``sock`` until the judge says bye or hangs up. Output goes nowhere: nothing a
    notebook prints can reach a gradebook."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
    signal.signal(signal.SIGALRM, _on_alarm)
    Session(sock, make_shell()).loop()
