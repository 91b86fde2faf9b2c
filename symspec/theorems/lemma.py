"""lemma -- the geometric sum behind every sine quotient of the paper (ICML Lemma A.1).

Printed: ``sum_{n<N} e^{i n theta} = sin(N theta/2) / sin(theta/2) * e^{i (N-1) theta/2}``;
when ``N theta = 2 k pi`` with integer ``-N < k < N`` the sum is N if theta = 0 and 0 otherwise.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
import torch

from ..claims import Claim, printed, Param, Settings, guard_size, identity_verdicts
from ..spectral.dft import evaluate
from ..spectral.geometric import Nsym, Quotient, geometric_quotient, geometric_sum, theta
from .common import runtime, shown_params

TERMS = Param("terms", "int", 8, "number of terms N of the sum", minimum=1, maximum=4096)
OVERSAMPLE = Param("oversample", "int", 4, "test angles per 2π/N step (θ swept over [-4π, 4π])", minimum=1,
                   maximum=64)

FORMULAS = {
    "closed_form": lambda: geometric_quotient(Nsym, theta),
    "degenerate": lambda: sp.Piecewise((Nsym, sp.Eq(theta, 0)), (0, True)),
}
PERTURBATIONS = {
    "phase-sign": {"closed_form": lambda: Quotient(sp.sin(Nsym * theta / 2), sp.sin(theta / 2),
                                                    sp.exp(-sp.I * (Nsym - 1) * theta / 2))},
    "phase-N+1": {"closed_form": lambda: Quotient(sp.sin(Nsym * theta / 2), sp.sin(theta / 2),
                                                   sp.exp(sp.I * (Nsym + 1) * theta / 2))},
    "full-angle": {"closed_form": lambda: Quotient(sp.sin(Nsym * theta), sp.sin(theta),
                                                    sp.exp(sp.I * (Nsym - 1) * theta / 2))},
    "degenerate-always-N": {"degenerate": lambda: Nsym + 0 * theta},
}


def statements():
    return [
        ("closed form", sp.Eq(geometric_sum(Nsym, theta), FORMULAS["closed_form"]().expr)),
        ("degenerate angles N·θ = 2kπ, -N<k<N", sp.Eq(geometric_sum(Nsym, theta), FORMULAS["degenerate"]())),
    ]


def torch_sum(count: int, angles: np.ndarray, dtype, device) -> np.ndarray:
    """The definition, term by term, in torch."""
    ang = torch.as_tensor(angles, dtype=dtype, device=device)
    idx = torch.arange(count, dtype=dtype, device=device)
    phase = idx[:, None] * ang[None, :]
    return torch.complex(torch.cos(phase), torch.sin(phase)).sum(0).cpu().numpy().astype(np.complex128)


def run(values: dict, settings: Settings, formulas) -> list:
    dtype, device, _ = runtime(settings)
    count, over = values["terms"], values["oversample"]
    steps = np.arange(-2 * count * over, 2 * count * over + 1)
    angles = np.concatenate([2 * np.pi * steps / (count * over), [0.3, -1.7, np.sqrt(2), 5.5]])
    params = shown_params(values)
    tol = settings.identity_tol()
    q = formulas["closed_form"]()
    sym, undefined = q.evaluate([Nsym, theta], [count, angles], angles.shape)
    num = torch_sum(count, angles, dtype, device)
    verdicts = identity_verdicts("lemma.closed_form", "Σ_{n<N} e^{inθ} = sin(Nθ/2)/sin(θ/2)·e^{i(N-1)θ/2}",
                                 sym, num, ("angle_index",), params, tol, undefined=undefined, limit=num,
                                 note="θ = 2πj/(N·oversample) for |j| ≤ 2N·oversample plus 4 off-grid angles")
    for v in verdicts:
        idx = v.witness.get("point", {}).get("angle_index")
        if idx is not None:
            v.witness["theta"] = float(angles[idx])
    ks = np.arange(-count + 1, count)
    deg_angles = 2 * np.pi * ks / count
    deg_sym = evaluate(formulas["degenerate"](), [Nsym, theta], [count, deg_angles], deg_angles.shape)
    deg_num = torch_sum(count, deg_angles, dtype, device)
    verdicts += identity_verdicts("lemma.degenerate", "Nθ = 2kπ, -N<k<N: sum = N if θ = 0 else 0",
                                  deg_sym, deg_num, ("k_index",), params, tol)
    for v in verdicts[-1:]:
        idx = v.witness.get("point", {}).get("k_index")
        if idx is not None:
            v.witness["k"] = int(ks[idx])
    return verdicts


def validate(values: dict) -> None:
    terms, over = values["terms"], values["oversample"]
    guard_size("terms x angles of the lemma grid", terms * (4 * terms * over + 5) + terms * terms)


ROWS = (
    printed("lemma.closed_form", "11", "Lemma A.1, Eq. 13"),
    printed("lemma.degenerate", "11", "Lemma A.1, Eq. 14 (Nθ = 2kπ)"),
)

CLAIM = Claim(
    id="lemma",
    aliases=("lemma-a.1", "lemmaa.1", "lemma-a1", "geometric-sum"),
    title="Geometric sum as a sine quotient",
    source="ICML Lemma A.1",
    kind="identity",
    summary="Σ_{n<N} e^{inθ} = sin(Nθ/2)/sin(θ/2)·e^{i(N-1)θ/2}; N or 0 at the degenerate angles",
    statements=statements,
    hypotheses=("θ real; the quotient is read as undefined (0/0) where sin(θ/2) = 0",),
    params=(TERMS, OVERSAMPLE),
    run=run,
    formulas=FORMULAS,
    perturbations=PERTURBATIONS,
    falsify_grid=lambda: [{"terms": t, "oversample": o} for t in range(1, 9) for o in (1, 2, 3)],
    validate=validate,
    notes="Numeric side: the finite sum of cos + i sin computed term by term in torch.  Where θ is a "
          "multiple of 2π the printed quotient is 0/0 and the row is UNDEFINED; the finite sum (N) is shown.",
    rows=ROWS,
)
