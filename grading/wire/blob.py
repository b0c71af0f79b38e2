"""A message's tensors, in the safetensors format, written and read without copying their bytes.

``safetensors.torch`` makes two copies each way (``save`` joins, ``load`` copies out of ``bytes``
and then again into tensors); 05's training loader is 188 MB, read once per grading, and those
copies took 0.3 of the 0.5 s its crossing cost. Here the sender hands the tensors' own memory to the
socket, and the reader's tensors are views of the one buffer the socket filled.

The reader checks what ``safetensors`` checks before it builds anything (the header's size and
shape, known dtypes, offsets inside the data, sizes that match the shapes, no two tensors over the
same bytes) and one thing more: a bool is a 0 or a 1. The format is little-endian, as are the
machines this runs on (x86-64 and arm64).
"""

from __future__ import annotations

import json
import math
import struct

import numpy as np
import torch

from .frame import MAX_HEADER_BYTES, ProtocolError, is_shape
from .kinds import SAFETENSORS_DTYPES

_DTYPES = {code: dtype for dtype, code in SAFETENSORS_DTYPES.items()}
_KEYS = {"dtype", "shape", "data_offsets"}


def parts(data: dict[str, torch.Tensor]) -> list:
    """The blob for ``data`` as buffers to send one after the other: its header, then each tensor's
    own bytes (a copy only of a tensor whose elements are not contiguous)."""
    if not data:
        return []
    entries, buffers, offset = {}, [], 0
    for name in sorted(data):
        flat = data[name].reshape(-1)
        if flat.numel() and flat.stride(0) != 1:  # one element with any stride counts as contiguous
            flat = flat.clone(memory_format=torch.contiguous_format)
        raw = flat.view(torch.uint8).numpy() if flat.numel() else np.empty(0, np.uint8)
        entries[name] = {
            "dtype": SAFETENSORS_DTYPES[data[name].dtype],
            "shape": list(data[name].shape),
            "data_offsets": [offset, offset + raw.nbytes],
        }
        buffers.append(raw.data)  # keeps the tensor alive until it is sent
        offset += raw.nbytes
    head = json.dumps(entries, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)  # the tensors' bytes start aligned
    return [struct.pack("<Q", len(head)) + head, *buffers]


def joined(blob) -> bytes | bytearray | memoryview:
    """A blob as one buffer, whether it came from ``parts`` or from a socket."""
    return b"".join(blob) if isinstance(blob, list) else blob


def read(blob: bytes | bytearray | memoryview) -> dict[str, torch.Tensor]:
    """The tensors of a blob, as views of it (of a copy where it is read-only ``bytes``)."""
    if not blob:
        return {}
    _check(len(blob) >= 8, "shorter than its header size")
    (head_len,) = struct.unpack_from("<Q", blob)
    _check(head_len <= len(blob) - 8, "header runs past the end")
    _check(head_len <= MAX_HEADER_BYTES, "header too large")  # as a frame's own (safetensors: 100 MB)
    try:  # the parser's own recursion guard holds a header nested too deeply (RecursionError)
        entries = json.loads(bytes(memoryview(blob)[8 : 8 + head_len]))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ProtocolError("tensor data is not valid safetensors (header is not JSON)") from None
    _check(isinstance(entries, dict), "header is not an object")
    entries.pop("__metadata__", None)
    if memoryview(blob).readonly:
        blob = bytearray(blob)  # tensors over read-only memory would be written all the same
    base, size = 8 + head_len, len(blob) - 8 - head_len
    spans, out = [], {}
    for name, entry in entries.items():
        _check(isinstance(entry, dict) and set(entry) == _KEYS, "a malformed entry")
        code, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
        dtype = _DTYPES.get(code) if isinstance(code, str) else None
        _check(dtype is not None, "an unknown dtype")
        _check(is_shape(shape), "a bad shape")
        _check(
            type(offsets) is list and len(offsets) == 2 and all(type(o) is int for o in offsets),
            "bad offsets",
        )
        start, end = offsets
        _check(0 <= start <= end <= size, "offsets outside the data")
        _check(end - start == math.prod(shape) * dtype.itemsize, "a size that does not match its shape")
        spans.append((start, end))
        out[name] = _tensor(blob, base + start, end - start, dtype, shape)
    spans.sort()
    _check(all(b[0] >= a[1] for a, b in zip(spans, spans[1:])), "two tensors share bytes")
    return out


def _tensor(blob, offset: int, nbytes: int, dtype: torch.dtype, shape: list[int]) -> torch.Tensor:
    """A tensor of its own storage (as ``safetensors`` gives: some of torch reads a storage from its
    start), over the blob's memory; a copy only where a sender packed it unaligned."""
    if nbytes == 0:
        return torch.empty(shape, dtype=dtype)
    if dtype == torch.bool:
        raw = torch.frombuffer(blob, dtype=torch.uint8, count=nbytes, offset=offset)
        _check(bool((raw <= 1).all()), "a bool that is neither 0 nor 1")
    if offset % dtype.itemsize:  # the buffer itself is aligned (malloc)
        raw = torch.frombuffer(blob, dtype=torch.uint8, count=nbytes, offset=offset)
        return raw.clone().view(dtype).reshape(shape)
    return torch.frombuffer(blob, dtype=dtype, count=nbytes // dtype.itemsize, offset=offset).reshape(shape)


def _check(cond: bool, message: str) -> None:
    if not cond:
        raise ProtocolError(f"tensor data is not valid safetensors ({message})")
