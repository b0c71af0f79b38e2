"""Pairs (and clusters) of submissions that look copied: a hint for a TA to look at, never a score.

Two kinds of evidence, each weighted by how rare it is in the class, because what many students
share says nothing about two of them:

- behaviour: what a student's functions answered on the judge's hidden inputs in the test cases
  they failed (``CaseResult.evidence``). Correct answers agree by design, so only wrong ones count;
  a wrong answer ``s`` of the ``n`` submissions gave (the others answered that call too, most of
  them rightly) is worth log(n / s) less log(s (s - 1) / 2), the pairs it is spread over: rare if
  only the pair gave it, even when only the pair failed, and nothing once a few share it (a common
  bug). A question counts by its rarest shared answer, at most ``QUESTION_CAP``, as one bug fails
  all its calls; questions add up, less ``COMMON_BUG`` for the best, since one bug in common is what
  honest pairs most often share: rare identical wrong answers in two questions flag a pair on their
  own, one question only with code that nearly does. What an unfinished answer gives (``None``,
  ``raised NotImplementedError``) is no evidence;
- code, fingerprinted twice and the better match kept: the answer cells as tokens, every identifier
  one symbol and every literal another, comments and layout dropped, the skeleton's lines left out;
  and the same code normalised (``normalise``: parentheses, no-op lines, dead code, loop forms and
  equivalent calls undone), so padding and light rewrites hide nothing. Each is cut into k-grams and
  winnowed into fingerprints (MOSS: Schleimer, Wilkerson and Aiken, SIGMOD 2003), each top-level
  function on its own, so functions in another order match too; fingerprints more than
  ``common_limit`` submissions have are boilerplate, and the rest weigh as answers do, spread over
  the pairs that share them: what three or four wrote alike from the template is no evidence. Whole
  functions that match count again, more past the first (a short one two may write alike), so a
  copy of two or three functions among one's own code shows.

Only the first ``MAX_CODE`` characters of a submission's code are read: an upload of megabytes
must not hold up the class's report (the report names those cut short).

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

from . import normalise
from .gradebook import number_cell, write_table

K = 10  # tokens per k-gram: about one line of code
WINDOW = 5  # winnowing window: any common run of K + WINDOW - 1 = 14 tokens shares a fingerprint
K_NORMAL, WINDOW_NORMAL = 8, 4  # the same for normalised symbols, denser than tokens (no brackets, commas)
MAX_CODE = 40_000  # characters of code read per submission: about 6 times the longest reference notebook
# What more submissions share than this, or than a third of the class, is common: code more than 10
# have is boilerplate (MOSS's -m default); a wrong answer more than 5 gave is a common bug.
COMMON_CODE, COMMON_ANSWER = 10, 5
ENOUGH = 20.0  # rarity-weighted fingerprints in common for code to count in full (about 8 rare lines): a
# share of a little uncommon code (a student who wrote what most wrote) is what two may write alike
CODE_WEIGHT = 5.0  # nats for a pair whose rarer code is all shared
QUESTION_CAP = 2.0  # nats at most from one question's answers: one bug, which two may make alike
COMMON_BUG = 1.0  # nats less for a pair's best question: one bug in common is what honest pairs most often share
FUNCTION_WEIGHT = 0.75  # nats for a whole function of uncommon code both have: a short one two may write alike
FUNCTIONS_WEIGHT = 1.5  # nats for each further one: several whole functions alike are a partial copy
FUNCTION_MATCH = 0.8  # the share of a function's uncommon fingerprints the other must have
FUNCTION_SIZE = 6.0  # rarity-weighted fingerprints a function needs to count: a one-liner two may write alike
# 3 nats, a coincidence of about 1 in 20. One question gives at most QUESTION_CAP - COMMON_BUG, so
# one bug never flags alone nor with code two honest students' templates converge on; rare answers
# in two questions do (each shared by the pair alone in a class of 8 or more), or one question and
# code worth 2; code alone needs 60% of the rarer side's uncommon fingerprints over ENOUGH lines (or
# all of them over 5), or a share and whole functions (three flag alone).
THRESHOLD = 3.0
NEAR = 5  # pairs below THRESHOLD the report shows, for a TA who wants to look further
CONTEXT = 2  # lines shown around matching code
WIDTH = 300  # characters shown of a line of code: the report shows code, not a line of megabytes
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
    cut: bool = False  # cells past MAX_CODE were left out (``graded``)


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
    functions: int = 0  # whole functions (and methods) of uncommon code that match

    @property
    def questions(self) -> list[str]:
        return sorted({s.question for s in self.behaviour})


def graded(row, cells: list[str]) -> Graded:
    """A ``grading.judge.outcome.Row`` with the submission's code cells, only their first MAX_CODE
    characters kept (the rest is never read, and kept in memory for the whole class it would add up)."""
    evidence = {
        f"{question}/{case.test}/{call}": outcome
        for question, cases in row.cases.items()
        for case in cases
        if not case.passed
        for call, outcome in case.evidence.items()
    }
    kept, cut = capped(list(cells))
    return Graded(row.submission, kept, evidence, cut)


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
    except (SyntaxError, ValueError, RecursionError, MemoryError):  # MemoryError: the parser's own stack
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


@dataclass(frozen=True)
class Given:
    """The skeleton (the unanswered notebook) as each fingerprint sees it: nothing in it is evidence."""

    lines: set[str]  # its lines as tokens
    statements: set[str]  # its statements normalised
    grams: set[int]  # every k-gram of its normalised form


def given(skeleton: list[str]) -> Given:
    statements = {text for source in skeleton for text in normalise.statements(source)}
    grams = set()
    for source in skeleton:
        for segment in normalise.segments(source) or []:
            grams.update(digest for digest, _ in _normal_kgrams(segment))
    return Given(skeleton_lines(skeleton), statements, grams)


def _normal_kgrams(symbols: list[tuple[str, int]]) -> list[tuple[int, tuple[int, ...]]]:
    if not symbols:
        return []
    width, grams = min(K_NORMAL, len(symbols)), []
    for i in range(len(symbols) - width + 1):
        text = "n " + " ".join(s for s, _ in symbols[i : i + width])
        digest = hashlib.blake2b(text.encode(), digest_size=8).digest()
        grams.append((int.from_bytes(digest, "big"), tuple(sorted({n for _, n in symbols[i : i + width]}))))
    return grams


def normal_fingerprints(cells: list[str], skeleton: Given) -> dict[int, list[tuple[int, tuple[int, ...], int]]]:
    """Fingerprints of the normalised code, each with (cell, lines, function); a cell that does not
    parse has only token fingerprints."""
    prints, function = defaultdict(list), 0
    for index, source in enumerate(cells):
        for segment in normalise.segments(source, skeleton.statements) or []:
            function += 1
            grams = [g for g in _normal_kgrams(segment) if g[0] not in skeleton.grams]
            chosen = {}
            for start in range(max(1, len(grams) - WINDOW_NORMAL + 1) if grams else 0):
                window = range(start, min(start + WINDOW_NORMAL, len(grams)))
                best = min(window, key=lambda i: (grams[i][0], -i))
                chosen[best] = grams[best]
            for digest, lines in chosen.values():
                prints[digest].append((index, lines, function))
    return prints


def capped(cells: list[str]) -> tuple[list[str], bool]:
    """The first MAX_CODE characters of the cells, and whether anything was cut."""
    kept, left = [], MAX_CODE
    for source in cells:
        kept.append(source[:left])
        left -= len(kept[-1])
    return kept, sum(map(len, cells)) > MAX_CODE


def capped_note(names: list[str]) -> str:
    """One line for the TA: whose code was compared only in part."""
    return (
        f"Code cut at {MAX_CODE:,} characters for similarity (the rest was not compared; look at it "
        f"yourself): {', '.join(names)}"
    )


def _blocks(holders: dict, limit: int) -> dict[tuple[int, int], list]:
    """Pairs that share a key, with the keys they share; keys held by more than ``limit`` are skipped."""
    shared = defaultdict(list)
    for key, who in holders.items():
        if 2 <= len(who) <= limit:
            for pair in combinations(who, 2):
                shared[pair].append(key)
    return shared


# Behaviour -------------------------------------------------------------------------------------

UNFINISHED = {"None", "did not answer", "raised NotImplementedError", "raised NameError"}


def unfinished(outcome: str) -> bool:
    """What a function left as handed out (``...``) or an answer never written gives: no evidence."""
    return outcome in UNFINISHED or outcome.endswith(" with 0 parameters []")


def rarity(sharing: int, class_size: int) -> float:
    """log(n / s), the surprise of one answer, less log(s (s - 1) / 2): the pairs that gave it split it."""
    return max(0.0, math.log(class_size / sharing) - math.log(sharing * (sharing - 1) / 2))


def _behaviour(subs: list[Graded], limit: int) -> dict[tuple[int, int], list[Shared]]:
    """Pairs that gave the same rare wrong answer to a call, blocked by (call, answer)."""
    groups = defaultdict(list)
    for i, sub in enumerate(subs):
        for key, outcome in sub.evidence.items():
            if not unfinished(outcome):
                groups[(key, outcome)].append(i)
    shared = defaultdict(list)
    for pair, keys in _blocks(groups, limit).items():
        for key, outcome in keys:
            sharing = len(groups[(key, outcome)])
            if rarity(sharing, len(subs)) > 0:
                shared[pair].append(_shared(key, outcome, sharing, len(subs)))
    return shared


def _shared(key: str, outcome: str, sharing: int, answering: int) -> Shared:
    question, test, call = key.split("/", 2)
    return Shared(question, test, call, outcome, rarity(sharing, answering), sharing, answering)


def _behaviour_score(shared: list[Shared]) -> float:
    """A question counts once, by its rarest shared answer, and at most QUESTION_CAP: one bug fails
    every call and test of its question. The best counts COMMON_BUG less: two honest students often
    make one bug alike, seldom two; it takes answers shared in two questions, or code, to reach
    THRESHOLD."""
    best = defaultdict(float)
    for s in shared:
        best[s.question] = max(best[s.question], s.rarity)
    capped = [min(QUESTION_CAP, rarity) for rarity in best.values()]
    return sum(capped) - min(COMMON_BUG, max(capped, default=0.0))


# Pairs -----------------------------------------------------------------------------------------


class Flagged(list):
    """The flagged pairs, most suspicious first, with what the report shows beside them: every pair
    with any evidence (``scored``), so every pair's score (``scores``, 0 for the rest of the class)
    and the NEAR highest below THRESHOLD (``near``), and the submissions cut at MAX_CODE (``capped``)."""

    def __init__(self, scored=(), class_size=0, capped=()):
        self.scored = sorted(scored, key=lambda p: (-p.score, p.a, p.b))
        super().__init__(p for p in self.scored if p.score >= THRESHOLD)
        self.class_size, self.capped = class_size, list(capped)

    @property
    def scores(self) -> list[float]:
        rest = self.class_size * (self.class_size - 1) // 2 - len(self.scored)
        return [p.score for p in self.scored] + [0.0] * max(0, rest)

    @property
    def near(self) -> list[Pair]:
        return [p for p in self.scored if p.score < THRESHOLD][:NEAR]


@dataclass
class _Channel:
    """One kind of fingerprint across the class: weights of the uncommon ones, each submission's
    total, and the pairs that share some."""

    prints: list[dict]
    weights: dict[int, float]
    totals: list[float]
    pairs: dict[tuple[int, int], list[int]]

    @classmethod
    def of(cls, prints: list[dict], limit: int) -> _Channel:
        counts = Counter(digest for p in prints for digest in p)
        weights = {d: w for d, c in counts.items() if c <= limit and (w := _print_weight(c, len(prints))) > 0}
        holders = defaultdict(list)
        for i, p in enumerate(prints):
            for digest in p:
                holders[digest].append(i)
        totals = [sum(weights.get(d, 0.0) for d in p) for p in prints]
        return cls(prints, weights, totals, _blocks(holders, limit))

    def share(self, i: int, j: int) -> tuple[float, float]:
        """The rarity-weighted share of the rarer side's uncommon fingerprints the other has, and
        how much that is."""
        common = sum(self.weights.get(d, 0.0) for d in self.pairs.get((i, j), []))
        least = min(self.totals[i], self.totals[j])
        return (common / least if least else 0.0), common


def _print_weight(sharing: int, class_size: int) -> float:
    """log((n + 1) / c) less log(c (c - 1) / 2), as ``rarity``: code that several wrote alike (from
    the handed-out template, a common idiom) is spread over all their pairs."""
    spread = math.log(sharing * (sharing - 1) / 2) if sharing > 1 else 0.0
    return math.log((class_size + 1) / sharing) - spread


def compare(subs: list[Graded], skeleton: list[str]) -> Flagged:
    """The pairs of ``subs`` whose evidence reaches THRESHOLD, most suspicious first; ``skeleton``
    is the unanswered notebook's code cells."""
    limit, base = common_limit(len(subs), COMMON_CODE), given(skeleton)
    cells, cut = zip(*(capped(s.cells) for s in subs)) if subs else ((), ())
    tokens = _Channel.of([fingerprints(c, base.lines) for c in cells], limit)
    normal = _Channel.of([normal_fingerprints(c, base) for c in cells], limit)
    functions = [_function_weights(p, normal.weights) for p in normal.prints]
    behaviour = _behaviour(subs, common_limit(len(subs), COMMON_ANSWER))
    scored = []
    for i, j in tokens.pairs.keys() | normal.pairs.keys() | behaviour.keys():
        shared = sorted(behaviour.get((i, j), []), key=lambda s: (s.question, s.test, s.call))
        lines_a = _lines(tokens.prints[i], tokens.pairs.get((i, j), []), normal.prints[i], normal.pairs.get((i, j)))
        lines_b = _lines(tokens.prints[j], tokens.pairs.get((i, j), []), normal.prints[j], normal.pairs.get((i, j)))
        share, amount = max(tokens.share(i, j), normal.share(i, j))
        enough = min(1.0, amount / ENOUGH)
        whole = _whole_functions(normal, functions, i, j)
        code = CODE_WEIGHT * share * enough + _functions_score(whole)
        score = _behaviour_score(shared) + code
        if score > 0:
            scored.append(Pair(subs[i].name, subs[j].name, score, tuple(shared), share, lines_a, lines_b, whole))
    return Flagged(scored, len(subs), [s.name for s, c in zip(subs, cut) if c or s.cut])


