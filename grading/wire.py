"""The only language the judge and a student's sandbox share: values as plain data.

A message is one frame: a JSON header and a safetensors blob holding the tensors' bytes. Nothing in
it is code: no pickle, no class paths the reader imports. Both sides use this module; the judge
treats every frame it reads as hostile and validates types, dtypes, shapes and sizes while decoding.

Values are JSON with tagged objects (``{"$": "tuple", ...}``). Tensors, modules, optimizers,
data loaders and generators live in tables beside the value, keyed by an id, so an object that
appears twice (a model and the optimizer over its parameters) keeps its identity. A module is
rebuilt only from the allow-listed layers below; anything else the student wrote stays in the
sandbox and crosses as a reference (``{"$": "ref"}``) that the judge can only call.
"""

from __future__ import annotations

import json
import math
import socket
import struct
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import safetensors.torch
import torch
from torch import nn
from torch.utils.data import DataLoader, RandomSampler, TensorDataset

MAGIC = b"NNC1"
MAX_HEADER_BYTES = 64 * 2**20
MAX_BLOB_BYTES = 512 * 2**20  # 05's training loader is 188 MB
MAX_DEPTH = 48
MAX_ITEMS = 2_000_000
MAX_STR = 2**20
MAX_DIMS = 8

DTYPES = {str(d).removeprefix("torch."): d for d in (
    torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.int8, torch.int16, torch.int32,
    torch.int64, torch.uint8, torch.bool)}
SAFETENSORS_DTYPES = {torch.float16: "F16", torch.bfloat16: "BF16", torch.float32: "F32", torch.float64: "F64",
                      torch.int8: "I8", torch.int16: "I16", torch.int32: "I32", torch.int64: "I64", torch.uint8: "U8",
                      torch.bool: "BOOL"}
NP_DTYPES = {"float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"}
DEVICE_TYPES = {"cpu", "cuda", "meta", "mps"}


class ProtocolError(ValueError):
    """What the other side sent is not valid data (judge side: a malformed or hostile answer)."""


# ---------------------------------------------------------------------------------------------
# Framing


def send(sock: socket.socket, header: dict, blob: bytes = b"") -> None:
    head = json.dumps(header, allow_nan=True, separators=(",", ":")).encode()
    sock.sendall(MAGIC + struct.pack("<IQ", len(head), len(blob)) + head)
    if blob:
        sock.sendall(blob)


def _read_exact(sock: socket.socket, n: int) -> bytes:
    chunks, left = [], n
    while left:
        chunk = sock.recv(min(left, 8 * 2**20))
        if not chunk:
            raise EOFError("the other side closed the channel")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def receive(sock: socket.socket) -> tuple[dict, bytes]:
    """One frame; raises ProtocolError on anything over the limits, EOFError when closed."""
    prefix = _read_exact(sock, 16)
    if prefix[:4] != MAGIC:
        raise ProtocolError("not a frame of this protocol")
    head_len, blob_len = struct.unpack("<IQ", prefix[4:])
    if head_len > MAX_HEADER_BYTES or blob_len > MAX_BLOB_BYTES:
        raise ProtocolError(f"message too large ({head_len} + {blob_len} bytes)")
    try:
        header = json.loads(_read_exact(sock, head_len))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ProtocolError(f"header is not JSON ({e})") from None
    if not isinstance(header, dict):
        raise ProtocolError("header is not an object")
    return header, _read_exact(sock, blob_len) if blob_len else b""


# ---------------------------------------------------------------------------------------------
# Allow-listed modules: the layers a judge rebuilds itself, with the constructor arguments read
# from an instance. Every other module crosses as a reference and is run where it lives.


def _standardize():
    import student_utils
    return student_utils.Standardize


def _linear_args(m):
    return {"in_features": m.in_features, "out_features": m.out_features, "bias": m.bias is not None}


