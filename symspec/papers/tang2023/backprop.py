"""backprop -- the change of T^(l,uv) in one gradient step (ICML Cor 3.4, Eq. 5 = Eq. 26; proof A.3).

Printed (p. 4), with its five conjugation bars: ``(ΔT^(l,uv))^T = -η M N Σ_{u'v'} χ_{u'v'uv}
(conj(T^(u'v')(l-1:1)) conj(g^(u'v')) + δ_{u'v'} conj(β')) ∂Loss/∂conj(h^(u'v'))^T conj(T^(u'v')(L:l+1))``,
``χ = R_{u-u', v-v'} / MN`` as a sine quotient (0/0 where u = u' or v = v').  The derivative convention is
printed too (A.3, Eq. 20, p. 15): ``∂Loss/∂conj(G_uv) = (1/MN) Σ_mn ∂Loss/∂F_mn e^{-i2π(um/M+vn/N)}``, i.e.
``fft2(∂Loss/∂y)/MN`` -- exactly the ``.grad`` torch returns for a complex ``h = fft2(y)`` through which a
real loss flows.  Under that convention Eq. 5 is an identity against a real SGD step at every layer; Wirtinger
derivatives (half of it) are another convention, off by exactly a factor 2 (``convention`` rows).

Also printed (p. 18): one step on a kernel weight equals MN steps on T, ``ΔT = -η MN ∂Loss/∂conj(T)``, with
``∂Loss/∂conj(T^(uv)_dc) = (1/MN) Σ_{t,s<K} ∂Loss/∂W_dcts e^{+i2π(ut/M+vs/N)}`` (the paper's definition).
"""

from __future__ import annotations

import numpy as np
import sympy as sp
import torch

from ...claims import (
    FAIL,
    PASS,
    TYPO,
    Claim,
    Finding,
    Param,
    Settings,
    Verdict,
    convention,
    identity_verdicts,
    number_from_one,
    printed,
    variant,
)
from ...numeric.layers import conv_paper, spectrum
from ...spectral.conv import R_quotient, beta_value, chain_transfer, transfer_expr, transfer_matrix
from ...spectral.dft import K, M, N, u, v
from ...spectral.geometric import Quotient
from ...spectral.valid import up, vp
from .common import (
    CHANNELS,
    DEPTH,
    IN_CHANNELS,
    KERNEL,
    OUT_CHANNELS,
    SIZE,
    check_kernel_fits,
    in_out,
    randn,
    runtime,
    shown_params,
)

LR = Param("lr", "float", 0.1, "learning rate η of the SGD step", minimum=0)
LOSS = Param(
    "loss",
    "choice",
    "mse",
    "loss against a random target: mse (mean) or sse (sum of squares)",
    choices=("mse", "sse"),
)

# readings of ∂Loss/∂conj(h) in terms of G = torch's h.grad = fft2(∂Loss/∂y)/MN (the paper's Eq. 20)
DOCUMENTED = "Eq. 20: fft2(∂L/∂y)/MN"
CONVENTIONS = {
    "Wirtinger ∂L/∂h̄": lambda G: G / 2,
    "Wirtinger ∂L/∂h": lambda G: np.conj(G) / 2,
}


def chi_quotient() -> Quotient:
    r = R_quotient(K, u - up, v - vp)
    return Quotient(r.numerator, M * N * r.denominator, r.factor)


def eq5(eta, mn, chi, Z, D, T_after):
    """ΔT^(l) (C_l x C_{l-1} x M x N) from the printed Eq. 5; chi (M,N,M,N) indexed [u', v', u, v].

    ``Z`` is T(l-1:1) g + δ β' (conjugated here), ``D`` is ∂Loss/∂conj(h), ``T_after`` is T(L:l+1)
    (conjugated here; None when l = L)."""
    bracket = D if T_after is None else np.einsum("kpq,kdpq->dpq", D, np.conj(T_after))
    # (ΔT)^T_{cd} = -η MN Σ χ conj(Z_c) bracket_d   ->  ΔT_{dc}
    return -eta * mn * np.einsum("pquv,cpq,dpq->dcuv", chi, np.conj(Z), bracket)


def eq5_without_conj_after(eta, mn, chi, Z, D, T_after):
    """Eq. 5 with the bar on T(L:l+1) dropped (the transcription error of symspec's first release)."""
    return eq5(eta, mn, chi, Z, D, None if T_after is None else np.conj(T_after))


