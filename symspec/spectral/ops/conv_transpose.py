"""conv-transpose: transposed convolution (stride, kernel, padding, output_padding, dilation, groups).

Per axis, input sample m is scattered by tap t to output sample ``j = m s + t d - p``; outputs outside
``[0, M')``, ``M' = (M-1)s - 2p + d(K-1) + output_padding + 1``, are dropped.  Each tap contributes
``(1/M) e^{-i2pi u'(td-p)/M'} sum_m e^{i2pi m (u/M - s u'/M')}``: replicas of G at multiples of M'/s, weighted
by the kernel's spectrum, with leakage where the output is cropped.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from ...params import Param
from ...errors import SymspecError
from . import W, Rule, Term2D, c_, d_, register
from .axis import Term
from .common import SIZE, take, weights

SPEC = {
    "size": SIZE,
    "kernel": Param("kernel", "int", 4, "kernel size K", minimum=1, maximum=32),
    "stride": Param("stride", "int", 2, "stride", minimum=1, maximum=4096),
    "padding": Param("padding", "int", 1, "padding p (removed from both ends)", minimum=0, maximum=32),
    "output_padding": Param(
        "output_padding", "int", 0, "extra rows/columns at the end", minimum=0, maximum=16
    ),
    "dilation": Param("dilation", "int", 1, "dilation", minimum=1, maximum=8),
    "groups": Param("groups", "int", 1, "groups", minimum=1, maximum=4096),
    "in_channels": Param("in_channels", "int", 1, "input channels", minimum=1, maximum=4096),
    "out_channels": Param("out_channels", "int", 1, "output channels", minimum=1, maximum=4096),
}


@register("conv-transpose", "transposed-conv", "convtranspose", "deconv", "conv-transpose2d")
def build(seed: int = 0, weight=None, **params) -> Rule:
    """``weight`` (torch layout C x D/g x K x K) overrides the random weights (used by the audit)."""
    p = take(params, SPEC, "conv-transpose")
    (M, N), K, s, pad, op, dil, g = (
        p["size"],
        p["kernel"],
        p["stride"],
        p["padding"],
        p["output_padding"],
        p["dilation"],
        p["groups"],
    )
    C, D = p["in_channels"], p["out_channels"]
    if C % g or D % g:
        raise SymspecError(f"--groups: {g} must divide --in-channels {C} and --out-channels {D}")
    if op >= max(s, dil):
        raise SymspecError(f"--output-padding: {op} must be smaller than the stride or the dilation")
    Mo, No = (M - 1) * s - 2 * pad + dil * (K - 1) + op + 1, (N - 1) * s - 2 * pad + dil * (K - 1) + op + 1
    if Mo < 1 or No < 1:
        raise SymspecError(f"--padding: {pad} leaves no output for a {M}x{N} input")
    w = weights((C, D // g, K, K), seed) if weight is None else np.asarray(weight, dtype=float)
    wf = dense_weight(w, C, D, K, g)
    rows = [Term(M, Mo, s, t * dil - pad, 1, 0, M, "zero") for t in range(K)]
    cols = [Term(N, No, s, t * dil - pad, 1, 0, N, "zero") for t in range(K)]
    terms = [
        Term2D(wf[:, :, t, r], rows[t], cols[r], f"tap ({t},{r})", W[c_, d_, t, r])
        for t in range(K)
        for r in range(K)
    ]
    note = (
        f"{{W}}[c, d, t, s]: the transposed conv's weight, torch layout {C}x{D // g}x{K}x{K} "
        "(input channel first)"
        + (f", d counted within c's group, 0 across the {g} groups" if g > 1 else "")
        + (f"; random, seed {seed}" if weight is None else "; given")
    )

    def torch_fn(x):
        return F.conv_transpose2d(
            x, torch.as_tensor(w), stride=s, padding=pad, output_padding=op, groups=g, dilation=dil
        )

    return Rule(
        "conv-transpose",
        {**p, "seed": seed},
        (C, M, N),
        (D, Mo, No),
        terms,
        torch_fn,
        reading_of(K, s, pad, op),
        weights_note=note,
    )


def dense_weight(w: np.ndarray, C: int, D: int, K: int, g: int) -> np.ndarray:
    """torch's grouped weight (C, D/g, K, K) as a dense (D, C, K, K) with zeros across groups."""
    per_in, per_out = C // g, D // g
    wf = np.zeros((D, C, K, K))
    for c in range(C):
        grp = c // per_in
        wf[grp * per_out : (grp + 1) * per_out, c] = w[c]
    return wf


def reading_of(K: int, s: int, pad: int, op: int) -> str:
    div = "divisible" if K % s == 0 else "not divisible"
    return (
        f"transposed conv {K}x{K}, stride {s}: zero insertion ×{s} (replicas of G at multiples of M'/{s}) "
        f"followed by the kernel's spectrum; K={K} is {div} by the stride"
        + ("" if K % s == 0 else ", so the replicas are weighted unevenly (checkerboard risk)")
        + (f"; padding {pad} crops the output, which leaks" if pad or op else "")
    )
