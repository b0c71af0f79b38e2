"""What may cross the wire besides plain JSON: tensor dtypes and devices, and the standard layers
and optimizers a receiver rebuilds itself, with the constructor arguments read from an instance.
Every other module crosses as a reference and is run where it lives.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn
from torch.utils.data import DataLoader

DTYPES = {
    str(d).removeprefix("torch."): d
    for d in (
        torch.float16,
        torch.bfloat16,
        torch.float32,
        torch.float64,
        torch.int8,
        torch.int16,
        torch.int32,
        torch.int64,
        torch.uint8,
        torch.bool,
    )
}
SAFETENSORS_DTYPES = {
    torch.float16: "F16",
    torch.bfloat16: "BF16",
    torch.float32: "F32",
    torch.float64: "F64",
    torch.int8: "I8",
    torch.int16: "I16",
    torch.int32: "I32",
    torch.int64: "I64",
    torch.uint8: "U8",
    torch.bool: "BOOL",
}
NP_DTYPES = {"float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"}
DEVICE_TYPES = {"cpu", "cuda", "meta", "mps"}
TABLES = ("tensors", "modules", "optimizers", "loaders", "generators")  # objects with identity, by id


def _standardize():
    import student_utils

    return student_utils.Standardize


def _linear_args(m):
    return {"in_features": m.in_features, "out_features": m.out_features, "bias": m.bias is not None}


def _conv_args(m):
    return {
        "in_channels": m.in_channels,
        "out_channels": m.out_channels,
        "kernel_size": list(m.kernel_size),
        "stride": list(m.stride),
        "padding": m.padding if isinstance(m.padding, str) else list(m.padding),
        "dilation": list(m.dilation),
        "groups": m.groups,
        "bias": m.bias is not None,
        "padding_mode": m.padding_mode,
    }


def _pool_args(m):
    return {
        k: (list(v) if isinstance(v, tuple) else v)
        for k, v in {"kernel_size": m.kernel_size, "stride": m.stride, "padding": m.padding}.items()
    }


def _bn_args(m):
    return {
        "num_features": m.num_features,
        "eps": m.eps,
        "momentum": m.momentum,
        "affine": m.affine,
        "track_running_stats": m.track_running_stats,
    }


def _attrs(*names):
    return lambda m: {n: getattr(m, n) for n in names}


LAYERS: dict[str, tuple[Callable[[], type], Callable]] = {
    "Linear": (lambda: nn.Linear, _linear_args),
    "Conv2d": (lambda: nn.Conv2d, _conv_args),
    "MaxPool2d": (lambda: nn.MaxPool2d, _pool_args),
    "AvgPool2d": (lambda: nn.AvgPool2d, _pool_args),
    "BatchNorm1d": (lambda: nn.BatchNorm1d, _bn_args),
    "BatchNorm2d": (lambda: nn.BatchNorm2d, _bn_args),
    "Dropout": (lambda: nn.Dropout, _attrs("p")),
    "Dropout2d": (lambda: nn.Dropout2d, _attrs("p")),
    "Flatten": (lambda: nn.Flatten, _attrs("start_dim", "end_dim")),
    "ReLU": (lambda: nn.ReLU, lambda m: {}),
    "Sigmoid": (lambda: nn.Sigmoid, lambda m: {}),
    "Tanh": (lambda: nn.Tanh, lambda m: {}),
    "Identity": (lambda: nn.Identity, lambda m: {}),
    "GELU": (lambda: nn.GELU, _attrs("approximate")),
    "LeakyReLU": (lambda: nn.LeakyReLU, _attrs("negative_slope")),
    "Softmax": (lambda: nn.Softmax, _attrs("dim")),
    "LogSoftmax": (lambda: nn.LogSoftmax, _attrs("dim")),
    "MSELoss": (lambda: nn.MSELoss, _attrs("reduction")),
    "L1Loss": (lambda: nn.L1Loss, _attrs("reduction")),
    "CrossEntropyLoss": (lambda: nn.CrossEntropyLoss, _attrs("reduction", "ignore_index", "label_smoothing")),
    "NLLLoss": (lambda: nn.NLLLoss, _attrs("reduction", "ignore_index")),
    "BCELoss": (lambda: nn.BCELoss, _attrs("reduction")),
    "BCEWithLogitsLoss": (lambda: nn.BCEWithLogitsLoss, _attrs("reduction")),
    "Sequential": (lambda: nn.Sequential, lambda m: {}),
    "student_utils.Standardize": (_standardize, _attrs("mean", "std")),
}
OPTIMIZERS = {
    "SGD": torch.optim.SGD,
    "Adam": torch.optim.Adam,
    "AdamW": torch.optim.AdamW,
    "RMSprop": torch.optim.RMSprop,
    "Adagrad": torch.optim.Adagrad,
}


def layer_kind(module: nn.Module) -> str | None:
    """The allow-list name of ``module``'s exact class (subclasses are not the same layer)."""
    cls = type(module)
    for kind, (get_cls, _) in LAYERS.items():
        if cls is get_cls():
            return kind
    return None


def updatable(objects: dict[str, object]) -> dict[str, object]:
    """What a call may change in place and have merged back into the caller's objects: modules
    (with their parameters and buffers), optimizers (with their state), generators, and tensors
    that require grad (``w`` in ``w -= lr * w.grad``). Never the data a caller passes: a function
    that zeroes its inputs must not change what the caller compares its answer with."""
    parts: set[int] = set()
    for obj in objects.values():
        if isinstance(obj, nn.Module):
            parts |= {id(t) for t in (*obj.parameters(), *obj.buffers())}
        elif isinstance(obj, torch.optim.Optimizer):
            parts |= {id(t) for state in obj.state.values() for t in state.values() if isinstance(t, torch.Tensor)}
    return {
        ident: obj
        for ident, obj in objects.items()
        if not isinstance(obj, (torch.Tensor, DataLoader))
        or isinstance(obj, torch.Tensor)
        and (obj.requires_grad or isinstance(obj, nn.Parameter) or id(obj) in parts)
    }
