"""otter's own test-file classes (``ExceptionTestFile``, ``TestCaseResult``) without the rest of
otter: otter's package ``__init__`` imports its exporters and runners (nbconvert and more, about a
second of every grading process's start) that the judge never uses. So the ``otter`` package is
registered here without running its ``__init__``, which runs in full the first time anything asks
the package itself for a name (``otter.Notebook``, ``from otter import api``); its submodules
(``otter.test_files``, which the test files themselves import) load as usual meanwhile."""

from __future__ import annotations

import importlib
import importlib.util
import sys


def _register_lazily() -> None:
    if "otter" in sys.modules:
        return
    spec = importlib.util.find_spec("otter")
    package = importlib.util.module_from_spec(spec)

    def __getattr__(name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        del package.__getattr__
        spec.loader.exec_module(package)  # otter's own __init__, once
        return getattr(package, name)

    package.__getattr__ = __getattr__
    sys.modules["otter"] = package


_register_lazily()
_test_files = importlib.import_module("otter.test_files")
ExceptionTestFile = _test_files.ExceptionTestFile
TestCaseResult = _test_files.abstract_test.TestCaseResult
