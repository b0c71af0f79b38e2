"""The wire format between the judge and a sandboxed notebook: values survive the trip as plain
data, objects keep their identity, state comes back merged, and whatever is malformed or hostile
is refused with a ProtocolError (never executed, never unpickled)."""

from __future__ import annotations

import json
import math
import socket
import struct

import numpy as np
import pytest
import safetensors.torch
import torch
from torch import nn
from torch.utils.data import BatchSampler, DataLoader, RandomSampler, SequentialSampler, TensorDataset

import student_utils as su
from grading import wire
from grading.wire import blob, frame, kinds


def refuse(obj):
    raise wire.ProtocolError(f"cannot send {type(obj).__name__}")


def trip(value, sent: dict | None = None, on_unknown=refuse):
    """Encode on one side, decode on the other; returns (decoded, decoder)."""
    enc = wire.Encoder(prefix="s", on_unknown=on_unknown)
    header, blob = enc.finish({"value": enc.value(value)})
    dec = wire.Decoder(
        header, blob, on_ref=lambda j: ("ref", j["id"]), on_remote_module=lambda r, n: (nn.Identity(), False), sent=sent
    )
    return dec.value(header["value"]), dec


def decode(header: dict, blob: bytes = b""):
    dec = wire.Decoder(header, blob, on_ref=lambda j: j, on_remote_module=lambda r, n: (nn.Identity(), False))
    return dec.value(header["value"])


def test_plain_values_keep_their_types():
    value = [
        None,
        True,
        3,
        2.5,
        "text",
        (1, 2.0),
        {"k": [1], 2: "two"},
        {1, 2},
        torch.Size([2, 3]),
        torch.device("cpu"),
        torch.float64,
    ]
    back, _ = trip(value)
    assert back == value and [type(v) for v in back] == [type(v) for v in value]
    nan, inf = trip([math.nan, -math.inf])[0]
    assert math.isnan(nan) and inf == -math.inf


def test_subclasses_arrive_as_the_plain_value():
    class Anything(float):
        def __eq__(self, other):
            return True

    class Shout(str):
        pass

    back, _ = trip([Anything(0.5), Shout("hi")])
    assert type(back[0]) is float and back[0] == 0.5 and back[0] != 0.6
    assert type(back[1]) is str


def test_tensors_arrays_and_numpy_scalars():
    w = nn.Parameter(torch.randn(3, 2))
    w.grad = torch.ones(3, 2)
    values = [
        w,
        torch.arange(5),
        torch.tensor([True, False]),
        torch.zeros(2, 7, device="meta"),
        np.arange(6.0).reshape(2, 3),
        np.float32(1.5),
        np.int64(7),
    ]
    back, _ = trip(values)
    assert isinstance(back[0], nn.Parameter) and torch.equal(back[0], w) and torch.equal(back[0].grad, w.grad)
    assert back[1].dtype == torch.int64 and back[2].dtype == torch.bool and back[3].device.type == "meta"
    assert isinstance(back[4], np.ndarray) and back[4].dtype == np.float64 and back[4].shape == (2, 3)
    assert type(back[5]) is np.float32 and back[5] == 1.5 and type(back[6]) is np.int64


@pytest.mark.parametrize("dtype", list(kinds.DTYPES.values()), ids=list(kinds.DTYPES))
def test_every_dtype_survives_and_views_of_one_storage_cross_apart(dtype):
    """The blob is written and read by hand (``wire.blob``), each tensor its own storage on arrival."""
    data = (torch.arange(24) % 7).to(dtype).reshape(2, 3, 4)
    one = data.reshape(6, 4)[:1, 3].reshape(-1, 1)  # shape (1, 1), strides (4, 4): "contiguous" all the same
    values = [data, data[1], data[:, 1:, ::2], data.transpose(0, 2), data.sum().reshape(()).to(dtype), data[:0], one]
    back, _ = trip(values)
    for got, want in zip(back, values):
        assert got.dtype == dtype and got.shape == want.shape and torch.equal(got, want)
    back[1].zero_()
    assert not torch.equal(back[1], values[1]) and torch.equal(back[0], data), "each tensor arrives as its own copy"


