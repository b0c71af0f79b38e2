"""The student's loop in a real JupyterLab, driven by a real browser (Debian's chromium through
Playwright): what a student clicks and reads, not what nbclient sees. Each handed-out notebook
runs to its end with Run All; on 03 a right answer passes its check and a wrong one says why, and
the answered notebook, saved, checks complete and exports a zip.

JupyterLab runs on loopback from this venv, with its own config, data and runtime folders in a
scratch folder and the kernel ``nn-course`` written there, in student folders copied alone. Every
step leaves a screenshot; a failure says where they are."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from grading import course, written
from grading.author import simulated
from grading.layout import autograder_dir, student_dir
from student_utils.data import find_directory

pytestmark = [pytest.mark.sandbox, pytest.mark.browser]  # real kernels, a real browser: `make test-browser`

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
if BROWSER is None:
    pytest.skip(
        "no chromium here (apt-get install chromium): the student's loop needs a browser", allow_module_level=True
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="no playwright here (pip install -r requirements.txt)")
BROWSER_FLAGS = [  # the background-networking ones: without them connections are refused many at a time
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TOKEN = "student-loop"
TRAINER = "03-trainer"
START_S, RUN_S, STEP_S = 60, 90, 30  # server start; Run All of one notebook; one cell or save
SETTINGS = {  # JupyterLab's user settings: no news toast, no autosave (Ctrl+S writes), every cell in the DOM
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
}


# -- the notebooks: the handed-out one, and answers taken from the reference


def _reference_code(source: str) -> str:
    """A reference answer cell as a student would write it: otter's solution markers dropped."""
    lines = [line for line in source.splitlines() if not re.fullmatch(r"\s*# (BEGIN|END) SOLUTION", line)]
    return "\n".join(re.sub(r"\s*# SOLUTION$", "", line) for line in lines)


def reference_answers(assignment: str, reference: nbformat.NotebookNode | None = None) -> list[str]:
    """The reference's answer cells (autograder/<id>/<id>.ipynb), in order, markers dropped: code,
    and the model answers of the written questions (their rubrics are no answer)."""
    reference = reference or nbformat.read(autograder_dir(assignment) / f"{assignment}.ipynb", as_version=4)
    return [
        _reference_code(c.source)
        for c in reference.cells
        if "otter_assign_solution_cell" in c.metadata.get("tags", []) and not c.source.startswith(written.RUBRIC)
    ]


def answer_cells(nb: nbformat.NotebookNode) -> list[int]:
    return [i for i, c in enumerate(nb.cells) if "otter_answer_cell" in c.metadata.get("tags", [])]


def code_cells(nb: nbformat.NotebookNode, text: str) -> list[int]:
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and text in c.source]


def answered(assignment: str, folder: Path) -> None:
    """Fill every answer cell of the handed-out notebook in ``folder`` with the reference's."""
    path = folder / f"{assignment}.ipynb"
    nb = nbformat.read(path, as_version=4)
    answers = reference_answers(assignment)
    assert len(answers) == len(answer_cells(nb)), "the reference and the handed-out notebook differ in answers"
    for i, answer in zip(answer_cells(nb), answers):
        nb.cells[i].source = answer
    nbformat.write(nb, path)


