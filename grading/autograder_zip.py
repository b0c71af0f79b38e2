"""What the gradebook needs to know about an autograder zip: its questions and their points."""

from __future__ import annotations

import ast
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class AutograderInfo:
    path: Path
    name: str  # the assignment name otter checks notebooks against
    questions: dict[str, float]  # question name -> points, in order
    hidden_cases: dict[str, list[bool]]  # question name -> hidden flag of each test case, in order

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


def _hidden_flags(source: str) -> list[bool]:
    """``hidden=`` of each ``@test_case(...)`` in a test file, in order."""
    flags = []
    for node in ast.parse(source).body:
        for deco in getattr(node, "decorator_list", []):
            if isinstance(deco, ast.Call) and getattr(deco.func, "id", None) == "test_case":
                hidden = [k.value for k in deco.keywords if k.arg == "hidden"]
                flags.append(bool(hidden and ast.literal_eval(hidden[0])))
    return flags


def read_autograder(path: Path) -> AutograderInfo:
    """List the questions of an otter autograder zip (from its ``tests/*.py``), in natural order."""
    questions, hidden = {}, {}
    with zipfile.ZipFile(path) as zf:
        assignment = json.loads(zf.read("otter_config.json"))["assignment_name"]
        names = sorted(n for n in zf.namelist() if n.startswith("tests/") and n.endswith(".py"))
        for name in names:
            source = zf.read(name).decode("utf-8")
            constants = _assigned_constants(source)
            questions[str(constants["name"])] = float(constants["points"])
            hidden[str(constants["name"])] = _hidden_flags(source)
    return AutograderInfo(path=path, name=assignment, questions=questions, hidden_cases=hidden)
