"""Similar submissions measured the way issue 32 did: classes of 03 and 04 written from the notebook
text, with copied pairs disguised in each way a copier does, scored by ``similarity.compare`` and,
when it is installed (``pip install copydetect``, never a project requirement), by copydetect on the
same code with the handed-out notebook as its boilerplate.

Each honest student writes every answer cell from ``similarity_templates`` (each «a¦b» a choice of
their own, the way students differ), has bugs of their own (a wrong answer nobody else gives), and
two of them share a common bug on purpose; two leave the last question unfinished. The copies:
light (renamed, recommented), medium (and functions reordered, cells split, other loop forms),
heavy (and a cell rewritten, equivalent API calls, dead code), a partial copy of 2-3 functions, a
rewrite that kept three questions' wrong answers, a pair who both copied one outside solution with
its wrong answers, a copy whose bug was then fixed, and a verbatim copy padded with parentheses and
no-op lines. The figures are printed, never asserted.

    .venv/bin/python scripts/benchmark_similarity.py [--seeds 3]
"""

from __future__ import annotations

import argparse
import ast
import io
import random
import re
import sys
import tempfile
import time
import tokenize
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from similarity_templates import TEMPLATES  # noqa: E402

from grading.author.copied import ANSWER_TAG, disguise  # noqa: E402
from grading.layout import autograder_dir, examples_dir  # noqa: E402
from grading.outputs import similarity  # noqa: E402

ASSIGNMENTS = ("03-trainer", "04-bce-classifier")
HONEST = 12
COPYDETECT_FLAG = 0.33  # its default display threshold
KINDS = (
    "light",
    "light",
    "medium",
    "medium",
    "heavy",
    "partial",
    "kept answers",
    "shared source",
    "bug fixed",
    "padded",
)


# Writing a student ------------------------------------------------------------------------------


def expand(template: str, rng: random.Random) -> str:
    """Each «a¦b¦c» (nested too) replaced by one of its options."""
    while "«" in template:
        inner = re.search(r"«([^«»]*)»", template)  # innermost first
        template = template[: inner.start()] + rng.choice(inner.group(1).split("¦")) + template[inner.end() :]
    return template


def skeleton(assignment: str) -> list[str]:
    nb = nbformat.read(examples_dir(assignment) / "unanswered.ipynb", as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "code"]


def answer_slots(assignment: str) -> list[int]:
    """The indices of the code cells a student answers (those the reference fills in)."""
    reference = nbformat.read(examples_dir(assignment) / "reference.ipynb", as_version=4)
    given = skeleton(assignment)
    cells = [c.source for c in reference.cells if c.cell_type == "code"]
    return [i for i, (a, b) in enumerate(zip(cells, given)) if a != b]


OWN = [
    "assert {a} is not None",
    "{a} = {b}",
    "if {a} is None:\n    raise ValueError('{a} missing')",
    "{a}_shape = tuple({b}.shape)",
    "n_{a} = len({b})",
    "{a} = {b}.detach()",
    "check = isinstance({a}, torch.Tensor)",
    "{a} = list({b})",
    "torch.manual_seed({n})",
    "{a} = {b} if {b} is not None else {a}",
    "for k in range({n}):\n    {a} = {b}",
    "{a} = dict(first={b}, second={n})",
]


def own_lines(source: str, rng: random.Random) -> str:
    """A student's own habits: lines of their own here and there (checks, intermediate names)."""
    lines, out = source.splitlines(), []
    for n, line in enumerate(lines):
        out.append(line)
        indent = line[: len(line) - len(line.lstrip())]
        following = lines[n + 1] if n + 1 < len(lines) else ""
        if line.strip() and not line.rstrip().endswith((":", "(", ",")) and not following.startswith(indent + " "):
            if not line.strip().startswith("return") and rng.random() < 0.35:
                a, b = rng.sample(["val", "out", "X", "y", "model", "tmp", "data"], 2)
                extra = rng.choice(OWN).format(a=a, b=b, n=rng.randrange(2, 9))
                out.append(indent + extra.replace("\n", "\n" + indent))
    text = "\n".join(out)
    return text if _parses(text) else source