def _functions_score(whole: int) -> float:
    return FUNCTION_WEIGHT * min(1, whole) + FUNCTIONS_WEIGHT * max(0, whole - 1)


def _function_weights(prints: dict, weights: dict[int, float]) -> dict[int, float]:
    """Each function's uncommon fingerprints, weighted by rarity."""
    total = defaultdict(float)
    for digest, places in prints.items():
        for function in {f for _, _, f in places}:
            total[function] += weights.get(digest, 0.0)
    return total


def _whole_functions(normal: _Channel, functions: list[dict[int, float]], i: int, j: int) -> int:
    """How many functions of uncommon code (FUNCTION_SIZE or more) each has of the other's, the fewer."""
    digests = normal.pairs.get((i, j), [])
    if not digests:
        return 0
    counts = []
    for side in (i, j):
        matched = _function_weights({d: normal.prints[side][d] for d in digests}, normal.weights)
        size = functions[side]
        counts.append(sum(size[f] >= FUNCTION_SIZE and w >= FUNCTION_MATCH * size[f] for f, w in matched.items()))
    return min(counts)


def _lines(prints: dict, digests: list[int], normal: dict, normal_digests) -> tuple[tuple[int, int], ...]:
    found = {(cell, n) for d in digests for cell, lines in prints[d] for n in lines}
    found |= {(cell, n) for d in normal_digests or [] for cell, lines, _ in normal[d] for n in lines}
    return tuple(sorted(found))


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
            line = source[n - 1] if len(source[n - 1]) <= WIDTH else source[n - 1][:WIDTH] + " …"
            text = html.escape(f"{n:>3}  {line}")
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
    whole = f", {pair.functions} whole functions alike" if pair.functions > 1 else ""
    return (
        f"<h3>{a} and {b} (score {pair.score:.1f})</h3>"
        f"<p>{len(pair.behaviour)} rare wrong answers in common, in {html.escape(', '.join(pair.questions) or 'no')} "
        f"question(s); {pair.code_share:.0%} of the uncommon code of the one with less in common{whole}</p>"
        + _behaviour_html(pair.behaviour)
        + f'<table style="table-layout:fixed;width:100%"><tr><th>{a}</th><th>{b}</th></tr>'
        f"<tr>{cell}{sides[0]}</td>{cell}{sides[1]}</td></tr></table>"
    )


