"""The HOST side of the sandbox (trusted): what the judge's process does to run student code
safely elsewhere. ``bubblewrap`` builds the file-system sandbox the zygote lives in, ``zygote``
starts it and asks it for jobs, ``uids`` leases a fresh unprivileged uid for every job, ``cgroups``
holds each job's memory, processes and CPU, and ``limits`` says how much of each a job gets.

Modes, chosen by the TA (``SANDBOX=``) or the Gradescope entry point:

- ``bwrap`` (the default): the zygote runs in bubblewrap with no network, a private /tmp, and an
  allow-list of the host, read-only (``bubblewrap.SYSTEM_DIRS``, the sandboxed part of the
  course, the venv, its Python and the data set). Without a working bubblewrap, grading stops
  before it starts (``SandboxUnavailable``).
- ``off``: no bubblewrap. Unsafe (a notebook can read what the grader's user can read); only when
  a TA asks for it, and every gradebook row says so.
- ``uid``: Gradescope's container, where bubblewrap cannot run: root, no file-system sandbox, and
  the autograder's files readable by root only; each job still gets a uid of its own.

In every mode each job isolates itself further (``grading.inside.isolate``).
"""

MODES = ("bwrap", "off", "uid")


class SandboxUnavailable(RuntimeError):
    """Grading cannot start safely; the message says what is missing and how to install it."""