def write(assignment: str, rng: random.Random, answers: list[str] | None = None) -> nbformat.NotebookNode:
    """A notebook: the skeleton's cells with the answer cells written from the templates, with
    lines of the student's own."""
    cells, slots = skeleton(assignment), answer_slots(assignment)
    answers = answers or [own_lines(expand(t, rng), rng) for t in TEMPLATES[assignment]]
    nb = nbformat.v4.new_notebook()
    for i, source in enumerate(cells):
        if i in slots[: len(answers)]:
            cell = nbformat.v4.new_code_cell(answers[slots.index(i)])
            cell.metadata["tags"] = [ANSWER_TAG]
        else:
            cell = nbformat.v4.new_code_cell(source)
        nb.cells.append(cell)
    return nb


def answers_of(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if ANSWER_TAG in c.metadata.get("tags", [])]


# Disguises --------------------------------------------------------------------------------------


class _Loops(ast.NodeTransformer):
    """Other loop forms: ``for i in range(n)`` as a while loop, a list comprehension as a loop."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def _body(self, stmts):
        out = []
        for s in stmts:
            s = self.visit(s)
            if (
                isinstance(s, ast.For)
                and isinstance(s.target, ast.Name)
                and isinstance(s.iter, ast.Call)
                and getattr(s.iter.func, "id", "") == "range"
                and len(s.iter.args) == 1
                and not any(isinstance(n, (ast.Continue, ast.Break)) for n in ast.walk(s))
                and self.rng.random() < 0.8
            ):
                i = s.target.id
                out += ast.parse(f"{i} = 0").body
                step = ast.parse(f"{i} += 1").body
                out.append(
                    ast.While(ast.parse(f"{i} < {ast.unparse(s.iter.args[0])}").body[0].value, s.body + step, [])
                )
            elif (
                isinstance(s, ast.Assign)
                and isinstance(s.value, ast.ListComp)
                and isinstance(s.targets[0], ast.Name)
                and len(s.value.generators) == 1
            ):
                name, gen = s.targets[0].id, s.value.generators[0]
                loop = f"{name} = []\nfor {ast.unparse(gen.target)} in {ast.unparse(gen.iter)}:\n"
                loop += f"    {name}.append({ast.unparse(s.value.elt)})"
                out += ast.parse(loop).body
            else:
                out.append(s)
        return out

    def generic_visit(self, node):
        super().generic_visit(node)
        for field in ("body", "orelse"):
            value = getattr(node, field, None)
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                setattr(node, field, self._body(value))
        return node


def loops(source: str, rng: random.Random) -> str:
    try:
        return ast.unparse(ast.fix_missing_locations(_Loops(rng).visit(ast.parse(source))))
    except SyntaxError:
        return source


EQUIVALENT = [
    (r"\.item\(\)", lambda m: ".item()"),  # placeholder so the list is never empty
    (r"(\w+(?:\.\w+)*)\.mean\(\)", r"torch.mean(\1)"),
    (r"(\w+(?:\.\w+)*)\.sum\(\)", r"torch.sum(\1)"),
    (r"\.view\(", ".reshape("),
    (r"\.flatten\(\)", ".reshape(-1)"),
    (r"torch\.sigmoid\(", "F.sigmoid("),
    (r"(\w+)\.item\(\)", r"float(\1)"),
    (r"(\w+(?:\.\w+)*)\.numel\(\)", r"torch.numel(\1)"),
]
DEAD = ["_unused = 0", "if False:\n    print('debug')", "tmp_check = None", "pass"]


def equivalent_calls(source: str) -> str:
    for pattern, replacement in EQUIVALENT:
        source = re.sub(pattern, replacement, source)
    return source


def dead_code(source: str, rng: random.Random) -> str:
    """A dead line after some lines, at their indentation, and a statement after a return."""
    out, lines = [], source.splitlines()
    for n, line in enumerate(lines):
        out.append(line)
        indent = line[: len(line) - len(line.lstrip())]
        following = lines[n + 1] if n + 1 < len(lines) else ""
        opens = line.rstrip().endswith((":", "(", "[", "{", ",", "\\"))
        nested = following.startswith(indent + " ") or following.lstrip().startswith((")", "]", "}"))
        if line.strip() and not opens and not nested and rng.random() < 0.3:
            dead = rng.choice(DEAD).replace("\n", "\n" + indent)
            out.append(indent + dead)
        if line.strip().startswith("return") and not nested and rng.random() < 0.5:
            out.append(indent + "print('unreachable')")
    text = "\n".join(out)
    return text if _parses(text) else source


def padded(source: str) -> str:
    """Every name in parentheses and a no-op line after every line: no run of 10 tokens survives."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return source
    lines = source.splitlines()
    edits: dict[int, list[tuple[int, int]]] = {}
    depth, skip_line = 0, set()
    for t in tokens:
        if t.type == tokenize.NAME and t.string in ("def", "class", "import", "from", "lambda", "global", "nonlocal"):
            skip_line.add(t.start[0])
    for k, t in enumerate(tokens):
        if t.type == tokenize.OP and t.string in "([{":
            depth += 1
        elif t.type == tokenize.OP and t.string in ")]}":
            depth -= 1
        after = tokens[k + 1].string if k + 1 < len(tokens) else ""
        before = tokens[k - 1].string if k else ""
        if (
            t.type == tokenize.NAME
            and t.start[0] == t.end[0]
            and t.start[0] not in skip_line
            and not __import__("keyword").iskeyword(t.string)
            and before != "."
            and not (after == "=" and depth > 0)
        ):
            edits.setdefault(t.start[0], []).append((t.start[1], t.end[1]))
    for row, spans in edits.items():
        line = lines[row - 1]
        for start, end in sorted(spans, reverse=True):
            line = line[:start] + "(" + line[start:end] + ")" + line[end:]
        lines[row - 1] = line
    ends = {t.start[0] for t in tokens if t.type == tokenize.NEWLINE}
    out = []
    for row, line in enumerate(lines, 1):
        out.append(line)
        if row in ends and not line.rstrip().endswith(":"):
            out.append(line[: len(line) - len(line.lstrip())] + "None")
    text = "\n".join(out)
    return text if _parses(text) else source