def _histogram_svg(scores: list[float], width: int = 560, height: int = 150) -> str:
    """Pair scores in bins of half a nat, counts on a log scale (most pairs score 0), THRESHOLD a red line."""
    top = max([THRESHOLD + 1.0, *scores])
    bins = int(math.ceil(top * 2))
    counts = Counter(min(bins - 1, int(s * 2)) for s in scores)
    scale, bar = (height - 30) / math.log1p(max(counts.values(), default=1)), (width - 20) / bins
    rects = []
    for b, n in sorted(counts.items()):
        h = scale * math.log1p(n)
        x, colour = 10 + b * bar, "#c0392b" if b / 2 >= THRESHOLD else "#7f8c8d"
        rects.append(
            f'<rect x="{x:.1f}" y="{height - 20 - h:.1f}" width="{bar - 1:.1f}" height="{h:.1f}" fill="{colour}">'
            f"<title>{b / 2:g} to {(b + 1) / 2:g}: {n} pairs</title></rect>"
            f'<text x="{x + bar / 2:.1f}" y="{height - 23 - h:.1f}" font-size="9" text-anchor="middle">{n}</text>'
        )
    line = 10 + THRESHOLD * 2 * bar
    ticks = "".join(
        f'<text x="{10 + t * 2 * bar:.1f}" y="{height - 6}" font-size="9" text-anchor="middle">{t}</text>'
        for t in range(0, int(top) + 1)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="pair scores, threshold {THRESHOLD:g}">'
        + "".join(rects)
        + ticks
        + f'<line x1="{line:.1f}" x2="{line:.1f}" y1="5" y2="{height - 18}" stroke="#c0392b" stroke-dasharray="4 3"/>'
        f'<text x="{line + 3:.1f}" y="14" font-size="10" fill="#c0392b">threshold {THRESHOLD:g}</text></svg>'
    )