def eq20_from_real_gradient(dLdy: np.ndarray, sign: int = -1) -> np.ndarray:
    """Eq. 20: ∂Loss/∂conj(G_uv) = (1/MN) Σ_mn ∂Loss/∂F_mn e^{-i2π(um/M+vn/N)} (a plain sum, per channel)."""
    M_, N_ = dLdy.shape[-2:]
    mm, nn = np.arange(M_), np.arange(N_)
    Fu = np.exp(sign * 2j * np.pi * np.outer(mm, mm) / M_)
    Fv = np.exp(sign * 2j * np.pi * np.outer(nn, nn) / N_)
    return np.einsum("um,dmn,vn->duv", Fu, dLdy, Fv) / (M_ * N_)


def dLdT_conj(grad_w: np.ndarray, size) -> np.ndarray:
    """The paper's ∂Loss/∂conj(T^(uv)_dc) = (1/MN) Σ_{t,s<K} ∂Loss/∂W_dcts e^{+i2π(ut/M+vs/N)} (p. 18)."""
    return spectrum_of_kernel(grad_w, size) / (size[0] * size[1])


FORMULAS = {
    "chi": chi_quotient,
    "transfer": lambda kernel=None: transfer_expr(kernel),
    "eq5": eq5,
    "beta": beta_value,
    "mn_factor": lambda: M * N,
    "dLdT": dLdT_conj,
    "eq20": eq20_from_real_gradient,
    # (∂L/∂conj g^(l))ᵀ = Dᵀ conj(T(L:l+1))
    "eq24": lambda D, after: np.einsum("kpq,kcpq->cpq", D, np.conj(after)),
    # Eq. 24's first line: ∂Loss/∂h^(L) (no bar) = conj(∂Loss/∂conj(h)) for a real loss
    "eq24_first_dh": np.conj,
    # p. 17: Eq. 22 (the layer gradient), Eq. 23 (one layer back), the scalar gradient printed for one
    # fixed output channel d, and the label "∂Loss/∂(conj T^(l,uv))ᵀ ∈ C^{D×C}" before Eq. 22 (shape as
    # (rows, columns))
    "eq22": lambda chi, g_prev, D: np.einsum("pquv,cpq,dpq->dcuv", chi, np.conj(g_prev), D),
    "eq23": lambda D, T: np.einsum("dpq,dcpq->cpq", D, np.conj(T)),
    "p17_fixed_d": lambda D, T: D[:, None] * np.conj(T),  # [d, c]: ∂L/∂conj(G^(l,d)) conj(T^(l)_dc), no Σ_d
    "label_shape": lambda C, D: (D, C),
}
PERTURBATIONS = {
    "chi-phase-sign": {"chi": lambda: chi_quotient().subs({sp.I: -sp.I})},
    "eta-sign": {"eq5": lambda eta, *a, **k: eq5(-eta, *a, **k)},
    "no-beta-prime": {"beta": lambda T00, biases, mn, reading: 0 * biases[-1]},
    "mn-missing": {"mn_factor": lambda: sp.Integer(1)},
    "no-conj-on-T-after": {"eq5": eq5_without_conj_after},
    "dLdT-negative-phase": {"dLdT": lambda grad_w, size: np.conj(dLdT_conj(grad_w, size))},
    "eq20-positive-phase": {"eq20": lambda dLdy: eq20_from_real_gradient(dLdy, sign=+1)},
    "eq24-no-conj-on-T": {"eq24": lambda D, after: np.einsum("kpq,kcpq->cpq", D, after)},
    "eq23-no-conj-on-T": {"eq23": lambda D, T: np.einsum("dpq,dcpq->cpq", D, T)},
    "label-D×1": {"label_shape": lambda C, D: (D, 1)},
}
PERTURB_AT = {"no-conj-on-T-after": {"depth": 3}}

