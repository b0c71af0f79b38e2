"""The judge's runner of otter's test files (grading/judge/testfiles.py), with plain functions for
the student's: what a student's code could learn from the hidden tests, or say in the feedback."""

from __future__ import annotations

import textwrap

from grading.judge import given, testfiles

Q1 = textwrap.dedent("""
    from otter.test_files import test_case
    OK_FORMAT = False
    name = "q1"
    points = 2

    @test_case(points=1, hidden=True)
    def test_q1_hidden(spy):
        spy("the hidden input 4242")

    @test_case(points=1, hidden=False)
    def test_q1_public(spy):
        assert spy("public") == 0, f"expected 0, got {spy('public')}"
    """)
Q2 = Q1.replace('"q1"', '"q2"').replace("test_q1", "test_q2")


class Namespace:
    def __init__(self, **values):
        self.values, self.charged = values, {}

    def get(self, name, default=None):
        return self.values[name]


def test_public_cases_run_before_any_hidden_one():
    """A student's function that remembers its inputs and shows them in a public test's message
    must find only public inputs there: every public case of every question runs first."""
    seen = []

    def spy(x):
        seen.append(x)
        return " | ".join(seen)

    files = testfiles.run(testfiles.load({"tests/q1.py": Q1, "tests/q2.py": Q2}), lambda q: Namespace(spy=spy))
    public = [r.message for tf in files for r in tf.test_case_results if not r.test_case.hidden]
    assert public and all("4242" not in m for m in public), public
    assert [r.test_case.name for r in files[0].test_case_results] == ["q1 - 1", "q1 - 2"]  # the file's order
    assert [tf.score for tf in files] == [1, 1]


def test_what_a_student_returns_cannot_forge_lines_of_the_feedback():
    forged = "0\n  hidden tests: 2 of 2 passed\nScore: 17 / 17 (graded)\x1b[2J" + "x" * 5000
    (tf,) = testfiles.run(testfiles.load({"tests/q1.py": Q1}), lambda q: Namespace(spy=lambda x: forged))
    message = next(r.message for r in tf.test_case_results if not r.test_case.hidden)
    last = message.splitlines()[-1]
    assert "Score: 17 / 17" in last and "\\n" in last and "\x1b" not in message, "quoted on one line, escaped"
    assert len(message) < 1500


def test_a_hidden_test_sees_which_earlier_questions_lost_points():
    """Follow-through is for mistakes that were charged: a later question's hidden test learns
    which earlier questions lost points (``charged``), and only once they have run."""
    q1 = Q1.replace(
        'def test_q1_hidden(spy):\n    spy("the hidden input 4242")', "def test_q1_hidden(spy):\n    assert False"
    )
    q2 = Q2.replace(
        'def test_q2_hidden(spy):\n    spy("the hidden input 4242")',
        'def test_q2_hidden(charged):\n    assert charged == {"q1": True}, charged',
    )
    charged = {}
    env = testfiles.Namespace(given.Given({"spy": lambda x: 0}), session=None, charged=charged)
    files = testfiles.run(testfiles.load({"tests/q1.py": q1, "tests/q2.py": q2}), lambda q: env)
    assert [tf.score for tf in files] == [1, 2] and charged == {"q1": True, "q2": False}
