"""The names both sides use on the channels, so neither spells a request or an event by hand.

Judge and job, one frame each way (``frame``):

    judge -> job   {"op": RUN, "cells": [...], "skip": [...], "seed_variable", "seed", "timeout", "set"?, "figures"?}
    job -> judge   {"event": CELL, "index": i} ... then {"event": DONE, "errors": [[i, type]], "stopped": i | None,
                   "figures": {i: [uint8 (height, width, 3)]}} (the cells the RUN's "figures" named)
    judge -> job   {"op": GET, "name": n} | {"op": CALL, "target", "args", "kwargs", "timeout", "backward"}
    job -> judge   {"ok": true, "value": ...} | {"ok": false, "error": {"type": t, "message": m}}
    judge -> job   {"op": BYE}

Judge and zygote, one JSON datagram each way, over a SEQPACKET socket:

    judge -> zygote  {"op": SPAWN, "job": k, "uid": u, "limits": {...}, "cgroups": [...]} + fds
    zygote -> judge  {"event": READY} once, then {"event": SPAWNED, "job": k} / {"event": EXITED, "job": k}
    judge -> zygote  {"op": KILL, "job": k}
"""

from __future__ import annotations

from enum import StrEnum

MAX_FIGURES = 4  # figures of one cell the job sends with DONE ("figures": {cell: [RGB pixels]})
MAX_FIGURE_PIXELS = 1200  # a sent figure's longer side


class Op(StrEnum):
    RUN = "run"
    GET = "get"
    CALL = "call"
    BYE = "bye"
    SPAWN = "spawn"
    KILL = "kill"


class Event(StrEnum):
    ISOLATED = "isolated"  # a new job says what isolation it got, before any student code runs
    CELL = "cell"
    DONE = "done"
    READY = "ready"
    SPAWNED = "spawned"
    EXITED = "exited"


class ErrorType(StrEnum):
    """Error types the job reports that are not the student's own exception names."""

    STOPPED = "Stopped"  # ran past its time
    UNREADABLE = "Unreadable"  # what came back cannot be sent as data
