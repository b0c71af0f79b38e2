"""The WIRE: the only language the judge and a student's sandbox share, values as plain data.

``frame`` sends and receives one message (a JSON header and a safetensors blob, ``blob``) within limits;
``kinds`` lists what may cross besides JSON (dtypes, devices, standard layers, optimizers);
``encode`` and ``decode`` turn values into messages and back; ``messages`` names the requests and
events. Both sides use it; the judge validates every byte it reads. Nothing in a message is code.
"""

from .decode import Decoder
from .encode import Encoder
from .frame import ProtocolError, receive, send
from .kinds import layer_kind, updatable

__all__ = ["Decoder", "Encoder", "ProtocolError", "layer_kind", "receive", "send", "updatable"]
