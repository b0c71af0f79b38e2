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


SHARED = """
import hashlib
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib import _mathtext
from grading.inside import warm_up

def draw():
    fig, ax = plt.subplots()
    ax.plot([0, 1, 2], [-1e3, 0.5, 1e4])
    ax.set_yscale("symlog", linthresh=1.0)
    fig.canvas.draw()
    pixels = hashlib.sha256(bytes(fig.canvas.buffer_rgba())).hexdigest()
    plt.close(fig)
    return pixels

alone = draw()  # matplotlib's own caches only
warm_up.plots()
parsed = []
parse = _mathtext.Parser.parse
_mathtext.Parser.parse = lambda self, s, *rest: parsed.append(s) or parse(self, s, *rest)
print(draw() == alone, parsed)
"""


def test_a_jobs_log_axis_labels_are_parsed_once_for_all_and_drawn_the_same():
    """A new figure's log tick labels come from the warm-up's parse, pixel for pixel as drawn without it."""
    done = subprocess.run([sys.executable, "-c", SHARED], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True []", done.stdout + done.stderr
