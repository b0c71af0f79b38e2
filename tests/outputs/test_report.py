"""The class report (grades/<id>-report.html): one well-formed, self-contained page whose numbers
agree with the gradebook, with every text from a submission folder escaped."""

from __future__ import annotations

import csv
import shutil
import statistics
import subprocess
from html import escape

import pytest
from html_structure import Structure

from grading.bundle import read_autograder
from grading.judge.outcome import Row, Status
from grading.layout import autograder_zip
from grading.outputs import gradebook, report

ASSIGNMENT = "02-tensors"


@pytest.fixture(scope="module")
def page(graded_examples, tmp_path_factory):
    rows = list(graded_examples(ASSIGNMENT).values())
    evil = Row("<script>alert(1)</script>.ipynb", Status.ERROR, 0, rows[0].max_score, {}, ["not a <b>notebook</b>"])
    rows.append(evil)
    ag = read_autograder(autograder_zip(ASSIGNMENT))
    folder = tmp_path_factory.mktemp("report")
    gradebook.write_csv(folder / "g.csv", rows, list(ag.questions))
    skipped = [("notes.txt", "not a notebook or otter zip (.txt)")]
    roster = report.Roster({"reference.ipynb": "Smith, Jo"}, ["unanswered.ipynb"], ["Doe, Ann"])
    path = report.write(folder / "report.html", ASSIGNMENT, rows, ag, skipped, roster=roster)
    with open(folder / "g.csv", newline="") as f:
        book = list(csv.DictReader(f))
    return path, book, ag


def test_the_page_is_well_formed_and_self_contained(page):
    path, _, _ = page
    html = path.read_text()
    parser = Structure()
    parser.feed(html)
    assert not parser.errors and parser.stack == [], (parser.errors, parser.stack)
    assert len(parser.images) == 4 and all(src.startswith("data:image/png;base64,") for src in parser.images)
    assert "http" not in html.replace("data:image", ""), "the page must not load anything from the network"


def test_numbers_agree_with_the_gradebook_over_one_base(page):
    """Every mean and count is over the graded rows (an error is no zero of the class's)."""
    path, book, ag = page
    html = path.read_text()
    graded = [row for row in book if row["status"] != "error"]
    assert f"<b>{len(book)}</b> submissions" in html and f"<b>{len(graded)}</b> graded" in html
    assert f"<b>{len(book) - len(graded)}</b> not graded (errors)" in html
    mean = statistics.mean(float(row["score"]) for row in graded)
    assert f"mean <b>{mean:.2f}</b>" in html
    full = sum(float(row["score"]) == float(row["max_score"]) for row in graded)
    assert f"full marks <b>{full}</b> of {len(graded)}" in html
    for q, points in ag.questions.items():
        q_mean = statistics.mean(float(row[q]) for row in graded)
        assert f"<td>{q}</td><td class=num>{points:g}</td><td class=num>{q_mean:.2f}</td>" in html, q


def test_tests_are_listed_most_missed_first_with_what_they_check(page, graded_examples):
    path, _, _ = page
    rates = report.pass_rates(list(graded_examples(ASSIGNMENT).values()))
    assert [r.rate for r in rates] == sorted(r.rate for r in rates)
    assert any(r.hidden for r in rates) and rates[0].rate < 1
    assert all(
        r.graded
        == len(graded_examples(ASSIGNMENT))
        - sum(row.status == Status.ERROR for row in graded_examples(ASSIGNMENT).values())
        for r in rates
    )
    html = path.read_text()
    assert html.index(rates[0].label) < html.index(rates[-1].label)
    worst = next(r for r in rates if r.messages)
    assert f"<td class=msg>{escape(worst.messages[0][0])}</td>" in html


def test_every_student_links_to_their_feedback(page):
    html = page[0].read_text()
    for name in ("reference.ipynb", "<script>alert(1)</script>.ipynb"):
        link = report.feedback_link(ASSIGNMENT, name)
        assert f'href="{escape(link)}"' in html
        assert "<" not in link and " " not in link


def test_the_roster_names_who_handed_in_and_who_did_not(page):
    html = page[0].read_text()
    assert "<th>student</th>" in html and "<td>Smith, Jo</td>" in html
    roster = html[html.index("<h2>Roster</h2>") :]
    assert "unanswered.ipynb" in roster and "Doe, Ann" in roster


def test_what_a_submission_folder_says_is_escaped(page):
    html = page[0].read_text()
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;.ipynb" in html
    assert "not a &lt;b&gt;notebook&lt;/b&gt;" in html and "notes.txt" in html


def test_a_browser_renders_it(page, tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("no chromium here (apt-get install chromium to look at the page)")
    shot = tmp_path / "report.png"
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=1200,2400",
            page[0].as_uri(),
        ],
        capture_output=True,
        timeout=120,
    )
    assert shot.exists() and shot.stat().st_size > 10_000
    from PIL import Image  # matplotlib's own dependency

    with Image.open(shot) as image:
        colours = image.convert("RGB").resize((60, 120)).getcolors(60 * 120)
    assert colours is not None and len(colours) > 8, "the page rendered blank: no plots, no text"
