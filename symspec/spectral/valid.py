"""Convolution without padding (ICML Eq. 17, inside the proof of Thm 3.2).

Output ``M' x N' = (M-K+1) x (N-K+1)``:
``h^(u'v') = delta_{u'v'} M'N' b + sum_{u<M, v<N} alpha_{u'v'uv} T^(uv) g^(uv)``
with ``alpha = (1/MN) sum_{m<M', n<N'} e^{i2pi((u/M - u'/M') m + (v/N - v'/N') n)}`` (definition) and the
printed closed form ``alpha = (1/MN) sin((M-K) lambda pi) sin((N-K) gamma pi) / (sin(lambda pi) sin(gamma pi))
e^{i((M-K) lambda + (N-K) gamma) pi}``, ``lambda = ((u-u')M - u(K-1)) / (M(M-K+1))``, gamma likewise.
By Lemma A.1 the sum has M' = M-K+1 terms, so the amplitude should read ``sin((M-K+1) lambda pi)``:
the corrected variant is kept beside the print.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from .dft import K, M, N, u, v
from .geometric import Quotient, finite_geometric_sum

up, vp = sp.symbols("u' v'", integer=True, nonnegative=True)
lam = ((u - up) * M - u * (K - 1)) / (M * (M - K + 1))
gam = ((v - vp) * N - v * (K - 1)) / (N * (N - K + 1))


def alpha_quotient(extra: int = 0) -> Quotient:
    """The printed closed form (``extra=0``) or the corrected one (``extra=1``: M-K+1 terms)."""
    return Quotient(
        sp.sin((M - K + extra) * lam * sp.pi) * sp.sin((N - K + extra) * gam * sp.pi),
        M * N * sp.sin(lam * sp.pi) * sp.sin(gam * sp.pi),
        sp.exp(sp.I * ((M - K) * lam + (N - K) * gam) * sp.pi),
    )


def alpha_definition() -> sp.Expr:
    m, n = sp.symbols("m n", integer=True, nonnegative=True)
    return sp.Sum(
        sp.exp(2 * sp.pi * sp.I * ((u / M - up / Mq) * m + (v / N - vp / Nq) * n)),
        (m, 0, Mq - 1),
        (n, 0, Nq - 1),
    ) / (M * N)


Mq, Nq = sp.symbols("M' N'", integer=True, positive=True)


def alpha_finite(size: tuple[int, int], kernel: int, sign: int = +1) -> np.ndarray:
    """alpha by its definition (finite sums), shape (M', N', M, N)."""
    M_, N_ = size
    Mq_, Nq_ = M_ - kernel + 1, N_ - kernel + 1
    au = finite_geometric_sum(
        Mq_, sign * 2 * np.pi * (np.arange(M_)[None, :] / M_ - np.arange(Mq_)[:, None] / Mq_)
    )
    av = finite_geometric_sum(
        Nq_, sign * 2 * np.pi * (np.arange(N_)[None, :] / N_ - np.arange(Nq_)[:, None] / Nq_)
    )
    return au[:, None, :, None] * av[None, :, None, :] / (M_ * N_)
