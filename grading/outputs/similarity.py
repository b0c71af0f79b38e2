"""Pairs (and clusters) of submissions that look copied: a hint for a TA to look at, never a score.

Two kinds of evidence, each weighted by how rare it is in the class, because what many students
share says nothing about two of them:

- behaviour: what a student's functions answered on the judge's hidden inputs in the test cases
  they failed (``CaseResult.evidence``). Correct answers agree by design and a common bug is shared
  by many, so a shared answer counts log(answering / sharing) nats (among the submissions that
  answered that call), and not at all when more than ``common_limit`` share it; a question counts
  once (its rarest shared answer, capped), as one bug fails all its calls and tests;
- code: the answer cells as tokens, every identifier one symbol and every literal another (renaming
  hides nothing), comments and layout dropped, every line the skeleton (the unanswered notebook)
  also has left out; cut into k-grams and winnowed into fingerprints (MOSS: Schleimer, Wilkerson
  and Aiken, SIGMOD 2003). Each top-level function or class is fingerprinted on its own, so
  functions in another order match too; fingerprints more than ``common_limit`` submissions have
  are boilerplate.

The pairs go to the class report and a CSV for a person to judge; nothing here reads or changes a
score.
"""

from __future__ import annotations

import ast
import hashlib
import html
import io
import keyword
import math
import tokenize
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import combinations, groupby
from pathlib import Path

from .gradebook import number_cell, write_table

K = 10  # tokens per k-gram: about one line of code
WINDOW = 5  # winnowing window: any common run of K + WINDOW - 1 = 14 tokens shares a fingerprint
# What more submissions share than this, or than a third of the class, is common: code more than 10
# have is boilerplate (MOSS's -m default); a wrong answer more than 5 gave is a common bug.
COMMON_CODE, COMMON_ANSWER = 10, 5
ENOUGH = 8  # lines in common (each side) for code to count in full: a line or two (a print) two may write alike
CODE_WEIGHT = 5.0  # nats for a pair whose rarer code is all shared
QUESTION_CAP = 2.0  # nats at most from one question's answers: one bug, which two may make alike
# 3 nats, a coincidence of about 1 in 20. One question gives at most QUESTION_CAP, so one bug never
# flags alone; rare answers in two questions do (each shared by 2 of the 9 or more that answered
# differently: 2 log(9 / 2)), or one question and some code; code alone needs 60% of the rarer
# side's uncommon fingerprints over ENOUGH lines (or all of them over 5).
THRESHOLD = 3.0
CONTEXT = 2  # lines shown around matching code
HINT = (
    "A hint for a person to look at, never a verdict; it changed no score. Each pair below gave the same "
    "rare wrong answers to the judge's hidden inputs, or shares code few others have (with names, literals, "
    "comments and layout set aside, and without the lines the notebook gave everyone). Honest students "
    "can meet on both: read the code before asking anyone about it."
)
NONE = "No two submissions look copied (a hint for a person, never a verdict; it changed no score)."
_LAYOUT = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)

Place = tuple[int, tuple[int, ...]]  # (code cell index, the lines of the cell a k-gram covers)


@dataclass(frozen=True)
class Graded:
    """One graded submission: its code cells' sources in order, and ``{"q/test/call": answer}``
    for every call in the test cases it failed."""

    name: str
    cells: list[str]
    evidence: dict[str, str]


@dataclass(frozen=True)
class Shared:
    """A wrong answer two submissions gave alike: ``sharing`` of the ``answering`` submissions
    that answered this call gave it, worth log(answering / sharing) nats."""

    question: str
    test: str
    call: str
    outcome: str
    rarity: float
    sharing: int
    answering: int


@dataclass(frozen=True)
class Pair:
    """Two submissions that look copied, with what makes them look so."""

    a: str
    b: str
    score: float  # nats: the behaviour's plus CODE_WEIGHT times the (sufficient) code share
    behaviour: tuple[Shared, ...]  # the rare wrong answers both gave
    code_share: float  # rarity-weighted share of the rarer side's uncommon fingerprints the other has
    lines_a: tuple[tuple[int, int], ...]  # (code cell index, line number) of a's lines that match b
    lines_b: tuple[tuple[int, int], ...]

    @property
    def questions(self) -> list[str]:
        return sorted({s.question for s in self.behaviour})


