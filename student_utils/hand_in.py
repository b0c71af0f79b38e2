"""The export cell checks the saved notebook first, and keeps one zip per assignment.

otter's ``grader.export`` zips whatever file is on disk: exported during Run All or before a save,
the zip held an autosave whose last cells never ran, and each export left one more zip beside the
others. Here the export says what is wrong first (``notebook_check.problems``) and makes no zip
unless the student insists (``grader.export(pdf=False, anyway=True)``); a new zip replaces the older
ones of the same notebook.
"""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path

from . import notebook_check

INSIST = "grader.export(pdf=False, anyway=True)"
_ZIP_STAMP = r"_\d{4}_\d{2}_\d{2}T\d{2}_\d{2}_\d{2}_\d{6}\.zip"  # otter's name: <notebook>_<timestamp>.zip


def older_zips(notebook: Path) -> set[Path]:
    pattern = re.compile(re.escape(notebook.stem) + _ZIP_STAMP)
    return {p for p in notebook.parent.glob(f"{notebook.stem}_*.zip") if pattern.fullmatch(p.name)}


def check_exports() -> None:
    """Wrap otter's ``Notebook.export`` (once per kernel) as the module's docstring says."""
    module = sys.modules.get("otter.check.notebook")
    if module is None or getattr(module.Notebook.export, "checks_first", False):
        return
    export = module.Notebook.export

    @functools.wraps(export)
    def checked_export(self, nb_path=None, *args, anyway=False, **kwargs):
        notebook = Path(self._resolve_nb_path(nb_path))
        found = notebook_check.problems(notebook, notebook_check._history())
        if found and not anyway:
            print(
                "Not exported: before you hand in,\n"
                + "\n".join(f"  - {p}" for p in found)
                + "\nFix these, save (Ctrl+S) and run this cell again; to hand in the saved notebook as it is, "
                + f"run {INSIST}"
            )
            return None
        before = older_zips(notebook)
        result = export(self, nb_path, *args, **kwargs)
        replaced = before & older_zips(notebook)
        for old in replaced:
            old.unlink()
        if replaced:
            print(f"(removed {len(replaced)} older zip{'s' if len(replaced) > 1 else ''} of this notebook)")
        return result

    checked_export.checks_first = True
    module.Notebook.export = checked_export
