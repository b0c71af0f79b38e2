"""A header and a blob back to values, validating as it goes: the judge treats every frame it
reads as hostile and checks types, dtypes, shapes and sizes before it builds anything. Nothing in
a frame is code: no pickle, no class paths the reader imports; a module is rebuilt only from the
allow-listed layers (``kinds``).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from . import blob as blob_format
from .frame import MAX_DEPTH, MAX_ITEMS, MAX_STR, ProtocolError, is_shape
from .kinds import DEVICE_TYPES, DTYPES, LAYERS, NP_DTYPES, OPTIMIZERS, TABLES


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

    def __init__(
        self,
        header: dict,
        blob: bytes | bytearray | memoryview | list,
        *,
        on_ref: Callable[[dict], object],
        on_remote_module: Callable[[str, str], tuple[nn.Module, bool]],
        sent: dict[str, object] | None = None,
    ):
        objects = header.get("objects", {})
        _check(isinstance(objects, dict), "objects must be a table")
        self.tables = {k: objects.get(k, {}) for k in TABLES}
        for name, table in self.tables.items():
            _check(isinstance(table, dict), f"{name} must be a table")
        _check(sum(len(t) for t in self.tables.values()) <= MAX_ITEMS, "too many objects")
        try:
            self.data = blob_format.read(blob_format.joined(blob))
        except ProtocolError:
            raise
        except Exception as e:  # noqa: BLE001 - whatever a corrupt blob makes torch raise
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
        _check(is_shape(shape), f"tensor {ident}: bad shape")
        device = self.device(entry.get("device"))
        if device.type == "meta":
            _check(ident not in self.data, f"tensor {ident}: a meta tensor has no data")
            _check(math.prod(shape) <= 2**40, f"tensor {ident}: too large")
            return torch.empty(shape, dtype=DTYPES[dtype], device="meta")
        _check(ident in self.data, f"tensor {ident}: data missing")
        data = self.data[ident]
        _check(
            data.dtype == DTYPES[dtype] and list(data.shape) == shape, f"tensor {ident}: data does not match its header"
        )
        if device.type != "cpu":
            _check(
                device.type == "cuda" and torch.cuda.is_available(), f"tensor {ident}: device {device} not available"
            )
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
        _check(
            entry.get("numpy") in NP_DTYPES
            and entry.get("numpy") == entry.get("dtype")
            and entry.get("device") == "cpu"
            and entry.get("grad") is None,
            f"array {ident}: bad header",
        )
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
        children = {
            str(n): (self.module(c, depth + 1) if c is not None else None) for n, c in entry["children"].items()
        }
        if kind in LAYERS and kind != "Sequential" and not existing:
            _check(not children, f"module {ident}: a {kind} has no sub-modules")
        self._install(m, ident, params, buffers, children, free=existing or kind in ("remote", "Sequential"))
        m.training = training
        return m

    def _build_layer(self, ident: str, kind: str, entry: dict) -> nn.Module:
        init = entry.get("init")
        _check(
            type(init) is dict and all(type(v) in (int, float, bool, str, list, type(None)) for v in init.values()),
            f"module {ident}: bad constructor arguments",
        )
        for v in init.values():
            _check(type(v) is not str or len(v) <= 32, f"module {ident}: bad constructor argument")
            _check(
                type(v) is not list or (len(v) <= 4 and all(type(x) in (int, float) for x in v)),
                f"module {ident}: bad constructor argument",
            )
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
            _check(
                set(params) == set(m._parameters) and set(buffers) == set(m._buffers),
                f"module {ident}: a {type(m).__name__} has other parameters than {sorted(params)}",
            )
            for n, p in params.items():
                want = m._parameters[n]
                _check(
                    (p is None) == (want is None) and (p is None or p.shape == want.shape),
                    f"module {ident}: {n} has shape {tuple(p.shape) if p is not None else None}, "
                    f"a {type(m).__name__} needs {tuple(want.shape) if want is not None else None}",
                )
            for n, b in buffers.items():
                want = m._buffers[n]
                _check(
                    (b is None) == (want is None) and (b is None or b.shape == want.shape),
                    f"module {ident}: bad buffer {n}",
                )
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
        _check(
            kind in OPTIMIZERS and type(groups) is list and groups and type(state) is dict,
            f"optimizer {ident}: malformed",
        )
        cls = OPTIMIZERS[kind]
        allowed = set(cls([torch.zeros(1, requires_grad=True)]).defaults) | {"initial_lr"}
        param_groups = []
        for g in groups:
            _check(
                type(g) is dict and type(g.get("params")) is list and type(g.get("hyper")) is dict,
                f"optimizer {ident}: bad group",
            )
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
        _check(
            type(entry.get("shuffle")) is bool and type(entry.get("drop_last")) is bool, f"loader {ident}: bad flags"
        )
        data = [self.tensor(t) for t in tensors]
        _check(
            len({len(t) if t.dim() else -1 for t in data}) == 1 and data[0].dim() > 0,
            f"loader {ident}: its tensors differ in length",
        )
        gen = self.generator(entry["generator"]) if entry.get("generator") is not None else None
        if ident in self.sent:
            loader = self.sent[ident]
            _check(isinstance(loader, DataLoader), f"{ident} is not a loader here")
        else:
            loader = DataLoader(
                TensorDataset(*data),
                batch_size=bs,
                shuffle=entry["shuffle"],
                drop_last=entry["drop_last"],
                generator=gen,
            )
        self.built[ident] = loader
        return loader

    def generator(self, ident) -> torch.Generator:
        entry = self._entry("generators", ident)
        if ident in self.built:
            return self.built[ident]
        state = self.tensor(entry.get("state"))
        _check(
            state.dtype == torch.uint8 and state.dim() == 1 and state.device.type == "cpu",
            f"generator {ident}: bad state",
        )
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
        for table, decode in (
            ("tensors", self.tensor),
            ("modules", self.module),
            ("optimizers", lambda i: self.optimizer(i, 0)),
            ("loaders", self.loader),
            ("generators", self.generator),
        ):
            for ident in self.tables[table]:
                if ident in self.sent:
                    decode(ident)
