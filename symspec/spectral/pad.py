"""Zero padding in the frequency domain (ICML Thm 4.3).

Padding an M x N map with zeros to M' x N' (map in the top-left block) gives
``H_uv = sum_{m<M, n<N} F_mn exp(-i 2 pi (u m / M' + v n / N'))``.  For a constant map a this is
``a S_uv`` with ``S_uv = D_M(2 pi u / M') D_N(2 pi v / N')`` (geometric sums), whose modulus the paper prints
as ``tau_uv = sin(M u pi / M') sin(N v pi / N') / (sin(u pi / M') sin(v pi / N'))`` --
0/0 where u = 0 or v = 0.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from .dft import M, N, u, v
from .geometric import Quotient, finite_geometric_sum

Mp, Np = sp.symbols("M' N'", integer=True, positive=True)
a, sigma, rho = sp.symbols("a sigma rho", real=True)


def tau_quotient() -> Quotient:
    """tau_uv as printed."""
    return Quotient(
        sp.sin(M * u * sp.pi / Mp) * sp.sin(N * v * sp.pi / Np),
        sp.sin(u * sp.pi / Mp) * sp.sin(v * sp.pi / Np),
    )


def padded_dirichlet(size: tuple[int, int], to: tuple[int, int]) -> np.ndarray:
    """|S_uv| on the M x N index grid by the finite sums (defined everywhere, equal to |tau| where tau is)."""
    (M_, N_), (Mp_, Np_) = size, to
    su = finite_geometric_sum(M_, -2 * np.pi * np.arange(M_) / Mp_)
    sv = finite_geometric_sum(N_, -2 * np.pi * np.arange(N_) / Np_)
    return np.abs(np.outer(su, sv))
