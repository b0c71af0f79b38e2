"""What a student's code answered on the judge's own inputs, as short comparable descriptions.

The judge keeps them for the test cases a submission failed (``testfiles``): two submissions that
answer the same hidden input with the same *wrong* value, the same wrong shape or the same unusual
error are evidence for a TA (``grading.outputs.similarity``), never a score. Values are compared to
about six significant digits: float32 rounding in another order of operations does not split them,
a different bug does.
"""

from __future__ import annotations

import hashlib

import numpy as np
import torch

MANTISSA_BITS = 20  # about six significant decimal digits


def _rounded(a: np.ndarray) -> bytes:
    if a.dtype.kind in "fc":
        a = np.nan_to_num(a.astype(np.float64), nan=np.inf)
        mantissa, exponent = np.frexp(a)
        return np.round(mantissa * 2**MANTISSA_BITS).astype(np.int64).tobytes() + exponent.astype(np.int16).tobytes()
    return a.tobytes()


def _digest(parts: list[bytes]) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "little") + part)
    return h.hexdigest()[:10]


def describe(value, depth: int = 0) -> str:
    """A short description that two equal answers share: the kind, dtype and shape, and a digest
    of the values (``#3f2a9c01d2``)."""
    if isinstance(value, torch.Tensor):
        shape = tuple(value.shape)
        if value.device.type == "meta":
            return f"tensor {str(value.dtype).removeprefix('torch.')} {shape} on meta"
        data = value.detach().cpu()
        return f"tensor {str(value.dtype).removeprefix('torch.')} {shape} #{_digest([_rounded(data.numpy())])}"
    if isinstance(value, np.ndarray):
        return f"array {value.dtype} {value.shape} #{_digest([_rounded(value)])}"
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, (int, float, np.generic)):
        return f"{type(value).__name__} {float(value):.6g}"
    if isinstance(value, str):
        return f"text #{_digest([value.encode('utf-8', 'replace')])}"
    if isinstance(value, (list, tuple)) and depth < 3:
        inner = [describe(v, depth + 1) for v in value]
        return f"{type(value).__name__} of {len(value)} #{_digest([i.encode() for i in inner])}"
    if isinstance(value, dict) and depth < 3:
        inner = [f"{k!r}={describe(v, depth + 1)}" for k, v in value.items()]
        return f"dict of {len(value)} #{_digest([i.encode() for i in inner])}"
    if isinstance(value, torch.nn.Module):
        shapes = [tuple(p.shape) for p in value.parameters()]
        return f"module {type(value).__name__} with {sum(p.numel() for p in value.parameters())} parameters {shapes}"
    return type(value).__name__


def describe_error(error: BaseException) -> str:
    """What a call raised, by type only: the message may be the student's own words."""
    return f"raised {type(error).__name__}"
