"""Written questions graded by a TA (issue 33), through ``make grade``'s own run: a small class of
01 (answers as a student types them, one full of markup, one left blank) graded with a roster; the
TA's page shows every answer as text with the sandbox's plots; the marks file, filled as a TA fills
it, reaches the gradebook, the Canvas file and the feedback; a regrade keeps every mark and flags
an answer that changed."""

from __future__ import annotations

import csv
import shutil

import nbformat
import pytest

from grading import layout, written
from grading.bundle import read_autograder
from grading.outputs.marks import BLANK_COMMENT, State

ASSIGNMENT = "01-gradient-descent"
MARKUP = (
    '<script>document.title = "pwned"</script><img src=x onerror="document.title = \'pwned\'">'
    "**bold**, $x_k$ and <b>tags</b> stay text"
)
ROSTER = ["Name,Login,Email", "Ada Lovelace,ada,ada@uni.edu", "Ben Ng,ben,ben@uni.edu", "Cy Young,cy,cy@uni.edu"]
ROSTER.append("Dee Diaz,dee,dee@uni.edu")
NOISE = """import matplotlib.pyplot as plt, numpy as np
for _ in range(6):
    plt.figure(figsize=(40, 40)).figimage(np.random.default_rng(0).integers(0, 255, (1500, 1500, 3), dtype=np.uint8))"""


def info():
    return read_autograder(layout.autograder_zip(ASSIGNMENT))


def with_answers(nb, answers: dict[str, str]):
    """The notebook with each written question's answer cell (the first Markdown cell after its
    prompt) holding ``answers[question]``, as a student types it over otter's placeholder."""
    nb = nbformat.from_dict(nb)
    for q in info().written:
        first = q.prompt.strip().split("\n", 1)[0]
        at = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and first in c.source)
        cell = next(c for c in nb.cells[at + 1 :] if c.cell_type == "markdown")
        cell.source = answers.get(q.name, written.PLACEHOLDER)
    return nb


def with_noise(nb):
    """Eve adds code cells after each prompt that draw figures of random pixels, far too many and
    far too large: what the TA's page gets of them is bounded."""
    for q in info().written:
        at = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and q.prompt[:40] in c.source)
        for _ in range(3):
            nb.cells.insert(at + 1, nbformat.v4.new_code_cell(NOISE))
    return nb


@pytest.fixture(scope="module")
def written_class(tmp_path_factory, grade):
    """The class graded once (a run with no marks yet); returns (folder, grades folder, run)."""
    root = tmp_path_factory.mktemp("written")
    folder, grades = root / "class", root / "grades"
    folder.mkdir()
    reference = nbformat.read(layout.examples_dir(ASSIGNMENT) / "reference.ipynb", as_version=4)
    names = [q.name for q in info().written]
    nbformat.write(with_answers(reference, {q: f"Ada's answer to {q}." for q in names}), folder / "ada.ipynb")
    nbformat.write(with_answers(reference, {q: MARKUP for q in names}), folder / "ben.ipynb")
    nbformat.write(with_answers(reference, {}), folder / "cy.ipynb")
    nbformat.write(with_answers(reference, {q: "Dee's first answer." for q in names}), folder / "dee.ipynb")
    nbformat.write(with_noise(with_answers(reference, {q: "Eve's." for q in names})), folder / "eve.ipynb")
    (root / "roster.csv").write_text("\n".join(ROSTER) + "\n")

    def run(**options):
        out = grades / f"{ASSIGNMENT}.csv"
        return {r.submission: r for r in grade(ASSIGNMENT, folder, out=out, roster=root / "roster.csv", **options)}

    return folder, grades, run


def table(path, key: str) -> dict:
    with open(path, newline="", encoding="utf-8") as f:
        return {row[key]: row for row in csv.DictReader(f)}


def marks_file(grades) -> dict:
    with open(grades / f"{ASSIGNMENT}-written.csv", newline="", encoding="utf-8") as f:
        return {(row["submission"], row["question"]): row for row in csv.DictReader(f)}