def split_cells(nb: nbformat.NotebookNode, rng: random.Random) -> nbformat.NotebookNode:
    """Answer cells of several top-level statements split in two."""
    cells = []
    for cell in nb.cells:
        body = ast.parse(cell.source).body if ANSWER_TAG in cell.metadata.get("tags", []) else []
        if len(body) >= 2 and rng.random() < 0.6:
            at = body[rng.randrange(1, len(body))].lineno - 1
            lines = cell.source.splitlines()
            for part in ("\n".join(lines[:at]), "\n".join(lines[at:])):
                new = nbformat.v4.new_code_cell(part)
                new.metadata["tags"] = [ANSWER_TAG]
                cells.append(new)
        else:
            cells.append(cell)
    nb.cells = cells
    return nb


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
        return True
    except SyntaxError:
        return False


def copy_of(kind: str, assignment: str, source: nbformat.NotebookNode, rng: random.Random, seed: int):
    nb = disguise(source, seed)  # light: renamed locals, functions reordered, comments and blank lines
    if kind in ("medium", "heavy", "shared source", "bug fixed"):
        for cell in answers_of(nb):
            cell.source = loops(cell.source, rng)
        nb = split_cells(nb, rng)
    if kind in ("heavy", "shared source"):
        cells = answers_of(nb)
        for cell in cells:
            cell.source = dead_code(equivalent_calls(cell.source), rng)
        rewritten = rng.choice(range(len(TEMPLATES[assignment])))
        own = write(assignment, rng)
        nb = _with_cell(nb, own, rewritten)
    if kind == "padded":
        nb = nbformat.from_dict(source)
        for cell in answers_of(nb):
            cell.source = padded(cell.source)
    return nb


def _with_cell(nb, own, index: int):
    """``nb`` with one answer cell as ``own`` wrote it (a part rewritten)."""
    mine = answers_of(own)[index].source
    first = mine.split("\n", 1)[0]
    key = first.split("(")[0]
    for cell in answers_of(nb):
        if cell.source.startswith(key) or key in cell.source.split("\n", 1)[0]:
            cell.source = mine
            break
    return nb


