"""Prop. 9: clipping the singular values of every P(u, v) projects the operator onto an operator-norm ball,
and the projected operator's kernel is n x n: its support can exceed k x k.

Printed side: the paper's procedure (FFT of the kernel padded to n x n, SVD of each P(u, v), clip at c,
inverse FFT), then the dense matrix of the resulting circular convolution by index arithmetic (numpy).
Numeric side: the dense Jacobian of the real torch layer, its SVD, singular values clipped at c and the
matrix rebuilt (the Frobenius-nearest operator of norm <= c, found without any Fourier structure).
"""

from __future__ import annotations

import numpy as np
import sympy as sp
import torch

from ...api import claim
from ...params import Param
from . import dense
from .paper import PAPER
from .singular_values import PARAMS, draw, validate

CLIP = Param("clip", "float", 1.0, "operator-norm bound c of the projection", minimum=0.0, maximum=1e6)
A, c_ = sp.Symbol("A"), sp.Symbol("c", positive=True)
STATEMENT = sp.Eq(
    sp.Function("Pi_c")(A),
    sp.Function("conv")(sp.Function("IFFT")(sp.Symbol("U") * sp.Min(sp.Symbol("D"), c_) * sp.Symbol("V^H"))),
)


def clipped_kernel(K: np.ndarray, size: int, clip: float) -> np.ndarray:
    """The paper's procedure on an (m, m, k, k) kernel: the clipped n x n kernel (m, m, n, n), untruncated."""
    P = np.fft.fft2(K, (size, size), axes=(2, 3)).transpose(2, 3, 0, 1)  # (n, n, m, m)
    U, D, Vh = np.linalg.svd(P)
    clipped = U @ (np.minimum(D, clip)[..., None] * Vh)
    return np.fft.ifft2(clipped.transpose(2, 3, 0, 1), axes=(2, 3)).real


def circulant_matrix(kernel: np.ndarray, size: int) -> np.ndarray:
    """A[(d,i,j), (c,i',j')] = kernel[d, c, (i'-i) mod n, (j'-j) mod n] (the wrap-around convolution)."""
    m = kernel.shape[0]
    idx = np.arange(size)
    di = (idx[None, :] - idx[:, None]) % size  # (i, i')
    full = kernel[:, :, di[:, None, :, None], di[None, :, None, :]]  # (d, c, i, j, i', j')
    return full.transpose(0, 2, 3, 1, 4, 5).reshape(m * size * size, m * size * size)


def projection(matrix: torch.Tensor, clip: float) -> np.ndarray:
    U, D, Vh = torch.linalg.svd(matrix)
    return (U @ torch.diag(torch.clamp(D, max=clip)) @ Vh).numpy()


def printed_projection(r) -> np.ndarray:
    return circulant_matrix(clipped_kernel(r.K.numpy(), r.size, r.clip), r.size)


def truncated(r) -> np.ndarray:
    """The clipped kernel cut back to k x k (what a layer of kernel size k can hold): not the projection."""
    full = clipped_kernel(r.K.numpy(), r.size, r.clip)
    cut = np.zeros_like(full)
    cut[..., : r.kernel, : r.kernel] = full[..., : r.kernel, : r.kernel]
    return circulant_matrix(cut, r.size)


def unclipped(r) -> np.ndarray:
    return circulant_matrix(clipped_kernel(r.K.numpy(), r.size, np.inf), r.size)


def torch_projection(r) -> np.ndarray:
    matrix = dense.jacobian(dense.circular_conv(r.K), r.channels, r.size, torch.float64)
    return projection(matrix, r.clip)


CLIP_PARAMS = {**PARAMS, "kernel": (2, 1, 12, "kernel size k (k x k)"), "clip": CLIP}


@claim(
    PAPER,
    "clip",
    page="Prop. 9",
    equation="clipping each σ(P(u,v)) at c = projection onto {‖A‖₂ ≤ c}",
    statement=STATEMENT,
    display=STATEMENT,
    printed=printed_projection,
    params=CLIP_PARAMS,
    inputs=draw,
    validate=validate,
    perturbations={"truncated-to-kxk": truncated, "no-clipping": unclipped},
    title="Clipping per-frequency singular values projects onto an operator-norm ball",
    summary=(
        "the dense matrix of the clipped kernel's circular conv = U min(Σ, c) Vᵀ of the torch layer's matrix"
    ),
    hypotheses=("wrap-around padding; projection in the Frobenius norm of the dense operator",),
    notes="Compared entry by entry over the (m·n²)² dense matrices.",
)
def clip_is_projection(r):
    return torch_projection(r)


def outside_support(r) -> float:
    """1 when the true projection's kernel has an entry beyond k x k (relative 1e-9 of the largest)."""
    proj = torch_projection(r).reshape(r.channels, r.size, r.size, r.channels, r.size, r.size)
    kernel = proj[:, 0, 0]  # (d, c, p, q): the row of output (d, 0, 0)
    outside = kernel.copy()
    outside[..., : r.kernel, : r.kernel] = 0
    return float(np.abs(outside).max() > 1e-9 * np.abs(kernel).max())


@claim(
    PAPER,
    "clip-support",
    page="Prop. 9",
    equation="after it: the projected kernel can have n×n support, beyond k×k",
    statement=sp.true,
    params=CLIP_PARAMS,
    inputs=draw,
    validate=validate,
    auto_perturb=False,
    perturbations={"stays-within-kxk": sp.false},
    title="The projection's kernel is not k×k",
    summary="the kernel of the projected operator has non-zero taps outside the k×k support",
    hypotheses=("k < n and c below the largest singular value",),
    notes="Numeric side: the kernel read off the projected dense matrix (row of output pixel (d, 0, 0)).",
)
def clip_support(r):
    return outside_support(r)
