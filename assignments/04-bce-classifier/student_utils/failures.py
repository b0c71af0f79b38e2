"""Why a test case failed, in the words a student reads, the same in their kernel and at grading.

otter's own message names "line 130 in test q1" (a line of PyTorch, not of the 35-line test) and
strips the quotes off the error (``LinearRegressor' object ...``). Here: the test's own line that
failed, quoted (its number differs between the public test file and the autograder's, so none is
given), the error as raised, and the usual cause when the error shows it.
"""

from __future__ import annotations

from types import TracebackType

# The attributes ``nn.Module.__init__`` creates: a module without them never called it.
_MODULE_STATE = ("_parameters", "_buffers", "_modules", "_backward_hooks", "_forward_hooks", "_forward_pre_hooks")


def test_line(tb: TracebackType | None, path: str, source_lines: list[str]) -> str | None:
    """The last line of the test file (``path``) the traceback passed through, stripped."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == path:
            line = tb.tb_lineno
        tb = tb.tb_next
    if line is None or line > len(source_lines):
        return None
    return source_lines[line - 1].strip()


def cause(text: str) -> str:
    """The common cause an error's text points at, or ""."""
    if "object has no attribute" in text and any(f"'{a}'" in text for a in _MODULE_STATE):
        return " (a class whose __init__ never called super().__init__(): call it first, before making layers)"
    return ""


def message(e: BaseException, test: str, path: str, source_lines: list[str], clean=str) -> str:
    """``<Type>: <error>`` and, when the test's own line is known, ``in test qN, at: <line>`` first."""
    text = str(e.args[0]) if isinstance(e, KeyError) and e.args else str(e)
    text = clean(text + cause(text))
    line = test_line(e.__traceback__, path, source_lines)
    error = f"{type(e).__name__}: {text}"
    return error if line is None else f"Error in test {test}, at:\n  {clean(line)}\n{error}"
