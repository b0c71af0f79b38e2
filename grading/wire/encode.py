"""Values to a header and a blob (both sides encode; the judge never encodes what it cannot
vouch for).

Values are JSON with tagged objects (``{"$": "tuple", ...}``). Tensors, modules, optimizers, data
loaders and generators live in tables beside the value, keyed by an id, so an object that appears
twice (a model and the optimizer over its parameters) keeps its identity.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, RandomSampler

from student_utils.testing import plain_loader

from . import blob
from .frame import MAX_DEPTH, ProtocolError
from .kinds import DTYPES, LAYERS, NP_DTYPES, OPTIMIZERS, TABLES, layer_kind


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
    tables: dict[str, dict] = field(default_factory=lambda: {k: {} for k in TABLES})
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
        if (
            isinstance(obj, torch.optim.Optimizer)
            and type(obj).__name__ in OPTIMIZERS
            and type(obj) is OPTIMIZERS[type(obj).__name__]
        ):
            return {"$": "optimizer", "id": self.optimizer(obj, d)}
        if isinstance(obj, DataLoader):
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
        plain = (
            torch.Tensor._make_subclass(torch.Tensor, t.detach())
            if type(t) not in (torch.Tensor, nn.Parameter)
            else t.detach()
        )
        entry = {
            "dtype": dtype,
            "shape": [int(s) for s in plain.shape],
            "device": plain.device.type,
            "requires_grad": bool(t.requires_grad),
            "param": isinstance(t, nn.Parameter),
            "grad": None,
        }
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
        if not plain_loader(loader):
            raise ProtocolError(
                "only a DataLoader(TensorDataset(...), batch_size=..., shuffle=True or False) can be "
                "sent, without a sampler, batch_sampler or collate_fn of its own"
            )
        shuffle = type(loader.sampler) is RandomSampler
        gen = loader.generator if loader.generator is not None else getattr(loader.sampler, "generator", None)
        self.tables["loaders"][ident] = {
            "tensors": [self.tensor(t) for t in loader.dataset.tensors],
            "batch_size": loader.batch_size,
            "shuffle": shuffle,
            "drop_last": bool(loader.drop_last),
            "generator": self.generator(gen) if gen is not None else None,
        }
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

    def finish(self, header: dict) -> tuple[dict, list]:
        """The header, and the blob as buffers for ``frame.send`` (the tensors' own memory)."""
        header = dict(header, objects={k: v for k, v in self.tables.items() if v})
        return header, blob.parts(self.data)