def test_a_tensor_subclass_crosses_as_a_plain_tensor():
    class AlwaysEqual(torch.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            return (
                True
                if getattr(func, "__name__", "") == "equal"
                else super().__torch_function__(func, types, args, kwargs or {})
            )

    back, _ = trip(torch.zeros(2).as_subclass(AlwaysEqual))
    assert type(back) is torch.Tensor and not torch.equal(back, torch.ones(2))


def test_identity_survives_within_a_message():
    model = nn.Linear(2, 1)
    opt = torch.optim.Adam(model.parameters(), lr=0.1)
    back, _ = trip((model, opt, model.weight))
    m, o, weight = back
    assert weight is m.weight and o.param_groups[0]["params"][0] is m.weight


def test_allow_listed_layers_are_rebuilt_as_real_modules():
    model = nn.Sequential(
        su.Standardize(0.5, 2.0),
        nn.Flatten(),
        nn.Linear(4, 3),
        nn.ReLU(),
        nn.Dropout(0.3),
        nn.BatchNorm1d(3),
        nn.Linear(3, 1),
    )
    model.eval()
    back, _ = trip(model)
    assert [type(m) for m in back] == [type(m) for m in model] and not back.training
    x = torch.randn(5, 2, 2)
    with torch.no_grad():
        assert torch.allclose(back(x), model(x))


def test_other_modules_cross_as_references():
    class Mine(nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = nn.Linear(2, 2)

    refs = []
    back, _ = trip(
        Mine(), on_unknown=lambda m: refs.append(m) or {"$": "ref", "id": "r1", "kind": "object", "name": "Mine"}
    )
    assert len(refs) == 1 and isinstance(back.linear, nn.Linear)  # its parts still arrive as data


def test_loader_keeps_batches_shuffle_and_generator():
    gen = torch.Generator().manual_seed(3)
    loader = DataLoader(TensorDataset(torch.arange(10.0), torch.arange(10)), batch_size=4, shuffle=True, generator=gen)
    back, _ = trip(loader)
    assert back.batch_size == 4 and len(back) == 3
    assert [b[1].tolist() for b in back] == [b[1].tolist() for b in loader]  # same generator state, same order


@pytest.mark.parametrize("how", ["with replacement", "fewer samples", "other data", "batch sampler", "collate_fn"])
def test_a_loader_that_would_batch_otherwise_once_rebuilt_is_refused(how):
    """What crosses is rebuilt as DataLoader(dataset, batch_size, shuffle): anything else it
    would lose on the way, so the loader graded would not be the one the student made."""
    ds = TensorDataset(torch.arange(10.0))
    loader = {
        "with replacement": lambda: DataLoader(ds, batch_size=2, sampler=RandomSampler(ds, replacement=True)),
        "fewer samples": lambda: DataLoader(ds, batch_size=2, sampler=RandomSampler(ds, num_samples=4)),
        "other data": lambda: DataLoader(ds, batch_size=2, sampler=SequentialSampler(range(4))),
        "batch sampler": lambda: DataLoader(ds, batch_sampler=BatchSampler(RandomSampler(ds), 2, False)),
        "collate_fn": lambda: DataLoader(ds, batch_size=2, collate_fn=lambda batch: batch),
    }[how]()
    with pytest.raises(wire.ProtocolError, match="without a sampler, batch_sampler or collate_fn"):
        trip(loader)
    for plain in (
        DataLoader(ds, batch_size=2, shuffle=True, drop_last=True),
        DataLoader(ds, batch_size=None),
        DataLoader(ds, batch_size=3, sampler=RandomSampler(ds)),
    ):  # shuffle=True, spelled out
        back = trip(plain)[0]
        assert len(back) == len(plain) and [b[0].shape for b in back] == [b[0].shape for b in plain]


def test_state_the_other_side_changed_is_merged_into_the_senders_objects():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    model = nn.Linear(2, 1)
    judge = wire.Encoder(prefix="j", on_unknown=refuse)
    header, blob = judge.finish({"args": judge.value([w, model])})
    sent = judge.objects()
    # the other side: decode, change in place, send the state back
    inside = wire.Decoder(header, blob, on_ref=lambda j: j, on_remote_module=lambda r, n: (nn.Identity(), False))
    w2, model2 = inside.value(header["args"])
    with torch.no_grad():
        w2 -= 1.0
        model2.weight.fill_(5.0)
    model2.bias = nn.Parameter(torch.tensor([9.0]))  # replaced, not changed in place
    model2.train(False)
    reply = wire.Encoder(prefix="s", on_unknown=refuse, known={id(o): k for k, o in inside.built.items()})
    for obj in inside.built.values():
        reply.value(obj)
    rh, rb = reply.finish({})
    wire.Decoder(
        rh, rb, on_ref=lambda j: j, on_remote_module=lambda r, n: (nn.Identity(), False), sent=sent
    ).everything_sent()
    assert w.tolist() == [0.0, 1.0] and w.requires_grad
    assert model.weight.detach().flatten().tolist() == [5.0, 5.0] and model.bias.item() == 9.0
    assert not model.training


def test_only_what_a_call_may_update_is_merged_back():
    """Parameters, buffers, optimizer state and tensors that require grad come back changed; the
    data a test passes (a tensor, a loader's tensors) never does, whatever the other side reports."""
    w, X = torch.tensor([1.0], requires_grad=True), torch.ones(3)
    bn = nn.BatchNorm1d(1)
    loader = DataLoader(TensorDataset(torch.ones(4, 1)), batch_size=2)
    objects = {"w": w, "X": X, "bn": bn, "mean": bn.running_mean, "loader": loader, "data": loader.dataset.tensors[0]}
    assert set(wire.updatable(objects)) == {"w", "bn", "mean"}
    judge = wire.Encoder(prefix="j", on_unknown=refuse)
    header, blob = judge.finish({"args": judge.value([w, X, bn, loader])})
    sent = judge.objects()
    inside = wire.Decoder(header, blob, on_ref=lambda j: j, on_remote_module=lambda r, n: (nn.Identity(), False))
    w2, X2, bn2, loader2 = inside.value(header["args"])
    with torch.no_grad():
        for t in (w2, X2, bn2.running_mean, loader2.dataset.tensors[0]):
            t.zero_()
    reply = wire.Encoder(prefix="s", on_unknown=refuse, known={id(o): k for k, o in inside.built.items()})
    for obj in inside.built.values():  # a hostile side reports everything
        reply.value(obj)
    rh, rb = reply.finish({})
    wire.Decoder(
        rh, rb, on_ref=lambda j: j, on_remote_module=lambda r, n: (nn.Identity(), False), sent=wire.updatable(sent)
    ).everything_sent()
    assert w.item() == 0.0 and bn.running_mean.item() == 0.0
    assert X.tolist() == [1.0, 1.0, 1.0] and loader.dataset.tensors[0].sum().item() == 4.0


@pytest.mark.parametrize(
    "header, why",
    [
        ({"value": {"$": "pickle", "data": "gASV"}}, "unknown tag"),
        ({"value": {"$": "tensor", "id": "t1"}}, "missing"),
        (
            {
                "value": {"$": "tensor", "id": "t1"},
                "objects": {
                    "tensors": {
                        "t1": {
                            "dtype": "object",
                            "shape": [1],
                            "device": "cpu",
                            "requires_grad": False,
                            "param": False,
                            "grad": None,
                        }
                    }
                },
            },
            "unknown dtype",
        ),
        (
            {
                "value": {"$": "tensor", "id": "t1"},
                "objects": {
                    "tensors": {
                        "t1": {
                            "dtype": "float32",
                            "shape": [2**31] * 2,
                            "device": "meta",
                            "requires_grad": False,
                            "param": False,
                            "grad": None,
                        }
                    }
                },
            },
            "too large",
        ),
        (
            {
                "value": {"$": "module", "id": "m1"},
                "objects": {
                    "modules": {
                        "m1": {"kind": "os.system", "training": True, "params": {}, "buffers": {}, "children": {}}
                    }
                },
            },
            "not a layer the judge knows",
        ),
        ({"value": {"$": "device", "value": "cuda:99999999999999999999"}}, "device"),
        ({"value": {"$": "dict", "items": [[[1], 2]]}}, "unhashable"),
        ({"value": {"$": "float", "value": "1e400"}}, "bad float"),
        ({"value": {"$": "ref", "id": "r1", "kind": "module_path", "name": "os.system"}}, "bad reference"),
    ],
)
def test_malformed_answers_are_refused(header, why):
    with pytest.raises(wire.ProtocolError, match=why):
        decode(header)


def test_a_layer_with_the_wrong_shapes_is_refused():
    model = nn.Linear(3, 2)
    enc = wire.Encoder(prefix="s", on_unknown=refuse)
    header, blob = enc.finish({"value": enc.value(model)})
    header["objects"]["modules"]["s1"]["init"]["in_features"] = 30  # claims to be another layer
    with pytest.raises(wire.ProtocolError, match="needs"):
        decode(header, blob)


def test_data_that_contradicts_its_header_is_refused():
    enc = wire.Encoder(prefix="s", on_unknown=refuse)
    header, blob = enc.finish({"value": enc.value(torch.zeros(2, 3))})
    header["objects"]["tensors"]["s1"]["shape"] = [3, 2]
    with pytest.raises(wire.ProtocolError, match="does not match"):
        decode(header, blob)
    with pytest.raises(wire.ProtocolError, match="safetensors"):
        decode({"value": None}, b"\x00" * 64)


def _blob(entries: dict, data: bytes, pad: bool = True) -> bytes:
    head = json.dumps(entries).encode()
    head += b" " * (-len(head) % 8 if pad else 0)
    return struct.pack("<Q", len(head)) + head + data


@pytest.mark.parametrize(
    "made, why",
    [
        (b"\x01\x00", "shorter than its header size"),
        (struct.pack("<Q", 2**40) + b"{}", "header runs past the end"),
        (struct.pack("<Q", frame.MAX_HEADER_BYTES + 1) + b" " * (frame.MAX_HEADER_BYTES + 1), "header too large"),
        (_blob({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}, b"\x00" * 4), "outside the data"),
        (_blob({"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}, b"\x00" * 8), "does not match its shape"),
        (_blob({"a": {"dtype": "O", "shape": [1], "data_offsets": [0, 8]}}, b"\x00" * 8), "unknown dtype"),
        (_blob({"a": {"dtype": "U8", "shape": [-8], "data_offsets": [0, 8]}}, b"\x00" * 8), "bad shape"),
        (_blob({"a": {"dtype": "U8", "shape": [8], "data_offsets": [0, 8], "x": 1}}, b"\x00" * 8), "malformed"),
        (_blob({"a": {"dtype": "BOOL", "shape": [2], "data_offsets": [0, 2]}}, b"\x01\x07"), "neither 0 nor 1"),
        (
            _blob(
                {
                    "a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                    "b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]},
                },
                b"\x00" * 8,
            ),
            "share bytes",
        ),
        (struct.pack("<Q", 20000) + b"[" * 10000 + b"]" * 10000, "not JSON"),
        (_blob({"a": {"dtype": {"x": [[1]]}, "shape": [1], "data_offsets": [0, 1]}}, b"\x00"), "unknown dtype"),
        (struct.pack("<Q", 3) + b"{no", "not JSON"),
    ],
    ids=lambda v: v if isinstance(v, str) else f"{len(v)}-bytes",
)
def test_a_malformed_blob_is_refused_before_any_tensor_is_built(made, why):
    with pytest.raises(wire.ProtocolError, match=why):
        blob.read(made)


def test_tensors_arrive_over_the_received_bytes_each_its_own_storage():
    """No copy of what the socket filled (05's 188 MB loader crosses once per grading), yet each
    tensor starts its own storage (a generator's state is read from a storage's start), and one
    packed unaligned arrives as an aligned copy."""
    X, state = torch.rand(1000, 3), torch.Generator().manual_seed(5).get_state()
    received = bytearray(blob.joined(blob.parts({"X": X, "state": state})))
    got = blob.read(received)
    start = np.frombuffer(received, np.uint8).ctypes.data
    assert start <= got["X"].data_ptr() < start + len(received) and torch.equal(got["X"], X)
    assert got["state"].storage_offset() == 0
    assert torch.equal(torch.Generator().set_state(got["state"]).get_state(), state)
    odd = _blob({"a": {"dtype": "I64", "shape": [1], "data_offsets": [1, 9]}}, b"\x00" + struct.pack("<q", -3))
    assert blob.read(odd)["a"].tolist() == [-3]


def test_the_blob_is_the_safetensors_format_both_ways():
    """Written by hand for speed, checked against the library: each side reads what the other writes."""
    data = {
        "X": torch.rand(4, 3),
        "y": torch.arange(4),
        "mask": torch.tensor([True, False]),
        "half": torch.ones(2).half(),
    }
    for got in (safetensors.torch.load(bytes(blob.joined(blob.parts(data)))), blob.read(safetensors.torch.save(data))):
        assert got.keys() == data.keys() and all(torch.equal(got[k], data[k]) for k in data)


def test_deep_nesting_and_huge_frames_are_refused():
    deep = None
    for _ in range(100):
        deep = [deep]
    with pytest.raises(wire.ProtocolError, match="nested"):
        decode({"value": deep})
    a, b = socket.socketpair()
    with a, b:
        a.sendall(frame.MAGIC + struct.pack("<IQ", 2**31, 0))
        with pytest.raises(wire.ProtocolError, match="too large"):
            wire.receive(b)
        a.sendall(b"JUNK" + bytes(12))
        with pytest.raises(wire.ProtocolError, match="not a frame"):
            wire.receive(b)


def test_a_header_nested_without_end_is_refused_before_it_is_parsed():
    """200,000 levels of brackets would overflow a recursive parser: the depth is counted first."""
    import threading

    head = b"[" * 200_000 + b"]" * 200_000
    a, b = socket.socketpair()
    with a, b:
        writer = threading.Thread(target=a.sendall, args=(frame.MAGIC + struct.pack("<IQ", len(head), 0) + head,))
        writer.start()
        with pytest.raises(wire.ProtocolError, match="nested too deeply"):
            wire.receive(b, timeout=10)
        writer.join()


def _depth(value) -> int:
    """Nesting depth computed the second way: walking the parsed value."""
    if isinstance(value, (list, dict)):
        children = value.values() if isinstance(value, dict) else value
        return 1 + max((_depth(v) for v in children), default=0)
    return 0


@pytest.mark.parametrize(
    "value",
    [
        [],
        {"a": [1, {"b": [[]]}]},
        ["[[[", "]]]]", {"}": "{"}],
        ['say \\"[', ["\\"]],
        "plain",
        [[[[["deep"]]]]],
        {'escaped " quote [': [["x"]]},
    ],
)
def test_the_depth_count_agrees_with_the_parsed_value(value):
    import json

    assert frame.json_depth(json.dumps(value).encode()) == _depth(value)


def test_a_shallow_header_full_of_brackets_is_counted_and_read():
    """Past MAX_HEADER_DEPTH brackets the depth is counted, not guessed: brackets in strings do not nest."""
    a, b = socket.socketpair()
    with a, b:
        wire.send(a, {"text": "[{" * frame.MAX_HEADER_DEPTH, "list": [[1]]})
        assert wire.receive(b, timeout=5)[0]["list"] == [[1]]


def test_a_frame_must_arrive_whole_within_its_time():
    """A peer that trickles a byte at a time runs out of the frame's time, not each recv's."""
    import threading
    import time

    a, b = socket.socketpair()
    head = b'{"ok": true, "value": 1}'

    def trickle():
        try:
            a.sendall(frame.MAGIC + struct.pack("<IQ", len(head), 0))
            for byte in head:
                a.sendall(bytes([byte]))
                time.sleep(0.1)
        except OSError:
            pass

    writer = threading.Thread(target=trickle)
    writer.start()
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        wire.receive(b, timeout=0.5)
    assert time.monotonic() - started < 1.5
    b.close()
    writer.join()
    a.close()
