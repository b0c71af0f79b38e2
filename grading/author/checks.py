"""Authoring mistakes ``make student`` refuses before it writes anything, each said in one line that
names the question and the cell: a test header otter would misread (not YAML, or a key otter
ignores: ``hiden: true`` ships a hidden test to students), a test that takes an argument the
reference never defines (a typo there would blame every student), a bar a hidden test compares with
(a tolerance, a threshold) that the question's own text never states (students are told every bar
they are held to), a ``given`` cell that reads a name the student's cells define (the grader runs
given cells alone), a notebook whose id is written differently in its config or hand-in check, a
COURSE CONFIG setting the course does not know, and, once otter has run, a hidden test among the
student's files."""

from __future__ import annotations

import ast
import builtins
import difflib
import re
import symtable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

from .. import course, written
from ..judge.testfiles import CHARGED
from ..judge.unseen import NAMES as UNSEEN_NAMES
from ..layout import STUDENT_UTILS

# otter 7 (otter/assign/tests_manager.py, TestsManager.read_test) reads these keys of a test header
# and silently ignores any other; its regexes find the header, on a test cell's first line only.
TEST_KEYS = ("hidden", "points", "success_message", "failure_message")
BEGIN_CONFIG = re.compile(r'(?:.\s*=\s*)?""?"?\s*#\s*BEGIN\s*TEST\s*CONFIG', re.IGNORECASE)
END_CONFIG = re.compile(r'""?"?\s*#\s*END\s*TEST\s*CONFIG', re.IGNORECASE)

# Calls whose arguments hold a bar, by keyword and position (None: keyword only). Positions count
# from the first argument of ``torch.allclose(a, b, ...)``; ``a.allclose(b, ...)`` shifts them by one.
TOLERANCES = {
    "allclose": {"rtol": 2, "atol": 3},
    "isclose": {"rtol": 2, "atol": 3, "rel_tol": None, "abs_tol": None},
    "assert_allclose": {"rtol": 2, "atol": 3},
    "assert_close": {"rtol": None, "atol": None},
    "approx": {"rel": 1, "abs": 2},
    "check_close": {"tol": 3},  # student_utils.testing
    "check_threshold": {"threshold": 2},
    "behaves_as": {"tol": 3},
    "built_by": {"tol": 3},
}


def _course_defaults() -> dict[tuple[str, str], float]:
    """The default tolerances of student_utils.testing's helpers (``behaves_as(..., tol=1e-4)``): a
    test that leaves one out still holds students to it. Read from its source, not imported."""
    tree = ast.parse((STUDENT_UTILS / "testing.py").read_text())
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in TOLERANCES:
            args = node.args.args[len(node.args.args) - len(node.args.defaults) :]
            for arg, default in zip(args, node.args.defaults, strict=True):
                if arg.arg in TOLERANCES[node.name] and isinstance(default, ast.Constant):
                    found[node.name, arg.arg] = float(default.value)
    return found


DEFAULTS = _course_defaults()
MODULES = {"torch", "np", "numpy", "math", "pytest", "testing", "su", "student_utils"}
# ``check_thresholds`` / ``failing`` / ``still_charged`` take ``(name, value, threshold, above)`` tuples.
THRESHOLD_LISTS = {"check_thresholds", "failing", "still_charged"}
NUMBER = re.compile(r"(?<![\w.])(\d*\.?\d+(?:[eE][-+]?\d+)?)(\s*%)?")
BEFORE = "(before any question)"
SETTING = re.compile(r"(?<![\w\\])(?!\w*(?:tol|threshold))[A-Za-z_]\w*=$")  # `lr=0.05`: a setting, not a bar


class AuthoringError(ValueError):
    """A mistake in ``solutions/<id>.ipynb``; the message names the question and what to fix."""


@dataclass
class Test:
    question: str
    number: int  # the notebook's cell number, from 1
    source: str
    hidden: bool  # as otter reads the header
    meant_hidden: bool  # also under a misspelt key (`hiden: true`): what the leak check guards
    config: dict = field(default_factory=dict)


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


def _reads(source: str) -> set[str]:
    """The global names a cell reads (at module level, or inside its functions when called)."""
    names: set[str] = set()

    def visit(table: symtable.SymbolTable) -> None:
        for s in table.get_symbols():
            if s.is_referenced() and (s.is_global() if table.get_type() != "module" else not s.is_imported()):
                names.add(s.get_name())
        for child in table.get_children():
            visit(child)

    visit(symtable.symtable(source, "<cell>", "exec"))
    return names


