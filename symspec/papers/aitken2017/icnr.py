"""ICNR: a sub-pixel convolution whose r² sub-kernels are copies of one kernel W0 is, at initialisation,
the convolution with W0 followed by nearest-neighbour resize by r ("convolution NN resize").

Numeric side: torch ``nn.Conv2d`` with ``C·r²`` output channels initialised
by ICNR, then ``nn.PixelShuffle(r)``.
PixelShuffle reads output channel ``c`` at sub-pixel ``(a, b)`` from input channel ``c·r² + a·r + b``, so the
copies are consecutive (``W0.repeat_interleave(r², 0)``).  Printed side: the LR convolution with W0 (torch
``F.conv2d``), resized by the statement's own index map ``z[c, ⌊i/r⌋, ⌊j/r⌋]``.
"""

from __future__ import annotations

import sympy as sp
import torch
import torch.nn.functional as F

from ...api import claim
from ...errors import SymspecError
from .paper import PAPER

c, d, i, j, r_, t, q = sp.symbols("c d i j ratio t q", integer=True, nonnegative=True)
z, w0 = sp.IndexedBase("z"), sp.IndexedBase("w0")
PARAMS = {
    "size": (5, 1, 32, "LR input size (square)"),
    "kernel": (3, 1, 7, "kernel size k (odd)"),
    "channels": (2, 1, 8, "input and output channels C"),
    "ratio": (2, 1, 4, "upscaling ratio r"),
}


def validate(values: dict) -> None:
    if values["kernel"] % 2 == 0:
        raise SymspecError(f"--kernel: ICNR's 'same' convolution needs an odd kernel, got {values['kernel']}")


def icnr(w0: torch.Tensor, ratio: int) -> torch.Tensor:
    """The sub-pixel kernel whose r² sub-kernels per output channel are copies of ``w0`` (C x C x k x k)."""
    return w0.repeat_interleave(ratio * ratio, dim=0)


def draw(r) -> dict:
    x = r.randn(1, r.channels, r.size, r.size)
    w0 = r.randn(r.channels, r.channels, r.kernel, r.kernel)
    return {"x": x, "w0": w0, "z": F.conv2d(x, w0, padding=r.kernel // 2)[0]}


def subpixel(r, weight: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    conv = torch.nn.Conv2d(r.channels, r.channels * r.ratio**2, r.kernel, padding=r.kernel // 2, bias=False)
    conv = conv.to(r.dtype)
    with torch.no_grad():
        conv.weight.copy_(weight)
        return torch.nn.PixelShuffle(r.ratio)(conv(x))[0]


HR = {"c": "channels", "i": lambda r: r.size * r.ratio, "j": lambda r: r.size * r.ratio}


@claim(
    PAPER,
    "icnr",
    page="abstract",
    equation='"an initialization method for sub-pixel convolution known as convolution NN resize"',
    statement=z[c, sp.floor(i / r_), sp.floor(j / r_)],
    axes=HR,
    params=PARAMS,
    inputs=draw,
    auto_perturb=False,
    validate=validate,
    perturbations={
        "resize-before-conv": lambda r: _resize_then_conv(r),
        "half-pixel-shift": z[c, sp.floor((i + 1) / r_) % sp.Symbol("size", integer=True), sp.floor(j / r_)],
    },
    title="Sub-pixel convolution with ICNR equals convolution followed by NN resize",
    summary="PixelShuffle(conv(x, ICNR(W0))) = NN-resize_r(conv(x, W0)), exactly, at initialisation",
    hypotheses=(
        "zero 'same' padding (odd k), no bias",
        "ICNR copies W0 to the r² sub-kernels of each channel",
    ),
)
def icnr_equals_conv_resize(r):
    return subpixel(r, icnr(r.w0, r.ratio), r.x)


def _resize_then_conv(r):
    """NN resize *then* the same convolution in HR space: a different operator (the perturbation)."""
    up = F.interpolate(r.x, scale_factor=r.ratio, mode="nearest")
    return F.conv2d(up, r.w0, padding=r.kernel // 2)[0]


def constant_input(r) -> dict:
    return {"w0": r.randn(r.channels, r.channels, r.kernel, r.kernel)}


def ones_output(r) -> torch.Tensor:
    x = torch.ones(1, r.channels, r.size, r.size, dtype=r.dtype, device=r.device)
    y = subpixel(r, icnr(r.w0, r.ratio), x)
    border = (r.kernel // 2) * r.ratio  # where zero padding reaches, the output is not the interior value
    return y[:, border : y.shape[1] - border, border : y.shape[2] - border]


INTERIOR = {
    "d": "channels",
    "i": lambda r: (r.size - 2 * (r.kernel // 2)) * r.ratio,
    "j": lambda r: (r.size - 2 * (r.kernel // 2)) * r.ratio,
}
TAPS = sp.Sum(
    w0[d, c, t, q],
    (c, 0, sp.Symbol("channels", integer=True) - 1),
    (t, 0, sp.Symbol("kernel", integer=True) - 1),
    (q, 0, sp.Symbol("kernel", integer=True) - 1),
)


@claim(
    PAPER,
    "no-checkerboard",
    page="abstract",
    equation='"free from checkerboard artifacts immediately after initialization"',
    statement=TAPS,
    axes=INTERIOR,
    params={**PARAMS, "size": (7, 3, 32, "LR size")},
    inputs=constant_input,
    auto_perturb=False,
    validate=validate,
    perturbations={"first-tap-only": w0[d, 0, 0, 0] * sp.Symbol("kernel", integer=True) ** 2},
    title="ICNR leaves no checkerboard on a constant input",
    summary="ICNR sub-pixel conv of an all-ones input is constant, Σ W0[d], at every interior HR pixel",
    hypotheses=("constant input; interior pixels (zero padding changes the border)",),
)
def icnr_constant_output(r):
    return ones_output(r)
