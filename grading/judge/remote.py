"""Stand-ins, on the judge's side, for what lives in the student's process.

A test receives these where it names a student's function, class or custom module. Calling one
sends the arguments to the sandbox as data and returns the answer as data; nothing of the
student's code is ever imported or run here.
"""

from __future__ import annotations

from typing import Protocol

from torch import nn


class Caller(Protocol):
    """What a stand-in calls through (``session.NotebookSession``)."""

    def call(self, target, args: tuple, kwargs: dict, backward: bool = False): ...


class RemoteFunction:
    """A student's function (or class): calling it calls it in the sandbox, with a time limit."""

    def __init__(self, session: Caller, ref: str, name: str, kind: str):
        self._session, self._ref, self._name, self._kind = session, ref, name, kind

    def wire_ref(self) -> dict:
        return {"$": "ref", "id": self._ref, "kind": self._kind, "name": self._name}

    def __call__(self, *args, **kwargs):
        return self._session.call(self, args, kwargs)

    def call_and_backward(self, *args, **kwargs):
        """Call it, and backpropagate from its result where it runs (``testing.backward_through``)."""
        return self._session.call(self, args, kwargs, backward=True)

    def __repr__(self) -> str:
        return f"<your {self._kind} {self._name}>"


class RemoteObject:
    """Something the student made that is neither data nor a layer the judge knows: tests can only
    pass it back to the student's own functions."""

    def __init__(self, session: Caller, ref: str, name: str):
        self._session, self._ref, self._name = session, ref, name

    def wire_ref(self) -> dict:
        return {"$": "ref", "id": self._ref, "kind": "object", "name": self._name}

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        raise AssertionError(
            f"the grader cannot look inside your {self._name} object "
            f"(it asked for .{attr}); use the types the question asks for"
        )

    def __repr__(self) -> str:
        return f"<your {self._name} object>"


class RemoteModule(nn.Module):
    """A module of the student's own class. Its parameters, buffers, sub-modules and mode are real
    copies on the judge's side (tests read and change them freely); only ``forward`` runs in the
    sandbox, on the live object, after the judge's copy of the state has been sent there."""

    def __init__(self, session: Caller, ref: str, type_name: str):
        super().__init__()
        self.__dict__.update(_session=session, _ref=ref, _type_name=type_name)

    def wire_ref(self) -> dict:
        return {"id": self._ref, "name": self._type_name}

    def forward(self, *args, **kwargs):
        return self._session.call(self, args, kwargs)

    def extra_repr(self) -> str:
        return f"your class {self._type_name}"


class Missing:
    """A name the notebook does not define: any use fails with a message saying so."""

    def __init__(self, name: str, why: str):
        self._name, self._why = name, why

    def _fail(self, *args, **kwargs):
        raise AssertionError(f"`{self._name}` is not defined in your notebook ({self._why})")

    __call__ = __getattr__ = __getitem__ = __iter__ = __len__ = __float__ = __int__ = __bool__ = _fail

    def __repr__(self) -> str:
        return f"<{self._name}: not defined>"


_NAMED: dict[tuple[type, str], type] = {}


def stand_in(base: type, type_name: str, *args):
    """A stand-in whose type bears the name the student's own object has in the notebook (their
    class's name; "function" for a function), so a test's message reads the same in the student's
    kernel and here, and never names the grader's own classes."""
    key = (base, type_name)
    if key not in _NAMED:
        _NAMED[key] = type(type_name, (base,), {"__module__": "__main__"})
    return _NAMED[key](*args)
