"""The reference's given cells and checkpoint cells, run in a fork of the judge.

The given cells import what the lesson uses (01: scikit-learn and matplotlib, about 100 MB and a
second) and the judge holds its memory for the whole grading, beside the zygote and the job: 01 has
to fit Gradescope's default 768 MB (measured in make test-gradescope). So a fork runs the cells and
sends the values back pickled (the fork runs only instructor code: never a student's). A value
made of torch, NumPy and Python alone is rebuilt at once; one that names another library (a
scikit-learn function, a matplotlib figure) is kept pickled and rebuilt when a test asks for it.

A tensor's storage travels as raw bytes beside the pickle (protocol 5's out-of-band buffers), once
however many values hold it: 05's images would take seconds through torch's own pickling, and two
copies of the judge's memory. The fork computes with one thread, as the jobs do: a given mean is
the same float on every machine.
"""

from __future__ import annotations

import gc
import io
import os
import pickle
import struct
import traceback

import numpy as np
import torch

from . import checkpoints, given

NOW = frozenset({"builtins", "copyreg", "collections", "_codecs", "torch", "numpy"})  # rebuilt at once
_HEADER = struct.Struct("<QQ")  # a pickle's length, the number of buffers it names


NUMPY_DTYPES = frozenset(
    {
        torch.bool,
        torch.uint8,
        torch.int8,
        torch.int16,
        torch.int32,
        torch.int64,
        torch.float16,
        torch.float32,
        torch.float64,
        torch.complex64,
        torch.complex128,
    }
)


def _plain(t) -> bool:
    """A tensor whose data NumPy can hold: its values, shape and dtype are all it is."""
    return (
        type(t) is torch.Tensor
        and t.device.type == "cpu"
        and t.layout == torch.strided
        and not t.requires_grad
        and t.dtype in NUMPY_DTYPES
    )


def _rebuild(data: np.ndarray, dtype: torch.dtype, size, stride, offset: int) -> torch.Tensor:
    """A tensor over ``data``, its storage's bytes (shared with every tensor sent over them)."""
    return torch.from_numpy(data).view(dtype).as_strided(size, stride, offset)


class _Sender(pickle.Pickler):
    def reducer_override(self, obj):
        if _plain(obj):
            storage = torch.empty(0, dtype=torch.uint8).set_(obj.untyped_storage())
            return _rebuild, (storage.numpy(), obj.dtype, tuple(obj.size()), obj.stride(), obj.storage_offset())
        return NotImplemented


def _send(out, value, sent: dict[tuple[int, int], tuple[int, pickle.PickleBuffer]]) -> None:
    """``value`` pickled, then the buffers not sent before (each named by its index in the stream).
    ``sent`` holds every buffer it names until the end: a temporary's memory (a generator's state)
    freed and taken again by the next would otherwise look like the same block."""
    found = []
    stream = io.BytesIO()
    _Sender(stream, protocol=5, buffer_callback=found.append).dump(value)
    names, new = [], []
    for buffer in found:
        raw = buffer.raw()
        key = (np.frombuffer(raw, dtype=np.uint8).ctypes.data if raw.nbytes else 0, raw.nbytes)
        if key not in sent:
            sent[key] = (len(sent), buffer)
            new.append(raw)
        names.append(sent[key][0])
    pickled = stream.getvalue()
    out.write(_HEADER.pack(len(pickled), len(names)) + pickled)
    out.write(struct.pack(f"<{len(names)}Q", *names))
    out.write(struct.pack("<Q", len(new)))
    for raw in new:
        out.write(struct.pack("<Q", raw.nbytes))
        out.write(raw)


def _receive(f, buffers: list[bytearray]) -> tuple[bytes, list[bytearray]]:
    length, count = _HEADER.unpack(_exactly(f, _HEADER.size))
    pickled = _exactly(f, length)
    names = struct.unpack(f"<{count}Q", _exactly(f, 8 * count))
    (new,) = struct.unpack("<Q", _exactly(f, 8))
    for _ in range(new):
        (size,) = struct.unpack("<Q", _exactly(f, 8))
        block = bytearray(size)
        if f.readinto(block) != size:
            raise EOFError
        buffers.append(block)
    return pickled, [buffers[i] for i in names]


def _exactly(f, n: int) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise EOFError
    return data


class _Postponed(Exception):
    pass


class _DataOnly(pickle.Unpickler):
    def find_class(self, module, name):
        if module.split(".")[0] not in NOW and module != __name__:
            raise _Postponed(module)
        return super().find_class(module, name)


def _now_or_later(pickled: bytes, buffers: list[bytearray]):
    try:
        return _DataOnly(io.BytesIO(pickled), buffers=buffers).load()
    except _Postponed:
        return given.Later(pickled, [bytes(b) for b in buffers])


def run(
    cells: list[tuple[str, str]], entries: list[dict], seed_variable: str | None, seed: int | None
) -> tuple[dict, list[checkpoints.Checkpoint]]:
    """The given cells' data (``given.data``) and the checkpoints (``checkpoints.build``), as running
    them in this process would give them; the data are taken before any checkpoint cell runs."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the fork: run, send, and end without the judge's finalizers
        code = 1
        try:
            os.close(read)
            torch.set_num_threads(1)  # the judge's thread pool is not the fork's
            gc.freeze()  # collections here leave the judge's objects alone: fewer pages copied
            with os.fdopen(write, "wb") as out:
                namespace = given.run(cells, seed_variable, seed)
                data, sent = given.data(namespace), {}
                _send(out, list(data), sent)
                for value in data.values():
                    _send(out, value, sent)
                _send(out, checkpoints.build(entries, namespace, seed_variable, seed), sent)
            code = 0
        except BaseException:  # noqa: BLE001 - said on stderr, and by the exit code
            traceback.print_exc()
        finally:
            os._exit(code)
    os.close(write)
    try:
        with os.fdopen(read, "rb") as f:
            buffers: list[bytearray] = []
            names = pickle.loads(*_receive(f, buffers)[:1])
            values = {name: _now_or_later(*_receive(f, buffers)) for name in names}
            pickled, named = _receive(f, buffers)
            built = pickle.loads(pickled, buffers=named)
    except EOFError:
        built = None
    finally:
        _, status = os.waitpid(pid, 0)
    if status != 0 or built is None:
        raise RuntimeError("the reference's given or checkpoint cells failed (their traceback is above)")
    return values, built
