"""Convolution in the frequency domain (ICML Thm 3.2 / Eq. 3; Thm 4.2's R_uv).

Circular cross-correlation with the paper's anchor (padding appended at the end) acts on each frequency
independently: ``h^(uv) = T^(uv) g^(uv) + delta_uv M N b`` with
``T^(uv)_dc = sum_{t,s<K} W[d,c,t,s] exp(+i 2 pi (u t / M + v s / N))``.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from .dft import K, M, N, W, b, c, d, delta, evaluate, expand_sum, grid, s, t, u, v
from .geometric import Quotient


def transfer_summand(sign: int = +1) -> sp.Expr:
    """The printed summand of T^(uv)_dc (``sign=-1`` is the classic wrong-phase perturbation)."""
    return W[d, c, t, s] * sp.exp(sign * 2 * sp.pi * sp.I * (u * t / M + v * s / N))


def transfer_expr(kernel: int | None = None, sign: int = +1) -> sp.Expr:
    """T^(uv)_dc; symbolic K gives the printed Sum, an integer K the expanded K*K terms."""
    if kernel is None:
        return sp.Sum(transfer_summand(sign), (t, 0, K - 1), (s, 0, K - 1))
    return expand_sum(transfer_summand(sign), (t, 0, kernel - 1), (s, 0, kernel - 1))


def bias_expr(scale_mn: bool = True) -> sp.Expr:
    """The bias term of Thm 3.2: delta_uv * M * N * b_d."""
    return delta(u, v) * (M * N if scale_mn else 1) * b[d]


def centered_phase(p: int | sp.Expr) -> sp.Expr:
    """torch's symmetric circular padding shifts the output by p: factor exp(-i 2 pi (u p / M + v p / N))."""
    return sp.exp(-2 * sp.pi * sp.I * (u * p / M + v * p / N))


def transfer_matrix(expr: sp.Expr, weight: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Evaluate a T expression (in u, v, M, N, W, d, c) for a weight array (D, C, K, K) -> (D, C, M, N)."""
    D, C = weight.shape[:2]
    M_, N_ = size
    uu, vv = grid(M_, N_, lead=2)
    dd = np.arange(D).reshape(D, 1, 1, 1)
    cc = np.arange(C).reshape(1, C, 1, 1)
    return evaluate(expr, [u, v, M, N, W, d, c], [uu, vv, M_, N_, weight, dd, cc], (D, C, M_, N_))


def bias_spectrum(expr: sp.Expr, bias: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Evaluate the bias term for a bias vector (D,) -> (D, M, N)."""
    D = bias.shape[0]
    M_, N_ = size
    uu, vv = grid(M_, N_, lead=1)
    dd = np.arange(D).reshape(D, 1, 1)
    return evaluate(expr, [u, v, M, N, b, d], [uu, vv, M_, N_, bias, dd], (D, M_, N_))


def apply_transfer(T: np.ndarray, g: np.ndarray) -> np.ndarray:
    """h^(uv) = T^(uv) g^(uv) at every frequency: (D, C, M, N) x (C, M, N) -> (D, M, N)."""
    return np.einsum("dcuv,cuv->duv", T, g)


def chain_transfer(Ts: list[np.ndarray]) -> np.ndarray:
    """T(L:1) = T^(L) ... T^(1) at every frequency, from per-layer (C_l, C_{l-1}, M, N) arrays."""
    out = Ts[0]
    for T in Ts[1:]:
        out = np.einsum("dkuv,kcuv->dcuv", T, out)
    return out


def beta_value(T00: list[np.ndarray], biases: list[np.ndarray], mn: int, reading: str) -> np.ndarray:
    """Cor 3.3's β = MN(b^(L) + Σ_j T00(L:j) b^(j-1)) from per-layer DC transfer matrices and biases.

    ``reading``: ``whole`` (MN on the whole sum, as the statement prints it), ``proof-line`` (the last line of
    the proof, A.2 p. 14: a second MN on b^(L)), or ``last`` (MN on b^(L) only)."""
    depth = len(biases)
    tail = np.zeros(biases[-1].shape, dtype=np.complex128)
    for jj in range(2, depth + 1):  # T00(L:j) = T^(L,00) ... T^(j,00), layers numbered from 1
        prod = np.eye(T00[jj - 1].shape[1], dtype=np.complex128)
        for layer in range(jj, depth + 1):
            prod = T00[layer - 1] @ prod
        tail = tail + prod @ biases[jj - 2]
    if reading == "whole":
        return mn * (biases[-1] + tail)
    if reading == "proof-line":  # A.2, p. 14: δ MN (T(L:2) b^(1) + ... + MN b^(L))
        return mn * (tail + mn * biases[-1])
    return mn * biases[-1] + tail


def R_quotient(kernel: sp.Expr = K, uu: sp.Expr = u, vv: sp.Expr = v) -> Quotient:
    """R_uv as printed in Thm 4.2 (ICML): a product of two sine quotients with a phase."""
    return Quotient(
        sp.sin(uu * kernel * sp.pi / M) * sp.sin(vv * kernel * sp.pi / N),
        sp.sin(uu * sp.pi / M) * sp.sin(vv * sp.pi / N),
        sp.exp(sp.I * ((kernel - 1) * uu / M + (kernel - 1) * vv / N) * sp.pi),
    )


def R_sum(kernel: int, uu: sp.Expr = u, vv: sp.Expr = v) -> sp.Expr:
    """R_uv by its definition, the K*K-term sum of exp(+i 2 pi (u t / M + v s / N))."""
    return expand_sum(
        sp.exp(2 * sp.pi * sp.I * (uu * t / M + vv * s / N)), (t, 0, kernel - 1), (s, 0, kernel - 1)
    )
