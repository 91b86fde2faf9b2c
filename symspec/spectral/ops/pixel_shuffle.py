"""pixel-shuffle: (C r², M, N) -> (C, rM, rN), ``out[c, m r + i, n r + j] = in[c r² + i r + j, m, n]``.
Each sub-channel is zero-inserted and shifted by (i, j):
``H_c(u',v') = sum_{ij} e^{-i2pi(u'i + v'j)/(rM)} G_{c r²+ir+j}(u' mod M, v' mod N)``."""

from __future__ import annotations

import numpy as np
import sympy as sp
import torch.nn.functional as F

from ...params import Param
from . import Rule, Term2D, c_, d_, register
from .axis import Term
from .common import SIZE, take

SPEC = {
    "size": SIZE,
    "ratio": Param("ratio", "int", 2, "upscale factor r", minimum=1, maximum=8),
    "channels": Param("channels", "int", 1, "output channels C (input has C r²)", minimum=1, maximum=4096),
}


@register("pixel-shuffle", "pixelshuffle", "subpixel")
def build(seed: int = 0, **params) -> Rule:
    p = take(params, SPEC, "pixel-shuffle")
    (M, N), r, C = p["size"], p["ratio"], p["channels"]
    terms = []
    for i in range(r):
        for j in range(r):
            ch = np.zeros((C, C * r * r))
            for c in range(C):
                ch[c, c * r * r + i * r + j] = 1.0
            terms.append(
                Term2D(
                    ch,
                    Term(M, M * r, r, i, 1, 0, M, "zero"),
                    Term(N, N * r, r, j, 1, 0, N, "zero"),
                    f"sub-pixel ({i},{j})",
                    sp.KroneckerDelta(c_, r * r * d_ + r * i + j),
                )
            )
    reading = (
        f"pixel shuffle ×{r}: each of the {r * r} sub-channels is zero-inserted ×{r} and shifted by (i, j), "
        "so output frequency (u',v') sums G_(i,j)(u' mod M, v' mod N) "
        f"with phases e^{{-i2π(u'i+v'j)/({r}M)}}: replicas whose weights depend on the learned sub-channels"
    )
    return Rule(
        "pixel-shuffle",
        {**p, "seed": seed},
        (C * r * r, M, N),
        (C, M * r, N * r),
        terms,
        lambda x: F.pixel_shuffle(x, r),
        reading,
        weights_note=f"δ(c, {r * r}d + {r}i + j) = 1 where input channel c = {r * r}d + {r}i + j feeds "
        f"output channel d at sub-pixel (i, j), else 0",
    )
