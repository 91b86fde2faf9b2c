"""conv: 2-D convolution (cross-correlation) with circular / zero / reflect / replicate / valid padding,
stride,
dilation, groups, odd or even kernels.  'same' padding puts floor(d(K-1)/2) before and the rest after.

Per axis, tap t reads input sample ``q = m' s + t d - p_left`` for output sample m': a gather term.  With
circular padding and stride 1 every term is diagonal in frequency, so the layer is shift-invariant with
``T_dc(u,v) = sum_ts W e^{+i2pi(u(td-p)/M + v(sd-p)/N)}``; otherwise the interior Dirichlet kernels and the
boundary samples describe leakage (padding) and folding (stride).
"""

from __future__ import annotations

import numpy as np
import sympy as sp
import torch
import torch.nn.functional as F

from ...params import Param
from ...errors import SymspecError
from . import W, Rule, Term2D, c_, d_, register
from .axis import Term, uo, vo
from .common import SIZE, take, weights

SPEC = {
    "size": SIZE,
    "kernel": Param("kernel", "int", 3, "kernel size K", minimum=1, maximum=32),
    "padding": Param(
        "padding",
        "choice",
        "circular",
        "padding",
        choices=("circular", "zero", "reflect", "replicate", "valid"),
    ),
    "stride": Param("stride", "int", 1, "stride", minimum=1, maximum=32),
    "dilation": Param("dilation", "int", 1, "dilation", minimum=1, maximum=4096),
    "groups": Param("groups", "int", 1, "groups", minimum=1, maximum=64),
    "in_channels": Param("in_channels", "int", 1, "input channels", minimum=1, maximum=4096),
    "out_channels": Param("out_channels", "int", 1, "output channels", minimum=1, maximum=4096),
}
TORCH_MODE = {"circular": "circular", "zero": "constant", "reflect": "reflect", "replicate": "replicate"}


def out_size(n: int, k: int, s: int, d: int, pad: int) -> int:
    return (n + pad - d * (k - 1) - 1) // s + 1


def full_weight(w: np.ndarray, C: int, groups: int) -> np.ndarray:
    """torch's grouped weight (D, C/g, K, K) as a dense (D, C, K, K) with zeros across groups."""
    D = w.shape[0]
    full = np.zeros((D, C, *w.shape[2:]))
    per_in, per_out = C // groups, D // groups
    for d in range(D):
        g = d // per_out
        full[d, g * per_in : (g + 1) * per_in] = w[d]
    return full


@register("conv", "conv2d", "convolution")
def build(
    seed: int = 0, weight: np.ndarray | None = None, pads: tuple[int, int, int, int] | None = None, **params
) -> Rule:
    """``weight`` (torch layout D x C/g x K x K) and ``pads`` (left, right, top, bottom) override the random
    weights and the 'same' padding (used by the audit for real modules)."""
    p = take(params, SPEC, "conv")
    (M, N), K, mode, s, dil, g = p["size"], p["kernel"], p["padding"], p["stride"], p["dilation"], p["groups"]
    C, D = p["in_channels"], p["out_channels"]
    if C % g or D % g:
        raise SymspecError(f"--groups: {g} must divide --in-channels {C} and --out-channels {D}")
    span = dil * (K - 1)
    pad = 0 if mode == "valid" else span
    left, right = pad // 2, pad - pad // 2
    top, bottom = left, right
    if pads is not None:
        left, right, top, bottom = pads
    if span + 1 > min(M + top + bottom, N + left + right) or (pads is None and span + 1 > min(M, N)):
        raise SymspecError(f"--kernel: K={K} (dilation {dil}) is larger than the {M}x{N} map")
    if mode == "reflect" and max(left, right) >= N or mode == "reflect" and max(top, bottom) >= M:
        raise SymspecError(
            f"--padding reflect: padding {max(left, right, top, bottom)} must be smaller than the {M}x{N} map"
        )
    if mode == "circular" and (max(top, bottom) > M or max(left, right) > N):
        raise SymspecError(
            f"--padding circular: padding {max(left, right, top, bottom)} is larger than the {M}x{N} map"
        )
    Mo, No = out_size(M, K, s, dil, top + bottom), out_size(N, K, s, dil, left + right)
    w = weights((D, C // g, K, K), seed) if weight is None else np.asarray(weight, dtype=np.float64)
    wf = full_weight(w, C, g)
    boundary = "zero" if mode == "valid" else mode
    rows = [Term(M, Mo, 1, 0, s, t * dil - top, Mo, boundary) for t in range(K)]
    cols = [Term(N, No, 1, 0, s, t * dil - left, No, boundary) for t in range(K)]
    terms = [
        Term2D(wf[:, :, t, r], rows[t], cols[r], f"tap ({t},{r})", W[d_, c_, t, r])
        for t in range(K)
        for r in range(K)
    ]
    note = (
        f"{{W}}[d, c, t, s]: the conv weight, torch layout {D}x{C // g}x{K}x{K}"
        + (f" made dense over channels (0 across the {g} groups)" if g > 1 else "")
        + (f"; random, seed {seed}" if weight is None else "; given")
    )

    def torch_fn(x: torch.Tensor) -> torch.Tensor:
        if mode != "valid" and (left or right or top or bottom):
            x = F.pad(x, (left, right, top, bottom), mode=TORCH_MODE[mode])
        return F.conv2d(x, torch.as_tensor(w), stride=s, dilation=dil, groups=g)

    transfer = None
    if mode == "circular" and s == 1 and (Mo, No) == (M, N):
        transfer = sp.Add(
            *[
                W[d_, c_, t, r]
                * sp.exp(2 * sp.pi * sp.I * (uo * (t * dil - top) / M + vo * (r * dil - left) / N))
                for t in range(K)
                for r in range(K)
            ]
        )
        reading = (
            f"circular conv {K}x{K}: shift-invariant, each frequency multiplied by the {D}x{C} matrix "
            f"T(u,v) = Σ W e^{{+i2π(u(t·{dil}-{left})/M + v(s·{dil}-{left})/N)}} (no leakage, no aliasing)"
        )
    else:
        effects = []
        if mode in ("zero", "reflect", "replicate") and pad:
            effects.append(
                f"{mode} padding makes the boundary leak: every output frequency mixes all input "
                f"frequencies through Dirichlet kernels of each tap's support"
            )
        if mode == "valid":
            effects.append(f"no padding: the output is cropped to {Mo}x{No}, a crop that leaks (Eq. 17's α)")
        if s > 1:
            effects.append(f"stride {s} folds {s}x{s} aliases onto each output frequency")
        reading = f"{mode} conv {K}x{K}" + (f", stride {s}" if s > 1 else "") + ": " + "; ".join(effects)
    return Rule(
        "conv",
        {**p, "seed": seed},
        (C, M, N),
        (D, Mo, No),
        terms,
        torch_fn,
        reading,
        transfer,
        weights_note=note,
    )
