"""The data sets as the sandbox sees them: FashionMNIST without the test images the autograder keeps
back (``student_utils.data.HELD_OUT``), so no code of a notebook ever holds them. The original
folder is hidden from the sandbox; the judge reads the kept-back images from it
(``grading.judge.unseen``)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from student_utils import data


def sandbox_copy(original: Path) -> Path:
    """A folder readable by any uid holding the training files as they are and the test files
    without their last HELD_OUT images; the caller removes it."""
    folder = Path(tempfile.mkdtemp(prefix="nn-course-data-"))
    os.chmod(folder, 0o755)
    for names in data.FILES.values():
        for name in names:
            source = data.find_file(name, original)
            if name.startswith("t10k"):
                data.write_idx(folder / name, data.read_idx(source)[: data.TEST_SHOWN])
            else:
                shutil.copyfile(source, folder / source.name)
    for path in folder.iterdir():
        os.chmod(path, 0o644)
    return folder