def graded(row, cells: list[str]) -> Graded:
    """A ``grading.judge.outcome.Row`` with the submission's code cells."""
    evidence = {
        f"{question}/{case.test}/{call}": outcome
        for question, cases in row.cases.items()
        for case in cases
        if not case.passed
        for call, outcome in case.evidence.items()
    }
    return Graded(row.submission, list(cells), evidence)


def common_limit(class_size: int, most: int) -> int:
    """How many submissions may share a fingerprint (or an answer) for it to be evidence."""
    return max(2, min(most, class_size // 3))


# Code ------------------------------------------------------------------------------------------


def _line_tokens(line: str, number: int) -> list[tokenize.TokenInfo]:
    found = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(line).readline):
            found.append(tok._replace(start=(number, tok.start[1]), end=(number, tok.end[1])))
    except (tokenize.TokenError, SyntaxError):
        pass
    return found


def _tokens(source: str) -> list[tokenize.TokenInfo]:
    """A cell's tokens without comments and layout; a cell that does not tokenize (a magic, a
    syntax error) is read line by line, keeping what tokenizes of each."""
    try:
        found = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        found = [tok for number, line in enumerate(source.splitlines(), 1) for tok in _line_tokens(line, number)]
    return [tok for tok in found if tok.type not in _LAYOUT]


def _symbol(tok: tokenize.TokenInfo) -> str:
    """What a k-gram is made of: keywords and operators as written, N for a name, L for a literal."""
    if tok.type == tokenize.NAME:
        return tok.string if keyword.iskeyword(tok.string) else "N"
    return "L" if tok.type in (tokenize.NUMBER, tokenize.STRING) else tok.string


def _line_texts(tokens: list[tokenize.TokenInfo]) -> dict[int, str]:
    """Each line's tokens as written, spaced alike: a skeleton line with another comment or other
    spacing is still the skeleton's."""
    words = defaultdict(list)
    for tok in tokens:
        words[tok.start[0]].append(tok.string)
    return {line: " ".join(w) for line, w in words.items()}


def skeleton_lines(skeleton: list[str]) -> set[str]:
    return {text for source in skeleton for text in _line_texts(_tokens(source)).values()}


def _segment_starts(source: str) -> list[int]:
    """First lines of a cell's segments: every top-level function or class, and every run of
    other statements, so that no k-gram spans two functions and their order does not matter."""
    try:
        body = ast.parse(source).body
    except (SyntaxError, ValueError):
        return []
    starts, after_definition = [], False
    for stmt in body:
        definition = isinstance(stmt, _DEFINITIONS)
        if definition or after_definition:
            starts.append(min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", []))]))
        after_definition = definition
    return starts


def _kgrams(tokens: list[tokenize.TokenInfo]) -> list[tuple[int, tuple[int, ...]]]:
    """(hash, lines covered) of every K consecutive tokens; a shorter segment is one k-gram."""
    if not tokens:
        return []
    width, symbols = min(K, len(tokens)), [_symbol(t) for t in tokens]
    grams = []
    for i in range(len(tokens) - width + 1):
        digest = hashlib.blake2b(" ".join(symbols[i : i + width]).encode(), digest_size=8).digest()
        lines = {n for t in tokens[i : i + width] for n in range(t.start[0], t.end[0] + 1)}
        grams.append((int.from_bytes(digest, "big"), tuple(sorted(lines))))
    return grams


def _winnow(grams: list[tuple[int, tuple[int, ...]]]) -> list[tuple[int, tuple[int, ...]]]:
    """The smallest hash of every WINDOW consecutive k-grams (the rightmost of equal ones)."""
    chosen = {}
    for start in range(max(1, len(grams) - WINDOW + 1) if grams else 0):
        best = min(range(start, min(start + WINDOW, len(grams))), key=lambda i: (grams[i][0], -i))
        chosen[best] = grams[best]
    return list(chosen.values())


def fingerprints(cells: list[str], skeleton: set[str]) -> dict[int, list[Place]]:
    """A submission's fingerprints, each with where it occurs; lines the skeleton has never count."""
    prints = defaultdict(list)
    for index, source in enumerate(cells):
        tokens = _tokens(source)
        texts = _line_texts(tokens)
        kept = [t for t in tokens if texts[t.start[0]] not in skeleton]
        starts = _segment_starts(source)
        for _, segment in groupby(kept, key=lambda t: bisect_right(starts, t.start[0])):
            for digest, lines in _winnow(_kgrams(list(segment))):
                prints[digest].append((index, lines))
    return prints


def _blocks(holders: dict, limit: int) -> dict[tuple[int, int], list]:
    """Pairs that share a key, with the keys they share; keys held by more than ``limit`` are skipped."""
    shared = defaultdict(list)
    for key, who in holders.items():
        if 2 <= len(who) <= limit:
            for pair in combinations(who, 2):
                shared[pair].append(key)
    return shared


# Behaviour -------------------------------------------------------------------------------------


def _behaviour(subs: list[Graded], limit: int) -> dict[tuple[int, int], list[Shared]]:
    """Pairs that gave the same uncommon answer to a call, blocked by (call, answer)."""
    answering = Counter(key for s in subs for key in s.evidence)
    groups = defaultdict(list)
    for i, sub in enumerate(subs):
        for key, outcome in sub.evidence.items():
            groups[(key, outcome)].append(i)
    shared = {}
    for pair, keys in _blocks(groups, limit).items():
        found = [(k, o) for k, o in keys if len(groups[(k, o)]) < answering[k]]
        shared[pair] = [_shared(k, o, len(groups[(k, o)]), answering[k]) for k, o in found]
    return {pair: found for pair, found in shared.items() if found}


def _shared(key: str, outcome: str, sharing: int, answering: int) -> Shared:
    question, test, call = key.split("/", 2)
    return Shared(question, test, call, outcome, math.log(answering / sharing), sharing, answering)


def _behaviour_score(shared: list[Shared]) -> float:
    """A question counts once, by its rarest shared answer, and at most QUESTION_CAP: one bug fails
    every call and test of its question, and two honest students may make the same one; it takes
    answers shared in two questions, or code, to reach THRESHOLD."""
    best = defaultdict(float)
    for s in shared:
        best[s.question] = max(best[s.question], s.rarity)
    return sum(min(QUESTION_CAP, rarity) for rarity in best.values())


# Pairs -----------------------------------------------------------------------------------------


def compare(subs: list[Graded], skeleton: list[str]) -> list[Pair]:
    """The pairs of ``subs`` whose evidence reaches THRESHOLD, most suspicious first; ``skeleton``
    is the unanswered notebook's code cells."""
    limit, given = common_limit(len(subs), COMMON_CODE), skeleton_lines(skeleton)
    prints = [fingerprints(s.cells, given) for s in subs]
    counts = Counter(digest for p in prints for digest in p)
    weights = {d: math.log((len(subs) + 1) / c) for d, c in counts.items() if c <= limit}
    totals = [sum(weights.get(d, 0.0) for d in p) for p in prints]
    holders = defaultdict(list)
    for i, p in enumerate(prints):
        for digest in p:
            holders[digest].append(i)
    code, behaviour = _blocks(holders, limit), _behaviour(subs, common_limit(len(subs), COMMON_ANSWER))
    pairs = []
    for i, j in code.keys() | behaviour.keys():
        digests = code.get((i, j), [])
        share = sum(weights[d] for d in digests) / min(totals[i], totals[j]) if digests else 0.0
        shared = sorted(behaviour.get((i, j), []), key=lambda s: (s.question, s.test, s.call))
        lines_a, lines_b = _lines(prints[i], digests), _lines(prints[j], digests)
        enough = min(1.0, min(len(lines_a), len(lines_b)) / ENOUGH)
        score = _behaviour_score(shared) + CODE_WEIGHT * share * enough
        if score >= THRESHOLD:
            pairs.append(Pair(subs[i].name, subs[j].name, score, tuple(shared), share, lines_a, lines_b))
    return sorted(pairs, key=lambda p: (-p.score, p.a, p.b))


def _lines(prints: dict[int, list[Place]], digests: list[int]) -> tuple[tuple[int, int], ...]:
    return tuple(sorted({(cell, n) for d in digests for cell, lines in prints[d] for n in lines}))


def clusters(pairs: list[Pair]) -> list[list[str]]:
    """Connected groups of flagged pairs, largest first, each in name order."""
    parent: dict[str, str] = {}

    def root(name: str) -> str:
        parent.setdefault(name, name)
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    for pair in pairs:
        parent[root(pair.a)] = root(pair.b)
    groups = defaultdict(list)
    for name in parent:
        groups[root(name)].append(name)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g))


