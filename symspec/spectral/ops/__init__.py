"""``symspec derive``: closed-form spectral rules for layers, each validated against its torch twin.

Every layer module in this package builds a :class:`Rule` from its parameters and registers itself with
:func:`register`.  A rule is a sum of 2-D terms; each term is a channel matrix times a row term and a column
term (:mod:`symspec.spectral.ops.axis`), so that

    H[d, u', v'] = sum_c sum_{u,v} Phi[d, c, u', v', u, v] G[c, u, v],
    Phi = sum_terms W_term[d, c] A_term(u', u) B_term(v', v).

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
from .axis import Term, ui, uo

LAYERS: dict[str, Callable[..., "Rule"]] = {}
ALIASES: dict[str, str] = {}
MODULES = ("conv", "conv_transpose", "upsample", "avgpool", "subsample", "pixel_shuffle", "chain")


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

    def separable(self) -> tuple[sp.Expr, sp.Expr] | None:
        """(row rule, column rule) when Phi = W ⊗ (sum of row terms) ⊗ (sum of column terms), else None."""
        if self.parts or not self.terms:
            return None
        first = self.terms[0].channels
        if any(not np.array_equal(t.channels, first) for t in self.terms):
            return None
        rows = list(dict.fromkeys(t.row for t in self.terms))
        cols = list(dict.fromkeys(t.col for t in self.terms))
        if len(self.terms) != len(rows) * len(cols) or {(t.row, t.col) for t in self.terms} != {(r, c) for r in rows for c in cols}:
            return None
        return (sp.factor_terms(sp.Add(*[r.expr() for r in rows])), sp.factor_terms(sp.Add(*[c.expr() for c in cols])))

    def axis_rules(self) -> list[tuple[str, sp.Expr]]:
        """Distinct one-axis terms, for display."""
        sep = self.separable()
        if sep is not None:
            rows_label = "rows A(u',u)" if self.in_shape[1:] != self.in_shape[1:][::-1] or sep[0] != sep[1] else "rows and columns A(u',u)"
            out = [(rows_label, sep[0])]
            if sep[0] != sep[1]:
                out.append(("columns B(v',v)", sep[1]))
            return out
        if self.parts:
            return [(f"[{i + 1}] {p.layer}: {label}", e) for i, p in enumerate(self.parts) for label, e in p.axis_rules()]
        seen, out = {}, []
        for term in self.terms:
            for axis, t in (("rows", term.row), ("cols", term.col)):
                if t not in seen:
                    seen[t] = len(seen)
                    out.append((f"{axis} {term.label}".strip(), t.expr()))
        return out

    def statement(self) -> sp.Expr:
        H, G = sp.Function("H"), sp.Function("G")
        d, c = sp.symbols("d c", integer=True, nonnegative=True)
        v_o, v_i = sp.symbols("v' v", real=True)
        if self.transfer is not None:
            return sp.Eq(H(d, uo, v_o), sp.Sum(sp.Function("T")(d, c, uo, v_o) * G(c, uo, v_o), (c, 0, self.in_shape[0] - 1)))
        phi = sp.Function("Φ")(d, c, uo, v_o, ui, v_i)
        return sp.Eq(H(d, uo, v_o), sp.Sum(phi * G(c, ui, v_i), (c, 0, self.in_shape[0] - 1),
                                           (ui, 0, self.in_shape[1] - 1), (v_i, 0, self.in_shape[2] - 1)))


@dataclass
class Validation:
    max_error: float
    tolerance: float
    verdict: str
    entries: int
    limits_used: int
    witness: dict

    def as_dict(self) -> dict:
        return {"max_error": self.max_error, "tolerance": self.tolerance, "verdict": self.verdict,
                "entries": self.entries, "limits_used": self.limits_used, "witness": self.witness}


@dataclass
class Derivation:
    """What ``symspec.derive`` returns: the rule, its SymPy forms, and validation against torch."""

    rule: Rule

    @property
    def expr(self) -> sp.Expr:
        return self.rule.statement()

    @property
    def latex(self) -> str:
        parts = [sp.latex(self.expr)]
        if self.rule.transfer is not None:
            parts.append("T_{dc}(u', v') = " + sp.latex(self.rule.transfer))
        parts += [f"\\text{{{label}}}: " + sp.latex(e) for label, e in self.rule.axis_rules()]
        return "\n".join(parts)

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
        witness = {"point": {n: int(i) for n, i in zip(names, worst)},
                   "symbolic": complex(formula[worst]), "numeric": complex(measured[worst])}
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
        raise SymspecError(f"--size: the full rule has {n:,} entries (input {in_shape} x output {out_shape}); "
                           f"validation needs at most {MAX_PHI:,}: choose a smaller size or fewer channels")
