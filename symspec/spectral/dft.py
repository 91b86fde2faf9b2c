"""DFT conventions of the paper and helpers to evaluate SymPy expressions on a frequency grid.

``G_uv = sum_mn F_mn exp(-i 2 pi (u m / M + v n / N))`` -- exactly ``torch.fft.fft2``.
"""

from __future__ import annotations

import functools
from typing import Iterable, Sequence

import numpy as np
import sympy as sp

u, v = sp.symbols("u v", integer=True, nonnegative=True)
M, N = sp.symbols("M N", integer=True, positive=True)
t, s = sp.symbols("t s", integer=True, nonnegative=True)
K = sp.Symbol("K", integer=True, positive=True)
d, c = sp.symbols("d c", integer=True, nonnegative=True)
W = sp.IndexedBase("W")
b = sp.IndexedBase("b")


def delta(*args: sp.Expr) -> sp.Expr:
    """delta_uv = 1 iff every argument is zero."""
    out = sp.Integer(1)
    for a in args:
        out *= sp.KroneckerDelta(a, 0)
    return out


def expand_sum(summand: sp.Expr, *ranges: tuple[sp.Symbol, int, int]) -> sp.Expr:
    """A finite sum written out term by term (SymPy's ``Sum.doit`` may close it into a Piecewise)."""
    terms = [summand]
    for sym, lo, hi in ranges:
        terms = [term.subs(sym, k) for term in terms for k in range(int(lo), int(hi) + 1)]
    return sp.Add(*terms)


def grid(M_: int, N_: int, lead: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Integer frequency arrays shaped to broadcast to (..., M, N) with ``lead`` leading axes."""
    uu = np.arange(M_).reshape((1,) * lead + (M_, 1))
    vv = np.arange(N_).reshape((1,) * lead + (1, N_))
    return uu, vv


_kdelta = sp.Function("kdelta")
_NUMPY_EXTRA = {"kdelta": lambda i, j: np.equal(i, j).astype(np.float64)}


@functools.lru_cache(maxsize=1024)
def _compiled(expr: sp.Expr, symbols: tuple):
    """The numpy function of ``expr`` (a pure function of the expression's structure and the argument symbols;
    lambdify's code printing dominated repeated checks, so each distinct expression is compiled once)."""
    expr = expr.replace(sp.KroneckerDelta, lambda i, j: _kdelta(i, j))  # vectorised delta
    return sp.lambdify(list(symbols), expr, modules=[_NUMPY_EXTRA, "numpy"])


def evaluate(
    expr: sp.Expr, symbols: Sequence[sp.Basic], values: Sequence, shape: Iterable[int] | None = None
):
    """Evaluate a SymPy expression with numpy broadcasting (complex128)."""
    fn = _compiled(sp.sympify(expr), tuple(symbols))
    out = np.asarray(fn(*values), dtype=np.complex128)
    if shape is not None:
        out = np.broadcast_to(out, tuple(shape)).copy()
    return out


def circular_distance(M_: int, N_: int) -> tuple[np.ndarray, np.ndarray]:
    """min(u, M-u)/M and min(v, N-v)/N: 0 at the corners (low), 1/2 at the centre (high)."""
    uu, vv = grid(M_, N_)
    return np.minimum(uu, M_ - uu) / M_, np.minimum(vv, N_ - vv) / N_


def bands(M_: int, N_: int) -> tuple[np.ndarray, np.ndarray]:
    """Low band: both circular distances <= 1/8 (the paper's Omega_low, Fig. 4d), widened on small grids to
    hold the nearest neighbours of DC; high band: both >= 1/4 (the block around
    (M/2, N/2)), minus the low band.
    On grids too small for a high band, the most distant frequency."""
    du, dv = circular_distance(M_, N_)
    low = (du <= max(1 / 8, 1 / M_)) & (dv <= max(1 / 8, 1 / N_))
    high = (du >= 1 / 4) & (dv >= 1 / 4) & ~low
    if not high.any():
        far = du + dv
        high = (far == far.max()) & ~low
    return np.broadcast_to(low, (M_, N_)).copy(), np.broadcast_to(high, (M_, N_)).copy()
