"""In the student's kernel, a ``grader.check`` whose test needs a name the notebook has not defined
yet says which name and what to run, as the graded feedback does. Stock otter passes ``None`` for
it, so the student reads ``TypeError: 'NoneType' object is not callable`` from inside the test.
And a given line that uses an answer not written yet says so in one line instead of stopping Run
All (``student_utils.unanswered``), and the export checks the saved notebook first
(``student_utils.hand_in``).

The first cell of every notebook calls ``name_missing_answers()`` right after ``otter.Notebook``;
where otter is not loaded (the grader's sandbox strips otter's lines) it does nothing.
"""

from __future__ import annotations

import sys

from . import failures, hand_in, unanswered


class NotDefined(NameError):
    """A test's argument that the notebook's namespace lacks."""


def message(name: str) -> str:
    return (
        f"`{name}` is not defined in your notebook: run the cell that defines it (and those above it), "
        "then this check again"
    )


def name_missing_answers() -> None:
    """Make otter's exception-based tests say "`df` is not defined in your notebook ..." for a
    missing argument (``otter.test_files.exception_test``: its ``call_func`` and its message), and
    lines that use an unanswered name skip with a note (``unanswered.install``)."""
    tests = sys.modules.get("otter.test_files.exception_test")
    if tests is not None:
        _skip_unanswered_lines()
        hand_in.check_exports()
    if tests is None or getattr(tests.test_case.call_func, "names_missing", False):
        return
    call_func = tests.test_case.call_func

    def checked_call_func(self, global_environment):
        for name in self._get_func_params():
            if name != "env" and name not in global_environment:
                raise NotDefined(message(name))
        return call_func(self, global_environment)

    def named_error_message(self, excp, context=0):
        if isinstance(excp, NotDefined):  # raised before the test's own lines: none to show
            return f"NameError: {excp}"
        return failures.message(excp, self.name, self.path, self.source_lines)

    checked_call_func.names_missing = True
    tests.test_case.call_func = checked_call_func
    tests.ExceptionTestFile._generate_error_message = named_error_message


def _skip_unanswered_lines() -> None:
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        unanswered.install(shell)
