"""In the student's kernel, Run All on a notebook with answers still to write reaches the end.

A handed-out answer cell holds given lines after the `...` the student replaces
(``summary(lin_model, ...)``, ``print(w_sklearn)``). Run before the answer exists, such a line
raises, and Jupyter's Run All stops there: no later check, no ``check_notebook``, no export.
Here, a top-level statement that reads a name still bound to ``...`` (or a name not defined yet
while some cell run in this kernel still holds a ``...`` to replace) is skipped with one line
saying which answer is missing, and so is the rest of that cell. Everything else runs as written.

Only the student's own kernel does this (``install`` needs IPython and otter's ``Notebook``); the
grader runs cells as written, and the tests judge the same answers either way.
"""

from __future__ import annotations

import ast
import builtins

GUARD = "_student_utils_answered"  # the function the rewritten statements call
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


def _names(node: ast.AST) -> tuple[dict[str, tuple[int, int]], set[str]]:
    """(names read, with where each is first read; names bound) when ``node`` runs now: function
    and lambda bodies run later, so only their decorators and defaults count."""
    read, bound = {}, set()
    todo = [node]
    while todo:
        n = todo.pop()
        if isinstance(n, _SCOPES):
            args = n.args
            todo += [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
            todo += getattr(n, "decorator_list", [])
            if not isinstance(n, ast.Lambda):
                bound.add(n.name)
            continue
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
            read[n.id] = min(read.get(n.id, (n.lineno, n.col_offset)), (n.lineno, n.col_offset))
        elif isinstance(n, ast.Name):
            bound.add(n.id)
        elif isinstance(n, (ast.ClassDef,)):
            bound.add(n.name)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in n.names)
        elif isinstance(n, ast.ExceptHandler) and n.name:
            bound.add(n.name)
        todo.extend(ast.iter_child_nodes(n))
    return read, bound


def is_stub(node: ast.stmt) -> bool:
    """A function handed out unwritten: its body is ``...``, after a docstring if any."""
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    body = node.body[1:] if ast.get_docstring(node) is not None else node.body
    return len(body) == 1 and isinstance(body[0], ast.Expr) and getattr(body[0].value, "value", None) is Ellipsis


def has_placeholder(source: str) -> bool:
    """Whether a cell still holds an answer to write: a statement that is just ``...``, or ``x = ...``."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    return any(
        isinstance(s, (ast.Expr, ast.Assign, ast.AnnAssign))
        and isinstance(s.value, ast.Constant)
        and s.value.value is Ellipsis
        for s in tree.body
    )


def _unpacked(stmt: ast.stmt) -> list[ast.stmt]:
    """``a, b = ...`` (a placeholder for two answers) as ``a = ...`` and ``b = ...``, which run."""
    if (
        isinstance(stmt, ast.Assign)
        and isinstance(stmt.value, ast.Constant)
        and stmt.value.value is Ellipsis
        and all(isinstance(t, ast.Tuple) and all(isinstance(e, ast.Name) for e in t.elts) for t in stmt.targets)
    ):
        names = [e for t in stmt.targets for e in t.elts]
        return [ast.copy_location(ast.Assign(targets=[n], value=ast.Constant(...)), stmt) for n in names]
    return [stmt]


class Guard:
    """The rewrite of every cell and what it needs to know while the cell runs."""

    def __init__(self, namespace: dict):
        self.namespace = namespace
        self.pending: dict[object, bool] = {}  # cell -> still holds a `...`
        self.stubs: set[str] = set()  # functions whose body is still `...`
        self.skipping = False

    def pre_run_cell(self, info) -> None:
        self.skipping = False
        key = getattr(info, "cell_id", None) or info.raw_cell
        self.pending[key] = has_placeholder(info.raw_cell or "")

    def answered(self, names: tuple[str, ...]) -> bool:
        """False (after one line saying why, once per cell) when a name is not answered yet."""
        if self.skipping:
            return False
        for name in names:
            value = self.namespace.get(name, builtins.__dict__.get(name, _UNDEFINED))
            if value is Ellipsis:
                reason = f"`{name}` is still `...`: write that answer, then run this cell again"
            elif name in self.stubs:
                reason = f"the function `{name}` is still `...`: write its body, then run this cell again"
            elif value is _UNDEFINED and any(self.pending.values()):
                reason = f"`{name}` is not defined yet: a `...` in this cell or above is still to be replaced"
            else:
                continue
            self.skipping = True
            print(f"Not run yet: {reason}. (The rest of this cell was skipped.)")
            return False
        return True

    def visit(self, module: ast.Module) -> ast.Module:
        """IPython's AST-transformer hook: guard each top-level statement that reads names."""
        body = []
        for stmt in module.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                (self.stubs.add if is_stub(stmt) else self.stubs.discard)(stmt.name)
        module.body = [new for stmt in module.body for new in _unpacked(stmt)]
        for i, stmt in enumerate(module.body):
            read, bound = _names(stmt)
            names = sorted((name for name in read if name not in bound), key=read.get)
            if not names:
                body.append(stmt)
                continue
            test = ast.Call(func=ast.Name(GUARD, ast.Load()), args=[ast.Constant(tuple(names))], keywords=[])
            if i == len(module.body) - 1 and isinstance(stmt, ast.Expr):
                # still the cell's last expression, so Jupyter shows its value
                stmt.value = ast.IfExp(test=test, body=stmt.value, orelse=ast.Constant(None))
                body.append(stmt)
            else:
                body.append(ast.If(test=test, body=[stmt], orelse=[]))
        module.body = body
        return ast.fix_missing_locations(module)


_UNDEFINED = object()


def install(shell) -> None:
    """Rewrite every later cell of ``shell`` (IPython) with a ``Guard``; once per kernel."""
    if any(isinstance(t, Guard) for t in shell.ast_transformers):
        return
    guard = Guard(shell.user_ns)
    shell.push({GUARD: guard.answered}, interactive=False)
    shell.events.register("pre_run_cell", guard.pre_run_cell)
    shell.ast_transformers.append(guard)
