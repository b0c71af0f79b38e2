"""A cell's code in one spelling, for ``similarity``'s second fingerprint: what a copier can change
without changing what the code does is undone here, so that it hides nothing.

Parentheses, layout and comments never reach the AST; docstrings, ``pass``, no-op expression lines,
``print`` calls, code after a ``return`` (``raise``, ``break``, ``continue``), ``if False:`` blocks
and locals a function never reads are dropped; ``x += y`` is ``x = x + y``; a list comprehension
assigned to a name is the loop that appends; a ``while`` over a counter is the ``for`` over a
``range``; ``x.sum()``, ``torch.sum(x)`` and ``np.sum(x)`` are one call, ``torch.add(a, b)`` is
``a + b``, and a few synonyms (``view``/``reshape``, ``item``/``float``, ``size(0)``/``shape[0]``/
``len``) are one name. Every local name is ``N`` and every literal ``L``, as in the token fingerprint.
"""

from __future__ import annotations

import ast
import builtins
import copy

MODULES = {"torch", "np", "numpy", "F", "nn", "functional", "math", "th"}  # a call on these is a function call
SYNONYMS = {
    "view": "reshape",
    "flatten": "reshape",
    "ravel": "reshape",
    "item": "float",
    "nelement": "numel",
    "inference_mode": "no_grad",
    "as_tensor": "tensor",
    "from_numpy": "tensor",
    "array": "tensor",
    "asarray": "tensor",
    "Tensor": "tensor",
    "float32": "float",
    "t": "T",
    "transpose": "T",
    "average": "mean",
    "cat": "concatenate",
    "concat": "concatenate",
    "mm": "matmul",
    "dot": "matmul",
    "__len__": "len",
}
OPERATORS = {
    "add": "Add",
    "sub": "Sub",
    "subtract": "Sub",
    "mul": "Mult",
    "multiply": "Mult",
    "div": "Div",
    "divide": "Div",
    "true_divide": "Div",
    "matmul": "MatMult",
    "pow": "Pow",
    "power": "Pow",
}
BUILTINS = set(dir(builtins))
Symbol = tuple[str, int]  # (what, line)


def segments(source: str, given: set[str] = frozenset()) -> list[list[Symbol]] | None:
    """The cell's normalised symbols, one list per function (methods too) and one per run of other
    top-level statements, without the statements in ``given`` (the skeleton's, from ``statements``);
    None where the cell does not parse (a magic, a syntax error)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    try:
        body = _Rewrite().visit(tree).body
    except RecursionError:
        return None
    found: list[list[Symbol]] = []
    loose: list[Symbol] = []

    def definition(node: ast.AST) -> None:
        if isinstance(node, ast.ClassDef):
            found.append([("class", node.lineno), *(s for b in node.bases for s in _emit(b))])
            for stmt in node.body:
                if _text(stmt) in given:
                    continue
                definition(stmt) if isinstance(stmt, DEFS) else found[-1].extend(_emit(stmt))
        else:
            found.append(_emit(node))

    try:
        for stmt in body:
            if _text(stmt) in given:
                continue
            if isinstance(stmt, DEFS):
                if loose:
                    found.append(loose)
                    loose = []
                definition(stmt)
            else:
                loose.extend(_emit(stmt))
    except RecursionError:  # code nested deeper than the rewrite's own visit reached
        return None
    if loose:
        found.append(loose)
    return [s for s in found if s]


def statements(source: str) -> set[str]:
    """The normalised form of each top-level statement (and each method), as text: the skeleton's
    are left out of every submission, however the student spaced or parenthesised them."""
    try:
        body = _Rewrite().visit(ast.parse(source)).body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    found = set()
    try:
        for stmt in body:
            found.add(_text(stmt))
            if isinstance(stmt, ast.ClassDef):
                found.update(_text(s) for s in stmt.body)
    except RecursionError:
        return set()
    return found


def _text(node: ast.AST) -> str:
    return " ".join(s for s, _ in _emit(node))


DEFS = (ast.FunctionDef, ast.AsyncFunctionDef)
_ENDS = (ast.Return, ast.Raise, ast.Break, ast.Continue)


def _noop(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.Pass):
        return True
    if not isinstance(stmt, ast.Expr):
        return False
    value = stmt.value
    if isinstance(value, ast.Tuple):
        return all(isinstance(e, (ast.Constant, ast.Name, ast.Attribute)) for e in value.elts)
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "print":
        return True
    return isinstance(value, (ast.Constant, ast.Name, ast.Attribute))


def _constant(node: ast.AST) -> bool | None:
    return bool(node.value) if isinstance(node, ast.Constant) else None


class _Rewrite(ast.NodeTransformer):
    """The AST-level rewrites; names and the emitted spelling are ``_emit``'s."""

    def _body(self, stmts: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for stmt in stmts:
            stmt = self.visit(stmt)
            for s in stmt if isinstance(stmt, list) else [stmt] if stmt is not None else []:
                if _noop(s):
                    continue
                if isinstance(s, ast.If) and _constant(s.test) is not None:
                    out.extend(s.body if _constant(s.test) else s.orelse)
                    continue
                if isinstance(s, ast.While) and _constant(s.test) is False:
                    continue
                out.append(s)
            if out and isinstance(out[-1], _ENDS):
                break
        return _while_to_for(_split_tuples(_unroll_comprehensions(out)))

    def generic_visit(self, node: ast.AST) -> ast.AST:
        for field in ("body", "orelse", "finalbody"):
            value = getattr(node, field, None)
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                setattr(node, field, self._body(value))
        for field, value in ast.iter_fields(node):
            if field in ("body", "orelse", "finalbody") and isinstance(value, list):
                continue
            if isinstance(value, list):
                setattr(node, field, [self.visit(v) if isinstance(v, ast.AST) else v for v in value])
            elif isinstance(value, ast.AST):
                setattr(node, field, self.visit(value))
        return node

    def visit_Module(self, node: ast.Module) -> ast.Module:
        node.body = self._body(node.body)
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        node = self.generic_visit(node)
        read = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Store)}
        for inner in ast.walk(node):
            for field in ("body", "orelse", "finalbody"):
                value = getattr(inner, field, None)
                if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                    setattr(inner, field, [s for s in value if not _unused(s, read)] or [ast.Pass()])
        return node

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.Assign:
        node = self.generic_visit(node)
        load = copy.deepcopy(node.target)
        for n in ast.walk(load):
            if hasattr(n, "ctx"):
                n.ctx = ast.Load()
        value = ast.BinOp(left=load, op=node.op, right=node.value)
        return ast.copy_location(ast.Assign(targets=[node.target], value=value), node)


