"""Overlap of transposed convolution, resize-convolution and the gradient of strided convolution.

Every count is measured on the real torch layer: all-ones weights applied to an all-ones input give, at each
output position, the number of (input, kernel tap) pairs that paint it.  The interior of a 1-D output is the
range of positions that every kernel tap can reach (``kernel - 1`` to ``(length - 1) * stride``).
"""

from __future__ import annotations

import sympy as sp
import torch
import torch.nn.functional as F

from ...api import claim
from ...errors import SymspecError
from ...params import Param
from .paper import PAPER

SECTION = "Deconvolution & Overlap"
k, s, o, i, j = sp.symbols("kernel stride o i j", integer=True, nonnegative=True)
rows_, cols_ = sp.IndexedBase("rows"), sp.IndexedBase("cols")
LENGTH = 12  # input positions of the 1-D probes: enough for every kernel and stride of the grids


def deconv_counts(kernel: int, stride: int, length: int = LENGTH, dtype=torch.float64) -> torch.Tensor:
    """Output overlap counts of ConvTranspose1d(kernel, stride), all-ones weights, all-ones input."""
    layer = torch.nn.ConvTranspose1d(1, 1, kernel, stride=stride, bias=False).to(dtype)
    with torch.no_grad():
        layer.weight.fill_(1.0)
        return layer(torch.ones(1, 1, length, dtype=dtype))[0, 0]


def interior(counts: torch.Tensor, kernel: int, stride: int, length: int = LENGTH) -> torch.Tensor:
    return counts[kernel - 1 : (length - 1) * stride + 1]


def uneven(counts: torch.Tensor) -> float:
    return float(counts.max() != counts.min())


def measure_grid(r, counts_of) -> torch.Tensor:
    """1 where the interior overlap is uneven, per (kernel, stride) of the grid."""
    out = torch.zeros(r.kernel, r.stride, dtype=torch.float64)
    for kk in range(1, r.kernel + 1):
        for ss in range(1, r.stride + 1):
            out[kk - 1, ss - 1] = uneven(interior(counts_of(kk, ss), kk, ss))
    return out


def check_lengths(values: dict) -> None:
    for name in ("kernel", "stride"):
        if name in values and values[name] > LENGTH:
            raise SymspecError(f"--{name}: {values[name]} is above {LENGTH}, the probe's length")


@claim(
    PAPER,
    "uneven",
    page=SECTION,
    equation='"uneven overlap when the kernel size (the output window size) is not divisible by the stride"',
    statement=sp.Ne(sp.Mod(k, s), 0),
    axes={"kernel": (1, "kernel"), "stride": (1, "stride")},
    params={
        "kernel": (8, 1, LENGTH, "largest kernel size of the grid"),
        "stride": (6, 1, LENGTH, "largest stride of the grid"),
    },
    title="Transposed convolution overlaps unevenly exactly when k mod s ≠ 0",
    summary="ConvTranspose1d(k, s): interior overlap uneven ⟺ k mod s ≠ 0 (over a grid of k and s)",
    hypotheses=("interior positions (every tap can reach them); all-ones weights and input",),
    notes="Numeric side: torch ConvTranspose1d with all-ones weights on an all-ones input; a (k, s) cell is "
    "1 when the interior counts are not all equal.",
    validate=check_lengths,
)
def uneven_overlap(r):
    return measure_grid(r, deconv_counts)


@claim(
    PAPER,
    "pattern",
    source="variant",
    page=SECTION,
    equation='"a stride 2, size 3 deconvolution has some outputs with twice the number of inputs as others"',
    statement=sp.ceiling((k - sp.Mod(o, s)) / s),
    axes={"o": (lambda r: r.kernel - 1, lambda r: (LENGTH - 1) * r.stride)},
    params={"kernel": (3, 1, LENGTH, "kernel size k"), "stride": (2, 1, LENGTH, "stride s")},
    title="The interior overlap count of a transposed convolution",
    summary="count(o) = ⌈(k − o mod s)/s⌉ at interior output o (k3s2: 2, 1, 2, 1, ...)",
    notes="symspec's closed form of the printed pattern: the taps t < k with t ≡ o (mod s).",
    validate=check_lengths,
)
def overlap_pattern(r):
    return interior(deconv_counts(r.kernel, r.stride), r.kernel, r.stride)


def counts_2d(r) -> torch.Tensor:
    layer = torch.nn.ConvTranspose2d(1, 1, (r.kernel, r.kernel_w), stride=(r.stride, r.stride_w), bias=False)
    layer = layer.to(torch.float64)
    with torch.no_grad():
        layer.weight.fill_(1.0)
        return layer(torch.ones(1, 1, LENGTH, LENGTH, dtype=torch.float64))[0, 0]


def axis_patterns(r) -> dict:
    return {"rows": deconv_counts(r.kernel, r.stride), "cols": deconv_counts(r.kernel_w, r.stride_w)}


