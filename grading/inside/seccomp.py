"""A seccomp filter that takes the kernel's keyrings away from a job (runs INSIDE, before student code).

Keyrings are kernel state that outlives a process and is keyed by uid, not by namespace: a job
that could write one could leave something for a later job. ``add_key``, ``request_key`` and
``keyctl`` fail with EPERM, and so does every system call of another architecture (an x86-64
process could otherwise reach them through the i386 or x32 numbers). Nothing else is filtered.
"""

from __future__ import annotations

import ctypes
import errno
import platform

# (audit architecture, add_key, request_key, keyctl) per machine
ARCHES = {"x86_64": (0xC000003E, 248, 249, 250), "aarch64": (0xC00000B7, 217, 218, 219)}
X32_BIT = 0x40000000
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
LD_ABS_W, JEQ_K, JGE_K, RET_K = 0x20, 0x15, 0x35, 0x06
ALLOW, DENY = 0x7FFF0000, 0x00050000 | errno.EPERM


class _Instruction(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Instruction))]


def program(arch: int, add_key: int, request_key: int, keyctl: int) -> list[tuple[int, int, int, int]]:
    """The filter, as (code, jump if true, jump if false, constant)."""
    return [
        (LD_ABS_W, 0, 0, 4),  # seccomp_data.arch
        (JEQ_K, 1, 0, arch),
        (RET_K, 0, 0, DENY),  # another architecture's numbering
        (LD_ABS_W, 0, 0, 0),  # seccomp_data.nr
        (JGE_K, 4, 0, X32_BIT),
        (JEQ_K, 3, 0, add_key),
        (JEQ_K, 2, 0, request_key),
        (JEQ_K, 1, 0, keyctl),
        (RET_K, 0, 0, ALLOW),
        (RET_K, 0, 0, DENY),
    ]


def deny_keyrings() -> bool:
    """Install the filter on this process and its future children; False where this machine's
    architecture is not known here (then nothing is installed). Needs no_new_privs (or root)."""
    numbers = ARCHES.get(platform.machine())
    if numbers is None:
        return False
    code = program(*numbers)
    instructions = (_Instruction * len(code))(*(_Instruction(*i) for i in code))
    prog = _Program(len(code), instructions)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        return False
    return True
