"""Geometric sums and the sine quotients the paper prints for them (ICML Lemma A.1).

``sum_{n<N} e^{i n theta} = sin(N theta / 2) / sin(theta / 2) * e^{i (N-1) theta / 2}``.
The quotient is undefined (0/0) where ``sin(theta/2) = 0``; the finite sum is the ground truth there.
:class:`Quotient` keeps numerator, denominator and factor apart so that a printed formula can be
evaluated on a grid together with the mask of its 0/0 points.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import sympy as sp

from .dft import evaluate

ZERO = 1e-10  # |sin| below this is a zero of the denominator (the arguments are rational multiples of pi)

n, theta = sp.symbols("n theta", real=True)
Nsym = sp.Symbol("N", integer=True, positive=True)


@dataclass(frozen=True)
class Quotient:
    """``numerator / denominator * factor`` as printed; ``expr`` is the printed expression."""

    numerator: sp.Expr
    denominator: sp.Expr
    factor: sp.Expr = sp.Integer(1)

    @property
    def expr(self) -> sp.Expr:
        return sp.Mul(
            self.numerator, sp.Pow(self.denominator, -1, evaluate=False), self.factor, evaluate=False
        )

    def evaluate(self, symbols: Sequence[sp.Basic], values: Sequence, shape=None):
        """Values on the grid and the mask where the printed quotient is 0/0 (undefined as printed)."""
        num = evaluate(self.numerator, symbols, values, shape)
        den = evaluate(self.denominator, symbols, values, shape)
        fac = evaluate(self.factor, symbols, values, shape)
        num, den, fac = np.broadcast_arrays(num, den, fac)
        undefined = np.abs(den) < ZERO
        with np.errstate(divide="ignore", invalid="ignore"):
            values_ = np.where(undefined, np.nan, num / np.where(undefined, 1.0, den) * fac)
        return values_, undefined

    def subs(self, mapping) -> "Quotient":
        return Quotient(
            self.numerator.subs(mapping), self.denominator.subs(mapping), self.factor.subs(mapping)
        )

    def __mul__(self, other: "Quotient") -> "Quotient":
        return Quotient(
            self.numerator * other.numerator, self.denominator * other.denominator, self.factor * other.factor
        )


def geometric_sum(count: sp.Expr, angle: sp.Expr) -> sp.Sum:
    """The finite sum ``sum_{n=0}^{count-1} exp(i n angle)`` (the definition)."""
    return sp.Sum(sp.exp(sp.I * n * angle), (n, 0, count - 1))


def geometric_quotient(count: sp.Expr, angle: sp.Expr) -> Quotient:
    """The printed closed form of Lemma A.1."""
    return Quotient(sp.sin(count * angle / 2), sp.sin(angle / 2), sp.exp(sp.I * (count - 1) * angle / 2))


def finite_geometric_sum(count: int | np.ndarray, angle: np.ndarray) -> np.ndarray:
    """sum_{n<count} e^{i n angle} computed term by term (numpy; vectorised over ``angle``)."""
    angle = np.asarray(angle, dtype=np.float64)
    count = int(count)
    terms = np.exp(1j * np.multiply.outer(np.arange(count), angle))
    return terms.sum(axis=0)
