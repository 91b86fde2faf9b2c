"""conv: 2-D convolution (cross-correlation) with circular / zero / reflect / replicate / valid padding,
stride, dilation, groups, odd or even kernels.  'same' padding puts floor(d(K-1)/2) before and the rest after.

Per axis, tap t reads input sample ``q = m' s + t d - p_left`` for output sample m': a gather term.  With
circular padding and stride 1 every term is diagonal in frequency, so the layer is shift-invariant with
``T_dc(u,v) = sum_ts W e^{+i2pi(u(td-p)/M + v(sd-p)/N)}``; otherwise the interior Dirichlet kernels and the
boundary samples describe leakage (padding) and folding (stride).
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Geometry:
    """One convolution's shape, shared by the steps of :func:`build`: map and kernel sizes, padding mode
    and amounts (left, right, top, bottom), stride, dilation, groups, channels and the output size."""

    M: int
    N: int
    K: int
    mode: str
    s: int
    dil: int
    g: int
    C: int
    D: int
    pad: int  # the 'same' padding of one axis (0 for valid)
    left: int
    right: int
    top: int
    bottom: int
    Mo: int
    No: int


def geometry(p: dict, pads: tuple[int, int, int, int] | None) -> Geometry:
    """The padding and output size of the parameters ``p``; a one-line error for a kernel, padding or
    groups that does not fit."""
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
    return Geometry(M, N, K, mode, s, dil, g, C, D, pad, left, right, top, bottom, Mo, No)


@register("conv", "conv2d", "convolution")
def build(
    seed: int = 0, weight: np.ndarray | None = None, pads: tuple[int, int, int, int] | None = None, **params
) -> Rule:
    """``weight`` (torch layout D x C/g x K x K) and ``pads`` (left, right, top, bottom) override the random
    weights and the 'same' padding (used by the audit for real modules)."""
    p = take(params, SPEC, "conv")
    geo = geometry(p, pads)
    K, g, C, D, dil = geo.K, geo.g, geo.C, geo.D, geo.dil
    w = weights((D, C // g, K, K), seed) if weight is None else np.asarray(weight, dtype=np.float64)
    wf = full_weight(w, C, g)
    boundary = "zero" if geo.mode == "valid" else geo.mode
    rows = [Term(geo.M, geo.Mo, 1, 0, geo.s, t * dil - geo.top, geo.Mo, boundary) for t in range(K)]
    cols = [Term(geo.N, geo.No, 1, 0, geo.s, t * dil - geo.left, geo.No, boundary) for t in range(K)]
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
    transfer, reading = transfer_and_reading(geo)
    return Rule(
        "conv",
        {**p, "seed": seed},
        (C, geo.M, geo.N),
        (D, geo.Mo, geo.No),
        terms,
        torch_twin(geo, w),
        reading,
        transfer,
        weights_note=note,
    )


def torch_twin(geo: Geometry, w: np.ndarray):
    """torch's F.pad and F.conv2d with the same padding, stride, dilation and groups."""
    mode, left, right, top, bottom = geo.mode, geo.left, geo.right, geo.top, geo.bottom

    def torch_fn(x: torch.Tensor) -> torch.Tensor:
        if mode != "valid" and (left or right or top or bottom):
            x = F.pad(x, (left, right, top, bottom), mode=TORCH_MODE[mode])
        return F.conv2d(x, torch.as_tensor(w), stride=geo.s, dilation=geo.dil, groups=geo.g)

    return torch_fn


def transfer_and_reading(geo: Geometry) -> tuple[sp.Expr | None, str]:
    """T(u,v) of a shift-invariant conv (circular, stride 1, same size; else None) and the rule's reading."""
    M, N, K, mode, s, dil, left, top = geo.M, geo.N, geo.K, geo.mode, geo.s, geo.dil, geo.left, geo.top
    if mode == "circular" and s == 1 and (geo.Mo, geo.No) == (M, N):
        transfer = sp.Add(
            *[
                W[d_, c_, t, r]
                * sp.exp(2 * sp.pi * sp.I * (uo * (t * dil - top) / M + vo * (r * dil - left) / N))
                for t in range(K)
                for r in range(K)
            ]
        )
        reading = (
            f"circular conv {K}x{K}: shift-invariant, each frequency multiplied by the {geo.D}x{geo.C} "
            f"matrix T(u,v) = Σ W e^{{+i2π(u(t·{dil}-{left})/M + v(s·{dil}-{left})/N)}} "
            "(no leakage, no aliasing)"
        )
        return transfer, reading
    effects = []
    if mode in ("zero", "reflect", "replicate") and geo.pad:
        effects.append(
            f"{mode} padding makes the boundary leak: every output frequency mixes all input "
            f"frequencies through Dirichlet kernels of each tap's support"
        )
    if mode == "valid":
        effects.append(
            f"no padding: the output is cropped to {geo.Mo}x{geo.No}, a crop that leaks (Eq. 17's α)"
        )
    if s > 1:
        effects.append(f"stride {s} folds {s}x{s} aliases onto each output frequency")
    return None, f"{mode} conv {K}x{K}" + (f", stride {s}" if s > 1 else "") + ": " + "; ".join(effects)