def fill(grades, points: dict, comments: dict | None = None, extra: list | None = None, clear_sha=()) -> None:
    """Fill the marks file as a TA does in a spreadsheet: points and comments in their cells."""
    path = grades / f"{ASSIGNMENT}-written.csv"
    with open(path, newline="", encoding="utf-8") as f:
        lines = list(csv.DictReader(f))
    for line in lines:
        key = (line["submission"], line["question"])
        line["points"] = points.get(key, line["points"])
        line["comment"] = (comments or {}).get(key, line["comment"])
        if key in clear_sha:
            line["answer_sha"] = ""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(lines[0]))
        writer.writeheader()
        writer.writerows([*lines, *(extra or [])])


def test_every_assignment_has_a_written_question_with_a_rubric():
    for assignment in layout_ids():
        questions = read_autograder(layout.autograder_zip(assignment)).written
        assert questions, f"{assignment} has no written question"
        for q in questions:
            assert q.rubric.strip() and q.model.strip() and q.points > 0, (assignment, q.name)


def layout_ids():
    from grading import course

    return course.ASSIGNMENT_IDS


def test_the_round_trip_from_the_page_to_the_lms(written_class):
    folder, grades, run = written_class
    ag = info()
    questions = {q.name: q.points for q in ag.written}
    first, full = next(iter(questions)), ag.max_score

    rows = run()
    marks = marks_file(grades)
    assert {k[0] for k in marks} == {"ada.ipynb", "ben.ipynb", "cy.ipynb", "dee.ipynb", "eve.ipynb"}
    for q in questions:
        assert marks["ada.ipynb", q]["points"] == "" and marks["ada.ipynb", q]["status"] == State.TO_GRADE
        assert marks["cy.ipynb", q]["points"] == "0" and marks["cy.ipynb", q]["comment"] == BLANK_COMMENT
    book = table(grades / f"{ASSIGNMENT}.csv", "submission")
    assert book["ada.ipynb"][first] == "" and float(book["ada.ipynb"]["score"]) == full
    assert "not graded yet" in book["ada.ipynb"]["note"] and book["cy.ipynb"][first] == "0"
    assert float(book["ada.ipynb"]["max_score"]) == ag.total_points
    canvas = table(grades / f"{ASSIGNMENT}-canvas.csv", "Student")
    assert float(canvas["Points Possible"][ASSIGNMENT]) == ag.total_points
    assert float(canvas["Ada Lovelace"][ASSIGNMENT]) == full  # the written part is left out until graded
    feedback = (grades / f"{ASSIGNMENT}-feedback" / "ada.ipynb.txt").read_text()
    assert f"{first} (written): not graded yet" in feedback
    assert all(rows["ada.ipynb"].written[q].text == f"Ada's answer to {q}." for q in questions)

    comment = "=1+1 |1 - 2 lr| > 1: right; say why 1.0 does not diverge"  # a formula-like start survives
    fill(
        grades,
        {("ada.ipynb", q): f"{p:g}" for q, p in questions.items()}
        | {("ben.ipynb", first): "1,5", ("dee.ipynb", first): "1"},
        {("ben.ipynb", first): comment},
        extra=[{"submission": "nobody.ipynb", "question": first, "points": "1"}],
    )
    run()
    book = table(grades / f"{ASSIGNMENT}.csv", "submission")
    assert float(book["ada.ipynb"]["score"]) == ag.total_points and book["ada.ipynb"][first] == f"{questions[first]:g}"
    assert float(book["ben.ipynb"][first]) == 1.5 and float(book["ben.ipynb"]["score"]) == full + 1.5
    canvas = table(grades / f"{ASSIGNMENT}-canvas.csv", "Student")
    assert float(canvas["Ada Lovelace"][ASSIGNMENT]) == ag.total_points
    assert float(canvas["Ben Ng"][ASSIGNMENT]) == full + 1.5
    feedback = (grades / f"{ASSIGNMENT}-feedback" / "ben.ipynb.txt").read_text()
    assert f"{first} (written, graded by a TA): 1.5 / {questions[first]:g}" in feedback and comment in feedback
    marks = marks_file(grades)
    assert marks["ben.ipynb", first]["comment"].lstrip("'") == comment and marks["nobody.ipynb", first]["points"] == "1"
    report = (grades / f"{ASSIGNMENT}-report.html").read_text()
    assert "Written questions (graded by a TA)" in report

    # Dee changes her answer; the code is regraded from scratch: every mark stays, Dee's is flagged.
    nb = nbformat.read(folder / "dee.ipynb", as_version=4)
    nbformat.write(with_answers(nb, {q: "Dee's second answer." for q in questions}), folder / "dee.ipynb")
    run(use_cache=False)
    marks = marks_file(grades)
    assert marks["dee.ipynb", first]["status"] == State.CHANGED and marks["dee.ipynb", first]["points"] == "1"
    assert all(marks["ada.ipynb", q]["status"] == State.GRADED for q in questions)
    assert marks["ben.ipynb", first]["points"] == "1.5" and marks["ben.ipynb", first]["status"] == State.GRADED
    book = table(grades / f"{ASSIGNMENT}.csv", "submission")
    assert float(book["dee.ipynb"][first]) == 1 and "changed after it was marked" in book["dee.ipynb"]["note"]
    assert float(book["ada.ipynb"]["score"]) == ag.total_points

    fill(grades, {}, clear_sha={("dee.ipynb", first)})  # the TA looked again and keeps the points
    run()
    assert marks_file(grades)["dee.ipynb", first]["status"] == State.GRADED