def _config(nb: nbformat.NotebookNode) -> dict:
    first = next((c for c in nb.cells if c.cell_type == "raw" and "# ASSIGNMENT CONFIG" in c.source), None)
    return yaml.safe_load(first.source.replace("# ASSIGNMENT CONFIG", "", 1)) or {} if first else {}


def _boundary(cell, kind: str, end: bool = False) -> bool:
    """otter's block boundary: a raw cell whose first line is ``# BEGIN TESTS`` (any case)."""
    regex = rf"#\s+{'end' if end else 'begin'}\s+{kind}\s*"
    return cell.cell_type == "raw" and bool(re.match(regex, cell.source.split("\n")[0], re.IGNORECASE))


def _header(question: str, number: int, source: str) -> tuple[dict | None, bool]:
    """The test header as otter reads it (None without one), and whether otter hides the test;
    ``AuthoringError`` for a header otter would misread."""
    lines = re.split(r"\r?\n", source)
    if not BEGIN_CONFIG.match(lines[0]):
        if BEGIN_CONFIG.search(source):
            raise AuthoringError(
                f"{question}: the test header of cell {number} is not on the cell's first line, so otter ignores it"
            )
        return None, lines[0].lstrip().startswith("#") and bool(re.search(r"\bhidden\b", lines[0], re.IGNORECASE))
    end = next((i for i, line in enumerate(lines) if END_CONFIG.match(line)), len(lines))
    try:
        config = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 2} of the cell" if mark else "the header"
        problem = getattr(e, "problem", None) or type(e).__name__
        raise AuthoringError(f"{question}: the test header of cell {number} is not YAML ({where}: {problem})") from None
    if not isinstance(config, dict):
        raise AuthoringError(f"{question}: the test header of cell {number} is not `key: value` lines")
    hidden = config.get("hidden", False)
    return config, hidden if isinstance(hidden, bool) else bool(hidden)


def _validate(test: Test) -> None:
    """The header against otter's schema: a key otter ignores, or a value it misreads, is refused."""
    question, number, config = test.question, test.number, test.config
    for key in config:
        if key not in TEST_KEYS:
            close = difflib.get_close_matches(str(key), TEST_KEYS, n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}?" if close else f"it reads {', '.join(TEST_KEYS)}"
            harm = ": otter would ship this test to students" if "hidden" in close else ""
            raise AuthoringError(
                f"{question}: the test header of cell {number} has `{key}`, a key otter ignores ({hint}){harm}"
            )
    if not isinstance(config.get("hidden", False), bool):
        raise AuthoringError(f"{question}: in the test header of cell {number}, `hidden` must be true or false")
    points = config.get("points", 0)
    if isinstance(points, bool) or not isinstance(points, (int, float)) or points < 0:
        raise AuthoringError(f"{question}: in the test header of cell {number}, `points` must be a number, 0 or more")


def _meant_hidden(config: dict | None) -> bool:
    """Hidden, or hidden under a misspelt key: a leak check must not trust the spelling it guards."""
    items = (config or {}).items()
    return any(v is True and difflib.get_close_matches(str(k), ["hidden"], cutoff=0.6) for k, v in items)


def _scan(nb: nbformat.NotebookNode) -> tuple[list[Test], dict[str, str], list[tuple]]:
    """The tests, each question's own text (its markdown up to the next question), and the other code
    cells as ``(question, cell number, cell, names it binds)``."""
    tests, text, code = [], {}, []
    question, in_tests = BEFORE, False
    for number, cell in enumerate(nb.cells, start=1):
        if _boundary(cell, "question"):
            question = (yaml.safe_load(re.sub(r"^.*\n?", "", cell.source, count=1)) or {}).get("name", question)
        in_tests = (in_tests or _boundary(cell, "tests")) and not _boundary(cell, "tests", end=True)
        if cell.cell_type == "markdown":
            text[question] = text.get(question, "") + cell.source + "\n"
        if cell.cell_type != "code":
            continue
        if in_tests or BEGIN_CONFIG.search(cell.source):
            config, hidden = _header(question, number, cell.source)
            tests.append(Test(question, number, cell.source, hidden, hidden or _meant_hidden(config), config or {}))
            continue
        try:
            names = _assigned(ast.parse(_python(cell.source)))
        except SyntaxError as e:
            raise AuthoringError(f"{question}: cell {number} does not parse (line {e.lineno}: {e.msg})") from None
        code.append((question, number, cell, names))
    return tests, text, code


