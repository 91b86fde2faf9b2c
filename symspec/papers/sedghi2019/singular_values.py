"""Thms 5 and 6: the singular values of a wrap-around convolution are those of its per-frequency matrices.

Printed side: the SymPy statement ``P[u, v, d, c] = Σ_{p,q} K[d, c, p, q] ω^{up + vq}`` (ω = e^{-2πi/n}, the
kernel zero-padded to n x n) evaluated on every frequency, then the singular values of each C x C matrix
``P[u, v]`` and their union (Thm 6; for C = 1, the magnitudes |P[u, v]| of Thm 5).  Numeric side: the singular
values of the dense (C·n²) x (C·n²) Jacobian of the real torch layer.  Compared as multisets (sorted).
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ...api import CONVENTION, claim
from ...errors import SymspecError
from . import dense
from .paper import PAPER

u, v, d, c, p, q = sp.symbols("u v d c p q", integer=True, nonnegative=True)
n, k, m = sp.symbols("size kernel channels", integer=True, positive=True)
K = sp.IndexedBase("K")
OMEGA = sp.exp(-2 * sp.pi * sp.I / n)
P = sp.Sum(K[d, c, p, q] * OMEGA ** (u * p + v * q), (p, 0, k - 1), (q, 0, k - 1))
PARAMS = {
    "size": (4, 1, 12, "input size n (n x n)"),
    "kernel": (2, 1, 12, "kernel size k (k x k)"),
    "channels": (2, 1, 4, "input and output channels m"),
}
GRID = {"u": "size", "v": "size", "d": "channels", "c": "channels"}


def validate(values: dict) -> None:
    if values["kernel"] > values["size"]:
        raise SymspecError(
            f"--kernel: k={values['kernel']} is larger than the {values['size']}x{values['size']} input"
        )


def draw(r) -> dict:
    return {"K": r.randn(r.channels, r.channels, r.kernel, r.kernel)}


def union_of_singular_values(P_: np.ndarray, r) -> np.ndarray:
    """∪_{u,v} σ(P[u, v]) as one vector (each P[u, v] a C x C matrix)."""
    return np.linalg.svd(P_, compute_uv=False).ravel()


def wrong_frequency_grid(P_, r):
    return union_of_singular_values(P_, r)


PERTURB = {
    "size+1": P.xreplace({n: n + 1}),
    "one-axis-only": sp.Sum(K[d, c, p, q] * OMEGA ** (u * p), (p, 0, k - 1), (q, 0, k - 1)),
    "dc-everywhere": sp.Sum(K[d, c, p, q], (p, 0, k - 1), (q, 0, k - 1)),
}


@claim(
    PAPER,
    "theorem6",
    page="Thm 6",
    equation="σ(A) = ∪_{u,v} σ(P^(u,v))",
    statement=P,
    axes=GRID,
    params=PARAMS,
    inputs=draw,
    then=union_of_singular_values,
    compare="multiset",
    auto_perturb=False,
    perturbations=PERTURB,
    validate=validate,
    aliases=("sedghi",),
    title="Singular values of a multi-channel circular convolution",
    summary="σ(conv) = ∪ over (u,v) of σ(P(u,v)), P(u,v) = the C×C matrix of the kernels' 2-D DFTs at (u,v)",
    hypotheses=("wrap-around (circular) padding, stride 1, m input = m output channels",),
    notes="Numeric side: torch.linalg.svdvals of the Jacobian of F.conv2d after circular padding; "
    "checked at small n, where the dense matrix is (m·n²)².",
)
def theorem6(r):
    return dense.singular_values(dense.jacobian(dense.circular_conv(r.K), r.channels, r.size, r.dtype))


SINGLE = {k_: v_ for k_, v_ in PARAMS.items() if k_ != "channels"}
P1 = sp.Abs(sp.Sum(sp.IndexedBase("K")[0, 0, p, q] * OMEGA ** (u * p + v * q), (p, 0, k - 1), (q, 0, k - 1)))


def draw_single(r) -> dict:
    return {"K": r.randn(1, 1, r.kernel, r.kernel)}


@claim(
    PAPER,
    "theorem5",
    page="Thm 5",
    equation="singular values = |(F^T K F)_{u,v}|",
    statement=P1,
    axes={"u": "size", "v": "size"},
    params=SINGLE,
    inputs=draw_single,
    compare="multiset",
    auto_perturb=False,
    validate=validate,
    perturbations={"size+1": P1.xreplace({n: n + 1}), "squared": P1**2},
    title="Singular values of a single-channel circular convolution",
    summary="σ(conv) = the magnitudes of the 2-D DFT of the kernel zero-padded to n×n",
    hypotheses=("wrap-around padding, stride 1, one channel",),
    notes="Numeric side: torch.linalg.svdvals of the n²×n² Jacobian of the circular F.conv2d.",
)
def theorem5(r):
    return dense.singular_values(dense.jacobian(dense.circular_conv(r.K), 1, r.size, r.dtype))


@claim(
    PAPER,
    "theorem6-zero-padding",
    source=CONVENTION,
    page="Thm 6",
    equation="read for zero padding",
    statement=P,
    axes=GRID,
    params={**PARAMS, "kernel": (3, 1, 12, "kernel size k (k x k)")},
    inputs=draw,
    then=union_of_singular_values,
    compare="multiset",
    auto_perturb=False,
    validate=validate,
    title="Thm 6 applied to a zero-padded convolution (outside its wrap-around hypothesis)",
    summary="scope: the union of σ(P(u,v)) against the zero-padded layer's singular values (a measured gap)",
    hypotheses=("zero padding: the operator is block Toeplitz, not block circulant",),
    notes="scope: Thm 6 holds for wrap-around padding (row theorem6) and not for zero padding; this row "
    "reports the gap between the formula and the zero-padded torch layer.",
)
def theorem6_zero_padding(r):
    return dense.singular_values(dense.jacobian(dense.zero_padded_conv(r.K), r.channels, r.size, r.dtype))
