"""A notebook as a student who copied it would hand it in: the same code under other local names,
with its functions in another order, other comments and other blank lines.

It exists to test and measure ``grading.outputs.similarity`` against the disguises a copier
actually uses. The disguise must still compute the same (it is graded by the real judge), so it
renames only what no test can reach by name: the locals of functions, comprehension variables,
and the parameters of functions nested in functions. Every name a cell defines at module level,
every function and class name, everything imported and the parameters of top-level functions and
methods (a test may pass them as keywords: ``train_classifier(model, X, y, lr=0.1, ...)``) keep
their names. Each step is checked to parse, and left out where it would not.
"""

from __future__ import annotations

import ast
import builtins
import copy
import io
import random
import tokenize

import nbformat

ANSWER_TAG = "otter_answer_cell"
NEW_NAMES = ("val", "tmp", "acc", "cur", "res", "item", "part", "step", "arr", "num", "out", "buf", "aux", "elem")
COMMENTS = (
    "compute it",
    "as in the lecture",
    "this part took a while",
    "TODO: check again",
    "works now",
    "main part",
    "see the slides",
    "helper",
    "loop over everything",
    "update",
)
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
SCOPES = (*FUNCTIONS, ast.Lambda)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def disguise(nb: nbformat.NotebookNode, seed: int = 0) -> nbformat.NotebookNode:
    """A copy of ``nb`` with its answer cells disguised (every code cell that parses when no cell
    carries the ``otter_answer_cell`` tag); the same ``seed`` gives the same disguise."""
    rng = random.Random(seed)
    nb = copy.deepcopy(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    answers = [c for c in code if ANSWER_TAG in c.metadata.get("tags", [])]
    for cell in answers or code:
        cell.source = _disguised(cell.source, rng)
    return nb


def _disguised(source: str, rng: random.Random) -> str:
    """One cell's source, disguised step by step; a cell that does not parse is left as it is."""
    if not _parses(source):
        return source
    for step in (_renamed, _reordered, _recommented, _respaced):
        changed = step(source, rng)
        if _parses(changed):
            source = changed
    return source


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    return True


# Renaming ---------------------------------------------------------------------------------------


class _Renamer:
    """Finds, scope by scope, where each renamable name occurs: (line, byte column, old, new).

    ``env`` maps the names visible from enclosing function scopes to their new names; a scope
    that binds a name again hides the outer one, as Python's own scoping does."""

    def __init__(self, tree: ast.Module, rng: random.Random):
        self.rng = rng
        self.taken = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | set(dir(builtins))
        self.taken |= {n.arg for n in ast.walk(tree) if isinstance(n, ast.arg)}
        self.kept = _never_renamed(tree)
        self.edits: list[tuple[int, int, str, str]] = []

    def fresh(self) -> str:
        while True:
            new = f"{self.rng.choice(NEW_NAMES)}{self.rng.randint(0, 99)}"
            if new not in self.taken:
                self.taken.add(new)
                return new

    def visit(self, node: ast.AST, env: dict[str, str], in_function: bool) -> None:
        if isinstance(node, SCOPES):
            self._function(node, env, in_function)
        elif isinstance(node, COMPREHENSIONS):
            self._comprehension(node, env, in_function)
        elif isinstance(node, ast.ClassDef):
            self._class(node, env, in_function)
        else:
            if isinstance(node, ast.Name) and node.id in env:
                self.edits.append((node.lineno, node.col_offset, node.id, env[node.id]))
            for child in ast.iter_child_nodes(node):
                self.visit(child, env, in_function)

    def _function(self, node, env: dict[str, str], in_function: bool) -> None:
        args = node.args
        outer = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
        if not isinstance(node, ast.Lambda):
            outer += [*node.decorator_list, *(a.annotation for a in _params(args) if a.annotation)]
            outer += [node.returns] if node.returns else []
        for child in outer:
            self.visit(child, env, in_function)
        params = {a.arg for a in _params(args)}
        bound = _bound_in(node) | params
        renamable = bound - self.kept - (set() if in_function else params)
        inner = {k: v for k, v in env.items() if k not in bound} | {name: self.fresh() for name in sorted(renamable)}
        for a in _params(args):
            if a.arg in inner:
                self.edits.append((a.lineno, a.col_offset, a.arg, inner[a.arg]))
        for child in node.body if isinstance(node.body, list) else [node.body]:
            self.visit(child, inner, True)

    def _comprehension(self, node, env: dict[str, str], in_function: bool) -> None:
        targets = {n.id for g in node.generators for n in ast.walk(g.target) if isinstance(n, ast.Name)}
        self.visit(node.generators[0].iter, env, in_function)  # evaluated in the enclosing scope
        inner = {k: v for k, v in env.items() if k not in targets}
        inner |= {name: self.fresh() for name in sorted(targets - self.kept)}
        parts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        for i, g in enumerate(node.generators):
            parts += [g.target, *([g.iter] if i else []), *g.ifs]
        for child in parts:
            self.visit(child, inner, in_function)

    def _class(self, node: ast.ClassDef, env: dict[str, str], in_function: bool) -> None:
        for child in [*node.decorator_list, *node.bases, *node.keywords]:
            self.visit(child, env, in_function)
        attributes = _bound_in(node)  # class attributes keep their names; methods do not see them
        for child in node.body:
            own = env if isinstance(child, FUNCTIONS) else {k: v for k, v in env.items() if k not in attributes}
            self.visit(child, own, in_function)


def _params(args: ast.arguments) -> list[ast.arg]:
    return [*args.posonlyargs, *args.args, *([args.vararg] if args.vararg else []), *args.kwonlyargs] + (
        [args.kwarg] if args.kwarg else []
    )


def _own_nodes(scope: ast.AST):
    """The nodes of ``scope``'s own body, not those of the scopes nested in it (their names, the
    defaults and decorators they evaluate here, and a comprehension's first iterable are here)."""
    body = scope.body if isinstance(scope.body, list) else [scope.body]
    todo = list(body)
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, (*SCOPES, ast.ClassDef)):
            continue
        if isinstance(node, COMPREHENSIONS):
            todo.append(node.generators[0].iter)
            continue
        todo.extend(ast.iter_child_nodes(node))