def _unused(stmt: ast.stmt, read: set[str]) -> bool:
    """A local assigned and never read: dead code a copier adds."""
    return (
        isinstance(stmt, ast.Assign)
        and all(isinstance(t, ast.Name) and t.id not in read for t in stmt.targets)
        and not any(isinstance(n, ast.Call) for n in ast.walk(stmt.value))
    )


def _unroll_comprehensions(stmts: list[ast.stmt]) -> list[ast.stmt]:
    """``ys = [e for x in xs if c]`` as ``ys = []`` and the loop that appends."""
    out = []
    for s in stmts:
        if (
            isinstance(s, ast.Assign)
            and len(s.targets) == 1
            and isinstance(s.targets[0], ast.Name)
            and isinstance(s.value, ast.ListComp)
        ):
            name = s.targets[0].id
            inner: ast.stmt = ast.Expr(
                ast.Call(ast.Attribute(ast.Name(name, ast.Load()), "append", ast.Load()), [s.value.elt], [])
            )
            for gen in reversed(s.value.generators):
                for cond in reversed(gen.ifs):
                    inner = ast.If(cond, [inner], [])
                inner = ast.For(gen.target, gen.iter, [inner], [], lineno=s.lineno)
            out += [ast.Assign([s.targets[0]], ast.List([], ast.Load()), lineno=s.lineno), inner]
            for n in (out[-2], out[-1]):
                ast.fix_missing_locations(ast.copy_location(n, s))
        else:
            out.append(s)
    return out


def _split_tuples(stmts: list[ast.stmt]) -> list[ast.stmt]:
    """``a, b = x, y`` as two assignments, as many write it."""
    out = []
    for s in stmts:
        if (
            isinstance(s, ast.Assign)
            and len(s.targets) == 1
            and isinstance(s.targets[0], ast.Tuple)
            and isinstance(s.value, ast.Tuple)
            and len(s.targets[0].elts) == len(s.value.elts)
        ):
            out += [ast.copy_location(ast.Assign([t], v), s) for t, v in zip(s.targets[0].elts, s.value.elts)]
        else:
            out.append(s)
    return out


def _while_to_for(stmts: list[ast.stmt]) -> list[ast.stmt]:
    """``i = 0; while i < n: ...; i += 1`` as ``for i in range(n): ...``."""
    out: list[ast.stmt] = []
    for s in stmts:
        previous = out[-1] if out else None
        if (
            isinstance(s, ast.While)
            and isinstance(previous, ast.Assign)
            and isinstance(previous.targets[0], ast.Name)
            and isinstance(s.test, ast.Compare)
            and isinstance(s.test.left, ast.Name)
            and s.test.left.id == previous.targets[0].id
            and isinstance(s.test.ops[0], ast.Lt)
            and s.body
            and isinstance(last := s.body[-1], ast.Assign)
            and isinstance(last.targets[0], ast.Name)
            and last.targets[0].id == s.test.left.id
        ):
            loop = ast.For(previous.targets[0], _call("range", s.test.comparators[0]), s.body[:-1], [])
            out[-1] = ast.copy_location(loop, s)
        else:
            out.append(s)
    return out


