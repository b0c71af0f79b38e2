"""The class report (grades/<id>-report.html): one well-formed, self-contained page whose numbers
agree with the gradebook, with every text from a submission folder escaped."""

from __future__ import annotations

import csv
import re
import shutil
import statistics
import subprocess
from html.parser import HTMLParser

import pytest

from grading.bundle import read_autograder
from grading.judge.outcome import Row, Status
from grading.layout import autograder_zip
from grading.outputs import gradebook, report

ASSIGNMENT = "02-tensors"
VOID = {"meta", "img", "br", "hr", "link", "input"}


class Structure(HTMLParser):
    """Checks that every element is closed in order, and collects the page's text and images."""

    def __init__(self):
        super().__init__()
        self.stack, self.errors, self.text, self.images = [], [], [], []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs)["src"])
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def page(graded_examples, tmp_path_factory):
    rows = list(graded_examples(ASSIGNMENT).values())
    evil = Row("<script>alert(1)</script>.ipynb", Status.ERROR, 0, rows[0].max_score, {}, ["not a <b>notebook</b>"])
    rows.append(evil)
    ag = read_autograder(autograder_zip(ASSIGNMENT))
    folder = tmp_path_factory.mktemp("report")
    gradebook.write_csv(folder / "g.csv", rows, list(ag.questions))
    skipped = [("notes.txt", "not a notebook or otter zip (.txt)")]
    path = report.write(folder / "report.html", ASSIGNMENT, rows, ag, skipped)
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


def test_numbers_agree_with_the_gradebook(page):
    path, book, ag = page
    html = path.read_text()
    text = re.sub(r"<[^>]+>", " ", html)
    assert f"{len(book)} submissions" in re.sub(r"\s+", " ", text)
    for status in ("graded", "error", "timeout"):
        n = sum(row["status"] == status for row in book)
        assert re.search(rf"<b>{n}</b> {status}", html), status
    mean = statistics.mean(float(row["score"]) for row in book)
    assert f"mean <b>{mean:.2f}</b>" in html
    for q in ag.questions:
        q_mean = statistics.mean(float(row[q]) for row in book)
        assert re.search(rf"<td>{q}</td><td class=num>[\d.]+</td><td class=num>{q_mean:.2f}</td>", html), q


def test_tests_are_listed_most_missed_first_with_hidden_ones(page, graded_examples):
    path, _, _ = page
    rates = report.test_pass_rates(list(graded_examples(ASSIGNMENT).values()))
    assert [r[3] for r in rates] == sorted(r[3] for r in rates)
    assert any(hidden for _, _, hidden, _, _ in rates) and rates[0][3] < 1
    html = path.read_text()
    first = html.index(rates[0][1])
    assert first < html.index(rates[-1][1])


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
