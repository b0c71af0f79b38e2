"""The course's facts, read where they live: an assignment is its reference notebook
``solutions/<id>.ipynb``, and its grading facts (time limits, data sets, memory) are the notebook's
own ``# COURSE CONFIG`` cell, a raw cell beside otter's ``# ASSIGNMENT CONFIG`` that ``make student``
takes out before otter runs, so students never see it. A notebook without one takes the defaults.

``make student`` writes an assignment's facts into its own zip (``course.json``): nothing here
names an assignment, so adding one never rewrites another's zip. Standard library only at import:
the Makefile asks this module before the venv exists (``python3 -m grading.course ids``).
"""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path

from .layout import ROOT, solution_notebook

KERNEL = "nn-course"  # the Jupyter kernel every notebook names; `make install` puts it in the venv
KERNEL_DISPLAY_NAME = f"Python ({KERNEL})"
CONFIG_MARK = "# COURSE CONFIG"
# What a COURSE CONFIG cell may set, and its value when it does not.
DEFAULTS = {
    "timeout_s": 180.0,  # seconds to run the whole notebook once when grading
    "call_timeout_s": 60.0,  # seconds for one call of a student's function by a test
    "demo_timeout_s": 15.0,  # make demo's limit per notebook: one demo student's cell never ends
    "datasets": [],  # data sets the notebook loads, which Gradescope's image fetches (setup.sh)
    "gradescope_memory_gb": 0.0,  # Gradescope's container memory it needs beyond the default 768 MB, in GB
}


def assignment_ids(root: Path = ROOT) -> tuple[str, ...]:
    """Every reference notebook in ``solutions/``, by name: dropping one there makes an assignment."""
    return tuple(sorted(p.stem for p in (root / "solutions").glob("*.ipynb")))


ASSIGNMENT_IDS = assignment_ids()


def check_id(assignment: str) -> str:
    """Return ``assignment`` if ``solutions/`` holds its notebook, else raise a ValueError saying what does."""
    if assignment not in ASSIGNMENT_IDS:
        raise ValueError(
            f"unknown assignment {assignment!r}: there is no solutions/{assignment}.ipynb "
            f"(the assignments are {', '.join(ASSIGNMENT_IDS) or 'none'})"
        )
    return assignment


def config_cell(nb: dict) -> dict | None:
    """The notebook's COURSE CONFIG cell (a raw cell whose first line is the mark), or None."""
    return next(
        (c for c in nb.get("cells", []) if c.get("cell_type") == "raw" and _text(c).lstrip().startswith(CONFIG_MARK)),
        None,
    )


def parse(text: str) -> dict:
    """A COURSE CONFIG cell's settings over the defaults; a ValueError in one line for a key it does not know
    or a value of the wrong kind."""
    import yaml  # in the venv; only ids and kernel are asked before it exists

    try:
        given = yaml.safe_load(text.split("\n", 1)[1] if "\n" in text else "") or {}
    except yaml.YAMLError as e:
        raise ValueError(f"its COURSE CONFIG cell is not YAML ({str(e).splitlines()[0]})") from None
    if not isinstance(given, dict):
        raise ValueError("its COURSE CONFIG cell must be `key: value` lines")
    unknown = sorted(set(given) - set(DEFAULTS))
    if unknown:
        raise ValueError(f"its COURSE CONFIG cell sets {unknown[0]!r}, not a setting ({', '.join(DEFAULTS)})")
    settings = dict(DEFAULTS)
    for key, value in given.items():
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if isinstance(DEFAULTS[key], float) and number and value >= 0:
            settings[key] = float(value)
        elif isinstance(DEFAULTS[key], list) and isinstance(value, list) and all(isinstance(v, str) for v in value):
            settings[key] = value
        else:
            wanted = "a number, 0 or more" if isinstance(DEFAULTS[key], float) else "a list of names"
            raise ValueError(f"its COURSE CONFIG cell sets {key} to {value!r}; it takes {wanted}")
    return settings


@cache
def facts(assignment: str) -> dict:
    """The grading facts of ``assignment``, from its reference notebook's COURSE CONFIG cell."""
    nb = json.loads(solution_notebook(check_id(assignment)).read_text())
    cell = config_cell(nb)
    try:
        return parse(_text(cell)) if cell else dict(DEFAULTS)
    except ValueError as e:
        raise ValueError(f"solutions/{assignment}.ipynb: {e}") from None


def timeouts(assignment: str) -> tuple[float, float]:
    """(seconds to run the notebook once, seconds for one call by a test) for ``assignment``."""
    f = facts(assignment)
    return f["timeout_s"], f["call_timeout_s"]


def demo_timeout(assignment: str) -> float:
    """Seconds per notebook for ``make demo``'s class of ``assignment``."""
    return facts(assignment)["demo_timeout_s"]


def _text(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


FACTS = {
    "ids": lambda: " ".join(ASSIGNMENT_IDS),
    "kernel": lambda: KERNEL,
    "demo-timeout": lambda a: f"{demo_timeout(a):g}",
}

if __name__ == "__main__":  # python3 -m grading.course ids|kernel|demo-timeout <id>
    print(FACTS[sys.argv[1]](*sys.argv[2:]))