def _conv_args(m):
    return {"in_channels": m.in_channels, "out_channels": m.out_channels, "kernel_size": list(m.kernel_size),
            "stride": list(m.stride), "padding": m.padding if isinstance(m.padding, str) else list(m.padding),
            "dilation": list(m.dilation), "groups": m.groups, "bias": m.bias is not None,
            "padding_mode": m.padding_mode}


def _pool_args(m):
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in
            {"kernel_size": m.kernel_size, "stride": m.stride, "padding": m.padding}.items()}


def _bn_args(m):
    return {"num_features": m.num_features, "eps": m.eps, "momentum": m.momentum, "affine": m.affine,
            "track_running_stats": m.track_running_stats}


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
OPTIMIZERS = {"SGD": torch.optim.SGD, "Adam": torch.optim.Adam, "AdamW": torch.optim.AdamW,
              "RMSprop": torch.optim.RMSprop, "Adagrad": torch.optim.Adagrad}


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
    return {ident: obj for ident, obj in objects.items()
            if not isinstance(obj, (torch.Tensor, DataLoader)) or isinstance(obj, torch.Tensor)
            and (obj.requires_grad or isinstance(obj, nn.Parameter) or id(obj) in parts)}


# ---------------------------------------------------------------------------------------------
# Encoding


