"""05's epoch timing: one thread on request, and a slow epoch explained by what is true here."""

from __future__ import annotations

import doctest
import time

import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

import student_utils as su
from student_utils import timing


@pytest.fixture
def threads():
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


def _loader(batch_size: int) -> DataLoader:
    return DataLoader(TensorDataset(torch.rand(256, 1, 28, 28), torch.randint(0, 10, (256,))), batch_size=batch_size)


def test_set_threads_sets_them_and_says_what_they_were(threads):
    torch.set_num_threads(2)
    assert su.set_threads(1) == 2 and torch.get_num_threads() == 1
    assert su.set_threads(3) == 1 and torch.get_num_threads() == 3


def test_a_fast_epoch_prints_its_time_and_nothing_else(threads, capsys):
    timer = su.EpochTimer(_loader(128), slow_s=60)
    took = timer.epoch_done(0.25)
    out = capsys.readouterr().out
    assert out == f"epoch 1: mean training loss 0.2500 ({took:.1f} s; {timer.seconds:.0f} s so far)\n"


def test_a_slow_epoch_names_the_threads_when_there_are_several(threads, capsys):
    torch.set_num_threads(2)
    timer = su.EpochTimer(_loader(128), slow_s=0.05)
    time.sleep(0.1)
    took = timer.epoch_done(1.0)
    out = capsys.readouterr().out
    assert took >= 0.1 and f"That epoch took {took:.0f} s" in out
    assert "PyTorch uses 2 CPU threads" in out and "su.set_threads(1)" in out, out
    assert "batches of" not in out, out


def test_a_slow_epoch_with_one_thread_names_a_small_batch(threads, capsys):
    su.set_threads(1)
    loader = _loader(4)
    timer = su.EpochTimer(loader, slow_s=0.05)
    time.sleep(0.1)
    timer.epoch_done(1.0)
    out = capsys.readouterr().out
    assert f"batches of 4: {len(loader)} steps an epoch" in out and "CPU threads" not in out, out


def test_the_epochs_add_up(threads, capsys):
    timer = su.EpochTimer(slow_s=60)
    took = []
    for _ in range(3):
        time.sleep(0.02)
        took.append(timer.epoch_done(0.1))
    assert timer.epochs == 3 and timer.seconds == pytest.approx(sum(took))
    assert capsys.readouterr().out.count("epoch ") == 3


def test_the_examples_in_the_docstrings_hold(threads):
    result = doctest.testmod(timing)
    assert result.attempted > 0 and result.failed == 0, result
