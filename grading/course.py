"""The course's own facts, in one home: the assignments, their time limits and data sets, the
kernel the notebooks name, the demo's time limit. Standard library only: the Makefile asks this
module before the venv exists (``python3 -m grading.course ids``).
"""

from __future__ import annotations

import sys

ASSIGNMENT_IDS = (
    "01-gradient-descent",
    "02-tensors",
    "03-trainer",
    "04-bce-classifier",
    "05-fashion-mnist",
)
KERNEL = "nn-course"  # the Jupyter kernel every notebook names; `make install` puts it in the venv
KERNEL_DISPLAY_NAME = f"Python ({KERNEL})"
# Seconds for running a notebook once, and for one call of a student's function by a test.
TIMEOUTS = {"05-fashion-mnist": (600.0, 180.0)}
DEFAULT_TIMEOUTS = (180.0, 60.0)
# `make demo`: one student of each demo class has a cell that never ends, and waits this long; a
# few times what the slowest honest notebook of the class takes to grade (04 and 05 train more).
DEMO_TIMEOUTS = {"04-bce-classifier": 30.0, "05-fashion-mnist": 30.0}
DEFAULT_DEMO_TIMEOUT = 15.0
# Data sets an assignment's notebook loads, which the Gradescope image must fetch (setup.sh).
DATASETS = {"05-fashion-mnist": ["fashion-mnist"]}


def check_id(assignment: str) -> str:
    """Return ``assignment`` if it is a known id, else raise a ValueError listing the known ones."""
    if assignment not in ASSIGNMENT_IDS:
        raise ValueError(f"unknown assignment {assignment!r}; choose one of {', '.join(ASSIGNMENT_IDS)}")
    return assignment


def timeouts(assignment: str) -> tuple[float, float]:
    """(seconds to run the notebook once, seconds for one call by a test) for ``assignment``."""
    return TIMEOUTS.get(check_id(assignment), DEFAULT_TIMEOUTS)


def demo_timeout(assignment: str) -> float:
    """Seconds per notebook for ``make demo``'s class of ``assignment``."""
    return DEMO_TIMEOUTS.get(check_id(assignment), DEFAULT_DEMO_TIMEOUT)


FACTS = {
    "ids": lambda: " ".join(ASSIGNMENT_IDS),
    "kernel": lambda: KERNEL,
    "demo-timeout": lambda a: f"{demo_timeout(a):g}",
}

if __name__ == "__main__":  # python3 -m grading.course ids|kernel|demo-timeout <id>
    print(FACTS[sys.argv[1]](*sys.argv[2:]))
