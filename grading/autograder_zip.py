"""An autograder's files, read without running them: its questions, points, seed and tests.

The same bundle is a zip for ``make grade`` and an unpacked folder on Gradescope
(``/autograder/source``).
"""

from __future__ import annotations

import ast
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path


class Bundle:
    """Files of an autograder, by their path inside it (``tests/q1.py``, ``given.py``, ...)."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def names(self) -> list[str]:
        if self.path.is_dir():
            return sorted(p.relative_to(self.path).as_posix() for p in self.path.rglob("*") if p.is_file())
        with zipfile.ZipFile(self.path) as zf:
            return sorted(zf.namelist())

    def read(self, name: str) -> bytes:
        if self.path.is_dir():
            return (self.path / name).read_bytes()
        with zipfile.ZipFile(self.path) as zf:
            return zf.read(name)

    def tests(self) -> dict[str, str]:
        """``tests/qN.py`` sources by path, in question order."""
        names = [n for n in self.names() if n.startswith("tests/") and n.endswith(".py")]
        return {n: self.read(n).decode() for n in sorted(names, key=_natural)}

    def config(self) -> dict:
        return json.loads(self.read("otter_config.json"))


def _natural(name: str) -> tuple:
    stem = Path(name).stem
    digits = "".join(c for c in stem if c.isdigit())
    return (stem.rstrip("0123456789"), int(digits) if digits else 0)


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
    """List the questions of an autograder (zip or folder) from its ``tests/*.py``, in order."""
    bundle = Bundle(path)
    questions, hidden = {}, {}
    for source in bundle.tests().values():
        constants = _assigned_constants(source)
        questions[str(constants["name"])] = float(constants["points"])
        hidden[str(constants["name"])] = _hidden_flags(source)
    return AutograderInfo(path=Path(path), name=bundle.config()["assignment_name"], questions=questions,
                          hidden_cases=hidden)