ROWS = (
    printed("backprop.chi_closed_form", "4", "Cor 3.4, Eq. 5 (χ)"),
    printed("backprop.eq5", "4", "Cor 3.4, Eq. 5 (= Eq. 26)"),
    convention(
        "backprop.eq5[Wirtinger ∂L/∂h̄]",
        "4",
        "Cor 3.4, Eq. 5",
        note="∂Loss/∂conj(h) read as the conjugate Wirtinger derivative, half of Eq. 20's",
    ),
    convention(
        "backprop.eq5[Wirtinger ∂L/∂h]",
        "4",
        "Cor 3.4, Eq. 5",
        note="∂Loss/∂conj(h) read as the (unconjugated) Wirtinger derivative ∂L/∂h",
    ),
    printed("backprop.eq24", "17", "A.3, Eq. 24 (second line)", of="Cor 3.4"),
    printed(
        "backprop.eq24[first line]",
        "17",
        "A.3, Eq. 24 (first line)",
        of="Cor 3.4",
        finding=Finding(TYPO, intent="backprop.eq24"),
        note="the first line lacks the bar on ∂Loss/∂h^(L); the second line has it",
    ),
    printed("backprop.eq20", "15", "A.3, Eq. 20 (∂Loss/∂conj(G))"),
    printed("backprop.eq22", "17", "A.3, Eq. 22", of="Cor 3.4"),
    printed("backprop.eq23", "17", "A.3, Eq. 23", of="Cor 3.4"),
    printed(
        "backprop.p17_gradient_fixed_d",
        "17",
        "A.3, p. 17 (scalar gradient of layer l-1, no Σ_d)",
        of="Cor 3.4",
        finding=Finding(TYPO, intent="backprop.eq23"),
        note="the earlier layer's gradient is printed for one output channel d; the adjoint sums over d",
    ),
    printed(
        "backprop.label_before_eq22",
        "17",
        "A.3, text before Eq. 22 (∂Loss/∂(conj T)ᵀ ∈ C^{D×C})",
        of="Cor 3.4",
        finding=Finding(TYPO, intent="backprop.eq22"),
    ),
    printed("backprop.mn_steps", "18", "A.3, before Eq. 26 (one step on W = MN steps on T)"),
    convention(
        "backprop.mn_steps[M×N-kernel ∂L/∂T̄]",
        "18",
        "A.3, before Eq. 26",
        note="∂Loss/∂conj(T) taken as the gradient of a kernel that covers the whole map",
    ),
    variant(
        "backprop.mn_steps.projected",
        note="Eq. 20's ∂Loss/∂conj(T) = Σ χ · (the M×N-kernel gradient): the two definitions related",
    ),
)


def statements():
    # matrices: non-commutative symbols keep the printed order (C_{l-1}x1)(1xC_L)(C_LxC_l)
    dT = sp.Symbol("ΔT^(l,uv)ᵀ", commutative=False)
    Zc = sp.Symbol("conj(T^(u'v')(l-1:1))·conj(g^(u'v')) + δ·conj(β')", commutative=False)
    dh = sp.Symbol("∂Loss/∂conj(h^(u'v'))ᵀ", commutative=False)
    Ta = sp.Symbol("conj(T^(u'v')(L:l+1))", commutative=False)
    chi = sp.Function("χ")(up, vp, u, v)
    eta = sp.Symbol("η")
    return [
        ("Eq. 5", sp.Eq(dT, -eta * M * N * sp.Sum(chi * Zc * dh * Ta, (up, 0, M - 1), (vp, 0, N - 1)))),
        ("χ", sp.Eq(chi, chi_quotient().expr)),
        (
            "Eq. 20 (convention)",
            sp.Eq(sp.Symbol("∂Loss/∂conj(G_uv)"), sp.Symbol("(1/MN) Σ_mn ∂Loss/∂F_mn e^{-i2π(um/M+vn/N)}")),
        ),
        (
            "one step on W = MN steps on T",
            sp.Eq(sp.Symbol("ΔT^(l,uv)_dc"), -eta * M * N * sp.Symbol("∂Loss/∂conj(T^(l,uv)_dc)")),
        ),
    ]


def validate(values: dict) -> None:
    check_kernel_fits(values["kernel"], values["size"])
    from ...claims import guard_size

    C, D = in_out(values)
    m, n = values["size"]
    guard_size("χ grid (MN)²", (m * n) ** 2)
    guard_size("per-layer spectra", max(C, D, values["channels"]) ** 2 * (m * n) ** 2)