@claim(
    PAPER,
    "product",
    page=SECTION,
    equation='"The uneven overlaps on the two axes multiply together"',
    statement=rows_[i] * cols_[j],
    axes={
        "i": lambda r: (LENGTH - 1) * r.stride + r.kernel,
        "j": lambda r: (LENGTH - 1) * r.stride_w + r.kernel_w,
    },
    params={
        "kernel": (3, 1, LENGTH, "kernel size (rows)"),
        "stride": (2, 1, LENGTH, "stride (rows)"),
        "kernel_w": (4, 1, LENGTH, "kernel size (columns)"),
        "stride_w": (3, 1, LENGTH, "stride (columns)"),
    },
    inputs=axis_patterns,
    auto_perturb=False,
    perturbations={"sum-instead-of-product": rows_[i] + cols_[j] - 1, "axes-swapped": lambda r: _swapped(r)},
    title="In 2-D the two axes' overlap patterns multiply",
    summary="ConvTranspose2d counts = (1-D counts of the rows) × (1-D counts of the columns), everywhere",
    notes="Printed side: the outer product of two ConvTranspose1d count vectors; numeric side: one "
    "ConvTranspose2d with all-ones weights on an all-ones 12x12 input.",
    validate=check_lengths,
)
def overlap_product(r):
    return counts_2d(r)


def _swapped(r):
    """The rows' pattern along the columns (a perturbation: wrong unless both axes are alike)."""
    import numpy as np

    rows = deconv_counts(r.kernel, r.stride).numpy()
    cols = deconv_counts(r.kernel_w, r.stride_w).numpy()
    n_i, n_j = rows.size, cols.size
    return np.outer(np.resize(cols, n_i), np.resize(rows, n_j))


def resize_conv_counts(r) -> torch.Tensor:
    x = torch.ones(1, 1, LENGTH, LENGTH, dtype=torch.float64)
    up = F.interpolate(
        x, scale_factor=r.stride, mode=r.mode, **({} if r.mode == "nearest" else {"align_corners": False})
    )
    return F.conv2d(up, torch.ones(1, 1, r.kernel, r.kernel, dtype=torch.float64))[0, 0]


MODE = Param(
    "mode",
    "choice",
    "nearest",
    "resize before the convolution: nearest or bilinear",
    choices=("nearest", "bilinear"),
)


@claim(
    PAPER,
    "resize-conv",
    page="Better Upsampling",
    equation='resize, then convolve: even overlap ("they do fix the checkerboard artifacts")',
    statement=k**2,
    axes={"i": lambda r: LENGTH * r.stride - r.kernel + 1, "j": lambda r: LENGTH * r.stride - r.kernel + 1},
    params={"kernel": (3, 1, LENGTH, "kernel size k"), "stride": (2, 1, 4, "resize factor"), "mode": MODE},
    title="Resize-convolution overlaps evenly",
    summary="resize (nearest or bilinear) then conv k×k: every output gets the same k² contributions",
    notes="Numeric side: F.interpolate (nearest, or bilinear with align_corners=False) of an all-ones input, "
    "then F.conv2d with an all-ones k×k kernel, no padding.",
    validate=check_lengths,
)
def resize_convolution(r):
    return resize_conv_counts(r)


def conv_gradient_counts(kernel: int, stride: int, length: int = LENGTH * 3) -> torch.Tensor:
    """d(sum of a strided Conv1d's output)/d(input): all-ones weights, the same counts
    as the transposed conv."""
    x = torch.ones(1, 1, length, dtype=torch.float64, requires_grad=True)
    F.conv1d(x, torch.ones(1, 1, kernel, dtype=torch.float64), stride=stride).sum().backward()
    n_out = (length - kernel) // stride + 1
    return x.grad[0, 0][kernel - 1 : (n_out - 1) * stride + 1]


@claim(
    PAPER,
    "gradient",
    page="Artifacts in Gradients",
    equation='"we do deconvolution (transposed convolution) on the backward pass"',
    statement=sp.Ne(sp.Mod(k, s), 0),
    axes={"kernel": (1, "kernel"), "stride": (1, "stride")},
    params={
        "kernel": (8, 1, LENGTH, "largest kernel size of the grid"),
        "stride": (6, 1, LENGTH, "largest stride of the grid"),
    },
    title="The gradient of a strided convolution overlaps unevenly exactly when k mod s ≠ 0",
    summary="∂/∂x of Conv1d(k, s): interior gradient uneven ⟺ k mod s ≠ 0",
    notes="Numeric side: autograd through torch F.conv1d(stride=s) with all-ones weights; the interior is "
    "where every tap reaches.",
    validate=check_lengths,
)
def gradient_overlap(r):
    def counts(kk, ss):
        return conv_gradient_counts(kk, ss)

    out = torch.zeros(r.kernel, r.stride, dtype=torch.float64)
    for kk in range(1, r.kernel + 1):
        for ss in range(1, r.stride + 1):
            out[kk - 1, ss - 1] = uneven(counts(kk, ss))
    return out
