"""upsample: zero insertion, nearest, bilinear (align_corners=False), integer ratio per axis.

zero: ``j = m r`` -- replicas ``H(u') = G(u' mod M)/1`` (Thm 4.4).  nearest: taps ``j = m r + t``, t < r: zero
insertion followed by an r x r box filter, so the replicas are scaled by the box's Dirichlet kernel
``sum_t e^{-i2pi u't/(rM)}``.  bilinear: for each output phase k two taps with weights 1-λ_k, λ_k and
replicate boundary (torch clamps the source coordinate at the edges), i.e. a triangle
filter plus boundary terms.
"""

from __future__ import annotations


import numpy as np
import torch
import torch.nn.functional as F

from ...params import Param, ratio_pair
from . import Rule, Term2D, register
from .axis import Term
from .common import NOT_MIXED, SIZE, take

SPEC = {
    "size": SIZE,
    "mode": Param(
        "mode",
        "choice",
        "nearest",
        "zero (insertion) | nearest | bilinear",
        choices=("zero", "nearest", "bilinear"),
    ),
    "ratio": Param("ratio", "floats", (2.0,), "integer ratio, or two as 2x3 (rows x columns)"),
    "channels": Param("channels", "int", 1, "channels", minimum=1, maximum=4096),
}


def axis_terms(n: int, r: int, mode: str) -> list[tuple[Term, float]]:
    if mode == "zero":
        return [(Term(n, n * r, r, 0, 1, 0, n, "zero"), 1.0)]
    if mode == "nearest":
        return [(Term(n, n * r, r, t, 1, 0, n, "zero"), 1.0) for t in range(r)]
    out = []
    for k in range(r):
        delta = (k + 0.5) / r - 0.5
        offset, lam = (0, delta) if delta >= 0 else (-1, 1 + delta)
        if 1 - lam:
            out.append((Term(n, n * r, r, k, 1, offset, n, "replicate", 1 - lam), 1.0))
        if lam:
            out.append((Term(n, n * r, r, k, 1, offset + 1, n, "replicate", lam), 1.0))
    return out


@register("upsample", "upsampling", "interpolate")
def build(seed: int = 0, **params) -> Rule:
    raw_ratio = params.pop("ratio", None)
    p = take(params, SPEC, "upsample")
    r_h, r_w = ratio_pair(raw_ratio if raw_ratio is not None else 2)
    (M, N), mode, C = p["size"], p["mode"], p["channels"]
    rows, cols = axis_terms(M, r_h, mode), axis_terms(N, r_w, mode)
    eye = np.eye(C)
    terms = [
        Term2D(eye, a, b, f"phase ({i},{j})")
        for i, (a, _) in enumerate(rows)
        for j, (b, _) in enumerate(cols)
    ]

    def torch_fn(x):
        if mode == "zero":
            kernel = torch.ones(C, 1, 1, 1, dtype=x.dtype)
            return F.conv_transpose2d(
                x, kernel, stride=(r_h, r_w), output_padding=(r_h - 1, r_w - 1), groups=C
            )
        kw = {"align_corners": False} if mode == "bilinear" else {}
        return F.interpolate(x, scale_factor=(float(r_h), float(r_w)), mode=mode, **kw)

    ratio = f"{r_h}" if r_h == r_w else f"{r_h}x{r_w}"
    if mode == "zero":
        reading = (
            f"zero insertion ×{ratio}: H(u',v') = G(u' mod M0, v' mod N0), replicas of G at multiples of "
            f"M0, N0 (Thm 4.4)"
        )
    elif mode == "nearest":
        reading = (
            f"nearest upsampling ×{ratio} = zero insertion followed by a {r_h}x{r_w} box filter: "
            "replicas at multiples of M0 scaled by the box's Dirichlet kernel "
            f"sin({r_h}πu'/M)/sin(πu'/M)·e^{{-iπ({r_h}-1)u'/M}}"
        )
    else:
        reading = (
            f"bilinear upsampling ×{ratio} = zero insertion followed by a triangle filter "
            "(the box's Dirichlet kernel squared, suppressing replicas more), "
            "plus edge terms from clamping at the border"
        )
    return Rule(
        "upsample",
        {**p, "ratio": [r_h, r_w], "seed": seed},
        (C, M, N),
        (C, M * r_h, N * r_w),
        terms,
        torch_fn,
        reading,
        weights_note=NOT_MIXED,
    )