@dataclass
class Encoder:
    """Turns values into a header and a blob.

    ``known`` maps ``id(obj)`` to the id the other side gave that object, so objects that came in
    go back under their own ids. ``on_unknown`` decides what to do with anything that is not data:
    the sandbox registers it and sends a reference; the judge refuses.
    """

    prefix: str
    on_unknown: Callable[[object], dict]
    known: dict[int, str] = field(default_factory=dict)
    tables: dict[str, dict] = field(default_factory=lambda: {k: {} for k in
                                                             ("tensors", "modules", "optimizers", "loaders", "generators")})
    data: dict[str, torch.Tensor] = field(default_factory=dict)
    _memo: dict[int, str] = field(default_factory=dict)
    _alive: list = field(default_factory=list)
    _count: int = 0

    def _id(self, obj) -> tuple[str, bool]:
        """(id, already encoded) for an object with identity."""
        key = id(obj)
        if key in self._memo:
            return self._memo[key], True
        self._alive.append(obj)
        if key in self.known:
            ident = self.known[key]
        else:
            self._count += 1
            ident = f"{self.prefix}{self._count}"
        self._memo[key] = ident
        return ident, False

    def value(self, obj, depth: int = 0):
        if depth > MAX_DEPTH:
            raise ProtocolError("value nested too deeply")
        d = depth + 1
        if obj is None or type(obj) in (bool, int, str):
            return obj
        if type(obj) is float:
            return obj if math.isfinite(obj) else {"$": "float", "value": repr(obj)}
        if isinstance(obj, torch.Tensor):
            return {"$": "tensor", "id": self.tensor(obj)}
        if isinstance(obj, np.ndarray):
            return {"$": "ndarray", "id": self.ndarray(obj)}
        if isinstance(obj, np.generic):
            return self._npscalar(obj)
        if isinstance(obj, torch.device):
            return {"$": "device", "value": str(obj)}
        if isinstance(obj, torch.dtype):
            return {"$": "dtype", "value": str(obj).removeprefix("torch.")}
        if isinstance(obj, torch.Size):
            return {"$": "size", "items": [int(x) for x in obj]}
        if type(obj) is list:
            return [self.value(x, d) for x in obj]
        if type(obj) is tuple:
            return {"$": "tuple", "items": [self.value(x, d) for x in obj]}
        if type(obj) is dict:
            return {"$": "dict", "items": [[self.value(k, d), self.value(v, d)] for k, v in obj.items()]}
        if type(obj) in (set, frozenset):
            return {"$": "set", "items": [self.value(x, d) for x in obj]}
        if isinstance(obj, nn.Module):
            return {"$": "module", "id": self.module(obj, d)}
        if isinstance(obj, torch.optim.Optimizer) and type(obj).__name__ in OPTIMIZERS \
                and type(obj) is OPTIMIZERS[type(obj).__name__]:
            return {"$": "optimizer", "id": self.optimizer(obj, d)}
        if type(obj) is DataLoader and type(obj.dataset) is TensorDataset:
            return {"$": "loader", "id": self.loader(obj)}
        if isinstance(obj, torch.Generator):
            return {"$": "generator", "id": self.generator(obj)}
        if isinstance(obj, (bool, int, float, str)):  # subclasses: only the plain value crosses
            base = next(t for t in (bool, int, float, str) if isinstance(obj, t))
            return self.value(base(obj), depth)
        return self.on_unknown(obj)

    def _npscalar(self, obj):
        dtype = str(obj.dtype)
        if dtype not in NP_DTYPES:
            return self.on_unknown(obj)
        value = obj.item()
        if isinstance(value, float) and not math.isfinite(value):
            value = repr(value)
        return {"$": "npscalar", "dtype": dtype, "value": value}

    def tensor(self, t: torch.Tensor, numpy_dtype: str | None = None) -> str:
        ident, done = self._id(t)
        if done:
            return ident
        if t.layout != torch.strided or t.is_quantized or t.is_nested:
            raise ProtocolError("only dense tensors can be sent")
        dtype = str(t.dtype).removeprefix("torch.")
        if dtype not in DTYPES:
            raise ProtocolError(f"tensors of dtype {dtype} cannot be sent")
        plain = torch.Tensor._make_subclass(torch.Tensor, t.detach()) if type(t) not in (torch.Tensor, nn.Parameter) \
            else t.detach()
        entry = {"dtype": dtype, "shape": [int(s) for s in plain.shape], "device": plain.device.type,
                 "requires_grad": bool(t.requires_grad), "param": isinstance(t, nn.Parameter), "grad": None}
        if numpy_dtype:
            entry["numpy"] = numpy_dtype
        self.tables["tensors"][ident] = entry
        if plain.device.type != "meta":
            self.data[ident] = plain.to("cpu").contiguous()
        grad = t.grad if t.is_leaf and t.requires_grad else None
        if grad is not None:
            entry["grad"] = self.tensor(grad)
        return ident

    def ndarray(self, a: np.ndarray) -> str:
        if str(a.dtype) not in NP_DTYPES:
            raise ProtocolError(f"arrays of dtype {a.dtype} cannot be sent")
        return self.tensor(torch.from_numpy(np.ascontiguousarray(a)), numpy_dtype=str(a.dtype))

    def module(self, m: nn.Module, depth: int) -> str:
        ident, done = self._id(m)
        if done:
            return ident
        entry: dict = {"training": bool(m.training), "params": {}, "buffers": {}, "children": {}}
        self.tables["modules"][ident] = entry
        kind = layer_kind(m)
        if kind is None:
            ref = self.on_unknown(m)
            entry.update(kind="remote", ref=ref["id"], type=ref["name"])
        else:
            entry.update(kind=kind, init=self._init_args(kind, m))
        for name, p in m._parameters.items():
            entry["params"][str(name)] = self.tensor(p) if p is not None else None
        for name, b in m._buffers.items():
            entry["buffers"][str(name)] = self.tensor(b) if b is not None else None
        for name, child in m._modules.items():
            entry["children"][str(name)] = self.module(child, depth + 1) if child is not None else None
        return ident

    @staticmethod
    def _init_args(kind: str, m: nn.Module) -> dict:
        def plain(v):
            if v is None or type(v) in (bool, str, int, float):
                return v
            if isinstance(v, (list, tuple)):
                return [plain(x) for x in v]
            return float(v)  # a tensor or NumPy number where a float belongs
        return {k: plain(v) for k, v in LAYERS[kind][1](m).items()}

    def optimizer(self, opt: torch.optim.Optimizer, depth: int) -> str:
        ident, done = self._id(opt)
        if done:
            return ident
        groups = []
        for group in opt.param_groups:
            hyper = {k: self.value(v, depth + 1) for k, v in group.items() if k != "params"}
            groups.append({"params": [self.tensor(p) for p in group["params"]], "hyper": hyper})
        state = {}
        for p, s in opt.state.items():
            state[self.tensor(p)] = {str(k): self.value(v, depth + 1) for k, v in s.items()}
        self.tables["optimizers"][ident] = {"kind": type(opt).__name__, "groups": groups, "state": state}
        return ident

    def loader(self, loader: DataLoader) -> str:
        ident, done = self._id(loader)
        if done:
            return ident
        from student_utils.testing import plain_loader

        if not plain_loader(loader):
            raise ProtocolError("only a DataLoader(TensorDataset(...), batch_size=..., shuffle=True or False) can be "
                                "sent, without a sampler, batch_sampler or collate_fn of its own")
        shuffle = type(loader.sampler) is RandomSampler
        gen = loader.generator if loader.generator is not None else getattr(loader.sampler, "generator", None)
        self.tables["loaders"][ident] = {
            "tensors": [self.tensor(t) for t in loader.dataset.tensors],
            "batch_size": loader.batch_size, "shuffle": shuffle, "drop_last": bool(loader.drop_last),
            "generator": self.generator(gen) if gen is not None else None}
        return ident

    def generator(self, gen: torch.Generator) -> str:
        ident, done = self._id(gen)
        if not done:
            self.tables["generators"][ident] = {"state": self.tensor(gen.get_state())}
        return ident

    def objects(self) -> dict[str, object]:
        """Every object encoded so far, by the id it was sent under."""
        by_key = {id(o): o for o in self._alive}
        return {ident: by_key[key] for key, ident in self._memo.items()}

    def finish(self, header: dict) -> tuple[dict, bytes]:
        header = dict(header, objects={k: v for k, v in self.tables.items() if v})
        return header, _safetensors(self.data) if self.data else b""