class Wiring:
    """One real SGD step on a network of ``depth`` paper convolutions, and both sides the rows compare:
    the measured gradients and weight change (:meth:`measure`), and the printed side's transfers, χ and
    partial products (:meth:`printed_side`).  The draws come first, in a fixed order (input, target,
    weights, biases)."""

    def __init__(self, values: dict, settings: Settings, formulas):
        self.values, self.formulas = values, formulas
        self.dtype, self.device, gen = runtime(settings)
        self.size, self.kernel = values["size"], values["kernel"]
        self.depth, self.eta = values["depth"], values["lr"]
        self.mn = self.size[0] * self.size[1]
        C, D = in_out(values)
        chans = [C] + [values["channels"]] * (self.depth - 1) + [D]
        draw = lambda shape: randn(shape, gen, self.dtype, self.device)  # noqa: E731
        self.x, self.target = draw((chans[0], *self.size)), draw((chans[-1], *self.size))
        self.weights = [draw((chans[i + 1], chans[i], self.kernel, self.kernel)) for i in range(self.depth)]
        self.biases = [draw((chans[i + 1],)) for i in range(self.depth)]
        self.shown, self.tol = shown_params(values), settings.identity_tol()
        self.measure()
        self.printed_side()

    def loss_of(self, y):
        err = (y - self.target) ** 2
        return err.mean() if self.values["loss"] == "mse" else err.sum()

    def forward(self, ws, bs):
        z = self.x[None]
        for w, bb in zip(ws, bs):
            z = conv_paper(z, w, bb)
        return z[0]

    def measure(self) -> None:
        """G: autograd's gradient for h = fft2(y) (a leaf; the loss through ifft2(h).real); Eq. 20 from the
        real-domain gradient ∂Loss/∂y; one real SGD step, its ∂Loss/∂W and the T of its weight change."""
        y = self.forward(self.weights, self.biases)
        h = torch.fft.fft2(y.detach()).requires_grad_(True)
        self.loss_of(torch.fft.ifft2(h).real).backward()
        self.G = h.grad.detach().cpu().numpy().astype(np.complex128)
        y_leaf = y.detach().clone().requires_grad_(True)
        self.loss_of(y_leaf).backward()
        self.eq20 = self.formulas["eq20"](y_leaf.grad.detach().cpu().double().numpy())
        depth = self.depth
        params = [w.clone().requires_grad_(True) for w in self.weights]
        params += [bb.clone().requires_grad_(True) for bb in self.biases]
        opt = torch.optim.SGD(params, lr=self.eta)
        opt.zero_grad()
        self.loss_of(self.forward(params[:depth], params[depth:])).backward()
        self.grad_w = [p.grad.detach().cpu().double().numpy() for p in params[:depth]]
        opt.step()
        dW = [(p.detach() - w).cpu().double().numpy() for p, w in zip(params[:depth], self.weights)]
        self.numeric = stack([spectrum_of_kernel(w, self.size) for w in dW])  # T of the real weight change

    def printed_side(self) -> None:
        """The transfers T^(l), χ (its 0/0 points taken by the limit), the MN factor, and per layer the input
        spectrum Z = T(l-1:1) g + δ β' and the product after it, T(L:l+1)."""
        f, (M_, N_), kernel = self.formulas, self.size, self.kernel
        expr = f["transfer"](kernel)
        self.Ts = [transfer_matrix(expr, w.cpu().double().numpy(), self.size) for w in self.weights]
        g = spectrum(self.x)
        grids = [
            np.arange(M_).reshape(-1, 1, 1, 1),
            np.arange(N_).reshape(1, -1, 1, 1),
            np.arange(M_).reshape(1, 1, -1, 1),
            np.arange(N_).reshape(1, 1, 1, -1),
        ]
        self.chi, self.chi_undefined = f["chi"]().evaluate(
            [up, vp, u, v, M, N, K], [*grids, M_, N_, kernel], (M_, N_, M_, N_)
        )
        self.chi_limit = chi_by_torch(kernel, self.size, self.dtype, self.device)
        # 0/0 taken by its limit (the finite sum)
        self.chi_used = np.where(self.chi_undefined, self.chi_limit, self.chi)
        self.mn_f = float(sp.N(f["mn_factor"]().subs({M: M_, N: N_})))
        b_np = [bb.cpu().double().numpy() for bb in self.biases]
        self.Zs, self.afters = [], []
        for layer in range(1, self.depth + 1):
            if layer == 1:
                Z = g.copy()
            else:
                Z = np.einsum("dcuv,cuv->duv", chain_transfer(self.Ts[: layer - 1]), g)
                dc = [T[:, :, 0, 0] for T in self.Ts[: layer - 1]]
                Z[:, 0, 0] += f["beta"](dc, b_np[: layer - 1], self.mn, "whole")
            self.Zs.append(Z)
            self.afters.append(chain_transfer(self.Ts[layer:]) if layer < self.depth else None)