# Outputs ---------------------------------------------------------------------------------------


def write_csv(path: Path, pairs: list[Pair]) -> None:
    """One row per flagged pair, most suspicious first."""
    head = ["a", "b", "score", "behaviour_matches", "code_share", "questions"]
    body = [
        [p.a, p.b, number_cell(round(p.score, 2)), len(p.behaviour), number_cell(round(p.code_share, 2))]
        + [" ".join(p.questions)]
        for p in pairs
    ]
    write_table(Path(path), head, body)


def _code_html(sub: Graded, lines: tuple[tuple[int, int], ...]) -> str:
    """The cells of ``sub`` that match, the matching lines marked, with CONTEXT lines around them."""
    marked = defaultdict(set)
    for cell, n in lines:
        marked[cell].add(n)
    parts = []
    for cell in sorted(marked):
        source = sub.cells[cell].splitlines()
        shown = sorted({n for m in marked[cell] for n in range(m - CONTEXT, m + CONTEXT + 1) if 1 <= n <= len(source)})
        rows = []
        for previous, n in zip([None, *shown], shown):
            if previous is not None and n != previous + 1:
                rows.append("…")
            text = html.escape(f"{n:>3}  {source[n - 1]}")
            rows.append(f"<mark>{text}</mark>" if n in marked[cell] else text)
        parts.append(
            f"<div>code cell {cell + 1}</div>"
            f'<pre style="margin:0 0 0.5em;white-space:pre-wrap;font-size:0.85em">' + "\n".join(rows) + "</pre>"
        )
    return "".join(parts) or "<p>no uncommon code in common</p>"