def _call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(ast.Name(name, ast.Load()), list(args), [])


# Emitting ----------------------------------------------------------------------------------------


def _canonical(name: str) -> str:
    return SYNONYMS.get(name, name)


def _emit(node: ast.AST) -> list[Symbol]:
    out: list[Symbol] = []
    _walk(node, out, getattr(node, "lineno", 0))
    return out


def _walk(node, out: list[Symbol], line: int) -> None:  # noqa: C901 - one case per node kind
    line = getattr(node, "lineno", line) or line
    add = lambda what: out.append((what, line))  # noqa: E731
    if isinstance(node, list):
        for n in node:
            _walk(n, out, line)
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        add(f"def{len(node.args.args)}")
        _walk(node.body, out, line)
    elif isinstance(node, ast.Name):
        add(node.id if node.id in BUILTINS else "N")
    elif isinstance(node, ast.Constant):
        add("L")
    elif isinstance(node, ast.Attribute):
        if node.attr == "shape":
            add("shape")
        else:
            add("." + _canonical(node.attr))
        if not (isinstance(node.value, ast.Name) and node.value.id in MODULES):
            _walk(node.value, out, line)
    elif isinstance(node, ast.Subscript) and _is_size0(node):
        add("len")
        _walk(node.value.value, out, line)
    elif isinstance(node, ast.Call):
        _walk_call(node, out, line)
    elif isinstance(node, ast.BinOp):
        add(type(node.op).__name__)
        _walk(node.left, out, line)
        _walk(node.right, out, line)
    elif isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
        for gen in node.generators:
            add("for")
            _walk(gen.target, out, line)
            _walk(gen.iter, out, line)
            for cond in gen.ifs:
                add("if")
                _walk(cond, out, line)
        add("append")
        _walk([node.key, node.value] if isinstance(node, ast.DictComp) else node.elt, out, line)
    elif isinstance(node, ast.For):
        add("for")
        _walk(node.target, out, line)
        _walk(node.iter, out, line)
        _walk(node.body, out, line)
        _walk(node.orelse, out, line)
    elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        _walk(node.value, out, line)
    else:
        add(type(node).__name__)
        for field, value in ast.iter_fields(node):
            if field in ("ctx", "type_comment", "decorator_list", "returns", "type_params"):
                continue
            if isinstance(value, (ast.AST, list)):
                _walk(value, out, line)
            elif field in ("op", "arg", "attr") and value is not None:
                add(str(value))


def _is_size0(node: ast.Subscript) -> bool:
    """``x.shape[0]``: ``len(x)``, as ``x.size(0)`` is."""
    return (
        isinstance(node.value, ast.Attribute)
        and node.value.attr == "shape"
        and isinstance(node.slice, ast.Constant)
        and node.slice.value == 0
    )


def _walk_call(node: ast.Call, out: list[Symbol], line: int) -> None:
    """One spelling for a function and its method form: ``torch.sum(x)`` and ``x.sum()`` are
    ``sum x``; ``torch.add(a, b)`` and ``a.add(b)`` are ``a + b``; ``x.size(0)`` is ``len x``."""
    add = lambda what: out.append((what, line))  # noqa: E731
    func, args = node.func, list(node.args)
    if isinstance(func, ast.Attribute):
        name = _canonical(func.attr)
        owner = func.value
        module = isinstance(owner, ast.Name) and owner.id in MODULES
        module = module or (isinstance(owner, ast.Attribute) and owner.attr in MODULES)
        if not module:
            args = [owner, *args]
    elif isinstance(func, ast.Name):
        name = _canonical(func.id) if func.id in BUILTINS or func.id in SYNONYMS else "N"
    else:
        add("call")
        _walk(func, out, line)
        _walk(args, out, line)
        return
    if name == "size" and len(args) == 2:
        name, args = "len", args[:1]
    if name == "super":
        args = []
    if name == "reshape":  # the shape is spelled many ways: (-1,), -1, (-1, 1), len(x), 1
        args = args[:1]
    if name in OPERATORS and len(args) == 2 and not node.keywords:
        add(OPERATORS[name])
    else:
        add(name + "()")
    _walk(args, out, line)
    for kw in sorted(node.keywords, key=lambda k: k.arg or ""):
        add(f"{kw.arg}=")
        _walk(kw.value, out, line)