def _distribution_html(pairs: list[Pair]) -> str:
    """Every pair's score, the threshold marked, and the next pairs below it for a TA who wants to look."""
    scores, near = getattr(pairs, "scores", []), getattr(pairs, "near", [])
    parts = []
    if scores:
        parts.append(
            f"<h3>Scores of all {len(scores)} pairs</h3><p>Nats of evidence per pair (0: nothing rare in "
            f"common); pairs at {THRESHOLD:g} or more are listed below. Counts on a log scale.</p>"
            + _histogram_svg(scores)
        )
    if near:
        rows = "".join(
            f"<tr><td>{html.escape(p.a)}</td><td>{html.escape(p.b)}</td><td>{p.score:.1f}</td>"
            f"<td>{len(p.behaviour)} in {html.escape(', '.join(p.questions) or 'no')} question(s)</td>"
            f"<td>{p.code_share:.0%}</td></tr>"
            for p in near
        )
        parts.append(
            "<h3>Next below the threshold (not flagged)</h3><table><tr><th>a</th><th>b</th><th>score</th>"
            f"<th>rare wrong answers in common</th><th>code in common</th></tr>{rows}</table>"
        )
    if getattr(pairs, "capped", []):
        parts.append(f"<p>{html.escape(capped_note(pairs.capped))}</p>")
    return "\n".join(parts)


def html_section(pairs: list[Pair], subs: list[Graded]) -> str:
    """The class report's section: the hint, the score distribution, the clusters, each pair's
    evidence side by side, and the next pairs below the threshold."""
    title = "<h2>Submissions that look alike</h2>"
    distribution = _distribution_html(pairs)
    if not pairs:
        return "\n".join(p for p in (title, f"<p>{html.escape(NONE)}</p>", distribution) if p)
    by_name = {s.name: s for s in subs}
    groups = "".join(f"<li>{html.escape(', '.join(g))}</li>" for g in clusters(pairs))
    parts = [title, f"<p><b>{html.escape(HINT)}</b></p>", f"<h3>Clusters</h3><ul>{groups}</ul>"]
    return "\n".join(parts + [_pair_html(p, by_name) for p in pairs] + [distribution])