# -- JupyterLab, on its own


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _kernelspec(data_dir: Path) -> None:
    """The kernel the notebooks name, running this venv's python."""
    spec = data_dir / "kernels" / course.KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    spec_json = {"argv": argv, "display_name": course.KERNEL_DISPLAY_NAME, "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(spec_json))


@dataclass
class Lab:
    url: str
    root: Path
    process: subprocess.Popen
    log: Path

    def api(self, path: str, method: str = "GET"):
        request = urllib.request.Request(f"{self.url}/api/{path}?token={TOKEN}", method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shut_down_kernels(self) -> None:
        """Between notebooks: the last tab's kernel goes, so five torch kernels never pile up."""
        for session in self.api("sessions"):
            self.api(f"sessions/{session['id']}", "DELETE")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)  # twice: jupyter_server asks first, then shuts down its kernels
        time.sleep(0.2)
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


def start_lab(root: Path, home: Path) -> Lab:
    config, data, runtime = home / "config", home / "data", home / "runtime"
    for name, settings in SETTINGS.items():
        plugin, _, extension = name.rpartition("/")
        path = config / "lab" / "user-settings" / plugin / f"{extension}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings))
    _kernelspec(data)
    env = {
        **os.environ,
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTER_DATA_DIR": str(data),
        "JUPYTER_RUNTIME_DIR": str(runtime),
        "JUPYTER_PLATFORM_DIRS": "1",
        "JUPYTER_NO_CONFIG": "1",  # no config file of the machine's (/etc/jupyter, ~/.jupyter) is read
        "IPYTHONDIR": str(home / "ipython"),
        "TMPDIR": str(home),  # JUPYTER_NO_CONFIG's blank config folders land here too
        "FASHION_MNIST_DIR": str(find_directory() or ""),
    }
    for name in ("MPLBACKEND", "JUPYTER_PATH", "JUPYTER_CONFIG_PATH", "JUPYTER_PREFER_ENV_PATH"):
        env.pop(name, None)  # the notebook's own inline plots, as a student sees them; no other Jupyter folders
    port = _free_port()
    log = home / "jupyterlab.log"
    args = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.open_browser=False",
        "--allow-root",  # CI runs as root
        f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=None",
        "--LabApp.extension_manager=readonly",
        f"--LabApp.workspaces_dir={home / 'workspaces'}",
        f"--LabApp.user_settings_dir={config / 'lab' / 'user-settings'}",
    ]
    with open(log, "wb") as out:
        process = subprocess.Popen(args, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT)
    lab = Lab(f"http://127.0.0.1:{port}", root, process, log)
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            lab.api("status")
            return lab
        except OSError:
            time.sleep(0.3)
    lab.stop()
    raise RuntimeError(f"JupyterLab did not answer in {START_S} s:\n{log.read_text()[-3000:]}")


# -- the browser: the page, its waits and its screenshots


RAN = re.compile(r"\[\d+\]:")  # a cell's prompt once it ran: [3]: (never ran: [ ]:, queued: [*]:)
PANEL = "document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)')"
# The kernel is ready and idle: the status bar says "Python (nn-course) | Idle", the toolbar agrees.
IDLE = f"""(() => {{
    const bar = [...document.querySelectorAll('.jp-StatusBar-TextItem')].map(e => e.textContent.trim());
    return bar.some(t => t === '{course.KERNEL_DISPLAY_NAME} | Idle')
        && {PANEL}?.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset.status === 'idle';
}})()"""


