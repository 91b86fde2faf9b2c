"""shift -- fitting a shifted frequency is harder for a small shift (ICML Thm 4.5, Eq. 12, Eqs. 43-57).

An L-layer single-channel circular-conv network that is the identity (every kernel a unit impulse) must move
energy between two frequencies: the target equals the input spectrum G except
``H*_{u1v1} = (1 - A) G_{u1v1}`` and ``H*_{u2v2} = (1 + conj A) G_{u2v2}``, ``A = alpha e^{i phi}``.  Printed: under
constraints (43)-(46) one gradient step (with the step size the first-order proof implies) reaches zero loss,
and the weight change needed satisfies ``||dW|| ∝ alpha M N / (K^2 - Q)``, ``Q = sin(K du pi/M) sin(K dv pi/N) /
(sin(du pi/M) sin(dv pi/N))`` (0/0 when the shift is along one axis), so a smaller shift is harder.

Numeric side: real torch networks and real gradient steps; for L = 1 the exact minimal-norm *real* weight
change fitting both frequencies (and so their conjugate partners), for L > 1 the change found by real
gradient descent from the identity.
"""

from __future__ import annotations

import math

import numpy as np
import sympy as sp
import torch

from ..claims import Claim, Comparison, FAIL, PASS, Param, Settings, Verdict, identity_verdicts, trend_verdict
from ..errors import SymspecError
from ..numeric.exact import kernel_basis_spectra
from ..numeric.layers import conv_paper, impulse, spectrum
from ..spectral.dft import K, M, N
from ..spectral.geometric import Quotient
from .common import runtime, shown_params

SIZE = Param("size", "size", (16, 16), "feature map size MxN", minimum=2, maximum=256)
KERNEL = Param("kernel", "int", 3, "kernel size K", minimum=1, maximum=64)
DEPTH = Param("depth", "int", 1, "number of layers L (L > 1: the weight change comes from real optimisation)",
              minimum=1, maximum=8)
FROM = Param("from", "pair", (2, 2), "frequency u1,v1 that gives energy")
TO = Param("to", "pair", (3, 2), "frequency u2,v2 that receives it (shift = to - from)")
ALPHA = Param("alpha", "float", 0.5, "amplitude α > 0 of A = α e^{iφ}", minimum=1e-6, maximum=10)
SWEEP = Param("sweep", "int", 4, "shift distances compared: 1..sweep multiples of the unit shift", minimum=2,
              maximum=16)

du, dv = sp.symbols("Δu Δv", integer=True)
u1, v1, u2, v2 = sp.symbols("u_1 v_1 u_2 v_2", integer=True)
alpha = sp.Symbol("α", positive=True)


def q_quotient() -> Quotient:
    return Quotient(sp.sin(K * du * sp.pi / M) * sp.sin(K * dv * sp.pi / N), sp.sin(du * sp.pi / M) * sp.sin(dv * sp.pi / N))


FORMULAS = {
    "phi": lambda: ((K - 1) * (u2 - u1) / M + (K - 1) * (v2 - v1) / N) * sp.pi / 2,  # (44)
    "Q": q_quotient,
    "norm": lambda q: alpha * M * N / (K ** 2 - q),  # Eq. 12, up to a constant
    "direction": lambda: 1,
    "T_identity": lambda: sp.Integer(1),  # (45)
}
PERTURBATIONS = {
    "T-identity-2": {"T_identity": lambda: sp.Integer(2)},
    "Q-double-angle": {"Q": lambda: Quotient(sp.sin(2 * K * du * sp.pi / M) * sp.sin(2 * K * dv * sp.pi / N),
                                             sp.sin(2 * du * sp.pi / M) * sp.sin(2 * dv * sp.pi / N))},
    "norm-plus-Q": {"norm": lambda q: alpha * M * N / (K ** 2 + q)},
    "Q-not-squared-kernel": {"norm": lambda q: alpha * M * N / (K - q / K)},
    "trend-directions-flipped": {"direction": lambda: -1},
}