def _behaviour_html(shared: tuple[Shared, ...]) -> str:
    if not shared:
        return "<p>no rare wrong answer in common</p>"
    rows = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape(str(c))}</td>" for c in (s.question, s.test, s.call, s.outcome))
        + f"<td>{s.sharing} of {s.answering}</td></tr>"
        for s in shared
    )
    head = "".join(f"<th>{h}</th>" for h in ("question", "test", "call", "what both answered", "gave it"))
    return f"<table><tr>{head}</tr>{rows}</table>"


def _pair_html(pair: Pair, by_name: dict[str, Graded]) -> str:
    a, b = html.escape(pair.a), html.escape(pair.b)
    sides = (_code_html(by_name[pair.a], pair.lines_a), _code_html(by_name[pair.b], pair.lines_b))
    cell = '<td style="vertical-align:top;width:50%">'
    return (
        f"<h3>{a} and {b} (score {pair.score:.1f})</h3>"
        f"<p>{len(pair.behaviour)} rare wrong answers in common, in {html.escape(', '.join(pair.questions) or 'no')} "
        f"question(s); {pair.code_share:.0%} of the uncommon code of the one with less in common</p>"
        + _behaviour_html(pair.behaviour)
        + f'<table style="table-layout:fixed;width:100%"><tr><th>{a}</th><th>{b}</th></tr>'
        f"<tr>{cell}{sides[0]}</td>{cell}{sides[1]}</td></tr></table>"
    )


def html_section(pairs: list[Pair], subs: list[Graded]) -> str:
    """The class report's section: the hint, the clusters, and each pair's evidence side by side."""
    title = "<h2>Submissions that look alike</h2>"
    if not pairs:
        return f"{title}\n<p>{html.escape(NONE)}</p>"
    by_name = {s.name: s for s in subs}
    groups = "".join(f"<li>{html.escape(', '.join(g))}</li>" for g in clusters(pairs))
    parts = [title, f"<p><b>{html.escape(HINT)}</b></p>", f"<h3>Clusters</h3><ul>{groups}</ul>"]
    return "\n".join(parts + [_pair_html(p, by_name) for p in pairs])
