"""Device selection (lecture 4: "moving tensors to the GPU")."""

import torch


def get_device() -> torch.device:
    """Return the fastest available device: ``cuda``, then ``mps``, then ``cpu``.

    >>> get_device().type in {"cuda", "mps", "cpu"}
    True
    """
    if torch.cuda.is_available():
        return torch.device("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")
