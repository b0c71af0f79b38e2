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


def _ada_marked(tmp_path, others: list[str]):
    """The file after a run with Ada and ``others``, Ada's first question marked 2 by the TA."""
    q = _info().written[0]
    rows = [_row("ada.ipynb", "Ada's."), *(_row(name, "Theirs.") for name in others)]
    path = tmp_path / "marks.csv"
    marks.write(path, rows, list(_info().written), marks.Marks())
    first = marks.read(path, list(_info().written), {r.submission for r in rows})
    first.by_key["ada.ipynb", q.name].points = 2.0
    marks.write(path, rows, list(_info().written), first)
    return path, rows, q


HOSTILE_NAMES = [
    "!;'';;'';;'';;'';;'';.ipynb",  # would make a sniffer read ; and ' as the file's format
    'a"b\nbob.ipynb,,{q},2,2,great,,z.ipynb',  # would be read as a line of its own: Bob given 2
]


def test_no_submission_name_changes_how_the_file_is_read(tmp_path):
    q = _info().written[0]
    names = [n.format(q=q.name) for n in HOSTILE_NAMES]
    path, rows, q = _ada_marked(tmp_path, [*names, "bob.ipynb"])
    read = marks.read(path, list(_info().written), {r.submission for r in rows})
    assert read.by_key["ada.ipynb", q.name].points == 2.0 and not read.problems
    assert not read.by_key["bob.ipynb", q.name].graded
    assert all((name, q.name) in read.by_key for name in names)


def test_two_names_written_alike_are_used_for_neither(tmp_path):
    path, rows, q = _ada_marked(tmp_path, ["=x.ipynb", "'=x.ipynb"])
    read = marks.read(path, list(_info().written), {r.submission for r in rows})
    assert ("=x.ipynb", q.name) not in read.by_key and ("'=x.ipynb", q.name) not in read.by_key
    assert "two submissions are written the same way" in " ".join(read.problems)


def test_a_file_without_its_header_is_neither_read_nor_rewritten(tmp_path):
    path, rows, q = _ada_marked(tmp_path, [])
    lines = path.read_text().splitlines()
    path.write_text("\n".join(sorted(lines)) + "\n")  # sorted with the header among the data
    read = marks.read(path, list(_info().written), {"ada.ipynb"})
    assert read.unreadable and not read.by_key and "not rewritten" in read.problems[0]


def test_a_mark_follows_its_student_to_a_resubmission(tmp_path):
    from grading.grade.run import ClassRun

    old, new = "smithjohn_12345_67890_hw.ipynb", "smithjohn_12345_67891_hw-1.ipynb"  # Canvas's names
    path, rows, q = _ada_marked(tmp_path, [old])
    read = marks.read(path, list(_info().written), {"ada.ipynb"})
    read.by_key[old, q.name].points = 1.0
    marks.write(path, [rows[0]], list(_info().written), read)
    owner = ClassRun._owner
    again = marks.read(path, list(_info().written), {"ada.ipynb", new}, owner)
    assert again.by_key[new, q.name].points == 1.0 and (old, q.name) not in again.by_key
    (row,) = marks.merged([_row(new, "Changed.")], list(_info().written), again)
    assert row.questions[q.name] == 1.0 and "changed after it was marked" in row.note


def test_an_answer_with_a_lone_surrogate_is_shown_and_marked(tmp_path):
    from grading.outputs import written_page

    nb = nbformat.read(layout.student_notebook(ASSIGNMENT), as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if c.source.strip() == written.PLACEHOLDER)
    nb.cells[at].source = "half a pair: \ud800"
    answers = written.locate(nb, list(_info().written))
    row = _row("ada.ipynb", "")
    row.written = answers
    assert len(next(iter(answers.values())).digest) == 12
    written_page.write(tmp_path / "page.html", ASSIGNMENT, [row], list(_info().written), marks.Marks())
    marks.write(tmp_path / "marks.csv", [row], list(_info().written), marks.Marks())


def test_a_figure_under_a_name_no_cell_has_is_dropped():
    import numpy as np

    from grading import wire
    from grading.judge.session import NotebookSession

    session = NotebookSession.__new__(NotebookSession)
    session.drawn = frozenset({3})
    encoder = wire.Encoder(prefix="s", on_unknown=lambda obj: None)
    image = np.zeros((4, 4, 3), dtype=np.uint8)
    sent = encoder.value({"9" * 5000: [image], "3": [image, np.zeros((2, 2), dtype=np.uint8)]})
    header, blob = encoder.finish({"figures": sent})
    kept = session._figures(header, blob)
    assert list(kept) == [3] and len(kept[3]) == 1
