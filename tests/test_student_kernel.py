"""The student's kernel, for real: IPython runs the cells (in this process, or in a Jupyter kernel
through nbclient), the notebook is saved to disk between cells as the editor saves it, and
``check_notebook``, Run All over unanswered cells and the export are judged on what they print."""

from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat
import pytest
from IPython.core.interactiveshell import InteractiveShell
from nbclient import NotebookClient

from student_utils import failures, unanswered


@pytest.fixture
def shell():
    shell = InteractiveShell.instance()
    shell.ast_transformers[:] = [t for t in shell.ast_transformers if not isinstance(t, unanswered.Guard)]
    unanswered.install(shell)
    yield shell
    shell.ast_transformers[:] = [t for t in shell.ast_transformers if not isinstance(t, unanswered.Guard)]
    InteractiveShell.clear_instance()


def run(shell, source: str, capsys):
    result = shell.run_cell(textwrap.dedent(source), store_history=True)
    return result, capsys.readouterr().out


def test_a_line_that_uses_an_unanswered_name_is_skipped_with_one_line(shell, capsys):
    result, out = run(shell, "model = ...\nprint('before')\nmodel.weight.item()\nprint('after')", capsys)
    assert result.success and "before" in out and "after" not in out
    assert out.count("Not run yet") == 1 and "`model` is still `...`" in out
    result, out = run(shell, "X_table, y_table = ...\nX_table.shape", capsys)  # a placeholder for two answers
    assert result.success and "`X_table` is still `...`" in out


def test_a_stub_function_and_names_a_placeholder_cell_never_set_are_named(shell, capsys):
    result, out = run(shell, 'def fit(X):\n    """Doc."""\n    ...\n\nw, b = fit(1)', capsys)
    assert result.success and "the function `fit` is still `...`" in out
    result, out = run(shell, "...\nprint(w_sklearn)", capsys)
    assert result.success and "`w_sklearn` is not defined yet" in out


def test_answered_cells_run_as_written(shell, capsys):
    result, _ = run(shell, "def fit(X):\n    return X + 1\n\ny = fit(1)\ny * 10", capsys)
    assert result.success and result.result == 20  # the last expression is still shown
    result, _ = run(shell, "[k for k in range(3)]", capsys)  # names bound by the statement itself
    assert result.result == [0, 1, 2]
    result, _ = run(shell, "print(undefined_name)", capsys)  # no `...` anywhere: a typo is an error
    assert not result.success and isinstance(result.error_in_exec, NameError)


def _saved_run(tmp_path: Path, sources: list[str], save_before: int, tags=None) -> nbformat.NotebookNode:
    """Run ``sources`` as cells of a real kernel, saving the notebook to disk first and before cell
    ``save_before`` runs (what Ctrl+S does); return the notebook as it ran."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s, metadata={"tags": (tags or {}).get(i, [])}) for i, s in enumerate(sources)]
    client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    with client.setup_kernel():
        for i, cell in enumerate(nb.cells):
            if i in (0, save_before):
                nbformat.write(nb, tmp_path / "a.ipynb")
            client.execute_cell(cell, i)
    return nb


def _output(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs)


@pytest.mark.sandbox  # a real Jupyter kernel per run: the slower tier
def test_check_notebook_tells_the_truth_in_a_live_kernel(tmp_path):
    check = "import student_utils as su\nsu.check_notebook('a.ipynb')"
    nb = _saved_run(tmp_path, ["x = 1", "y = x + 1", check, check], save_before=2)
    assert "every cell has run" in _output(nb.cells[2]), _output(nb.cells[2])
    assert "every cell has run" in _output(nb.cells[3])  # a check run again after the save
    nb = _saved_run(tmp_path, ["x = 1", "y = x + 1", check], save_before=1)
    assert "the saved file is older than your work" in _output(nb.cells[2])
    nb = _saved_run(tmp_path, ["x = 1", "y = ...", check], save_before=2)
    said = _output(nb.cells[2])
    assert "never run" not in said and "older" not in said
    nb.cells[1].metadata["tags"] = ["otter_answer_cell"]
    nbformat.write(nb, tmp_path / "a.ipynb")
    assert "the cell [2] that starts `y = ...` still has a `...`" in "\n".join(
        __import__("student_utils").notebook_check.problems(tmp_path / "a.ipynb")
    )


def test_failure_messages_quote_the_tests_line_never_a_line_number_and_name_the_cause():
    path = "tests/q1.py"
    source = "def test(model):\n    out = model(1)\n"
    namespace: dict = {}
    exec(compile(source, path, "exec"), namespace)

    class Forgot:
        def __call__(self, x):
            return self._backward_hooks

    try:
        namespace["test"](Forgot())
    except AttributeError as e:
        said = failures.message(e, "q1", path, source.splitlines())
    assert said.startswith("Error in test q1, at:\n  out = model(1)\nAttributeError: 'Forgot' object has no attribute")
    assert "super().__init__()" in said and "line" not in said.split("\n")[0]
    assert failures.message(KeyError("lr"), "q2", path, []) == "KeyError: lr"


@pytest.mark.sandbox
def test_the_export_says_what_is_wrong_first_and_keeps_one_zip(tmp_path):
    import shutil

    from grading.layout import STUDENT_UTILS

    shutil.copytree(STUDENT_UTILS, tmp_path / "student_utils")
    first = (
        "import student_utils\nimport otter\ngrader = otter.Notebook('a.ipynb', tests_dir='tests')\n"
        "student_utils.name_missing_answers()"
    )
    export, insist = "grader.export(pdf=False)", "grader.export(pdf=False, anyway=True)"
    _saved_run(tmp_path, [first, "y = 1", export], save_before=2)  # complete and saved: exported
    assert len(list(tmp_path.glob("a_*.zip"))) == 1
    nb = _saved_run(
        tmp_path, [first, "y = ...", export, insist, insist], save_before=2, tags={1: ["otter_answer_cell"]}
    )
    said = _output(nb.cells[2])
    assert said.startswith("Not exported") and "y = ...` still has a `...`" in said and "anyway=True" in said
    assert "removed 1 older zip" in _output(nb.cells[3]) and "removed 1 older zip" in _output(nb.cells[4])
    assert len(list(tmp_path.glob("a_*.zip"))) == 1
