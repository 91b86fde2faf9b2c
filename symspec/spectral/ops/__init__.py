"""``symspec derive``: closed-form spectral rules for layers, each validated against its torch twin.

Every layer module in this package builds a :class:`Rule` from its parameters and registers itself with
:func:`register`.  A rule is a sum of 2-D terms; each term is a channel matrix times a row term and a column
term (:mod:`symspec.spectral.ops.axis`), so that

    H[d, u', v'] = sum_c sum_{u,v} Phi[d, c, u', v', u, v] G[c, u, v],
    Phi = sum_terms W_term[d, c] A_term(u', u) B_term(v', v).

:meth:`Rule.stages` names every piece of that sum (:class:`Stage`, :class:`Factor`): each term's symbolic
channel weight (``W[d, c, t, s]``, ``KroneckerDelta(d, c)``) and its row and column factors ``A_i(u', u)``,
``B_j(v', v)``, so that the printed rule is complete.  A chain has one stage per layer,
composed by matrix product.

``Derivation.validate()`` evaluates Phi from the closed forms and compares it, entry by entry, with the Phi of
the real torch layer (its response to every unit-spectrum input).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import sympy as sp
import torch

from ...errors import SymspecError
from .axis import Term, ui, uo, vi, vo

LAYERS: dict[str, Callable[..., "Rule"]] = {}
ALIASES: dict[str, str] = {}
MODULES = ("conv", "conv_transpose", "upsample", "avgpool", "subsample", "pixel_shuffle", "chain")

d_, c_ = sp.symbols("d c", integer=True, nonnegative=True)  # output / input channel
W = sp.IndexedBase("W")  # a layer's weight tensor, indexed as its builder says (conv: W[d, c, t, s])
# row / column factor letters per chain stage (single layers: A, B); G, H, T, W, C, D, M, N are taken
LETTERS = (("A", "B"), ("E", "F"), ("P", "Q"), ("R", "S"), ("X", "Y"), ("K", "L"))


def register(name: str, *aliases: str):
    """Decorator: make a rule builder available as ``symspec derive NAME``."""

    def wrap(fn):
        LAYERS[name] = fn
        for alias in aliases:
            ALIASES[alias] = name
        return fn

    return wrap


def _load() -> None:
    for module in MODULES:
        importlib.import_module(f"{__name__}.{module}")


@dataclass
class Term2D:
    channels: np.ndarray  # (D, C) weights of this term
    row: Term
    col: Term
    label: str = ""
    weight: sp.Expr | None = None  # the channel weight as a symbol: W[d, c, t, s], KroneckerDelta(d, c), ...

    def weight_expr(self, index: int) -> sp.Expr:
        """The symbolic channel weight
        (by default the identity as KroneckerDelta(d, c), else w[d, c, index])."""
        if self.weight is not None:
            return self.weight
        D, C = self.channels.shape
        if D == C and np.array_equal(self.channels, np.eye(D)):
            return sp.KroneckerDelta(d_, c_)
        return sp.IndexedBase("w")[d_, c_, index]


@dataclass(frozen=True)
class Factor:
    """One distinct row factor A_i(u', u) or column factor B_j(v', v) of a rule, in closed form."""

    name: str  # a SymPy function name: "A_0"
    axis: str  # "rows" | "columns"
    term: Term
    same_as: str | None = None  # a row factor with the same closed form (columns of a square map)

    @property
    def variables(self) -> tuple[sp.Symbol, sp.Symbol]:
        return (uo, ui) if self.axis == "rows" else (vo, vi)

    def symbol(self, *args) -> sp.Expr:
        return sp.Function(self.name)(*(args or self.variables))

    def expr(self) -> sp.Expr:
        return self.term.expr(*self.variables)

    def denominator(self) -> sp.Expr:
        return self.term.denominator(*self.variables)

    def limit_expr(self) -> sp.Expr:
        return self.term.limit_expr(*self.variables)


@dataclass
class StageTerm:
    term: Term2D
    weight: sp.Expr
    row: Factor
    col: Factor


@dataclass
class Stage:
    """The symbolic form of one layer's Phi: ``Phi = sum_terms weight * A_i(u', u) * B_j(v', v)``."""

    name: str  # "Phi", or "Phi_1", "Phi_2", ... in a chain
    rule: "Rule"
    rows: list[Factor]
    cols: list[Factor]
    terms: list[StageTerm]
    weights_note: str = ""

    def symbol(self, *args) -> sp.Expr:
        return sp.Function(self.name)(*(args or (d_, c_, uo, vo, ui, vi)))

    def expr(self) -> sp.Expr:
        """The sum of every term, in the order the layer lists them."""
        return sp.Add(
            *[sp.Mul(t.weight, t.row.symbol(), t.col.symbol(), evaluate=False) for t in self.terms],
            evaluate=False,
        )

    def factored(self) -> tuple[sp.Expr, list[Factor], list[Factor]] | None:
        """(weight, row factors, column factors) when Phi = weight * (sum of A_i) * (sum of B_j): every
        term has the same channel weight and the terms are all (row, column) pairs."""
        weights = {t.weight for t in self.terms}
        if len(weights) != 1 or len(self.terms) != len(self.rows) * len(self.cols) or len(self.terms) < 2:
            return None
        if {(t.row, t.col) for t in self.terms} != {(r, c) for r in self.rows for c in self.cols}:
            return None
        if not all(np.array_equal(t.term.channels, self.terms[0].term.channels) for t in self.terms):
            return None
        return weights.pop(), self.rows, self.cols

    def definition(self) -> sp.Eq:
        form = self.factored()
        if form is None:
            return sp.Eq(self.symbol(), self.expr(), evaluate=False)
        weight, rows, cols = form
        return sp.Eq(
            self.symbol(),
            sp.Mul(
                weight,
                sp.Add(*[r.symbol() for r in rows], evaluate=False),
                sp.Add(*[c.symbol() for c in cols], evaluate=False),
                evaluate=False,
            ),
            evaluate=False,
        )


@dataclass
class Rule:
    """A derived layer rule: terms, shapes, a readable statement, and the torch twin."""

    layer: str
    params: dict
    in_shape: tuple[int, int, int]
    out_shape: tuple[int, int, int]
    terms: list[Term2D]
    torch_fn: Callable[[torch.Tensor], torch.Tensor]
    reading: str
    transfer: sp.Expr | None = None  # per-frequency T(u,v) for shift-invariant layers
    parts: list["Rule"] = field(default_factory=list)  # chains: the component rules
    weights_note: str = ""  # what the terms' channel weights are ("{W}" stands for the weight's name)

    def phi(self) -> tuple[np.ndarray, int]:
        """Phi[d, u', v', c, u, v] from the closed forms, and the number of 0/0 points taken as limits."""
        if self.parts:
            total, zeros = None, 0
            for part in self.parts:
                p, z = part.phi()
                zeros += z
                total = p if total is None else np.einsum("dpqkab,kabcuv->dpqcuv", p, total)
            return total, zeros
        D, Mo, No = self.out_shape
        C, Mi, Ni = self.in_shape
        out = np.zeros((D, Mo, No, C, Mi, Ni), dtype=np.complex128)
        cache: dict[Term, tuple[np.ndarray, int]] = {}
        zeros = 0
        for term in self.terms:
            for axis_term in (term.row, term.col):
                if axis_term not in cache:
                    cache[axis_term] = axis_term.evaluate()
                    zeros += cache[axis_term][1]
            A, B = cache[term.row][0], cache[term.col][0]
            out += np.einsum("dc,pu,qv->dpqcuv", term.channels, A, B)
        return out, zeros

    def stages(self) -> list[Stage]:
        """The named terms of Phi: one stage for a layer, one per component for a chain."""
        if self.parts:
            return [p._stage(f"Phi_{i + 1}", i) for i, p in enumerate(self.parts)]
        return [self._stage("Phi", None)]

    def _stage(self, name: str, index: int | None) -> Stage:
        row_letter, col_letter = LETTERS[index % len(LETTERS)] if index is not None else LETTERS[0]
        if index is not None and index >= len(LETTERS):
            row_letter, col_letter = f"A{index + 1}", f"B{index + 1}"
        rows: dict[Term, Factor] = {}
        cols: dict[Term, Factor] = {}
        for term in self.terms:
            if term.row not in rows:
                rows[term.row] = Factor(f"{row_letter}_{len(rows)}", "rows", term.row)
        for term in self.terms:
            if term.col not in cols:
                same = rows.get(term.col)
                cols[term.col] = Factor(
                    f"{col_letter}_{len(cols)}", "columns", term.col, same.name if same else None
                )
        stage_W = W if index is None else sp.IndexedBase(f"W{index + 1}")
        terms = []
        for k, term in enumerate(self.terms):
            weight = term.weight_expr(k)
            if isinstance(weight, sp.Indexed) and weight.base == W:
                weight = stage_W[weight.indices]
            terms.append(StageTerm(term, weight, rows[term.row], cols[term.col]))
        note = self.weights_note.replace("{W}", str(stage_W.label))
        return Stage(name, self, list(rows.values()), list(cols.values()), terms, note)

    def variables(self) -> tuple[sp.Symbol, ...]:
        return d_, c_, uo, vo, ui, vi

    def composition(self) -> tuple[list[sp.Expr], list[tuple[sp.Symbol, int, int]]]:
        """A chain's Phi as (stage factors, last stage first; summation limits): stage i maps the channel and
        frequencies (k_i, a_i, b_i) of the previous stage (the input's c, u, v for the first) to its own."""
        stages = self.stages()
        n = len(stages)
        inner = []
        for i in range(1, n):
            names = "k a b" if n == 2 else " ".join(f"{x}_{i}" for x in ("k", "a", "b"))
            inner.append(sp.symbols(names, integer=True, nonnegative=True))
        product, limits = [], []
        for i, stage in enumerate(stages):
            out = (d_, uo, vo) if i == n - 1 else inner[i]
            inp = (c_, ui, vi) if i == 0 else inner[i - 1]
            product.append(stage.symbol(out[0], inp[0], out[1], out[2], inp[1], inp[2]))
        for i, (k, a, b) in enumerate(inner):
            K, M, N = self.parts[i].out_shape
            limits += [(k, 0, K - 1), (a, 0, M - 1), (b, 0, N - 1)]
        return product[::-1], limits

    def phi_definition(self) -> sp.Eq:
        """Phi itself: the sum of its terms (one layer) or the composition of the stages (a chain)."""
        if not self.parts:
            return self.stages()[0].definition()
        product, limits = self.composition()
        body = sp.Mul(*product, evaluate=False)
        if limits:  # a chain of one stage has nothing to sum over: Phi is that stage's Phi
            body = sp.Sum(body, *limits)
        return sp.Eq(sp.Function("Phi")(*self.variables()), body, evaluate=False)

    def statement(self) -> sp.Expr:
        H, G = sp.Function("H"), sp.Function("G")
        if self.transfer is not None:
            return sp.Eq(
                H(d_, uo, vo),
                sp.Sum(sp.Function("T")(d_, c_, uo, vo) * G(c_, uo, vo), (c_, 0, self.in_shape[0] - 1)),
            )
        phi = sp.Function("Phi")(*self.variables())
        return sp.Eq(
            H(d_, uo, vo),
            sp.Sum(
                phi * G(c_, ui, vi),
                (c_, 0, self.in_shape[0] - 1),
                (ui, 0, self.in_shape[1] - 1),
                (vi, 0, self.in_shape[2] - 1),
            ),
        )


@dataclass
class Validation:
    max_error: float
    tolerance: float
    verdict: str
    entries: int
    limits_used: int
    witness: dict

    def as_dict(self) -> dict:
        return {
            "max_error": self.max_error,
            "tolerance": self.tolerance,
            "verdict": self.verdict,
            "entries": self.entries,
            "limits_used": self.limits_used,
            "witness": self.witness,
        }


@dataclass
class Derivation:
    """The rule, its SymPy forms, and validation against torch (``symspec.derive`` adds ``.latex``,
    rendered by the output layer)."""

    rule: Rule

    @property
    def expr(self) -> sp.Expr:
        return self.rule.statement()

    @property
    def reading(self) -> str:
        return self.rule.reading

    def validate(self, tol: float = 1e-9) -> Validation:
        guard_phi(self.rule.in_shape, self.rule.out_shape)
        formula, limits = self.rule.phi()
        measured = torch_phi(self.rule)
        diff = np.abs(formula - measured)
        scale = max(float(np.abs(measured).max()), 1e-300)
        worst = np.unravel_index(int(np.argmax(diff)), diff.shape)
        err = float(diff[worst]) / scale
        names = ("d", "u'", "v'", "c", "u", "v")
        witness = {
            "point": {n: int(i) for n, i in zip(names, worst)},
            "symbolic": complex(formula[worst]),
            "numeric": complex(measured[worst]),
        }
        return Validation(err, tol, "pass" if err <= tol else "fail", int(diff.size), limits, witness)


def torch_phi(rule: Rule) -> np.ndarray:
    """Phi of the real torch layer: its output spectrum for every unit-spectrum input (real and imaginary
    parts run separately through the linear, bias-free layer)."""
    C, M, N = rule.in_shape
    eye = torch.eye(C * M * N, dtype=torch.complex128).reshape(C * M * N, C, M, N)
    basis = torch.fft.ifft2(eye)  # spectrum 1 at one (c, u, v)
    with torch.no_grad():
        y = rule.torch_fn(basis.real) + 1j * rule.torch_fn(basis.imag)
    H = torch.fft.fft2(y).numpy()  # (C*M*N, D, M', N')
    D, Mo, No = H.shape[1:]
    return H.reshape(C, M, N, D, Mo, No).transpose(3, 4, 5, 0, 1, 2)


def names() -> list[str]:
    _load()
    return sorted(LAYERS)


def derive(layer: str, **params) -> Derivation:
    """Derive the spectral rule of ``layer`` (see ``symspec derive --help`` for the parameters)."""
    _load()
    key = str(layer).strip().lower().replace("_", "-")
    key = ALIASES.get(key, key)
    if key not in LAYERS:
        raise SymspecError(f"unknown layer {layer!r} (known: {', '.join(sorted(LAYERS))})")
    return Derivation(LAYERS[key](**params))


MAX_PHI = 4_000_000


def guard_phi(in_shape, out_shape) -> None:
    n = int(np.prod(in_shape)) * int(np.prod(out_shape))
    if n > MAX_PHI:
        raise SymspecError(
            f"--size: the full rule has {n:,} entries (input {in_shape} x output {out_shape}); "
            f"validation needs at most {MAX_PHI:,}: choose a smaller size or fewer channels"
        )
