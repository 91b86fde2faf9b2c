"""subsample: keep every s-th sample (``x[..., ::s, ::s]``).  One gather tap ``q = m' s``: when s divides
M the output frequency u' receives ``(1/s) sum_k G(u' + k M/s)`` -- folding;
otherwise the Dirichlet kernel leaks."""

from __future__ import annotations

import math

import numpy as np

from ...params import Param
from . import Rule, Term2D, register
from .axis import Term
from .common import NOT_MIXED, SIZE, take

SPEC = {
    "size": SIZE,
    "stride": Param("stride", "int", 2, "keep every s-th row and column", minimum=1, maximum=32),
    "channels": Param("channels", "int", 1, "channels", minimum=1, maximum=4096),
}


@register("subsample", "strided-subsampling", "decimate", "downsample")
def build(seed: int = 0, **params) -> Rule:
    p = take(params, SPEC, "subsample")
    (M, N), s, C = p["size"], p["stride"], p["channels"]
    Mo, No = math.ceil(M / s), math.ceil(N / s)
    terms = [
        Term2D(np.eye(C), Term(M, Mo, 1, 0, s, 0, Mo, "zero"), Term(N, No, 1, 0, s, 0, No, "zero"), "tap")
    ]
    exact = M % s == 0 and N % s == 0
    reading = f"strided subsampling by {s}: " + (
        f"H(u',v') = (1/{s * s}) Σ_{{k,l<{s}}} G(u'+k·{Mo}, v'+l·{No}): "
        f"{s}x{s} frequencies fold (alias) onto each output frequency"
        if exact
        else f"{M}x{N} is not divisible by {s}, so besides folding the Dirichlet kernel of length "
        f"{Mo} leaks every input frequency into every output frequency"
    )
    return Rule(
        "subsample",
        {**p, "seed": seed},
        (C, M, N),
        (C, Mo, No),
        terms,
        lambda x: x[..., ::s, ::s],
        reading,
        weights_note=NOT_MIXED,
    )