def partial(assignment: str, own: nbformat.NotebookNode, source: nbformat.NotebookNode, rng: random.Random):
    """Their own notebook with 2-3 of the source's function cells, disguised."""
    nb = nbformat.from_dict(own)
    functions = [i for i, c in enumerate(answers_of(source)) if c.source.lstrip().startswith(("def", "class"))]
    taken = rng.sample(functions, min(len(functions), rng.choice([2, 3])))
    donor = disguise(source, rng.randrange(10**6))
    for i in taken:
        answers_of(nb)[i].source = answers_of(donor)[i].source
    return nb


# Evidence ---------------------------------------------------------------------------------------


def tests(assignment: str) -> dict[str, list[str]]:
    found = {}
    for path in sorted((autograder_dir(assignment) / "tests").glob("q*.py")):
        functions = [f.name for f in ast.parse(path.read_text()).body if isinstance(f, ast.FunctionDef)]
        found[path.stem] = functions or ["test"]
    return found


def bug(questions: dict, qs: list[str], tag: str) -> dict[str, str]:
    """A bug's wrong answers: every call of the first test of each question it reaches."""
    return {f"{q}/{questions[q][0]}/{c}:f": f"float {abs(hash((tag, q, c))) % 997}.5" for q in qs for c in range(2)}


def build(assignment: str, seed: int):
    """(the class as similarity.Graded, the copied pairs by kind)."""
    rng, questions = random.Random(seed), tests(assignment)
    qs = sorted(questions)
    names, notebooks, evidence = [], [], []
    for i in range(HONEST):
        names.append(f"s{i:02d}")
        notebooks.append(write(assignment, rng))
        own = {}
        for b in range(rng.choice([0, 1, 1, 2])):
            own |= bug(questions, [rng.choice(qs)], f"{seed}-{i}-{b}")
        evidence.append(own)
    common = bug(questions, [qs[3]], "common")  # two honest students share a common bug
    evidence[0] |= common
    evidence[1] |= common
    for i in (2, 3):  # two left the last question as handed out
        evidence[i] |= {f"{qs[-1]}/{questions[qs[-1]][0]}/{c}:f": "None" for c in range(2)}
    planted = {}
    sources = rng.sample(range(2, HONEST), len(KINDS) - 1)
    for n, kind in enumerate(KINDS):
        if kind == "shared source":
            outside = write(assignment, rng)
            wrong = bug(questions, qs[-3:], f"{seed}-outside")
            pair = []
            for k in range(2):
                names.append(f"outside{k}")
                notebooks.append(copy_of(kind, assignment, outside, rng, seed * 100 + n * 10 + k))
                evidence.append(dict(wrong))
                pair.append(names[-1])
            planted[frozenset(pair)] = kind
            continue
        src = sources[n if n < 7 else n - 1]
        name = f"copy{n}-{kind.replace(' ', '-')}"
        if kind == "partial":
            nb, ev = partial(assignment, write(assignment, rng), notebooks[src], rng), {}
        elif kind == "kept answers":
            kept = bug(questions, qs[4:7], f"{seed}-kept")
            evidence[src] |= kept
            nb, ev = write(assignment, rng), dict(evidence[src])
        elif kind == "bug fixed":
            evidence[src] |= bug(questions, [qs[1]], f"{seed}-fixed") | bug(questions, [qs[5]], f"{seed}-kept2")
            nb = copy_of("medium", assignment, notebooks[src], rng, seed * 100 + n)
            ev = {k: v for k, v in evidence[src].items() if not k.startswith(qs[1] + "/")}
        else:
            nb, ev = copy_of(kind, assignment, notebooks[src], rng, seed * 100 + n), dict(evidence[src])
        names.append(name)
        notebooks.append(nb)
        evidence.append(ev)
        planted[frozenset((names[src], name))] = kind
    subs = [
        similarity.Graded(name, [c.source for c in nb.cells if c.cell_type == "code"], ev)
        for name, nb, ev in zip(names, notebooks, evidence)
    ]
    return subs, planted


# Measuring --------------------------------------------------------------------------------------


def average_precision(ranked: list[frozenset], planted: set) -> float:
    hits, total = 0, 0.0
    for rank, pair in enumerate(ranked, 1):
        if pair in planted:
            hits += 1
            total += hits / rank
    return total / len(planted) if planted else 1.0


