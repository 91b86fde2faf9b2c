"""One-axis spectral terms: the building block of every derived layer rule.

A linear layer on a length-``n_in`` axis is a sum of *terms*.  A term moves input sample ``q(m) = c m + e`` to
output sample ``j(m) = a m + b`` with a weight, for ``m = 0 .. count-1``; the input index passes through the
boundary map of the padding (circular, zero, reflect, replicate) and output indices outside ``[0, n_out)`` are
dropped.  In frequency (``G_u = sum_q x_q e^{-i2pi u q/n_in}``,
``H_u' = sum_j y_j e^{-i2pi u' j/n_out}``) the term is

    A(u', u) = (1/n_in) sum_m e^{-i 2pi u' j(m)/n_out} e^{+i 2pi u rho(q(m))/n_in}.

Over the *interior* (the contiguous m where q needs no boundary map) this is a geometric sum, written in
closed form with Lemma A.1's sine quotient ``sin(L theta/2)/sin(theta/2) e^{i(L-1)theta/2}``; the few boundary
samples (reflect, replicate) are explicit finite terms.  Circular padding needs no boundary terms: the phase
is periodic in q.  Where ``sin(theta/2) = 0`` the quotient is 0/0 and its limit L is used (and counted).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..geometric import ZERO

uo, ui = sp.symbols("u' u", real=True)  # output / input frequency (real symbols: no sin(k pi) -> 0)
vo, vi = sp.symbols("v' v", real=True)  # the same for columns

BOUNDARIES = ("circular", "zero", "reflect", "replicate")


def boundary_index(q: int, n: int, mode: str) -> int | None:
    """torch's padding rules: where an out-of-range input index q reads from (None: a zero)."""
    if 0 <= q < n:
        return q
    if mode == "circular":
        return q % n
    if mode == "zero":
        return None
    if mode == "replicate":
        return min(max(q, 0), n - 1)
    if mode == "reflect":
        if n == 1:
            return 0
        period = 2 * (n - 1)
        r = q % period
        return r if r < n else period - r
    raise ValueError(mode)


