"""Parameter parsing and random weights shared by the layer rules."""

from __future__ import annotations

import numpy as np
import torch

from ...params import Param, parse_pair
from ...errors import SymspecError

NOT_MIXED = "δ(c, d) = 1 where c = d, else 0: channels are not mixed"
SIZE = Param("size", "size", (8, 8), "input map size MxN", minimum=1, maximum=1024)
MAX_RATIO = 32


def take(params: dict, spec: dict[str, Param], layer: str) -> dict:
    """Parse the parameters a layer accepts; any other given parameter is an error naming it."""
    unknown = [k for k, v in params.items() if v is not None and k not in spec and k != "seed"]
    if unknown:
        raise SymspecError(f"--{unknown[0].replace('_', '-')} does not apply to layer {layer}")
    return {name: p.parse(params.get(name)) for name, p in spec.items()}


def ratio_pair(raw, name: str = "ratio") -> tuple[int, int]:
    """'2' -> (2, 2); '2x3' or '2,3' -> (2, 3); positive integers only."""
    if isinstance(raw, (tuple, list)):
        r = tuple(int(x) for x in raw)
    else:
        text = str(raw).strip().lower().replace("x", ",")
        try:
            r = parse_pair(name, text) if "," in text else (Param(name, "int", 1, "").parse(text),) * 2
        except SymspecError:
            raise SymspecError(
                f"--{name}: expected a positive integer or two like 2x3, got {raw!r}"
            ) from None
    if min(r) < 1:
        raise SymspecError(f"--{name}: ratios must be positive integers, got {raw!r}")
    if max(r) > MAX_RATIO:  # nearest upsampling has r_h x r_w terms: bound them before building any
        raise SymspecError(f"--{name}: {max(r)} is above the maximum {MAX_RATIO}")
    return r  # type: ignore[return-value]


def weights(shape, seed: int) -> np.ndarray:
    return torch.randn(shape, generator=torch.Generator().manual_seed(int(seed)), dtype=torch.float64).numpy()
