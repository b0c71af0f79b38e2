"""Similar submissions on a synthetic class: is ``grading.outputs.similarity.compare`` fast enough
for a large class, and does it find copies planted in it without flagging honest students?

The class is the reference and every simulated student of ``solutions/students/<id>.toml`` (the
examples' mutants and variants among them), handed out in turn so that each style is written by
about as many students. Each student then makes small honest edits of their own: some rename
locals and move functions (``disguise`` with a seed of their own), all change comments and blank
lines, and some add a ``print`` of their own to an answer cell. Their behavioural evidence follows
their style (a mutant fails its questions' tests with the same wrong answers as every student of
that mutant) plus personal bugs, each one wrong answer out of forty a test can get, and noise (an
answer now and then that nobody else gives). Planted copies are a disguise of another student's
notebook and hand in the same answers. The figures are printed, never asserted.

    .venv/bin/python scripts/benchmark_similarity.py [01-gradient-descent] [-n 300] [--copies 10]
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import random
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grading.author import simulated  # noqa: E402
from grading.author.copied import disguise  # noqa: E402
from grading.layout import autograder_dir, examples_dir  # noqa: E402
from grading.outputs import similarity  # noqa: E402

TARGET_S = 10.0  # for 300 submissions on 2 cores
WRONG_ANSWERS = 40  # per test, for personal bugs: two honest students meet on one now and then
NOISE = 0.02  # chance that an answer is one nobody else gives (a flaky call, a stray print)


def tests(assignment: str) -> dict[str, list[tuple[str, str]]]:
    """question -> [(test name, the student's function it calls)], from the autograder's test files."""
    found = {}
    for path in sorted((autograder_dir(assignment) / "tests").glob("q*.py")):
        functions = [f for f in ast.parse(path.read_text()).body if isinstance(f, ast.FunctionDef)]
        found[path.stem] = [(f.name, f.args.args[0].arg if f.args.args else "value") for f in functions]
    return found


def styles(assignment: str) -> list[tuple[str, nbformat.NotebookNode, list[str]]]:
    """(name, notebook, questions it loses) for the reference and each simulated student."""
    reference = nbformat.read(examples_dir(assignment) / "reference.ipynb", as_version=4)
    return [("reference", reference, [])] + [
        (f"{e.kind}-{e.name}", e.apply(reference), e.loses) for e in simulated.load(assignment)
    ]


def wrong(key: str, which) -> str:
    """A wrong answer as the judge describes it, the same for the same (call, bug)."""
    return f"tensor float32 (25, 1) #{hashlib.blake2b(repr((key, which)).encode(), digest_size=5).hexdigest()}"


def style_evidence(name: str, loses: list[str], questions: dict) -> dict[str, str]:
    """What every student of this style answers wrong: some tests of each question it loses."""
    evidence = {}
    for q in loses:
        chosen = random.Random(name + q)
        failing = [t for t in questions.get(q, []) if chosen.random() < 0.7] or questions.get(q, [])[:1]
        for test, function in failing:
            for call in range(3):
                key = f"{q}/{test}/{call}:{function}"
                evidence[key] = wrong(key, name)
    return evidence


def personal_evidence(rng: random.Random, questions: dict) -> dict[str, str]:
    """A student's own bugs (none to three): one of WRONG_ANSWERS wrong answers to a test."""
    evidence = {}
    for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
        q = rng.choice(sorted(questions))
        test, function = rng.choice(questions[q])
        bug = rng.randrange(WRONG_ANSWERS)
        for call in range(3):
            key = f"{q}/{test}/{call}:{function}"
            evidence[key] = wrong(key, bug)
    return evidence


def noisy(evidence: dict[str, str], rng: random.Random) -> dict[str, str]:
    return {k: wrong(k, rng.random()) if rng.random() < NOISE else v for k, v in evidence.items()}


def honest(nb: nbformat.NotebookNode, rng: random.Random, seed: int) -> nbformat.NotebookNode:
    """A student's own version of their style: renamed locals (half of them), their own
    comments, and (two thirds of them) a check of their own (two prints) after some answers."""
    nb = disguise(nb, seed) if rng.random() < 0.5 else nbformat.from_dict(nb)
    answers = [c for c in nb.cells if "otter_assign_solution_cell" in c.metadata.get("tags", [])]
    for cell in answers:
        cell.source = f"# {rng.choice(['my answer', 'q', 'done', 'attempt'])} {rng.randrange(100)}\n" + cell.source
    for cell in rng.sample(answers, rng.choice([0, 0, 1, 1, 2, 3])):
        body = ast.parse(cell.source).body
        names = [s.targets[0].id for s in body if isinstance(s, ast.Assign) and isinstance(s.targets[0], ast.Name)]
        if names:
            name = rng.choice(names)
            parts = [name, f"len({name})", f"type({name})", f"{name}[:3]", '"check"', f"{name} is None"]
            for _ in range(2):
                cell.source += f"\nprint({', '.join(rng.sample(parts, rng.randint(1, 3)))})"
    return nb


def synthesise(assignment: str, size: int, copies: int, seed: int):
    """(the class as similarity.Graded, the skeleton, the planted pairs)."""
    rng, questions, kinds = random.Random(seed), tests(assignment), styles(assignment)
    students, evidence = [], []
    for i in range(size - copies):
        name, nb, loses = kinds[i % len(kinds)]
        students.append((f"s{i:03d}-{name}", honest(nb, rng, seed * 1000 + i)))
        evidence.append(style_evidence(name, loses, questions) | personal_evidence(rng, questions))
    planted = set()
    for c, source in enumerate(rng.sample(range(len(students)), copies)):
        name = f"copy{c:02d}-of-{students[source][0]}"
        students.append((name, disguise(students[source][1], 10**6 + c)))
        evidence.append(dict(evidence[source]))
        planted.add(frozenset((students[source][0], name)))
    subs = [
        similarity.Graded(name, [c.source for c in nb.cells if c.cell_type == "code"], noisy(ev, rng))
        for (name, nb), ev in zip(students, evidence)
    ]
    unanswered = nbformat.read(examples_dir(assignment) / "unanswered.ipynb", as_version=4)
    return subs, [c.source for c in unanswered.cells if c.cell_type == "code"], planted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment", nargs="?", default="01-gradient-descent")
    parser.add_argument("-n", type=int, default=300, help="submissions in the class")
    parser.add_argument("--copies", type=int, default=10, help="copied pairs planted")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    subs, skeleton, planted = synthesise(args.assignment, args.n, args.copies, args.seed)
    start = time.perf_counter()
    pairs = similarity.compare(subs, skeleton)
    seconds = time.perf_counter() - start
    found = {frozenset((p.a, p.b)) for p in pairs}
    hits = found & planted
    print(f"{args.assignment}: {len(subs)} submissions, {len(planted)} planted copies, {len(pairs)} flagged pairs")
    print(f"compare: {seconds:.2f} s (target under {TARGET_S:g} s for 300 on 2 cores)")
    print(f"precision {len(hits) / len(found) if found else 1.0:.2f}, recall {len(hits) / len(planted):.2f}")
    for p in pairs[:20]:
        mark = "planted" if frozenset((p.a, p.b)) in planted else "honest"
        print(f"  {p.score:5.2f}  {mark:<8} {p.a}  {p.b}  behaviour {len(p.behaviour)}  code {p.code_share:.0%}")
    missed = planted - found
    print("missed:", ", ".join(sorted(" & ".join(sorted(m)) for m in missed)) or "none")


if __name__ == "__main__":
    main()
