"""The gradebook's promises (grading/outputs): atomic writes, the grader's own failures never
cached, a cache key that changes with the judge, feedback that keeps hidden tests hidden."""

from __future__ import annotations

import pytest

from grading.bundle import read_autograder
from grading.host.limits import Limits
from grading.judge.outcome import Row, Status
from grading.layout import autograder_zip, examples_dir
from grading.outputs import cache, feedback, gradebook


def test_csv_write_is_atomic(tmp_path):
    out = tmp_path / "g.csv"
    good = Row("a.ipynb", Status.GRADED, 3, 3, {"q1": 3})
    gradebook.write_csv(out, [good], ["q1"])
    before = out.read_text()
    broken = Row("b.ipynb", Status.GRADED, None, 3, {"q1": 3})  # cannot be formatted
    with pytest.raises(TypeError):
        gradebook.write_csv(out, [good, broken], ["q1"])
    assert out.read_text() == before, "a failed write must leave the old gradebook intact"
    assert [p.name for p in tmp_path.iterdir()] == ["g.csv"], "no temp files left behind"


def test_the_grader_s_own_failures_are_never_cached(tmp_path):
    store = cache.ResultCache(tmp_path)
    row = Row("a.ipynb", Status.ERROR, 0, 17, {}, ["grader could not start"])
    row.cacheable = False
    store.put("k1", row)
    store.put("k2", Row("b.ipynb", Status.ERROR, 0, 17, {}, ["not a notebook"]))
    assert store.get("k1", "a.ipynb") is None and store.get("k2", "b.ipynb") is not None


def test_changing_the_grader_changes_every_cache_key(tmp_path, monkeypatch):
    sub = examples_dir("01-gradient-descent") / "reference.ipynb"
    before = cache.key(sub, autograder_zip("01-gradient-descent"), Limits(), "bwrap")
    monkeypatch.setattr(cache, "code_digest", lambda: "another grader")
    assert cache.key(sub, autograder_zip("01-gradient-descent"), Limits(), "bwrap") != before


@pytest.mark.parametrize("show_hidden", [False, True])
def test_feedback_shows_hidden_details_only_when_asked(graded_examples, show_hidden):
    row = graded_examples("01-gradient-descent")["unanswered.ipynb"]
    ag = read_autograder(autograder_zip("01-gradient-descent"))
    text = feedback.render(row, ag, "01-gradient-descent", show_hidden)
    assert "Score: 0 / 17" in text and "`df` is not defined" not in text
    assert "gradient_descent should return a list" in text or "not defined" in text  # public message, always
    hidden_detail = "test_q1_iterates"  # the name of q1's hidden test appears in its failing line
    assert ("abs(float(df(x)) - 2 * x)" in text) == show_hidden
    assert ("hidden tests: 0 of 2 passed" in text) != show_hidden
    assert hidden_detail not in text or show_hidden


@pytest.mark.parametrize(
    "name",
    ["=2+5.ipynb", "a11_x;=1+1;.ipynb", "tab\t=1+1.ipynb", "line\n@SUM(A1).ipynb", "ok, +1.ipynb", "pipe|-2.ipynb"],
)
def test_no_field_a_name_reaches_is_a_formula_in_any_spreadsheet(tmp_path, name):
    """A formula start after a separator, a tab or a newline is one too, for a spreadsheet that
    splits on it: the cell is quoted and starts with an apostrophe."""
    import csv

    gradebook.write_csv(tmp_path / "g.csv", [Row(name, Status.GRADED, 1, 1, {"q1": 1}, [name])], ["q1"])
    raw = (tmp_path / "g.csv").read_text()
    with open(tmp_path / "g.csv", newline="") as f:
        (row,) = list(csv.DictReader(f))
    assert row["submission"] == row["note"] == "'" + name
    assert f'"\'{name}"' in raw, "text cells are quoted"
    assert ",1,1,1," in raw, "numbers are not"


def test_the_gradebook_is_readable_by_all_and_can_carry_a_bom(tmp_path):
    gradebook.write_csv(tmp_path / "g.csv", [Row("zoë.ipynb", Status.GRADED, 1, 1, {"q1": 1})], ["q1"], bom=True)
    assert (tmp_path / "g.csv").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "g.csv").read_bytes().startswith(b"\xef\xbb\xbf")