LAYER_AXES = ("layer", "d", "c", "u", "v")


def convention_rows(w: Wiring) -> list:
    """χ's closed form, Eq. 20 (the derivative convention) and Eq. 5 under it and under the
    Wirtinger readings."""
    out = identity_verdicts(
        "backprop.chi_closed_form",
        "χ = sin(K(u-u')π/M) sin(K(v-v')π/N)/(MN "
        "sin((u-u')π/M) sin((v-v')π/N))·e^{iπ(K-1)((u-u')/M+(v-v')/N)}",
        w.chi,
        w.chi_limit,
        ("u'", "v'", "u", "v"),
        w.shown,
        w.tol,
        undefined=w.chi_undefined,
        limit=w.chi_limit,
        note="numeric: R_{u-u',v-v'}/MN from the torch layer with an all-ones kernel",
    )
    out += identity_verdicts(
        "backprop.eq20",
        "∂Loss/∂conj(G_uv) = (1/MN) Σ_mn ∂Loss/∂F_mn e^{-i2π(um/M+vn/N)}",
        w.eq20,
        w.G,
        ("d", "u", "v"),
        w.shown,
        w.tol,
        note="symbolic: Eq. 20 from autograd's real gradient ∂Loss/∂y; numeric: torch's "
        "complex gradient of h = fft2(y)",
    )

    def eq5(dh):
        return stack(
            [w.formulas["eq5"](w.eta, w.mn_f, w.chi_used, w.Zs[i], dh, w.afters[i]) for i in range(w.depth)]
        )

    out += identity_verdicts(
        "backprop.eq5",
        "Eq. 5 with its bars, ∂Loss/∂conj(h) as defined by Eq. 20, every layer",
        eq5(w.G),
        w.numeric,
        LAYER_AXES,
        w.shown,
        w.tol,
        note="numeric: ΔT of one real SGD step; χ taken by its limit where the printed quotient is 0/0",
    )
    for name, reading in CONVENTIONS.items():
        out += identity_verdicts(
            f"backprop.eq5[{name}]",
            f"Eq. 5 with ∂Loss/∂conj(h) read as {name} (not the paper's Eq. 20)",
            eq5(reading(w.G)),
            w.numeric,
            LAYER_AXES,
            w.shown,
            w.tol,
            note="another convention: the Wirtinger derivatives are half of Eq. 20's",
        )
    return out


def inner_gradients(w: Wiring) -> list[np.ndarray]:
    """Torch's gradient of fft2 of each inner layer's real output (Eq. 20's convention), the rest of the
    network run on ifft2 of it: layers 1 .. L-1."""
    inner = []
    for layer in range(1, w.depth):
        z = w.x[None]
        for wt, bb in list(zip(w.weights, w.biases))[:layer]:
            z = conv_paper(z, wt, bb)
        g_l = torch.fft.fft2(z.detach()).requires_grad_(True)
        z = torch.fft.ifft2(g_l).real
        for wt, bb in list(zip(w.weights, w.biases))[layer:]:
            z = conv_paper(z, wt, bb)
        w.loss_of(z[0]).backward()
        inner.append(g_l.grad.detach()[0].cpu().numpy().astype(np.complex128))
    return inner