class Student:
    """One browser tab on the lab; every step leaves a numbered screenshot in ``shots``."""

    def __init__(self, page, lab: Lab, shots: Path):
        self.page, self.lab, self.shots, self.step = page, lab, shots, 0

    def where(self, what: str) -> str:
        return f"{what}\n(screenshots of every step: {self.shots}; JupyterLab's log: {self.lab.log})"

    def shot(self, name: str) -> Path:
        self.step += 1
        path = self.shots / f"{self.step:02d}-{name}.png"
        self.page.screenshot(path=str(path))
        return path

    def cells(self):
        return self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell")

    def cell(self, index: int):
        return self.cells().nth(index)

    def prompt(self, index: int) -> str:
        return self.cell(index).locator(".jp-InputPrompt").inner_text().strip()

    def output(self, index: int) -> str:
        return "\n".join(self.cell(index).locator(".jp-OutputArea-output").all_inner_texts())

    def _wait(self, script: str, arg, timeout_s: float, what: str) -> None:
        try:
            self.page.wait_for_function(script, arg=arg, timeout=timeout_s * 1000, polling=200)
        except sync_api.TimeoutError:
            self.shot("timed-out")
            dialogs = self.page.locator(".jp-Dialog").all_inner_texts()
            raise AssertionError(self.where(f"{what}: not within {timeout_s} s; dialogs open: {dialogs}")) from None

    def open(self, path: str, cells: int) -> None:
        """Close the last notebook, open this one with File > Open from Path (the lab's page loads
        once) and wait for its kernel: one notebook, one kernel at a time."""
        if not self.page.url.startswith(self.lab.url):
            self.page.goto(f"{self.lab.url}/lab?reset&token={TOKEN}")  # ?reset: no tab of an earlier run
        elif self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").count():
            self.close()
        self.menu("File", "Open from Path…")
        self.page.locator(".jp-Dialog input").fill(path)
        self.page.keyboard.press("Enter")
        self._wait(
            f"""([path, n]) => document.querySelector('.lm-TabBar-tab.jp-mod-current')?.title.includes('Path: ' + path)
                && {PANEL}?.querySelectorAll('.jp-Notebook .jp-Cell').length === n && {IDLE}""",
            [path, cells],
            START_S,
            f"{path} opened with {cells} cells and its kernel idle",
        )
        self.shot(f"open-{Path(path).parent.parent.name}-{Path(path).stem}")

    def close(self) -> None:
        """File > Close and Shut Down Notebook, confirmed: the kernel goes with the tab (through the
        server if the page will not), so kernels never pile up."""
        try:
            self._close()
        finally:
            self.lab.shut_down_kernels()

    def _close(self) -> None:
        panels = self.page.locator(".jp-NotebookPanel").count()
        self.menu("File", "Close and Shut Down Notebook…")
        self.page.locator(".jp-Dialog .jp-mod-accept").click()
        self._wait(
            "n => document.querySelectorAll('.jp-NotebookPanel').length < n", panels, STEP_S, "the notebook closed"
        )

    def run(self, action, watch: int, name: str, timeout_s: float = STEP_S, show: int | None = None) -> None:
        """Do ``action`` (run some cells), then wait until cell ``watch`` shows a new ``[n]``, no cell
        is queued (``[*]``) and the kernel is idle."""
        before = self.prompt(watch)
        action()
        self._wait(
            f"""([watch, before]) => {{
                const panel = {PANEL};
                const prompts = [...panel.querySelectorAll('.jp-Cell .jp-InputPrompt')].map(p => p.textContent);
                const now = panel.querySelectorAll('.jp-Notebook .jp-Cell')[watch].querySelector('.jp-InputPrompt')
                    .textContent;
                return /\\[\\d+\\]/.test(now) && now !== before && !prompts.some(p => p.includes('*')) && {IDLE};
            }}""",
            [watch, before],
            timeout_s,
            f"{name}: cell {watch} ran and the kernel went idle",
        )
        self.cell(watch if show is None else show).scroll_into_view_if_needed()
        self.shot(name)

    def menu(self, menu: str, item: str) -> None:
        """Click a menu of the menu bar, then one of its items, by the labels a student reads."""
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(rf"^{menu}$")).click()
        self.page.locator(
            ".lm-Menu-item:not(.lm-mod-disabled) .lm-Menu-itemLabel", has_text=re.compile(rf"^{re.escape(item)}$")
        ).click()

    def run_all(self) -> None:
        self.menu("Run", "Run All Cells")

    def run_cell(self, index: int) -> None:
        """Select the cell (its prompt, command mode) and run it in place (Ctrl+Enter)."""
        self.cell(index).locator(".jp-InputPrompt").click()
        self.page.keyboard.press("Control+Enter")

    def type_into(self, index: int, text: str) -> None:
        """Replace a cell's code as typed (one input event: no auto-indent or bracket closing)."""
        self.cell(index).locator(".cm-content").click()
        self.page.keyboard.press("Control+A")
        self.page.keyboard.insert_text(text)

    def save(self, name: str) -> None:
        self.cell(0).locator(".jp-InputPrompt").click()
        self.page.keyboard.press("Control+S")
        self._wait(
            "() => !document.querySelector('.lm-TabBar-tab.jp-mod-current.jp-mod-dirty')",
            None,
            STEP_S,
            "the notebook saved (its tab no longer marked changed)",
        )
        self.shot(name)


# -- the fixtures: one lab, one browser, for the whole module


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab-root")
    for assignment in course.ASSIGNMENT_IDS:  # each folder copied alone: the notebook, its tests, student_utils
        shutil.copytree(student_dir(assignment), root / "unanswered" / assignment)
    shutil.copytree(student_dir(TRAINER), root / "one-answer" / TRAINER)
    shutil.copytree(student_dir(TRAINER), root / "answered" / TRAINER)
    answered(TRAINER, root / "answered" / TRAINER)
    lab = start_lab(root, tmp_path_factory.mktemp("lab-home"))
    yield lab
    lab.stop()


@pytest.fixture(scope="module")
def student(lab, tmp_path_factory):
    shots = tmp_path_factory.mktemp("screenshots")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=BROWSER, headless=True, args=BROWSER_FLAGS)
        try:
            page = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True).new_page()
            page.set_default_timeout(STEP_S * 1000)
            yield Student(page, lab, shots)
        finally:
            browser.close()


# -- the tests


def test_run_all_reaches_the_end_of_the_handed_out_notebook(assignment, lab, student):
    """Run All on the notebook as handed out runs every cell: the checks and the notebook check
    at the end show their ``[n]``, none is left ``[ ]`` behind a traceback."""
    nb = nbformat.read(lab.root / "unanswered" / assignment / f"{assignment}.ipynb", as_version=4)
    checks, final = code_cells(nb, "grader.check("), code_cells(nb, "su.check_notebook(")
    assert checks and len(final) == 1
    student.open(f"unanswered/{assignment}/{assignment}.ipynb", len(nb.cells))
    student.run(student.run_all, watch=0, name=f"run-all-{assignment}", timeout_s=RUN_S, show=final[0])
    never_ran = [i for i in [*checks, *final] if not RAN.fullmatch(student.prompt(i))]
    if never_ran:
        code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        last = max((i for i in code if RAN.fullmatch(student.prompt(i))), default=0)
        student.cell(last).scroll_into_view_if_needed()
        student.shot(f"stopped-{assignment}")
        raise AssertionError(
            student.where(
                f"Run All stopped before the end: cells {never_ran} never ran; the last that ran, cell {last}, "
                f"shows:\n{student.output(last)[-1500:]}"
            )
        )