def _variables(test: ast.FunctionDef) -> dict[str, list[ast.AST]]:
    """What each name in a test is set to (``bar = 0.37``; ``lo, hi = 0.1, 0.2``)."""
    found: dict[str, list[ast.AST]] = {}
    for node in ast.walk(test):
        pairs = []
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                    pairs += zip(target.elts, node.value.elts)
                else:
                    pairs.append((target, node.value))
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            pairs.append((node.target, node.value))
        for target, value in pairs:
            if isinstance(target, ast.Name):
                found.setdefault(target.id, []).append(value)
    return found


def _constants(node: ast.AST, variables: dict[str, list[ast.AST]], seen: frozenset = frozenset()) -> list[float]:
    """Numbers a bar is made of: a constant, constants multiplied into it (1e-4 * max(1, x)), or a
    name set to one (``bar = 0.37``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return [abs(float(node.value))]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return _constants(node.operand, variables, seen)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        return _constants(node.left, variables, seen) + _constants(node.right, variables, seen)
    if isinstance(node, ast.Name) and node.id in variables and node.id not in seen:
        return [v for value in variables[node.id] for v in _constants(value, variables, seen | {node.id})]
    return []


def _call_name(call: ast.Call) -> tuple[str, bool]:
    """A call's function name, and whether it is a method (``a.allclose(b)``: one argument fewer)."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id, False
    if isinstance(func, ast.Attribute):
        owner = func.value
        while isinstance(owner, ast.Attribute):
            owner = owner.value
        return func.attr, not (isinstance(owner, ast.Name) and owner.id in MODULES)
    return "", False


def bars(test: ast.FunctionDef) -> list[float]:
    """Every bar a test compares with: constants in an ordering comparison, the tolerances of
    allclose/isclose/check_close/behaves_as (by keyword or position), the thresholds of
    ``check_threshold`` and of ``(name, value, threshold, above)`` tuples, each also through a
    variable (0 and 1 are not bars)."""
    variables = _variables(test)
    values: list[float] = []
    tuples = any(isinstance(n, ast.Call) and _call_name(n)[0] in THRESHOLD_LISTS for n in ast.walk(test)) or any(
        isinstance(n, ast.Name) and n.id in THRESHOLD_LISTS for n in ast.walk(test)
    )
    for node in ast.walk(test):
        if isinstance(node, ast.Compare) and any(isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)) for op in node.ops):
            for side in (node.left, *node.comparators):
                values += _constants(side, variables)
        elif isinstance(node, ast.Call):
            name, method = _call_name(node)
            for keyword, position in TOLERANCES.get(name, {}).items():
                given = [k.value for k in node.keywords if k.arg == keyword]
                if not given and position is not None and len(node.args) > position - method:
                    given = [node.args[position - method]]
                for arg in given:
                    values += _constants(arg, variables)
                if not given and (name, keyword) in DEFAULTS:
                    values.append(DEFAULTS[name, keyword])
        elif (
            tuples
            and isinstance(node, ast.Tuple)
            and len(node.elts) == 4
            and isinstance(node.elts[0], (ast.Constant, ast.JoinedStr))
            and not isinstance(getattr(node.elts[0], "value", ""), (int, float))
        ):
            values += _constants(node.elts[2], variables)
    return [v for v in values if v not in (0, 1)]


def stated(text: str) -> set[float]:
    """The numbers a question's text states (``5%`` states 0.05 too); not a setting such as
    ``lr=0.05``, which says how to train, not what a test holds the result to."""
    text = text.replace(",", "")
    found = set()
    for match in NUMBER.finditer(text):
        if SETTING.search(text[max(0, match.start() - 40) : match.start()]):  # not `atol=1e-3`, nor $a = 1$
            continue
        value = float(match[1])
        found |= {value, value / 100} if match[2] else {value}
    return found


def _stated(value: float, numbers: set[float]) -> bool:
    return any(abs(value - n) <= 1e-9 * max(value, n) for n in numbers)


def check_course(assignment: str, nb: nbformat.NotebookNode) -> None:
    """The notebook's name is its id everywhere it is written: otter's config, the hand-in check;
    its COURSE CONFIG cell holds only settings the course knows (``grading.course``)."""
    named = _config(nb).get("name")
    if named != assignment:
        raise AuthoringError(
            f"its ASSIGNMENT CONFIG says `name: {named}` but the notebook is solutions/{assignment}.ipynb: "
            "make them the same (otter checks every submission against that name)"
        )
    cell = course.config_cell(nb)
    try:
        course.parse(cell.source if cell else f"{course.CONFIG_MARK}\n")
    except ValueError as e:
        raise AuthoringError(str(e)) from None
    for number, c in enumerate(nb.cells, start=1):
        for path in re.findall(r"check_notebook\(\s*[\"']([^\"']*)[\"']", c.source) if c.cell_type == "code" else []:
            if path != f"{assignment}.ipynb":
                raise AuthoringError(
                    f"cell {number} checks {path!r} before hand-in, but students save this notebook as "
                    f"{assignment}.ipynb"
                )