def _safetensors(data: dict[str, torch.Tensor]) -> bytes:
    """The safetensors format, which the other side reads with safetensors itself, written here
    with one copy of the tensors' bytes: ``safetensors.torch.save`` makes two, and forbids tensors
    that share memory (a slice of a data set beside the data set)."""
    entries, parts, offset = {}, [], 0
    for name in sorted(data):
        flat = data[name].reshape(-1)
        if flat.numel() and flat.stride(0) != 1:  # one element with any stride counts as contiguous
            flat = flat.clone(memory_format=torch.contiguous_format)
        raw = flat.view(torch.uint8).numpy() if flat.numel() else np.empty(0, np.uint8)
        t = data[name]
        entries[name] = {"dtype": SAFETENSORS_DTYPES[t.dtype], "shape": list(t.shape),
                         "data_offsets": [offset, offset + raw.nbytes]}
        parts.append(raw.data)
        offset += raw.nbytes
    head = json.dumps(entries, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)  # the tensors' bytes start aligned
    return b"".join([struct.pack("<Q", len(head)), head, *parts])


# ---------------------------------------------------------------------------------------------
# Decoding


def _check(cond: bool, message: str) -> None:
    if not cond:
        raise ProtocolError(message)


def _is_int(x) -> bool:
    return type(x) is int


