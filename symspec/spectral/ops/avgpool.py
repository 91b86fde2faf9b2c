"""avgpool: average pooling k x k with stride s (default k), no padding.  Per axis k gather taps of weight
1/k: the box filter's Dirichlet kernel, then stride-s folding (aliasing) of s
frequencies onto each output one."""

from __future__ import annotations

import numpy as np
import torch.nn.functional as F

from ...params import Param
from ...errors import SymspecError
from . import Rule, Term2D, register
from .axis import Term
from .common import NOT_MIXED, SIZE, take

SPEC = {
    "size": SIZE,
    "kernel": Param("kernel", "int", 2, "pooling window k", minimum=1, maximum=32),
    "stride": Param("stride", "int", None, "stride (default: the window)", minimum=1, maximum=32),
    "channels": Param("channels", "int", 1, "channels", minimum=1, maximum=4096),
}


@register("avgpool", "avg-pool", "average-pooling", "avgpool2d")
def build(seed: int = 0, **params) -> Rule:
    p = take(params, SPEC, "avgpool")
    (M, N), k, C = p["size"], p["kernel"], p["channels"]
    s = p["stride"] or k
    if k > min(M, N):
        raise SymspecError(f"--kernel: window {k} is larger than the {M}x{N} map")
    Mo, No = (M - k) // s + 1, (N - k) // s + 1
    rows = [Term(M, Mo, 1, 0, s, t, Mo, "zero", 1 / k) for t in range(k)]
    cols = [Term(N, No, 1, 0, s, t, No, "zero", 1 / k) for t in range(k)]
    eye = np.eye(C)
    terms = [Term2D(eye, rows[t], cols[r], f"tap ({t},{r})") for t in range(k) for r in range(k)]
    reading = (
        f"average pooling {k}x{k}, stride {s}: a {k}x{k} box filter "
        f"(Dirichlet kernel sin({k}πu/M)/({k} sin(πu/M))) "
        f"then stride-{s} folding: {s}x{s} input frequencies alias onto each output frequency"
    )
    return Rule(
        "avgpool",
        {**p, "stride": s, "seed": seed},
        (C, M, N),
        (C, Mo, No),
        terms,
        lambda x: F.avg_pool2d(x, k, s),
        reading,
        weights_note=NOT_MIXED,
    )