def ours(subs, assignment):
    start = time.perf_counter()
    result = similarity.compare(subs, skeleton(assignment))
    seconds = time.perf_counter() - start
    ranked = [frozenset((p.a, p.b)) for p in result.scored]
    return {frozenset((p.a, p.b)) for p in result}, ranked, seconds, result


def copydetect_run(subs, assignment):
    """copydetect 0.5 on the same code (one .py per submission), the unanswered notebook as
    boilerplate; flagged at its default display threshold; None where it is not installed."""
    try:
        from copydetect import CopyDetector
    except ImportError:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        folder, base = Path(tmp, "class"), Path(tmp, "template")
        folder.mkdir()
        base.mkdir()
        (base / "template.py").write_text("\n\n".join(skeleton(assignment)))
        for s in subs:
            (folder / f"{s.name}.py").write_text("\n\n".join(s.cells))
        detector = CopyDetector(
            test_dirs=[str(folder)], boilerplate_dirs=[str(base)], extensions=["py"], silent=True, autoopen=False
        )
        detector.run()
        files = [Path(f).stem for f in detector.test_files]
        sim = detector.similarity_matrix
        scores = {}
        for i in range(len(files)):
            for j in range(i + 1, len(files)):
                value = max(float(sim[i, j].max()), float(sim[j, i].max()))
                scores[frozenset((files[i], files[j]))] = value
    ranked = sorted(scores, key=lambda p: -scores[p])
    return {p for p, v in scores.items() if v >= COPYDETECT_FLAG}, ranked


def line(label, found, ranked, planted, kinds):
    hits = found & set(planted)
    precision = len(hits) / len(found) if found else 1.0
    by_kind = {}
    for pair, kind in planted.items():
        caught, total = by_kind.get(kind, (0, 0))
        by_kind[kind] = (caught + (pair in found), total + 1)
    cells = ", ".join(f"{k} {by_kind[k][0]}/{by_kind[k][1]}" for k in dict.fromkeys(kinds))
    ap = average_precision(ranked, set(planted))
    print(
        f"  {label:<11} precision {precision:.2f}  recall {len(hits) / len(planted):.2f}  AP {ap:.2f}  "
        f"flags {len(found)} of {len(ranked)} pairs  [{cells}]"
    )
    return precision, len(hits) / len(planted), ap


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="classes per assignment")
    args = parser.parse_args()
    have_copydetect = True
    for assignment in ASSIGNMENTS:
        for seed in range(args.seeds):
            subs, planted = build(assignment, seed)
            n = len(subs)
            print(f"{assignment} seed {seed}: {n} submissions, {n * (n - 1) // 2} pairs, {len(planted)} copied")
            found, ranked, seconds, result = ours(subs, assignment)
            ranked_all = ranked + [frozenset(p) for p in planted if frozenset(p) not in set(ranked)]
            line("similarity", found, ranked_all, planted, KINDS)
            for p in result:
                if frozenset((p.a, p.b)) not in planted:
                    print(f"    honest pair flagged: {p.a} {p.b} {p.score:.2f}")
            for pair, kind in planted.items():
                if pair not in found:
                    score = next((p.score for p in result.scored if frozenset((p.a, p.b)) == pair), 0.0)
                    print(f"    missed {kind}: {' '.join(sorted(pair))} {score:.2f}")
            near = ", ".join(f"{p.a}~{p.b} {p.score:.1f}" for p in result.near[:3])
            print(f"    compare {seconds:.2f} s; next below the threshold: {near or 'none'}")
            other = copydetect_run(subs, assignment) if have_copydetect else None
            if other is None:
                if have_copydetect:
                    print("  copydetect is not installed (pip install copydetect): no comparison")
                have_copydetect = False
            else:
                line("copydetect", other[0], other[1], planted, KINDS)
    subs, _ = build(ASSIGNMENTS[0], 0)
    big = subs + [similarity.Graded(f"x{i}", s.cells, s.evidence) for i, s in enumerate(subs[:18])]
    big.append(similarity.Graded("huge", ["x = 1\n" * 160_000] * 3, {}))
    start = time.perf_counter()
    similarity.compare(big, skeleton(ASSIGNMENTS[0]))
    print(f"{len(big)} submissions, one of 3 x 0.96 MB of code: compare {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