class Decoder:
    """Rebuilds values from a header and blob, validating as it goes.

    ``sent`` maps ids this side sent to the objects themselves: an answer that mentions one gets the
    original object back, with the state the other side reports merged into it. ``on_ref`` turns a
    reference into something local (the judge: a proxy; the sandbox: the live object).
    ``on_remote_module`` does the same for a module that is not an allow-listed layer, and says
    whether that module already existed (then the state that comes is merged into it by name).
    """

    def __init__(self, header: dict, blob: bytes, *, on_ref: Callable[[dict], object],
                 on_remote_module: Callable[[str, str], tuple[nn.Module, bool]],
                 sent: dict[str, object] | None = None):
        objects = header.get("objects", {})
        _check(isinstance(objects, dict), "objects must be a table")
        self.tables = {k: objects.get(k, {}) for k in ("tensors", "modules", "optimizers", "loaders", "generators")}
        for name, table in self.tables.items():
            _check(isinstance(table, dict), f"{name} must be a table")
        _check(sum(len(t) for t in self.tables.values()) <= MAX_ITEMS, "too many objects")
        try:
            self.data = safetensors.torch.load(blob) if blob else {}
        except Exception as e:  # safetensors raises several types for a corrupt blob
            raise ProtocolError(f"tensor data is not valid safetensors ({type(e).__name__})") from None
        self.on_ref, self.on_remote_module = on_ref, on_remote_module
        self.sent = sent or {}
        self.built: dict[str, object] = {}
        self._items = 0

    # -- values

    def value(self, j, depth: int = 0):
        _check(depth <= MAX_DEPTH, "value nested too deeply")
        self._items += 1
        _check(self._items <= MAX_ITEMS, "value has too many items")
        if j is None or type(j) in (bool, int):
            return j
        if type(j) is float:
            return j
        if type(j) is str:
            _check(len(j) <= MAX_STR, "string too long")
            return j
        if type(j) is list:
            return [self.value(x, depth + 1) for x in j]
        _check(type(j) is dict and isinstance(j.get("$"), str), "unknown value")
        tag = j["$"]
        if tag in ("tuple", "set", "size"):
            items = j.get("items")
            _check(type(items) is list, f"{tag} needs items")
            values = [self.value(x, depth + 1) for x in items]
            if tag == "size":
                _check(all(_is_int(v) and v >= 0 for v in values), "a torch.Size holds counts")
                return torch.Size(values)
            try:
                return tuple(values) if tag == "tuple" else set(values)
            except TypeError:
                raise ProtocolError("set of unhashable values") from None
        if tag == "dict":
            items = j.get("items")
            _check(type(items) is list and all(type(p) is list and len(p) == 2 for p in items), "dict needs pairs")
            out = {}
            for k, v in items:
                key = self.value(k, depth + 1)
                try:
                    out[key] = self.value(v, depth + 1)
                except TypeError:
                    raise ProtocolError("dict with an unhashable key") from None
            return out
        if tag == "float":
            _check(j.get("value") in ("nan", "inf", "-inf"), "bad float")
            return float(j["value"])
        if tag == "npscalar":
            dtype, value = j.get("dtype"), j.get("value")
            _check(dtype in NP_DTYPES, "bad numpy scalar dtype")
            if value in ("nan", "inf", "-inf"):
                value = float(value)
            _check(type(value) in (bool, int, float), "bad numpy scalar")
            return np.array(value).astype(dtype)[()]
        if tag == "device":
            return self.device(j.get("value"))
        if tag == "dtype":
            _check(j.get("value") in DTYPES, "unknown dtype")
            return DTYPES[j["value"]]
        if tag == "tensor":
            return self.tensor(j.get("id"))
        if tag == "ndarray":
            return self.ndarray(j.get("id"))
        if tag == "module":
            return self.module(j.get("id"), depth)
        if tag == "optimizer":
            return self.optimizer(j.get("id"), depth)
        if tag == "loader":
            return self.loader(j.get("id"))
        if tag == "generator":
            return self.generator(j.get("id"))
        if tag == "ref":
            _check(isinstance(j.get("id"), str) and j.get("kind") in ("function", "class", "object"), "bad reference")
            name = j.get("name")
            _check(isinstance(name, str) and len(name) <= 200, "bad reference name")
            return self.on_ref(j)
        raise ProtocolError(f"unknown tag {tag!r}")

    @staticmethod
    def device(text) -> torch.device:
        _check(isinstance(text, str) and len(text) <= 16, "bad device")
        try:
            dev = torch.device(text)
        except RuntimeError:
            raise ProtocolError(f"unknown device {text!r}") from None
        _check(dev.type in DEVICE_TYPES, f"unknown device {text!r}")
        return dev

    def _entry(self, table: str, ident) -> dict:
        _check(isinstance(ident, str) and ident in self.tables[table], f"{table[:-1]} {ident!r} is missing")
        entry = self.tables[table][ident]
        _check(isinstance(entry, dict), f"{table[:-1]} {ident!r} is malformed")
        return entry

    # -- tensors

    def _tensor_data(self, ident: str, entry: dict) -> torch.Tensor:
        dtype = entry.get("dtype")
        _check(dtype in DTYPES, f"tensor {ident}: unknown dtype")
        shape = entry.get("shape")
        _check(type(shape) is list and len(shape) <= MAX_DIMS and all(_is_int(s) and 0 <= s <= 2**31 for s in shape),
               f"tensor {ident}: bad shape")
        device = self.device(entry.get("device"))
        if device.type == "meta":
            _check(ident not in self.data, f"tensor {ident}: a meta tensor has no data")
            _check(math.prod(shape) <= 2**40, f"tensor {ident}: too large")
            return torch.empty(shape, dtype=DTYPES[dtype], device="meta")
        _check(ident in self.data, f"tensor {ident}: data missing")
        data = self.data[ident]
        _check(data.dtype == DTYPES[dtype] and list(data.shape) == shape, f"tensor {ident}: data does not match its header")
        if device.type != "cpu":
            _check(device.type == "cuda" and torch.cuda.is_available(), f"tensor {ident}: device {device} not available")
            data = data.to(device)
        return data

    def tensor(self, ident) -> torch.Tensor:
        entry = self._entry("tensors", ident)
        _check("numpy" not in entry, f"{ident} is an array, not a tensor")
        if ident in self.built:
            return self.built[ident]
        data = self._tensor_data(ident, entry)
        rg, param = entry.get("requires_grad"), entry.get("param")
        _check(type(rg) is bool and type(param) is bool, f"tensor {ident}: bad flags")
        _check(not rg or data.dtype.is_floating_point, f"tensor {ident}: only float tensors require grad")
        sent = self.sent.get(ident)
        _check(sent is None or isinstance(sent, torch.Tensor), f"{ident} is not a tensor here")
        if sent is not None and sent.device.type == data.device.type:  # changed in place: merge into ours
            t = sent
            with torch.no_grad():
                t.data = data
            if t.is_leaf and t.requires_grad != rg:
                t.requires_grad_(rg)
        else:  # new, or moved to another device (a new tensor there too): a new object
            t = nn.Parameter(data, requires_grad=rg) if param else data.requires_grad_(rg)
        self.built[ident] = t
        grad = entry.get("grad")
        if grad is not None:
            g = self.tensor(grad)
            _check(g.shape == t.shape and g.dtype == t.dtype and g.device == t.device, f"tensor {ident}: bad grad")
            t.grad = g.detach()
        elif t.is_leaf:
            t.grad = None
        return t

    def ndarray(self, ident) -> np.ndarray:
        entry = self._entry("tensors", ident)
        _check(entry.get("numpy") in NP_DTYPES and entry.get("numpy") == entry.get("dtype")
               and entry.get("device") == "cpu" and entry.get("grad") is None, f"array {ident}: bad header")
        if ident not in self.built:
            self.built[ident] = self._tensor_data(ident, entry).numpy().copy()
        a = self.built[ident]
        _check(isinstance(a, np.ndarray), f"{ident} is not an array")
        return a

    # -- modules

    def module(self, ident, depth: int = 0) -> nn.Module:
        _check(depth <= MAX_DEPTH, "modules nested too deeply")
        entry = self._entry("modules", ident)
        if ident in self.built:
            return self.built[ident]
        kind, training = entry.get("kind"), entry.get("training")
        _check(type(training) is bool, f"module {ident}: bad training flag")
        for part in ("params", "buffers", "children"):
            _check(type(entry.get(part)) is dict and len(entry[part]) <= 10_000, f"module {ident}: {part} missing")
        existing = ident in self.sent
        if existing:
            m = self.sent[ident]
            _check(isinstance(m, nn.Module), f"{ident} is not a module here")
        elif kind == "remote":
            _check(isinstance(entry.get("ref"), str) and isinstance(entry.get("type"), str), f"module {ident}: bad ref")
            m, existing = self.on_remote_module(entry["ref"], entry["type"][:200])
        else:
            _check(kind in LAYERS, f"module {ident}: {kind!r} is not a layer the judge knows")
            m = self._build_layer(ident, kind, entry)
        self.built[ident] = m
        if existing:  # the other side's ids for its parts name our objects: merge by name
            for part, mine in (("params", m._parameters), ("buffers", m._buffers), ("children", m._modules)):
                for name, other in entry[part].items():
                    if isinstance(other, str) and mine.get(name) is not None and other not in self.built:
                        self.sent.setdefault(other, mine[name])
        params = {str(n): (self.tensor(t) if t is not None else None) for n, t in entry["params"].items()}
        buffers = {str(n): (self.tensor(t) if t is not None else None) for n, t in entry["buffers"].items()}
        children = {str(n): (self.module(c, depth + 1) if c is not None else None) for n, c in entry["children"].items()}
        if kind in LAYERS and kind != "Sequential" and not existing:
            _check(not children, f"module {ident}: a {kind} has no sub-modules")
        self._install(m, ident, params, buffers, children, free=existing or kind in ("remote", "Sequential"))
        m.training = training
        return m

    def _build_layer(self, ident: str, kind: str, entry: dict) -> nn.Module:
        init = entry.get("init")
        _check(type(init) is dict and all(type(v) in (int, float, bool, str, list, type(None)) for v in init.values()),
               f"module {ident}: bad constructor arguments")
        for v in init.values():
            _check(type(v) is not str or len(v) <= 32, f"module {ident}: bad constructor argument")
            _check(type(v) is not list or (len(v) <= 4 and all(type(x) in (int, float) for x in v)),
                   f"module {ident}: bad constructor argument")
        cls = LAYERS[kind][0]()
        if kind == "Sequential":
            return cls()
        try:
            with torch.device("meta"):
                return cls(**init)
        except (TypeError, ValueError, RuntimeError) as e:
            raise ProtocolError(f"module {ident}: {kind}({init}) cannot be built ({e})") from None

    @staticmethod
    def _install(m: nn.Module, ident: str, params: dict, buffers: dict, children: dict, free: bool) -> None:
        """Put decoded parts into ``m``. A freshly built layer must get exactly the slots its
        constructor made, with those shapes; containers and existing objects take what comes."""
        if not free:
            _check(set(params) == set(m._parameters) and set(buffers) == set(m._buffers),
                   f"module {ident}: a {type(m).__name__} has other parameters than {sorted(params)}")
            for n, p in params.items():
                want = m._parameters[n]
                _check((p is None) == (want is None) and (p is None or p.shape == want.shape),
                       f"module {ident}: {n} has shape {tuple(p.shape) if p is not None else None}, "
                       f"a {type(m).__name__} needs {tuple(want.shape) if want is not None else None}")
            for n, b in buffers.items():
                want = m._buffers[n]
                _check((b is None) == (want is None) and (b is None or b.shape == want.shape),
                       f"module {ident}: bad buffer {n}")
        elif isinstance(m, nn.Sequential):
            _check(all(n.isidentifier() or n.isdigit() for n in children), f"module {ident}: bad layer names")
        for n, p in params.items():
            _check(p is None or isinstance(p, nn.Parameter), f"module {ident}: {n} is not a parameter")
            m._parameters[n] = p
        for n, b in buffers.items():
            m._buffers[n] = b
        for n, c in children.items():
            m._modules[n] = c

    # -- optimizers, loaders, generators

    def optimizer(self, ident, depth: int) -> torch.optim.Optimizer:
        entry = self._entry("optimizers", ident)
        if ident in self.built:
            return self.built[ident]
        kind, groups, state = entry.get("kind"), entry.get("groups"), entry.get("state")
        _check(kind in OPTIMIZERS and type(groups) is list and groups and type(state) is dict,
               f"optimizer {ident}: malformed")
        cls = OPTIMIZERS[kind]
        allowed = set(cls([torch.zeros(1, requires_grad=True)]).defaults) | {"initial_lr"}
        param_groups = []
        for g in groups:
            _check(type(g) is dict and type(g.get("params")) is list and type(g.get("hyper")) is dict,
                   f"optimizer {ident}: bad group")
            hyper = {k: self.value(v, depth + 1) for k, v in g["hyper"].items()}
            _check(set(hyper) <= allowed, f"optimizer {ident}: unknown settings {sorted(set(hyper) - allowed)}")
            params = [self.tensor(p) for p in g["params"]]
            param_groups.append({"params": params, **hyper})
        if ident in self.sent:
            opt = self.sent[ident]
            _check(isinstance(opt, cls), f"{ident} is not a {kind} here")
            _check(len(opt.param_groups) == len(param_groups), f"optimizer {ident}: groups changed")
            for mine, theirs in zip(opt.param_groups, param_groups):
                mine.update({k: v for k, v in theirs.items() if k != "params"})
                mine["params"] = theirs["params"]
            opt.state.clear()
        else:
            try:
                opt = cls(param_groups)
            except (TypeError, ValueError) as e:
                raise ProtocolError(f"optimizer {ident}: {e}") from None
        for pid, s in state.items():
            _check(type(s) is dict, f"optimizer {ident}: bad state")
            p = self.tensor(pid)
            opt.state[p] = {str(k): self.value(v, depth + 1) for k, v in s.items()}
        self.built[ident] = opt
        return opt

    def loader(self, ident) -> DataLoader:
        entry = self._entry("loaders", ident)
        if ident in self.built:
            return self.built[ident]
        tensors, bs = entry.get("tensors"), entry.get("batch_size")
        _check(type(tensors) is list and tensors, f"loader {ident}: no data")
        _check(bs is None or (_is_int(bs) and bs > 0), f"loader {ident}: bad batch_size")
        _check(type(entry.get("shuffle")) is bool and type(entry.get("drop_last")) is bool, f"loader {ident}: bad flags")
        data = [self.tensor(t) for t in tensors]
        _check(len({len(t) if t.dim() else -1 for t in data}) == 1 and data[0].dim() > 0,
               f"loader {ident}: its tensors differ in length")
        gen = self.generator(entry["generator"]) if entry.get("generator") is not None else None
        if ident in self.sent:
            loader = self.sent[ident]
            _check(isinstance(loader, DataLoader), f"{ident} is not a loader here")
        else:
            loader = DataLoader(TensorDataset(*data), batch_size=bs, shuffle=entry["shuffle"],
                                drop_last=entry["drop_last"], generator=gen)
        self.built[ident] = loader
        return loader

    def generator(self, ident) -> torch.Generator:
        entry = self._entry("generators", ident)
        if ident in self.built:
            return self.built[ident]
        state = self.tensor(entry.get("state"))
        _check(state.dtype == torch.uint8 and state.dim() == 1 and state.device.type == "cpu", f"generator {ident}: bad state")
        gen = self.sent.get(ident) if ident in self.sent else torch.Generator()
        _check(isinstance(gen, torch.Generator), f"{ident} is not a generator here")
        try:
            gen.set_state(state.detach())
        except RuntimeError:
            raise ProtocolError(f"generator {ident}: bad state") from None
        self.built[ident] = gen
        return gen

    def everything_sent(self) -> None:
        """Merge the reported state of every object this side sent (after a call)."""
        for table, decode in (("tensors", self.tensor), ("modules", self.module), ("optimizers", lambda i: self.optimizer(i, 0)),
                              ("loaders", self.loader), ("generators", self.generator)):
            for ident in self.tables[table]:
                if ident in self.sent:
                    decode(ident)