def statements():
    return [
        ("(44) phase", sp.Eq(sp.Symbol("φ"), FORMULAS["phi"]())),
        ("Eq. 12", sp.Eq(sp.Symbol("‖ΔW‖"), sp.Symbol("c") * alpha * M * N / (K ** 2 - q_quotient().expr))),
        ("claim", sp.Symbol("one gradient step reaches zero loss under (43)-(46)")),
    ]


def validate(values: dict) -> None:
    (m, n), k = values["size"], values["kernel"]
    if k > min(m, n):
        raise SymspecError(f"--kernel: K={k} is larger than the {m}x{n} map")
    (a1, b1), (a2, b2) = values["from"], values["to"]
    for name, (a, b) in (("from", (a1, b1)), ("to", (a2, b2))):
        if not (0 <= a < m and 0 <= b < n):
            raise SymspecError(f"--{name}: ({a},{b}) is outside the {m}x{n} frequency grid")
    if values["depth"] > 1 and m * n * values["sweep"] > 64 * 64 * 4:
        raise SymspecError(f"--size {m}x{n} with --sweep {values['sweep']}: real optimisation for L > 1 is limited to "
                           f"64x64 with 4 shifts (or an equivalent number of pixels)")
    if k == 1:
        raise SymspecError("--kernel: K=1 gives every frequency the same transfer, so no weight change can move "
                           "energy between two frequencies")
    if (a1, b1) == (a2, b2):
        raise SymspecError("--to: the shift is zero (--from equals --to)")
    for a, b in ((a1, b1), (a2, b2)):
        if (2 * a) % m == 0 and (2 * b) % n == 0:
            raise SymspecError(f"frequency ({a},{b}) is its own conjugate partner: a real network cannot move "
                               f"complex energy there; pick another")
    if ((a1 + a2) % m, (b1 + b2) % n) == (0, 0):
        raise SymspecError(f"--to ({a2},{b2}) is the conjugate partner of --from ({a1},{b1})")


def finite_or_inf(expr) -> float:
    """A real number from a SymPy expression; a division by zero (K² = Q) is +inf."""
    value = complex(sp.N(expr)) if sp.sympify(expr).is_finite is not False else complex("inf")
    return abs(value.real) if not np.isfinite(value.real) else value.real


