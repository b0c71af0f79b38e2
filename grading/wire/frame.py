"""One message on the channel: a fixed prefix, a JSON header and a safetensors blob.

The judge reads frames from a hostile process, so every limit is checked before anything is
parsed: the sizes in the prefix, the nesting depth of the header (counted on its bytes, so no
parser recursion is ever reached), and one deadline for the whole frame, not per ``recv``: a peer
that trickles a byte at a time runs out of time like one that sends nothing.
"""

from __future__ import annotations

import json
import socket
import struct
import time

import numpy as np

MAGIC = b"NNC1"
MAX_HEADER_BYTES = 64 * 2**20
MAX_BLOB_BYTES = 512 * 2**20  # 05's training loader is 188 MB
MAX_HEADER_DEPTH = 256  # JSON nesting; values themselves are held to MAX_DEPTH by the decoder
MAX_DEPTH = 48
MAX_ITEMS = 2_000_000
MAX_STR = 2**20
MAX_DIMS = 8
MAX_DIM_SIZE = 2**31  # one dimension of a tensor
_CHUNK = 8 * 2**20


def is_shape(shape) -> bool:
    """A tensor's shape within the limits: a list of at most MAX_DIMS sizes, each at most MAX_DIM_SIZE."""
    return (
        type(shape) is list and len(shape) <= MAX_DIMS and all(type(s) is int and 0 <= s <= MAX_DIM_SIZE for s in shape)
    )


class ProtocolError(ValueError):
    """What the other side sent is not valid data (judge side: a malformed or hostile answer)."""


def send(sock: socket.socket, header: dict, blob: bytes | list = b"") -> None:
    """One frame; ``blob`` is bytes or the buffers ``blob.parts`` gives, sent one after the other."""
    buffers = blob if isinstance(blob, list) else [blob]
    size = sum(memoryview(b).nbytes for b in buffers)
    head = json.dumps(header, allow_nan=True, separators=(",", ":")).encode()
    sock.sendall(MAGIC + struct.pack("<IQ", len(head), size) + head)
    for buffer in buffers:
        if memoryview(buffer).nbytes:
            sock.sendall(buffer)


def _read_exact(sock: socket.socket, n: int, deadline: float | None, buffer=None) -> bytearray:
    """``n`` bytes, read straight into one buffer (``buffer`` where given)."""
    buffer = bytearray(n) if buffer is None else buffer
    view, got = memoryview(buffer), 0
    while got < n:
        if deadline is not None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the frame did not arrive in time")
            sock.settimeout(remaining)
        read = sock.recv_into(view[got : got + min(n - got, _CHUNK)])
        if not read:
            raise EOFError("the other side closed the channel")
        got += read
    return buffer


def json_depth(text: bytes) -> int:
    """How deeply ``text`` nests arrays and objects, brackets inside strings not counted."""
    raw = np.frombuffer(text, dtype=np.uint8)
    if raw.size == 0:
        return 0
    quote, backslash = raw == ord('"'), raw == ord("\\")
    # A quote is escaped when the run of backslashes just before it is odd.
    position = np.arange(raw.size)
    starts = backslash & ~np.concatenate(([False], backslash[:-1]))
    run = np.where(backslash, position - np.maximum.accumulate(np.where(starts, position, 0)) + 1, 0)
    real_quote = quote & (np.concatenate(([0], run[:-1])) % 2 == 0)
    inside = np.cumsum(real_quote) % 2 == 1  # after an odd number of quotes
    outside = ~inside & ~real_quote
    step = np.where(outside & ((raw == ord("[")) | (raw == ord("{"))), 1, 0) - np.where(
        outside & ((raw == ord("]")) | (raw == ord("}"))), 1, 0
    )
    return int(np.cumsum(step).max(initial=0))


def receive(sock: socket.socket, timeout: float | None = None) -> tuple[dict, bytes | memoryview]:
    """One frame, whole within ``timeout`` seconds (None: the socket's own setting).

    Raises ProtocolError on anything over the limits, TimeoutError when the frame is late,
    EOFError when the channel closed."""
    deadline = None if timeout is None else time.monotonic() + timeout
    prefix = _read_exact(sock, 16, deadline)
    if prefix[:4] != MAGIC:
        raise ProtocolError("not a frame of this protocol")
    head_len, blob_len = struct.unpack("<IQ", prefix[4:])
    if head_len > MAX_HEADER_BYTES or blob_len > MAX_BLOB_BYTES:
        raise ProtocolError(f"message too large ({head_len} + {blob_len} bytes)")
    head = bytes(_read_exact(sock, head_len, deadline))
    # Every level opens with a bracket, so a header with few brackets needs no count (0.05 ms a frame).
    if head.count(b"[") + head.count(b"{") > MAX_HEADER_DEPTH and json_depth(head) > MAX_HEADER_DEPTH:
        raise ProtocolError("header nested too deeply")
    try:
        header = json.loads(head)
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise ProtocolError(f"header is not JSON ({type(e).__name__})") from None
    if not isinstance(header, dict):
        raise ProtocolError("header is not an object")
    if not blob_len:
        return header, b""
    # The blob's tensors are views of this buffer, left unfilled until the socket fills it:
    # bytearray(n) would first write 188 MB of zeros (0.1 s) for 05's training loader.
    return header, memoryview(_read_exact(sock, blob_len, deadline, np.empty(blob_len, np.uint8)))
