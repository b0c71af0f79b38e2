"""The zygote's warm-up pays, once, what every job would otherwise pay on first use
(``grading.inside.warm_up``): checked in a fresh interpreter, where nothing else paid it first."""

from __future__ import annotations

import subprocess
import sys

import pytest

from grading.layout import ROOT

pytestmark = pytest.mark.sandbox  # the zygote's start-up, in a fresh interpreter (5 s): make test, not test-fast

CHECK = """
import sys
import matplotlib
matplotlib.use("Agg")
from matplotlib.mathtext import MathTextParser
from grading.inside import warm_up
assert "torch._dynamo" not in sys.modules and MathTextParser._parser is None
warm_up.optimizers()
warm_up.plots()
print("torch._dynamo" in sys.modules, MathTextParser._parser is not None)
"""


def test_the_first_optimizer_and_the_mathtext_parser_are_paid_for():
    done = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "True"], done.stdout + done.stderr
