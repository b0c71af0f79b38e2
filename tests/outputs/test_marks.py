"""The TA's marks file read as a TA leaves it (``grading.outputs.marks``), the answers found in a
student's notebook (``grading.written.locate``), and the written answers in Gradescope's results,
on rows made here (the graded round trip is ``tests/grade/test_written.py``)."""

from __future__ import annotations

import nbformat

from grading import layout, written
from grading.bundle import read_autograder
from grading.gradescope import results
from grading.judge.outcome import Row, Status
from grading.outputs import marks

ASSIGNMENT = "01-gradient-descent"


def _info():
    return read_autograder(layout.autograder_zip(ASSIGNMENT))


def _row(name: str, text: str) -> Row:
    ag = _info()
    return Row(
        name,
        Status.GRADED,
        ag.max_score,
        ag.max_score,
        dict(ag.questions),
        written={q.name: written.Answer(text) for q in ag.written},
    )


def test_every_bad_cell_is_named_and_left_unused(tmp_path):
    q = _info().written[0]
    path = tmp_path / "marks.csv"
    path.write_text(
        "submission;student;question;max_points;points;comment;answer_sha;status\n"  # a spreadsheet that saves with ;
        f"ada.ipynb;;{q.name};;{q.points + 1:g};too many;;\n"
        f"ben.ipynb;;{q.name};;1,5;'=SUM(A1);;\n"
        f"ben.ipynb;;{q.name};;0;twice;;\n"
        f"zed.ipynb;;{q.name};;1;;;\n"
        "ben.ipynb;;w99;;1;;;\n"
        f"ben.ipynb;;{q.name.upper()}x;;abc;;;\n",
        encoding="utf-8-sig",
    )
    read = marks.read(path, list(_info().written), {"ada.ipynb", "ben.ipynb"})
    said = "\n".join(read.problems)
    assert f"points '{q.points + 1:g}' is not a number from 0 to {q.points:g}" in said
    assert "given twice: the first line is used" in said and "no submission of this name" in said
    assert "no written question of this name" in said
    assert read.by_key["ada.ipynb", q.name].points is None and read.by_key["ben.ipynb", q.name].points == 1.5
    assert (
        read.by_key["ben.ipynb", q.name].comment == "=SUM(A1)"
    )  # the quote the file put before a formula is not the TA's


def test_a_mark_survives_the_file_being_written_and_read_again(tmp_path):
    q = _info().written[0]
    rows = [_row("ada.ipynb", "An answer."), _row("cy.ipynb", "")]
    path = tmp_path / "marks.csv"
    marks.write(path, rows, list(_info().written), marks.Marks())
    first = marks.read(path, list(_info().written), {"ada.ipynb", "cy.ipynb"})
    assert first.by_key["cy.ipynb", q.name].points == 0 and first.by_key["ada.ipynb", q.name].points is None
    first.by_key["ada.ipynb", q.name].points = 2.0
    first.by_key["ada.ipynb", q.name].comment = "- good, =but"
    marks.write(path, rows, list(_info().written), first)
    again = marks.read(path, list(_info().written), {"ada.ipynb", "cy.ipynb"})
    assert (
        again.by_key["ada.ipynb", q.name].points == 2.0 and again.by_key["ada.ipynb", q.name].comment == "- good, =but"
    )
    (row,) = marks.merged(rows[:1], list(_info().written), again)[:1]
    assert row.questions[q.name] == 2.0 and row.score == _info().max_score + 2.0
    assert row.max_score == _info().total_points


def test_a_blank_answer_filled_in_later_is_graded_again(tmp_path):
    q = _info().written[0]
    path = tmp_path / "marks.csv"
    marks.write(path, [_row("cy.ipynb", "")], list(_info().written), marks.Marks())
    old = marks.read(path, list(_info().written), {"cy.ipynb"})
    (row,) = marks.merged([_row("cy.ipynb", "Now answered.")], list(_info().written), old)
    assert q.name not in row.questions and "not graded yet" in row.note


def test_the_answer_is_found_by_its_prompt_wherever_the_student_moved_it():
    nb = nbformat.read(layout.student_notebook(ASSIGNMENT), as_version=4)
    questions = list(_info().written)
    at = next(i for i, c in enumerate(nb.cells) if c.source.strip() == written.PLACEHOLDER)
    nb.cells[at].source = "<b>mine</b>\n" + written.PLACEHOLDER
    nb.cells.insert(at + 1, nbformat.v4.new_markdown_cell("and a second cell"))
    nb.cells.insert(0, nbformat.v4.new_markdown_cell("my notes at the top"))
    found = written.locate(nb, questions)
    assert found[questions[0].name].text == "<b>mine</b>\n\nand a second cell"
    assert all(found[q.name].blank for q in questions[1:])
    nb.cells = [c for c in nb.cells if not c.source.startswith(written.BEGIN)]
    assert not any(a.found for a in written.locate(nb, questions).values())


def test_gradescope_shows_each_written_answer_as_text_with_no_score():
    info = _info()
    out = results(_row("ada.ipynb", "<script>x</script>"), info)
    entries = [t for t in out["tests"] if "written" in t["name"]]
    assert len(entries) == len(info.written) and all("score" not in t and "max_score" not in t for t in entries)
    assert all(t["output_format"] == "text" and "<script>x</script>" in t["output"] for t in entries)
    assert out["score"] == info.max_score