def eq24_rows(w: Wiring, inner: list[np.ndarray]) -> list:
    """Eq. 24 (p. 17): ∂Loss/∂conj(g^(l))ᵀ = ∂Loss/∂conj(h)ᵀ conj(T(L:l+1)); its first line prints
    ∂Loss/∂g^(L) without the bar."""
    f = w.formulas
    second = [f["eq24"](w.G, w.afters[layer - 1]) for layer in range(1, w.depth)]  # T(L:l+1)
    first = [f["eq24"](f["eq24_first_dh"](w.G), w.afters[layer - 1]) for layer in range(1, w.depth)]
    axes = ("layer", "c", "u", "v")
    out = identity_verdicts(
        "backprop.eq24",
        "∂Loss/∂conj(g^(l))ᵀ = ∂Loss/∂conj(h)ᵀ conj(T(L:l+1)) (second line)",
        stack_vectors(second),
        stack_vectors(inner),
        axes,
        w.shown,
        w.tol,
        note="numeric: torch's gradient of fft2 of layer l's real output",
    )
    out += identity_verdicts(
        "backprop.eq24[first line]",
        "∂Loss/∂conj(g^(l))ᵀ = ∂Loss/∂h ᵀ conj(T(L)) ⋯ conj(T(l+1)) (first line, no bar on h)",
        stack_vectors(first),
        stack_vectors(inner),
        axes,
        w.shown,
        w.tol,
        note="∂Loss/∂h = conj(∂Loss/∂conj(h)) for a real loss",
    )
    return out


def full_kernel_gradients(w: Wiring) -> list[np.ndarray]:
    """The gradient with respect to T of a kernel that covers the whole map (the zero-padded M x N kernel)."""
    out = []
    for layer in range(w.depth):
        T_leaf = torch.as_tensor(w.Ts[layer]).to(w.device).requires_grad_(True)
        full = (torch.fft.fft2(T_leaf) / w.mn).real.to(w.dtype)  # the zero-padded M x N kernel of layer l
        ws = list(w.weights)
        ws[layer] = full
        w.loss_of(w.forward(ws, w.biases)).backward()
        out.append(T_leaf.grad.detach().cpu().numpy().astype(np.complex128))
    return out


def mn_step_rows(w: Wiring) -> list:
    """p. 18: one step on W equals MN steps on T, with the paper's ∂Loss/∂conj(T), with the M×N-kernel
    gradient, and with that gradient projected onto K x K kernels."""
    pred = stack([-w.eta * w.mn_f * w.formulas["dLdT"](gw, w.size) for gw in w.grad_w])
    out = identity_verdicts(
        "backprop.mn_steps",
        "ΔT = -η·MN·∂Loss/∂conj(T), ∂Loss/∂conj(T) = (1/MN) Σ_ts ∂Loss/∂W_ts e^{+i2π(ut/M+vs/N)}",
        pred,
        w.numeric,
        LAYER_AXES,
        w.shown,
        w.tol,
        note="symbolic: autograd's ∂Loss/∂W before the step; numeric: the step's ΔT",
    )
    G_T = full_kernel_gradients(w)
    out += identity_verdicts(
        "backprop.mn_steps[M×N-kernel ∂L/∂T̄]",
        "ΔT = -η·MN·∂Loss/∂conj(T), ∂Loss/∂conj(T) of an M×N kernel (not the paper's definition)",
        stack([-w.eta * w.mn_f * gt for gt in G_T]),
        w.numeric,
        LAYER_AXES,
        w.shown,
        w.tol,
        note="holds only when the kernel covers the map (K = M = N)",
    )
    projected = stack([-w.eta * w.mn_f * np.einsum("pquv,dcpq->dcuv", w.chi_used, gt) for gt in G_T])
    out += identity_verdicts(
        "backprop.mn_steps.projected",
        "ΔT = -η·MN·Σ χ_{u'v'uv} ∂Loss/∂conj(T)^(u'v') of an M×N kernel, projected onto K x K kernels",
        projected,
        w.numeric,
        LAYER_AXES,
        w.shown,
        w.tol,
    )
    return out


def run(values: dict, settings: Settings, formulas) -> list:
    w = Wiring(values, settings, formulas)
    verdicts = convention_rows(w)
    inner = inner_gradients(w) if w.depth > 1 else []
    if w.depth > 1:
        verdicts += eq24_rows(w, inner)
    verdicts += gradient_rows(w, inner)
    return number_from_one(verdicts + mn_step_rows(w), "layer")


