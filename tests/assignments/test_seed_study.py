"""Many-seed study (slow): the reference passes every training-based check for 20 autograder seeds.

Run with `make test-slow`; the script prints the failure rate and the margin to each threshold."""

import subprocess
import sys

import pytest

from grading.layout import ROOT


@pytest.mark.slow
def test_reference_passes_for_twenty_seeds(assignment):
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "seed_study.py"), assignment, "--seeds", "20"],
        capture_output=True,
        text=True,
    )
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
