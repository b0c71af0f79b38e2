"""What the gradebook needs to know about an autograder zip: its questions and their points."""

from __future__ import annotations

import ast
import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class AutograderInfo:
    path: Path
    questions: dict[str, float]  # question name -> points, in order

    @property
    def max_score(self) -> float:
        return sum(self.questions.values())


def _assigned_constants(source: str) -> dict[str, object]:
    """Top-level ``name = <literal>`` assignments of a test file, read without running it."""
    values = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                values[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                pass
    return values


def read_autograder(path: Path) -> AutograderInfo:
    """List the questions of an otter autograder zip (from its ``tests/*.py``), in natural order."""
    questions = {}
    with zipfile.ZipFile(path) as zf:
        names = sorted(n for n in zf.namelist() if n.startswith("tests/") and n.endswith(".py"))
        for name in names:
            constants = _assigned_constants(zf.read(name).decode("utf-8"))
            questions[str(constants["name"])] = float(constants["points"])
    return AutograderInfo(path=path, questions=questions)