@pytest.fixture(scope="module")
def one_answer(lab, student):
    """03 as handed out, its first cells run up to Question 1's answer cell."""
    nb = nbformat.read(lab.root / "one-answer" / TRAINER / f"{TRAINER}.ipynb", as_version=4)
    answer = answer_cells(nb)[0]
    check = code_cells(nb, 'grader.check("q1")')[0]
    student.open(f"one-answer/{TRAINER}/{TRAINER}.ipynb", len(nb.cells))
    student.cell(answer).locator(".jp-InputPrompt").click()
    student.run(lambda: student.menu("Run", "Run All Above Selected Cell"), watch=0, name="run-above-q1")
    return answer, check


def _answer_q1(student, answer: int, check: int, code: str, name: str) -> str:
    student.type_into(answer, code)
    student.run(lambda: student.run_cell(answer), watch=answer, name=f"{name}-answer")
    student.run(lambda: student.run_cell(check), watch=check, name=f"{name}-check")
    return " ".join(student.output(check).split())


def test_the_reference_answer_passes_its_check(one_answer, student):
    answer, check = one_answer
    shown = _answer_q1(student, answer, check, reference_answers(TRAINER)[0], "right")
    assert "q1 passed!" in shown and "failed" not in shown, student.where(shown)


def test_a_wrong_answer_shows_what_is_wrong(one_answer, student):
    """A typical mistake (the simulated students' first that loses Question 1): its check fails with
    the message the public test promises."""
    mistake = next(e for e in simulated.load(TRAINER) if e.kind == "mutant" and e.loses == ["q1"] and e.public_message)
    reference = nbformat.read(autograder_dir(TRAINER) / f"{TRAINER}.ipynb", as_version=4)
    wrong = reference_answers(TRAINER, mistake.apply(reference))[0]
    assert wrong != reference_answers(TRAINER)[0]
    answer, check = one_answer
    shown = _answer_q1(student, answer, check, wrong, "wrong")
    assert "q1 passed!" not in shown and "Test case failed" in shown, student.where(shown)
    assert mistake.public_message in shown, student.where(shown)


@pytest.fixture(scope="module")
def answered_run(lab, student):
    """03 answered with the reference (written to disk), opened, Run All, saved with Ctrl+S."""
    nb = nbformat.read(lab.root / "answered" / TRAINER / f"{TRAINER}.ipynb", as_version=4)
    student.open(f"answered/{TRAINER}/{TRAINER}.ipynb", len(nb.cells))
    student.run(student.run_all, watch=0, name="answered-run-all", timeout_s=RUN_S)
    student.save("answered-saved")
    return nb


def test_the_answered_notebook_checks_complete(answered_run, student):
    final = code_cells(answered_run, "su.check_notebook(")[0]
    student.run(lambda: student.run_cell(final), watch=final, name="check-notebook")
    shown = student.output(final)
    result = student.cell(final).locator(".jp-OutputArea-executeResult .jp-OutputArea-output").all_inner_texts()
    assert result == ["True"] and "Before you hand in" not in shown, student.where(shown)


def test_the_export_cell_offers_a_zip_that_downloads(answered_run, student):
    """The link the export cell shows downloads the zip, and the notebook is in it."""
    export = code_cells(answered_run, "grader.export(")[0]
    student.run(lambda: student.run_cell(export), watch=export, name="export")
    links = student.cell(export).locator(".jp-OutputArea-output a[href]")
    zips = [i for i in range(links.count()) if links.nth(i).get_attribute("href").split("?")[0].endswith(".zip")]
    assert zips, student.where(f"no link to a .zip in the export cell's output:\n{student.output(export)}")
    with student.page.expect_download(timeout=STEP_S * 1000) as download:
        links.nth(zips[-1]).click()
    saved = student.shots / download.value.suggested_filename
    download.value.save_as(saved)
    with zipfile.ZipFile(saved) as zf:
        assert f"{TRAINER}.ipynb" in zf.namelist(), student.where(f"{saved} holds {zf.namelist()}")
