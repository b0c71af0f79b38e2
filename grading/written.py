"""Written questions: answers a TA grades by hand (otter's ``manual: true`` questions).

In the reference notebook a written question is otter's own form: the prompt, optionally one code
cell that draws the plot the answer interprets, then a solution block holding the model answer and
a Markdown cell that starts with ``**Rubric.**``. ``make student`` hands out the prompt and the plot
cell with otter's placeholder where the answer goes; the zip's ``written.json`` carries each
question's name, points, prompt, model answer and rubric, so grading needs nothing but the zip.

A submission's answer is read from its notebook's JSON, never run: the Markdown cells between the
prompt (the cell otter marks ``<!-- BEGIN QUESTION -->``) and the end of the question. The plots
beside it come from the sandbox's own run of the code cells in between (``grading.judge``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field

import yaml

PLACEHOLDER = "_Type your answer here, replacing this text._"  # what otter puts where the answer goes
BEGIN, END = "<!-- BEGIN QUESTION -->", "<!-- END QUESTION -->"
RUBRIC = "**Rubric.**"
MAX_ANSWER_CHARS = 5_000  # a few sentences are asked for; a TA reads no more than this of an answer
MAX_SPAN_CELLS = 12  # cells read after a prompt when the question's end marker is gone
MAX_PLOT_CELLS = 2  # code cells after a prompt whose figures are kept (the question's own draws one)


@dataclass(frozen=True)
class WrittenQuestion:
    name: str
    points: float
    prompt: str  # the Markdown students read
    rubric: str  # what a full answer says, what earns part (the reference's ``**Rubric.**`` cell)
    model: str = ""  # the reference's own answer

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Answer:
    """A submission's answer to one written question, as its notebook holds it (a row keeps it)."""

    text: str  # the Markdown, placeholder removed, cut at MAX_ANSWER_CHARS
    plot_cells: list[int] = field(default_factory=list)  # notebook cell indices of the code cells that draw beside it
    found: bool = True  # False: the notebook has no prompt of this question
    cut: bool = False
    figures: list[str] = field(default_factory=list)  # PNG, base64: what those cells drew in the sandbox

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def digest(self) -> str:
        """What a TA's mark is for: the answer's text (whitespace at its ends ignored)."""
        return hashlib.sha256(self.text.strip().encode()).hexdigest()[:12]


def _boundary(cell, word: str) -> bool:
    return cell.cell_type == "raw" and bool(re.match(rf"#\s+{word}\s*$", cell.source.split("\n")[0], re.IGNORECASE))


def from_reference(nb) -> list[WrittenQuestion]:
    """The written questions of a reference notebook, in order; ``ValueError`` names what is
    missing (a prompt, a model answer, a rubric)."""
    found, current = [], None
    in_solution = False
    for cell in nb.cells:
        if _boundary(cell, "begin question"):
            config = yaml.safe_load(cell.source.split("\n", 1)[1] if "\n" in cell.source else "") or {}
            current = dict(config, prompt=None, model=[], rubric=None) if config.get("manual") is True else None
        elif _boundary(cell, "end question"):
            if current is not None:
                found.append(_finished(current))
            current = None
        elif _boundary(cell, "begin solution"):
            in_solution = True
        elif _boundary(cell, "end solution"):
            in_solution = False
        elif current is not None and cell.cell_type == "markdown":
            if in_solution and cell.source.lstrip().startswith(RUBRIC):
                current["rubric"] = cell.source.lstrip()[len(RUBRIC) :].strip()
            elif in_solution:
                current["model"].append(cell.source.strip())
            elif current["prompt"] is None:
                current["prompt"] = cell.source.strip()
    return found


def _finished(q: dict) -> WrittenQuestion:
    name = str(q.get("name", "?"))
    points = q.get("points")
    if isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0:
        raise ValueError(f"written question {name}: `points` must be a number above 0 (a TA grades it by hand)")
    for part, missing in (
        ("prompt", "no Markdown prompt before its solution"),
        ("model", "no model answer (a Markdown cell between BEGIN SOLUTION and END SOLUTION)"),
        ("rubric", f"no rubric (a Markdown cell in its solution that starts with {RUBRIC})"),
    ):
        if not q.get(part):
            raise ValueError(f"written question {name}: {missing}")
    return WrittenQuestion(name, float(points), q["prompt"], q["rubric"], "\n\n".join(q["model"]))


def _first_line(text: str) -> str:
    return text.replace(BEGIN, "").strip().split("\n", 1)[0].strip()


def _is_prompt(cell) -> bool:
    return cell.cell_type == "markdown" and cell.source.lstrip().startswith(BEGIN)


def _ends_span(cell) -> bool:
    return END in cell.source or _is_prompt(cell) or "grader.check(" in cell.source


def locate(nb, questions: list[WrittenQuestion]) -> dict[str, Answer]:
    """Each written question's answer in a submission: found by its prompt's first line, else by
    the order of otter's prompt markers; a notebook without the prompt gets a blank, not-found answer."""
    prompts = [i for i, cell in enumerate(nb.cells) if _is_prompt(cell)]
    answers = {}
    for k, q in enumerate(questions):
        first = _first_line(q.prompt)
        at = next((i for i in prompts if _first_line(nb.cells[i].source) == first), None)
        if at is None and len(prompts) == len(questions):
            at = prompts[k]
        answers[q.name] = _answer_after(nb, at) if at is not None else Answer("", found=False)
    return answers


def _answer_after(nb, at: int) -> Answer:
    parts, plots = [], []
    for i in range(at + 1, min(len(nb.cells), at + 1 + MAX_SPAN_CELLS)):
        cell = nb.cells[i]
        if _ends_span(cell):
            break
        if cell.cell_type == "code":
            plots.append(i)
        elif cell.cell_type == "markdown":  # as text any file takes (JSON may hold lone surrogates)
            parts.append(cell.source.encode("utf-8", "replace").decode().replace(PLACEHOLDER, "").strip())
    text = "\n\n".join(p for p in parts if p)
    cut = len(text) > MAX_ANSWER_CHARS
    return Answer(text[:MAX_ANSWER_CHARS], plots[:MAX_PLOT_CELLS], cut=cut)