def written_questions(nb: nbformat.NotebookNode) -> list[written.WrittenQuestion]:
    """The notebook's written questions (``grading.written``), each with its prompt, model answer and rubric."""
    try:
        return written.from_reference(nb)
    except ValueError as e:
        raise AuthoringError(str(e)) from None


def check(nb: nbformat.NotebookNode) -> None:
    """Raise ``AuthoringError`` for the first mistake found in a solution notebook."""
    seed = (_config(nb).get("seed") or {}).get("variable")
    tests, text, code = _scan(nb)
    defined = {CHARGED, *UNSEEN_NAMES, *([seed] if seed else [])}
    for _, _, _, names in code:
        defined |= names
    for test in tests:
        _validate(test)
    _check_given(code, seed)
    asked = {name: question for question, _, _, names in reversed(code) for name in names}
    for test in tests:
        for node in ast.parse(_python(test.source)).body:
            if not (isinstance(node, ast.FunctionDef) and node.name.startswith("test")):
                continue
            # Stated where students read about what the bar bounds: the question's text, the text of
            # the questions whose answers the test takes, or the notebook's opening text (its general
            # tolerances), never another question's.
            where = {test.question, BEFORE, *(asked.get(arg.arg, BEFORE) for arg in node.args.args)}
            numbers = stated("\n".join(text.get(q, "") for q in sorted(where)))
            unstated = [v for v in bars(node) if not _stated(v, numbers)] if test.hidden else []
            if unstated:
                raise AuthoringError(
                    f"{test.question}: {node.name} (cell {test.number}) holds students to {unstated[0]:g}, a bar "
                    f"the text of {test.question} never states: say it in the question, or use a stated one"
                )
            for arg in node.args.args:
                if arg.arg not in defined:
                    raise AuthoringError(
                        f"{test.question}: {node.name} (cell {test.number}) takes `{arg.arg}`, which the reference "
                        "notebook never defines: a typo, or a name the question forgot to ask for"
                    )


def _check_given(code: list, seed: str | None) -> None:
    """A given cell runs in the grader with only the given cells before it: a name it reads that
    only the student's cells define is not there (and would be the student's to change)."""
    given_names = {seed} if seed else set()
    student = set()
    for _, _, cell, names in code:
        if "given" not in cell.metadata.get("tags", []):
            student |= names
    for question, number, cell, names in code:
        if "given" not in cell.metadata.get("tags", []):
            continue
        given_names |= names
        missing = sorted((_reads(_python(cell.source)) - given_names - set(dir(builtins))) & student)
        if missing:
            raise AuthoringError(
                f"{question}: cell {number}, tagged `given`, reads `{missing[0]}`, which only the student's cells "
                "define: the grader runs the given cells alone, so compute it in a given cell or untag the cell"
            )


def check_student_tests(nb: nbformat.NotebookNode, tests_dir: Path) -> None:
    """Raise ``AuthoringError`` when the generated student tests (``assignments/<id>/tests``) hold a
    test the reference hides: read from what otter wrote, not from what its header meant to say."""
    shipped = {p.name: ast.parse(p.read_text()) for p in sorted(tests_dir.glob("*.py"))}
    for name, tree in shipped.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and any(
                k.arg == "hidden" and getattr(k.value, "value", None) is True
                for d in node.decorator_list
                if isinstance(d, ast.Call)
                for k in d.keywords
            ):
                raise AuthoringError(f"{Path(name).stem}: the student's tests/{name} holds {node.name}, marked hidden")
    defined = {n.name: name for name, tree in shipped.items() for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    for test in _scan(nb)[0]:
        if not test.meant_hidden:
            continue
        for node in ast.parse(_python(test.source)).body:
            if isinstance(node, ast.FunctionDef) and node.name in defined:
                raise AuthoringError(
                    f"{test.question}: hidden test {node.name} (cell {test.number}) is in the student's "
                    f"tests/{defined[node.name]}: check its header's `hidden: true`"
                )