def gradient_rows(w: Wiring, inner: list[np.ndarray]) -> list:
    """A.3, p. 17: Eq. 22, Eq. 23, the earlier layer's scalar gradient (printed for one output channel d,
    without Σ_d) and the shape label before Eq. 22, each against measured quantities: g^(l-1) is the
    spectrum of the real layer l-1 output, ∂Loss/∂conj(g^(l)) torch's gradient of fft2 of the real layer-l
    output (Eq. 20's convention; ``inner``, then ``G`` for l = L), ∂Loss/∂conj(T^(l)) Eq. 20's definition
    from autograd's ∂Loss/∂W."""
    outs = [w.x]
    for weight, bb in zip(w.weights, w.biases):
        outs.append(conv_paper(outs[-1][None], weight, bb)[0])
    g_prev = [spectrum(o) for o in outs[:-1]]  # g^(l-1), l = 1..L
    D = list(inner) + [w.G]  # ∂Loss/∂conj(g^(l)), l = 1..L
    out = identity_verdicts(
        "backprop.eq22",
        "∂Loss/∂conj(T^(l,uv))ᵀ = Σ_u'v' χ_u'v'uv conj(g^(l-1,u'v')) "
        "∂Loss/∂conj(g^(l,u'v'))ᵀ (Eq. 22), every layer",
        stack([w.formulas["eq22"](w.chi_used, g_prev[i], D[i]) for i in range(len(D))]),
        stack([dLdT_conj(gw, w.size) for gw in w.grad_w]),
        ("layer", "d", "c", "u", "v"),
        w.shown,
        w.tol,
        note="numeric: Eq. 20's ∂Loss/∂conj(T) from autograd's ∂Loss/∂W; χ by its limit at 0/0",
    )
    if len(D) > 1:
        out += earlier_layer_rows(w, D)
    out.append(label_row(w, g_prev, D))
    return out


def earlier_layer_rows(w: Wiring, D: list[np.ndarray]) -> list:
    """Eq. 23 and the earlier layer's scalar gradient of p. 17 (one output channel d, no Σ_d), l = 2..L."""
    out = identity_verdicts(
        "backprop.eq23",
        "∂Loss/∂conj(g^(l-1))ᵀ = ∂Loss/∂conj(g^(l))ᵀ conj(T^(l)) (Eq. 23)",
        stack_vectors([w.formulas["eq23"](D[i], w.Ts[i]) for i in range(1, len(D))]),
        stack_vectors(D[:-1]),
        ("layer", "c", "u", "v"),
        w.shown,
        w.tol,
        note="layer l = 2..L (reported as l-1); numeric: torch's gradients",
    )
    fixed = [w.formulas["p17_fixed_d"](D[i], w.Ts[i]) for i in range(1, len(D))]
    truth = [np.broadcast_to(D[i - 1][None], fixed[i - 1].shape) for i in range(1, len(D))]
    return out + identity_verdicts(
        "backprop.p17_gradient_fixed_d",
        "∂Loss/∂conj(G^(l-1,c)_u'v') = ∂Loss/∂conj(G^(l,d)_u'v')"
        " conj(T^(l,u'v')_dc) for an output channel d, no Σ_d (p. 17)",
        stack(fixed),
        stack(truth),
        ("layer", "d", "c", "u", "v"),
        w.shown,
        w.tol,
        note="layer l = 2..L (reported as l-1); exact when C_l = 1; the adjoint sums over d",
    )


def label_row(w: Wiring, g_prev: list[np.ndarray], D: list[np.ndarray]) -> Verdict:
    """The shape label before Eq. 22 (D×C) against the shape of Eq. 22's product, at the first layer where
    they differ (the first layer when none does)."""
    shapes = []
    for i in range(len(D)):  # ∂Loss/∂(conj T^(l))ᵀ: a C_(l-1) column times a C_l row
        product = np.multiply.outer(np.conj(g_prev[i][:, 0, 0]), D[i][:, 0, 0]).shape
        shapes.append((w.formulas["label_shape"](g_prev[i].shape[0], D[i].shape[0]), product))
    bad = next((i for i, (lab, prod) in enumerate(shapes) if tuple(lab) != tuple(prod)), None)
    shown_i = 0 if bad is None else bad
    label, product = (f"{p[0]}×{p[1]}" for p in shapes[shown_i])
    return Verdict(
        "backprop.label_before_eq22",
        "the gradient ∂Loss/∂(conj T^(l,uv))ᵀ of Eq. 22 is D×C (the label before Eq. 22): rows × columns",
        "identity",
        label,
        product,
        0.0 if bad is None else 1.0,
        0.0,
        PASS if bad is None else FAIL,
        {"params": w.shown, "point": {"layer": shown_i}, "symbolic": label, "numeric": product},
        note="numeric: the shape of Eq. 22's product conj(g^(l-1)) ∂Loss/∂conj(g^(l))ᵀ (C_(l-1) x C_l); "
        "T^(l) itself is C_l x C_(l-1)",
    )


