"""Zero-insertion upsampling in the frequency domain (ICML Thm 4.4).

``F~_{m*n*} = F_{m*/r, n*/r}`` on multiples of r, else 0, maps an M0 x N0 spectrum G to the
M x N = rM0 x rN0 spectrum H with ``H_{u+(s-1)M0, v+(t-1)N0} = G_uv`` for s, t = 1..r (replication).
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from .dft import evaluate, u, v

s_, t_ = sp.symbols("s t", integer=True, positive=True)
M0, N0, ratio = sp.symbols("M_0 N_0 r", integer=True, positive=True)


def replica_index() -> tuple[sp.Expr, sp.Expr]:
    """The printed target indices of G_uv's replicas."""
    return u + (s_ - 1) * M0, v + (t_ - 1) * N0


def place_replicas(G: np.ndarray, index: tuple[sp.Expr, sp.Expr], r: int, scale: complex = 1.0) -> np.ndarray:
    """Predicted H on the r M0 x r N0 grid from the printed index map;
    uncovered or out-of-range entries NaN."""
    C, m0, n0 = G.shape
    M_, N_ = r * m0, r * n0
    H = np.full((C, M_, N_), np.nan + 0j)
    uu = np.arange(m0).reshape(m0, 1, 1, 1)
    vv = np.arange(n0).reshape(1, n0, 1, 1)
    ss = np.arange(1, r + 1).reshape(1, 1, r, 1)
    tt = np.arange(1, r + 1).reshape(1, 1, 1, r)
    shape = (m0, n0, r, r)
    iu = evaluate(index[0], [u, v, s_, t_, M0, N0], [uu, vv, ss, tt, m0, n0], shape).real.astype(int)
    iv = evaluate(index[1], [u, v, s_, t_, M0, N0], [uu, vv, ss, tt, m0, n0], shape).real.astype(int)
    src = np.broadcast_to(G[:, :, :, None, None], (C, *shape))
    inside = (iu >= 0) & (iu < M_) & (iv >= 0) & (iv < N_)
    H[:, iu[inside], iv[inside]] = scale * src[:, inside]
    return H