def _bound_in(scope: ast.AST) -> set[str]:
    """The names a function (or class body) binds itself."""
    bound = set()
    for node in _own_nodes(scope):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound.add(node.id)
        elif isinstance(node, (*FUNCTIONS, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return bound


def _never_renamed(tree: ast.Module) -> set[str]:
    """Names left alone wherever they occur: whatever is imported, every function and class
    name, keywords some call passes, names declared global or nonlocal, names bound by ``except
    ... as``, ``:=`` or ``match`` (no ``Name`` node to rename), and dunder names."""
    kept = {"self", "cls"}  # no copier renames these
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            kept |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (*FUNCTIONS, ast.ClassDef)):
            kept.add(node.name)
        elif isinstance(node, ast.keyword) and node.arg:
            kept.add(node.arg)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            kept |= set(node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            kept.add(node.name)
        elif isinstance(node, ast.NamedExpr):
            kept |= {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            kept.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            kept.add(node.rest)
        elif isinstance(node, ast.Name) and node.id.startswith("__"):
            kept.add(node.id)
    return kept


def _renamed(source: str, rng: random.Random) -> str:
    """Locals renamed consistently; a name is left as it is if any of its places is not where
    the parser says (so that no name is ever renamed in one place and not another)."""
    tree = ast.parse(source)
    renamer = _Renamer(tree, rng)
    renamer.visit(tree, {}, False)
    lines = [line.encode() for line in source.split("\n")]
    wrong = {(old, new) for row, col, old, new in renamer.edits if lines[row - 1][col : col + len(old)] != old.encode()}
    for row, col, old, new in sorted(renamer.edits, reverse=True):  # right to left: columns stay valid
        if (old, new) not in wrong:
            line = lines[row - 1]
            lines[row - 1] = line[:col] + new.encode() + line[col + len(old.encode()) :]
    return "\n".join(line.decode() for line in lines)


# Reordering -------------------------------------------------------------------------------------


def _movable_runs(body: list[ast.stmt]) -> list[list[ast.stmt]]:
    """Runs of consecutive top-level functions that may change places: undecorated, and with no
    default or annotation that names another function of the run (each is evaluated at once)."""
    runs, run = [], []
    for stmt in [*body, None]:
        if isinstance(stmt, FUNCTIONS) and not stmt.decorator_list:
            run.append(stmt)
            continue
        names = {f.name for f in run}
        evaluated = [n for f in run for n in ast.walk(f.args) if isinstance(n, ast.Name)]
        evaluated += [n for f in run if f.returns for n in ast.walk(f.returns) if isinstance(n, ast.Name)]
        if len(run) > 1 and not names & {n.id for n in evaluated}:
            runs.append(run)
        run = []
    return runs


def _reordered(source: str, rng: random.Random) -> str:
    """Each run of top-level functions in another order (never the same one); what lies between
    them (blank lines, comments) stays where it was."""
    lines = source.split("\n")
    for run in reversed(_movable_runs(ast.parse(source).body)):
        blocks = [lines[f.lineno - 1 : f.end_lineno] for f in run]
        order = list(range(len(run)))
        while order == sorted(order):
            rng.shuffle(order)
        pieces = []
        for position, f in enumerate(run):
            pieces += blocks[order[position]]
            if position + 1 < len(run):
                pieces += lines[f.end_lineno : run[position + 1].lineno - 1]
        lines[run[0].lineno - 1 : run[-1].end_lineno] = pieces
    return "\n".join(lines)


# Comments and blank lines -----------------------------------------------------------------------


def _recommented(source: str, rng: random.Random) -> str:
    """Every comment replaced by another one."""
    lines = source.split("\n")
    comments = [t for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type == tokenize.COMMENT]
    for tok in reversed(comments):
        row, col = tok.start
        lines[row - 1] = lines[row - 1][:col] + "# " + rng.choice(COMMENTS) + lines[row - 1][tok.end[1] :]
    return "\n".join(lines)


def _in_strings(source: str) -> set[int]:
    """Lines inside a string that spans lines (a blank line there is part of the string)."""
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return {row for t in tokens if t.type == tokenize.STRING for row in range(t.start[0] + 1, t.end[0] + 1)}


def _statement_starts(tree: ast.Module, lines: list[str]) -> dict[int, str]:
    """First line of each statement that starts its line -> that line's indentation."""
    starts = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt):
            first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
            line = lines[first - 1]
            indent = line[: len(line) - len(line.lstrip())]
            if first != node.lineno or len(indent.encode()) == node.col_offset:  # not after a `;`
                starts.setdefault(first, indent)
    return starts


def _respaced(source: str, rng: random.Random) -> str:
    """Blank lines taken out and put in, and new comment lines before some statements."""
    lines = source.split("\n")
    starts, strings = _statement_starts(ast.parse(source), lines), _in_strings(source)
    out = []
    for number, line in enumerate(lines, start=1):
        if number in starts:
            roll = rng.random()
            if roll < 0.2:
                out.append(f"{starts[number]}# {rng.choice(COMMENTS)}")
            elif roll < 0.3:
                out.append("")
        if not line.strip() and number not in strings and rng.random() < 0.5:
            continue
        out.append(line)
    return "\n".join(out)