def stack_vectors(arrays):
    """Per-layer (C_l, M, N) arrays of different channel counts, zero-padded into one
    (layer, c, u, v) array."""
    return stack([a[:, None] for a in arrays])[:, :, 0]


def stack(arrays):
    """Per-layer arrays of different channel counts, zero-padded into one (layer, d, c, u, v) array."""
    d = max(a.shape[0] for a in arrays)
    c = max(a.shape[1] for a in arrays)
    out = np.zeros((len(arrays), d, c, *arrays[0].shape[2:]), dtype=np.complex128)
    for i, a in enumerate(arrays):
        out[i, : a.shape[0], : a.shape[1]] = a
    return out


def spectrum_of_kernel(w: np.ndarray, size) -> np.ndarray:
    """T by its definition sum_ts w e^{+i2pi(ut/M+vs/N)} = MN ifft2 of the zero-padded kernel, in torch."""
    pad = torch.zeros((*w.shape[:2], *size), dtype=torch.float64)
    pad[..., : w.shape[2], : w.shape[3]] = torch.as_tensor(w)
    return (torch.fft.ifft2(pad) * size[0] * size[1]).numpy()


def chi_by_torch(kernel, size, dtype, device) -> np.ndarray:
    """R_{u-u', v-v'} / MN from the torch conv with an all-ones kernel (indices mod M, N)."""
    from ...numeric.layers import impulse

    ones = torch.ones(1, 1, kernel, kernel, dtype=dtype, device=device)
    R = spectrum(conv_paper(impulse((1, 1, *size), dtype, device), ones)[0, 0])
    M_, N_ = size
    du = (np.arange(M_)[None, :] - np.arange(M_)[:, None]) % M_  # [u', u] -> u - u'
    dv = (np.arange(N_)[None, :] - np.arange(N_)[:, None]) % N_
    return R[du[:, None, :, None], dv[None, :, None, :]] / (M_ * N_)


def falsify_grid() -> list[dict]:
    return [
        {"size": s, "kernel": k, "depth": d, "channels": c}
        for s in [(1, 1), (2, 2), (3, 2), (4, 4), (5, 3)]
        for k in range(1, min(s) + 1)
        for d in (1, 2, 3)
        for c in (1, 2)
    ]


CLAIM = Claim(
    id="backprop",
    aliases=("cor3.4", "eq5", "corollary3.4"),
    title="Change of T in one gradient step",
    source="ICML Cor 3.4, Eq. 5",
    kind="identity",
    summary="ΔT(l,uv)ᵀ = -ηMN Σ χ conj(T(l-1:1)g + δβ') ∂Loss/∂conj(h)ᵀ conj(T(L:l+1)), χ = R_{u-u',v-v'}/MN",
    statements=statements,
    hypotheses=(
        "L circular convolutions (paper anchor) with biases, real weights, no activations",
        "one gradient-descent step with learning rate η on a real loss",
        "∂Loss/∂conj(·) as the paper states it (A.3, Eq. 20, p. 15): fft2(∂Loss/∂y)/MN",
    ),
    params=(SIZE, KERNEL, CHANNELS, IN_CHANNELS, OUT_CHANNELS, DEPTH, LR, LOSS),
    run=run,
    formulas=FORMULAS,
    perturbations=PERTURBATIONS,
    falsify_grid=falsify_grid,
    validate=validate,
    perturb_at=PERTURB_AT,
    rows=ROWS,
    notes="Numeric side: a real torch network, a real loss to a random target, one torch.optim.SGD step; "
    "ΔT from the real weight change by the DFT definition.  ∂Loss/∂conj(h) is Eq. 20's, which is torch's "
    "gradient of h = fft2(y) with the loss computed through ifft2(h).real (backprop.eq20 checks the two "
    "agree).  Under it Eq. 5, with its conjugation bars, matches the real step at every layer; Wirtinger "
    "readings are another convention (a factor 2).  'One step on W = MN steps on T' is an identity under "
    "the paper's definition of ∂Loss/∂conj(T) (p. 18); with the gradient of an M×N kernel instead it "
    "holds only when K = M = N.",
)
