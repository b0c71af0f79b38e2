"""How long training takes, and why it is slow when it is (lecture 5).

On a machine whose cores are busy (a shared server, a laptop running other work) PyTorch's
default of one thread per core makes threads wait for each other: an epoch of 05 took 32 s with
2 threads and 2 to 3 s with one on the course's 2-core machine. ``set_threads(1)`` is also the
grader's setting (and regrades give the same numbers).
"""

from __future__ import annotations

import os
import time

import torch

SLOW_EPOCH_S = 30.0  # an epoch slower than this gets a note naming the likely cause
SMALL_BATCH = 32  # below this, the per-batch overhead dominates an epoch


def set_threads(n: int = 1) -> int:
    """Make PyTorch compute on ``n`` CPU threads; returns how many it used before.

    >>> before = set_threads(1)
    >>> torch.get_num_threads()
    1
    >>> _ = set_threads(before)
    """
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    return before


def _load() -> float | None:
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):  # Windows has no load average
        return None


def slow_epoch_causes(loader=None) -> list[str]:
    """What most often makes an epoch slow, from what this machine and ``loader`` say now."""
    causes = []
    threads, cores, load = torch.get_num_threads(), os.cpu_count() or 1, _load()
    busy = f" (load {load:.1f} on {cores} cores)" if load is not None else ""
    if threads > 1:
        causes.append(
            f"PyTorch uses {threads} CPU threads{busy}: when the cores are busy they wait for each other. "
            "Run su.set_threads(1) and train again (the grader uses one thread too)."
        )
    elif load is not None and load > cores:
        causes.append(f"the machine is busy{busy}: other programs share its cores; close them or expect to wait.")
    batch_size = getattr(loader, "batch_size", None)
    if batch_size is not None and batch_size < SMALL_BATCH:
        causes.append(
            f"the loader gives batches of {batch_size}: {len(loader)} steps an epoch, each with its own overhead "
            "(the question asks for batch_size=128)."
        )
    return causes or ["nothing obvious here: look for work done for every batch that belongs once per epoch."]


class EpochTimer:
    """Prints each epoch's loss and time as it ends, and names the likely cause of a slow one.

    >>> timer = EpochTimer()
    >>> _ = timer.epoch_done(0.5)
    epoch 1: mean training loss 0.5000 (0.0 s; 0 s so far)
    """

    def __init__(self, loader=None, slow_s: float = SLOW_EPOCH_S):
        self.loader, self.slow_s = loader, slow_s
        self.start = self.last = time.perf_counter()
        self.epochs = 0

    @property
    def seconds(self) -> float:
        """From the timer's start to the end of the last epoch."""
        return self.last - self.start

    def epoch_done(self, loss: float) -> float:
        """Call after each epoch with its mean loss; returns how long that epoch took."""
        now = time.perf_counter()
        took, self.last = now - self.last, now
        self.epochs += 1
        print(f"epoch {self.epochs}: mean training loss {loss:.4f} ({took:.1f} s; {self.seconds:.0f} s so far)")
        if took > self.slow_s:
            causes = "\n".join(f"  - {cause}" for cause in slow_epoch_causes(self.loader))
            print(f"That epoch took {took:.0f} s, more than {self.slow_s:.0f} s. Likely:\n{causes}")
        return took