def test_a_points_cell_out_of_range_is_named_and_not_used(written_class, capsys):
    folder, grades, run = written_class
    run()
    q = info().written[0]
    fill(grades, {("ada.ipynb", q.name): f"{q.points + 1:g}"})
    run()
    book = table(grades / f"{ASSIGNMENT}.csv", "submission")
    assert book["ada.ipynb"][q.name] == ""
    assert marks_file(grades)["ada.ipynb", q.name]["points"] == f"{q.points + 1:g}"  # kept for the TA to fix


def test_the_page_shows_answers_as_text_and_the_sandboxs_plots(written_class):
    folder, grades, run = written_class
    run()
    page = (grades / f"{ASSIGNMENT}-written.html").read_text()
    assert "<script>" not in page.split("</head>")[1] and "&lt;script&gt;" in page
    assert "onerror=" not in page.replace("onerror=&quot;", "")
    student = nbformat.read(layout.student_notebook(ASSIGNMENT), as_version=4)
    drawn = [q for q, a in written.locate(student, list(info().written)).items() if a.plot_cells]
    assert page.count('src="data:image/png;base64,') >= 3 * len(drawn)  # every student's plot, from the sandbox
    for q in info().written:
        assert q.rubric.split("\n")[0][:40] in page.replace("&#x27;", "'").replace("&quot;", '"')


@pytest.mark.browser
def test_a_flood_of_figures_is_bounded(written_class):
    from grading.judge.grader import MAX_FIGURE_CHARS, MAX_FIGURES_PER_ANSWER

    folder, grades, run = written_class
    eve = run()["eve.ipynb"]
    for answer in eve.written.values():
        assert len(answer.figures) <= MAX_FIGURES_PER_ANSWER and sum(map(len, answer.figures)) <= MAX_FIGURE_CHARS
    assert (grades / f"{ASSIGNMENT}-written.html").stat().st_size < (len(eve.written) + 2) * MAX_FIGURE_CHARS


def test_the_page_in_chromium_runs_nothing_an_answer_holds(written_class, tmp_path):
    """Opened in a real browser: the markup in Ben's answer is shown as the text he typed, no script
    of his runs, and the plots are images the browser could decode."""
    browser_path = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser_path is None:
        pytest.skip("no chromium here (apt-get install chromium)")
    from playwright import sync_api

    folder, grades, run = written_class
    run()
    page_path = grades / f"{ASSIGNMENT}-written.html"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=browser_path, headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(page_path.as_uri())
            page.wait_for_load_state("load")
            assert page.title() == f"{ASSIGNMENT} written questions"
            q = info().written[0]
            ben = page.locator(f'[id="{q.name}:ben.ipynb"] .text')
            assert ben.inner_text().strip() == MARKUP
            sizes = page.eval_on_selector_all("img", "imgs => imgs.map(i => i.naturalWidth)")
            assert sizes and all(w > 0 for w in sizes)
        finally:
            browser.close()
