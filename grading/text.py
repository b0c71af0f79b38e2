"""Text that came from a submission, made safe for where it is shown or stored.

File names and messages may quote what a student wrote, which must not pass for lines of a
gradebook, a feedback file or a terminal (a forged "Score: 17 / 17", an escape sequence), nor
make a path the grader cannot write.
"""

from __future__ import annotations

import hashlib

MAX_NAME_BYTES = 200  # below the usual 255-byte limit, with room for a suffix


def one_line(text: str, limit: int = 1000) -> str:
    """``text`` as one printable line, at most ``limit`` characters."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= limit else text[:limit] + " [...]"


def safe_file_name(name: str, suffix: str = "") -> str:
    """A file name for ``name`` + ``suffix`` that any file system takes: printable, no separators,
    at most ``MAX_NAME_BYTES`` bytes (a long name keeps its start and a hash of the whole)."""
    clean = "".join(c if c.isprintable() and c not in "/\\\0" else "_" for c in name).strip() or "_"
    if clean in (".", ".."):
        clean = clean.replace(".", "_")
    if len((clean + suffix).encode()) > MAX_NAME_BYTES:
        digest = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:12]
        keep = clean.encode()[: MAX_NAME_BYTES - len(suffix.encode()) - 13].decode("utf-8", "ignore")
        clean = f"{keep}-{digest}"
    return clean + suffix
