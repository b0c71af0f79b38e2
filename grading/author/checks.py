"""Authoring mistakes ``make student`` refuses before it writes anything, each said in one line that
names the question: a test header that is not YAML, a test that takes an argument the reference
notebook never defines (a typo there would blame every student: "`count_param` is not defined in
your notebook"), and a bar a hidden test compares with (a tolerance, a threshold) that the
notebook's text never states (students are told every bar they are held to)."""

from __future__ import annotations

import ast
import re

import nbformat
import yaml

from ..judge.testfiles import CHARGED
from ..judge.unseen import NAMES as UNSEEN_NAMES

THRESHOLD_CALLS = {"check_threshold": 2, "check_close": 3}  # student_utils.testing: the argument that holds the bar
NUMBER = re.compile(r"(?<![\w.])\d*\.?\d+(?:[eE][-+]?\d+)?")
HEADER = re.compile(r'^"""\s*# BEGIN TEST CONFIG\n(?P<yaml>.*?)^"""\s*# END TEST CONFIG', re.MULTILINE | re.DOTALL)


class AuthoringError(ValueError):
    """A mistake in ``solutions/<id>.ipynb``; the message names the question and what to fix."""


def _python(source: str) -> str:
    """A cell's source with IPython's ``%`` and ``!`` lines blanked, so ``ast`` can read the rest."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def _assigned(tree: ast.Module) -> set[str]:
    """The names a cell binds at module level."""
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        else:
            for sub in ast.walk(node):
                if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                    names.add(sub.id)
    return names


def _config(nb: nbformat.NotebookNode) -> dict:
    first = next((c for c in nb.cells if c.cell_type == "raw" and "# ASSIGNMENT CONFIG" in c.source), None)
    return yaml.safe_load(first.source.replace("# ASSIGNMENT CONFIG", "", 1)) or {} if first else {}


def _constants(node: ast.AST) -> list[float]:
    """Numbers a bar is made of: a constant, or constants multiplied into it (1e-4 * max(1, x))."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return [abs(float(node.value))]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return _constants(node.operand)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        return _constants(node.left) + _constants(node.right)
    return []


def bars(test: ast.FunctionDef) -> list[float]:
    """Every bar a test compares with: constants in an ordering comparison, ``atol``/``rtol``, and
    the thresholds given to ``check_threshold`` / ``check_close`` (0 and 1 are not bars)."""
    values = []
    for node in ast.walk(test):
        if isinstance(node, ast.Compare) and any(isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)) for op in node.ops):
            for side in (node.left, *node.comparators):
                values += _constants(side)
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name in THRESHOLD_CALLS and len(node.args) > THRESHOLD_CALLS[name]:
                values += _constants(node.args[THRESHOLD_CALLS[name]])
            values += [v for k in node.keywords if k.arg in ("atol", "rtol") for v in _constants(k.value)]
    return [v for v in values if v not in (0, 1)]


def _stated(value: float, numbers: set[float]) -> bool:
    return any(abs(value - n) <= 1e-9 * max(value, n) for n in numbers)


def check(nb: nbformat.NotebookNode) -> None:
    """Raise ``AuthoringError`` for the first mistake found in a solution notebook."""
    seed = (_config(nb).get("seed") or {}).get("variable")
    defined = {CHARGED, *UNSEEN_NAMES, *([seed] if seed else [])}
    tests = []  # (question, cell number, source, hidden)
    prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown").replace(",", "")
    stated = {float(n) for n in NUMBER.findall(prose)}
    question = "(before any question)"
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "raw" and cell.source.startswith("# BEGIN QUESTION"):
            question = (yaml.safe_load(cell.source.replace("# BEGIN QUESTION", "", 1)) or {}).get("name", question)
        if cell.cell_type != "code":
            continue
        header = HEADER.search(cell.source)
        if header:
            try:
                config = yaml.safe_load(header["yaml"]) or {}
            except yaml.YAMLError as e:
                mark = getattr(e, "problem_mark", None)
                where = f"line {mark.line + 2} of the cell" if mark else "the header"
                problem = getattr(e, "problem", None) or type(e).__name__
                raise AuthoringError(
                    f"{question}: the test header of cell {number} is not YAML ({where}: {problem})"
                ) from None
            tests.append((question, number, cell.source, isinstance(config, dict) and config.get("hidden") is True))
            continue
        try:
            defined |= _assigned(ast.parse(_python(cell.source)))
        except SyntaxError as e:
            raise AuthoringError(f"{question}: cell {number} does not parse (line {e.lineno}: {e.msg})") from None
    for question, number, source, hidden in tests:
        for node in ast.parse(_python(source)).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
                unstated = [v for v in bars(node) if not _stated(v, stated)] if hidden else []
                if unstated:
                    raise AuthoringError(
                        f"{question}: {node.name} (cell {number}) holds students to {unstated[0]:g}, a bar the "
                        "notebook's text never states: say it in the question, or use a stated one"
                    )
                for arg in node.args.args:
                    if arg.arg not in defined:
                        raise AuthoringError(
                            f"{question}: {node.name} (cell {number}) takes `{arg.arg}`, which the reference "
                            "notebook never defines: a typo, or a name the question forgot to ask for"
                        )