@dataclass(frozen=True)
class Term:
    """j(m) = a m + b (output), q(m) = c m + e (input), m < count, weight w; n_in -> n_out samples."""

    n_in: int
    n_out: int
    a: int
    b: int
    c: int
    e: int
    count: int
    boundary: str = "zero"
    weight: float = 1.0

    def _valid_output(self, m: int) -> bool:
        return 0 <= self.a * m + self.b < self.n_out

    def interior(self) -> tuple[int, int] | None:
        """The contiguous m range where j is on the output grid and q needs no boundary map (or circular)."""
        ms = [
            m
            for m in range(self.count)
            if self._valid_output(m) and (self.boundary == "circular" or 0 <= self.c * m + self.e < self.n_in)
        ]
        if not ms:
            return None
        lo, hi = ms[0], ms[-1]
        assert ms == list(range(lo, hi + 1)), "interior of a linear index map must be contiguous"
        return lo, hi

    def boundary_samples(self) -> list[tuple[int, int]]:
        """(j, rho(q)) for the output samples that read through the boundary map (reflect, replicate)."""
        out = []
        if self.boundary == "circular":
            return out
        for m in range(self.count):
            j, q = self.a * m + self.b, self.c * m + self.e
            if not (0 <= j < self.n_out) or 0 <= q < self.n_in:
                continue
            src = boundary_index(q, self.n_in, self.boundary)
            if src is not None:
                out.append((j, src))
        return out

    def angle(self) -> sp.Expr:
        return 2 * sp.pi * (ui * self.c / sp.Integer(self.n_in) - uo * self.a / sp.Integer(self.n_out))

    def length(self) -> int:
        """L: the number of interior samples (the geometric sum's length); 0 when there is no interior."""
        rng = self.interior()
        return 0 if rng is None else rng[1] - rng[0] + 1

    def parts(self) -> tuple[sp.Expr, sp.Expr, sp.Expr, list[sp.Expr]]:
        """(numerator, denominator, factor, boundary terms) of the closed form, weight and 1/n_in included:
        ``factor * sin(L x)/sin(x) + sum(boundary)`` with ``x = theta/2``.  The sines are kept unevaluated so
        that their arguments print as written (``sin(pi (u - u')/5)``)."""
        w = sp.nsimplify(self.weight) / sp.Integer(self.n_in)
        boundary = [
            w
            * sp.exp(
                sp.I
                * sp.factor_terms(
                    2 * sp.pi * (ui * src / sp.Integer(self.n_in) - uo * j / sp.Integer(self.n_out))
                )
            )
            for j, src in self.boundary_samples()
        ]
        length = self.length()
        if not length:
            return sp.Integer(0), sp.Integer(1), sp.Integer(0), boundary
        lo = self.interior()[0]
        half = self.angle() / 2
        phase = (
            2
            * sp.pi
            * (
                ui * (self.c * lo + self.e) / sp.Integer(self.n_in)
                - uo * (self.a * lo + self.b) / sp.Integer(self.n_out)
            )
            + (length - 1) * half
        )
        factor = w * sp.exp(sp.I * sp.factor_terms(sp.expand(phase)))
        return (
            sp.sin(sp.factor_terms(length * half), evaluate=False),
            sp.sin(sp.factor_terms(half), evaluate=False),
            factor,
            boundary,
        )

    def expr(self, out: sp.Symbol = uo, inp: sp.Symbol = ui) -> sp.Expr:
        """The closed form A(out, inp): Lemma A.1's sine quotient over the interior
        plus the boundary terms."""
        num, den, fac, boundary = self.parts()
        main = (
            sp.Integer(0) if fac == 0 else sp.Mul(fac, num, sp.Pow(den, -1, evaluate=False), evaluate=False)
        )
        return _rename(sp.Add(main, *boundary, evaluate=False), out, inp)

    def denominator(self, out: sp.Symbol = uo, inp: sp.Symbol = ui) -> sp.Expr:
        """sin(x) of the quotient (1 when there is none): where it
        vanishes, :meth:`limit_expr` holds instead."""
        return _rename(self.parts()[1], out, inp)

    def limit_expr(self, out: sp.Symbol = uo, inp: sp.Symbol = ui) -> sp.Expr:
        """A(out, inp) where the denominator sin(x) is 0 (x = k pi): the quotient sin(L x)/sin(x) replaced by
        its limit L cos(L x)/cos(x) = L (-1)^(k(L-1)) (l'Hopital), the boundary terms unchanged."""
        num, den, fac, boundary = self.parts()
        if fac == 0:
            return _rename(sp.Add(*boundary, evaluate=False), out, inp)
        length, x = self.length(), den.args[0]
        limit = sp.Mul(
            length,
            sp.cos(sp.factor_terms(length * x), evaluate=False),
            sp.Pow(sp.cos(x, evaluate=False), -1, evaluate=False),
            evaluate=False,
        )
        return _rename(sp.Add(sp.Mul(fac, limit, evaluate=False), *boundary, evaluate=False), out, inp)

    def describe(self) -> str:
        """What the term sums, in words (ASCII): the index maps, the range of m,
        the boundary and the weight."""

        def line(k, off, var):
            text = var if k == 1 else f"{k}{var}"
            return text if off == 0 else f"{text} {'+' if off > 0 else '-'} {abs(off)}"

        weight = "" if self.weight == 1 else f", weight {sp.nsimplify(self.weight)}"
        return (
            f"{self.n_in} -> {self.n_out}: output j = {line(self.a, self.b, 'm')}, input q = "
            f"{line(self.c, self.e, 'm')}, m < {self.count}, {self.boundary} boundary{weight}"
        )

    def evaluate(self) -> tuple[np.ndarray, int]:
        """A(u', u) on the (n_out, n_in) grid from the closed form; 0/0 points by their limit.  Returns the
        matrix and the number of 0/0 points."""
        num, den, fac, boundary = self.parts()
        U_o = np.arange(self.n_out).reshape(-1, 1)
        U_i = np.arange(self.n_in).reshape(1, -1)
        shape = (self.n_out, self.n_in)
        out = np.zeros(shape, dtype=np.complex128)
        zeros = 0
        if fac != 0:
            f = sp.lambdify([uo, ui], [num, den, fac], "numpy")
            n_, d_, fa = (np.broadcast_to(np.asarray(x, dtype=np.complex128), shape) for x in f(U_o, U_i))
            undefined = np.abs(d_) < ZERO
            zeros = int(undefined.sum())
            length = self.length()
            # limit of sin(L t/2)/sin(t/2) at t = 2 pi k: L * (-1)^{k (L-1)}
            k = np.rint(np.real(sp.lambdify([uo, ui], self.angle(), "numpy")(U_o, U_i)) / (2 * np.pi))
            k = np.broadcast_to(k, shape)
            limit = length * np.where((k * (length - 1)) % 2 == 0, 1.0, -1.0)
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(undefined, limit, n_ / np.where(undefined, 1.0, d_))
            out += fa * ratio
        for term in boundary:
            out += np.broadcast_to(
                np.asarray(sp.lambdify([uo, ui], term, "numpy")(U_o, U_i), dtype=np.complex128), shape
            )
        return out, zeros


def _rename(expr: sp.Expr, out: sp.Symbol, inp: sp.Symbol) -> sp.Expr:
    """The expression in other frequency variables (columns: v', v), without re-evaluating it."""
    if (out, inp) == (uo, ui):
        return expr
    return expr.xreplace({uo: out, ui: inp})