def sweep_shifts(values) -> list[tuple[int, int]]:
    """Multiples of the unit shift whose target stays on the grid and is neither self-conjugate nor the
    conjugate partner of --from (those cannot receive complex energy from a real network)."""
    (m, n) = values["size"]
    (a1, b1), (a2, b2) = values["from"], values["to"]
    s = (a2 - a1, b2 - b1)
    g = math.gcd(abs(s[0]), abs(s[1]))
    unit = (s[0] // g, s[1] // g)
    out = []
    for j in range(1, values["sweep"] + 1):
        a, b = a1 + unit[0] * j, b1 + unit[1] * j
        if not (0 <= a < m and 0 <= b < n):
            break
        if ((2 * a) % m == 0 and (2 * b) % n == 0) or ((a + a1) % m == 0 and (b + b1) % n == 0):
            break
        out.append((unit[0] * j, unit[1] * j))
    return out


class Problem:
    """The identity network, the input and the two-frequency objective, all in torch."""

    def __init__(self, values, x, dtype, device, phi_value):
        self.size, self.kernel, self.depth = values["size"], values["kernel"], values["depth"]
        self.x, self.dtype, self.device = x, dtype, device
        self.G = torch.fft.fft2(x)
        self.alpha = values["alpha"]
        self.A = self.alpha * complex(math.cos(phi_value), math.sin(phi_value))

    def identity(self):
        w = torch.zeros(1, 1, self.kernel, self.kernel, dtype=self.dtype, device=self.device)
        w[0, 0, 0, 0] = 1.0
        return [w.clone() for _ in range(self.depth)]

    def output(self, weights):
        z = self.x[None, None]
        for w in weights:
            z = conv_paper(z, w)
        return torch.fft.fft2(z[0, 0])

    def loss(self, weights, f1, f2):
        H = self.output(weights)
        g1, g2 = self.G[f1], self.G[f2]
        t1, t2 = (1 - self.A) * g1, (1 + np.conj(self.A)) * g2
        lam1, lam2 = 1 / g1.abs() ** 2, 1 / g2.abs() ** 2  # (43)
        return lam1 * (H[f1] - t1).abs() ** 2 + lam2 * (H[f2] - t2).abs() ** 2

    def step(self, weights, f1, f2, eta):
        ws = [w.clone().requires_grad_(True) for w in weights]
        opt = torch.optim.SGD(ws, lr=eta)
        opt.zero_grad()
        before = self.loss(ws, f1, f2)
        before.backward()
        opt.step()
        new = [w.detach() for w in ws]
        return new, float(before.detach()), float(self.loss(new, f1, f2))


def run(values: dict, settings: Settings, formulas) -> list:
    dtype, device, gen = runtime(settings)
    size, kernel, depth = values["size"], values["kernel"], values["depth"]
    M_, N_ = size
    x = (torch.randn(size, generator=gen, dtype=torch.float64)).to(dtype=dtype, device=device)
    (a1, b1), (a2, b2) = values["from"], values["to"]
    f1 = (a1, b1)
    shown = shown_params(values, sizes=("size",))
    tol = settings.identity_tol()
    subs = {K: kernel, M: M_, N: N_, u1: a1, v1: b1, u2: a2, v2: b2, alpha: values["alpha"]}
    phi_printed = float(sp.N(formulas["phi"]().subs(subs)))
    verdicts: list[Verdict] = []

    # constraints (45), (46) on the identity network, measured from its real response
    prob = Problem(values, x, dtype, device, phi_printed)
    ident = prob.identity()
    T_total = (prob.output(ident) / prob.G).detach().cpu().numpy()
    T_layer = spectrum(conv_paper(impulse((1, 1, *size), dtype, device), ident[0])[0, 0])
    sums = [sum(abs(T_layer[f]) ** (2 * (depth - 1)) for _ in range(depth)) for f in (f1, (a2, b2))]
    measured = np.array([T_total[f1], T_total[a2, b2], sums[0], sums[1]])
    t_id = complex(sp.N(formulas["T_identity"]()))
    printed = np.array([t_id, t_id, depth * abs(t_id) ** (2 * (depth - 1)), depth * abs(t_id) ** (2 * (depth - 1))])
    verdicts += identity_verdicts("shift.constraints", "(45) T(u1v1)(L:1) = T(u2v2)(L:1) = 1 and (46) Σ_l |T(L:l+1)|²|T(l-1:1)|² equal",
                                  printed, measured, ("constraint",), shown, tol,
                                  note=f"(43) λ_i = 1/|G_i|²; (44) φ = {phi_printed:.4g} {'< π/2' if phi_printed < math.pi / 2 else '≥ π/2: outside the hypothesis'}")

    # Q by the printed quotient (0/0 for a one-axis shift) and by its limit
    basis = kernel_basis_spectra(kernel, size, dtype, device)  # (K*K, M, N): the real layer's unit-kernel responses
    R_torch = basis.sum(0)  # R_uv by the torch layer

    def q_value(shift):
        """Q as printed (None where 0/0) and its limit: R_Δ with its phase e^{iπ(K-1)(Δu/M+Δv/N)} removed."""
        q, undefined = formulas["Q"]().evaluate([du, dv, M, N, K], [shift[0], shift[1], M_, N_, kernel], ())
        psi = math.pi * (kernel - 1) * (shift[0] / M_ + shift[1] / N_)
        limit = np.real(R_torch[shift[0] % M_, shift[1] % N_] * np.exp(-1j * psi))
        return (float(np.real(q)) if not undefined else None), float(limit), bool(undefined)

    shift0 = (a2 - a1, b2 - b1)
    q_printed, q_limit, q_undef = q_value(shift0)
    q_use = q_limit if q_undef else q_printed
    if abs(kernel ** 2 - q_use) < 1e-12:
        raise SymspecError(f"K² = Q({shift0[0]},{shift0[1]}): the proof's step size 1/(L(K²-Q)) is infinite here")
    eta = 1.0 / (depth * (kernel ** 2 - q_use))

    # printed claim: one real gradient step with the proof's step size reaches zero loss
    for label, phi in (("(44) as printed", phi_printed), ("φ = -(44)", -phi_printed)):
        p = Problem(values, x, dtype, device, phi)
        _, before, after = p.step(p.identity(), f1, (a2, b2), eta)
        ratio = after / before if before > 0 else 0.0
        verdicts.append(Verdict(
            f"shift.one_step_zero_loss[{label}]", f"one gradient step with η = 1/(L(K²-Q)) = {eta:.4g} reaches zero loss, {label}",
            "identity", 0.0, after, ratio, tol, PASS if ratio <= tol else FAIL,
            {"params": shown, "symbolic": 0.0, "numeric": after, "phi": phi, "eta": eta, "loss_before": before,
             "loss_after": after},
            note="error = loss after / loss before; the proof's step is first-order and ignores the conjugate "
                 "partners a real weight change also moves"))

    # the printed quotient Q against its value from the real layer, at every swept shift
    shifts = sweep_shifts(values)
    q_rows = [q_value(sh) for sh in shifts]
    q_printed_arr = np.array([np.nan if qu else qp for qp, _, qu in q_rows])
    verdicts += identity_verdicts("shift.Q_closed_form", "Q(Δ) = sin(KΔuπ/M) sin(KΔvπ/N)/(sin(Δuπ/M) sin(Δvπ/N)) = R_Δ e^{-iπ(K-1)(Δu/M+Δv/N)}",
                                  q_printed_arr, np.array([ql for _, ql, _ in q_rows]), ("shift_index",), shown, tol,
                                  undefined=np.array([qu for _, _, qu in q_rows]),
                                  limit=np.array([ql for _, ql, _ in q_rows]),
                                  note="numeric: R_Δ from the torch layer with an all-ones kernel")

    # ||dW|| across shift distances: measured (exact min-norm for L = 1, real optimisation for L > 1) vs Eq. 12
    comps, norms, preds = [], [], []
    undefined_any = False
    for shift in shifts:
        target = (a1 + shift[0], b1 + shift[1])
        qp, ql, qu = q_value(shift)
        undefined_any |= qu
        q = ql if qu else qp
        pred = finite_or_inf(formulas["norm"](q).subs(subs))
        prob_s = Problem(values, x, dtype, device, phi_printed)
        norm = weight_change_norm(prob_s, f1, target, depth, kernel, size, dtype, device, basis)
        norms.append(norm)
        preds.append(pred)
    m_ratio = [n_ / norms[0] for n_ in norms]
    p_ratio = [p_ / preds[0] for p_ in preds]
    for shift, mr, pr in zip(shifts[1:], m_ratio[1:], p_ratio[1:]):
        err = abs(mr - pr) / abs(pr)
        verdicts.append(Verdict(
            f"shift.eq12_ratio[Δ={shift[0]},{shift[1]}]",
            f"‖ΔW(Δ)‖/‖ΔW(Δ1)‖ = (K²-Q(Δ1))/(K²-Q(Δ)) (Eq. 12), Δ1 = {shifts[0]}", "identity", pr, mr, err, 0.05,
            PASS if err <= 0.05 else FAIL,
            {"params": shown, "shift": list(shift), "symbolic": pr, "numeric": mr},
            note=("Q by its limit (printed quotient 0/0 for a one-axis shift); " if undefined_any else "")
            + "measured: " + ("exact minimal-norm real ΔW" if depth == 1 else "ΔW found by real gradient descent")
            + "; proportionality within 5 %"))
    sign = formulas["direction"]()
    for (s_a, n_a), (s_b, n_b) in zip(zip(shifts, norms), zip(shifts[1:], norms[1:])):
        holds = (n_b < n_a) if sign > 0 else (n_b > n_a)
        comps.append(Comparison(f"‖ΔW‖ at shift {s_a} vs larger shift {s_b}", n_a, n_b, holds))
    verdicts.append(trend_verdict("shift.trend.smaller_shift_harder", "a smaller shift needs a larger ‖ΔW‖",
                                  comps, shown))
    return verdicts


def weight_change_norm(prob: Problem, f1, f2, depth, kernel, size, dtype, device, basis=None) -> float:
    """||dW|| fitting both target frequencies: exact minimal-norm real solution (L = 1) or real GD (L > 1)."""
    t1, t2 = -prob.A, np.conj(prob.A)  # required dT(L:1) at f1 and f2
    if depth == 1:
        if basis is None:
            basis = kernel_basis_spectra(kernel, size, dtype, device)  # (K*K, M, N): the real layer's responses
        rows = np.stack([basis[:, f1[0], f1[1]], basis[:, f2[0], f2[1]]])
        system = np.concatenate([rows.real, rows.imag])
        rhs = np.array([t1.real, t2.real, t1.imag, t2.imag])
        dw, *_ = np.linalg.lstsq(system, rhs, rcond=None)
        if np.abs(system @ dw - rhs).max() > 1e-8:
            raise SymspecError(f"frequencies {f1} and {f2} cannot both be fitted by a real {kernel}x{kernel} kernel")
        return float(np.linalg.norm(dw))
    weights = prob.identity()
    start = [w.clone() for w in weights]
    eta = 0.5 / (depth * kernel ** 2)
    first = None
    for _ in range(3000):
        weights, before, after = prob.step(weights, f1, f2, eta)
        first = first or before
        if after <= 1e-24 * first:
            break
    return float(torch.sqrt(sum(((w - s) ** 2).sum() for w, s in zip(weights, start))))


def falsify_grid() -> list[dict]:
    out = []
    for size in [(8, 8), (12, 12), (16, 16)]:
        for kernel in (2, 3):
            for frm, to in (((1, 1), (2, 2)), ((1, 1), (2, 1)), ((1, 2), (2, 3))):
                out.append({"size": size, "kernel": kernel, "from": frm, "to": to, "sweep": 3})
    return out


CLAIM = Claim(
    id="shift",
    aliases=("thm4.5", "eq12", "shifted-frequency"),
    title="Fitting a shifted frequency",
    source="ICML Thm 4.5, Eq. 12 (proof Eqs. 43-57)",
    kind="identity+trend",
    summary="one step reaches zero loss under (43)-(46); ‖ΔW‖ ∝ αMN/(K² - Q(Δ)): a smaller shift is harder",
    statements=statements,
    hypotheses=("single channel; the L-layer network is the identity (T(L:1) = 1 everywhere)",
                "(43) λ_i = 1/|G_i|²; (44) φ from the shift; (45) T = 1 at both frequencies; (46) balanced layers",
                "α > 0, φ < π/2; the proof expands the product of layers to first order"),
    params=(SIZE, KERNEL, DEPTH, FROM, TO, ALPHA, SWEEP),
    run=run,
    formulas=FORMULAS,
    perturbations=PERTURBATIONS,
    falsify_grid=falsify_grid,
    validate=validate,
    perturb_at={"Q-double-angle": {"from": "1,1", "to": "2,2"}},
    notes="Numeric side: the identity network of real torch convolutions (unit-impulse kernels), a random "
          "input, the two-frequency objective, real torch.optim.SGD steps.  η = 1/(L(K²-Q)) is the step the "
          "first-order proof implies.  ‖ΔW‖ for L = 1 is the exact minimal-norm real kernel change that fits "
          "both frequencies (from the real layer's responses to unit kernels); for L > 1 it is found by real "
          "gradient descent from the identity.  Defaults: 16x16, K=3, L=1, shift (2,2)→(3,2) along one axis as in "
          "the paper's experiments, α=0.5; such a shift makes Q 0/0 as printed, and its limit (from the real "
          "layer) is used.",
)
