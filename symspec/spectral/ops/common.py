"""Parameter parsing and random weights shared by the layer rules."""

from __future__ import annotations

import numpy as np
import torch

from ...params import Param
from ...errors import SymspecError

NOT_MIXED = "δ(c, d) = 1 where c = d, else 0: channels are not mixed"
SIZE = Param("size", "size", (8, 8), "input map size MxN", minimum=1, maximum=1024)


def take(params: dict, spec: dict[str, Param], layer: str) -> dict:
    """Parse the parameters a layer accepts; any other given parameter is an error naming it."""
    unknown = [k for k, v in params.items() if v is not None and k not in spec and k != "seed"]
    if unknown:
        raise SymspecError(f"--{unknown[0].replace('_', '-')} does not apply to layer {layer}")
    return {name: p.parse(params.get(name)) for name, p in spec.items()}


def weights(shape, seed: int) -> np.ndarray:
    return torch.randn(shape, generator=torch.Generator().manual_seed(int(seed)), dtype=torch.float64).numpy()
