"""backprop -- the change of T^(l,uv) in one gradient step (ICML Cor 3.4, main-text Eq. 5).

Printed: ``(dT^(l,uv))^T = -eta M N sum_{u'v'} chi_{u'v'uv} conj(T^(u'v')(l-1:1) g^(u'v') + delta beta')
dLoss/dh^(u'v')^T T^(u'v')(L:l+1)``, ``chi = R_{u-u', v-v'} / MN`` as a sine quotient (0/0 where u = u' or
v = v').  The complex-derivative convention is implicit; four natural readings of ``dLoss/dh`` are checked
against a real SGD step of a real multi-channel network:

* ``2∂L/∂h̄`` -- the gradient autograd returns for ``h`` (PyTorch's convention for a real loss),
* ``∂L/∂h̄``, ``∂L/∂h`` (Wirtinger), and ``2∂L/∂h``.

Also printed: one step on a kernel weight equals MN steps on T, ``dT = -eta M N dLoss/dT̄``.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
import torch

from ..claims import Claim, Param, Settings, identity_verdicts, number_from_one
from ..numeric.layers import conv_paper, spectrum
from ..spectral.conv import R_quotient, chain_transfer, transfer_expr, transfer_matrix
from ..spectral.dft import K, M, N, u, v
from ..spectral.geometric import Quotient
from ..spectral.valid import up, vp
from .cascade import beta_value
from .common import CHANNELS, DEPTH, IN_CHANNELS, KERNEL, OUT_CHANNELS, SIZE, check_kernel_fits, in_out, randn, \
    runtime, shown_params

LR = Param("lr", "float", 0.1, "learning rate η of the SGD step", minimum=0)
LOSS = Param("loss", "choice", "mse", "loss against a random target: mse (mean) or sse (sum of squares)",
             choices=("mse", "sse"))

READINGS = {
    "2∂L/∂h̄": lambda G: G,
    "∂L/∂h̄": lambda G: G / 2,
    "∂L/∂h": lambda G: np.conj(G) / 2,
    "2∂L/∂h": lambda G: np.conj(G),
}
DOCUMENTED = "2∂L/∂h̄"


def chi_quotient() -> Quotient:
    r = R_quotient(K, u - up, v - vp)
    return Quotient(r.numerator, M * N * r.denominator, r.factor)


def eq5(eta, mn, chi, Z, D, T_after, conj_after=False):
    """dT^(l) (C_l x C_{l-1} x M x N) from the printed structure; chi (M,N,M,N) indexed [u', v', u, v]."""
    if T_after is None:
        bracket = D  # dLoss/dh^T with T(L:l+1) = I
    else:
        T_use = np.conj(T_after) if conj_after else T_after
        bracket = np.einsum("kpq,kdpq->dpq", D, T_use)
    # (dT)^T_{cd} = -eta MN sum chi conj(Z_c) bracket_d   ->  dT_{dc}
    return -eta * mn * np.einsum("pquv,cpq,dpq->dcuv", chi, np.conj(Z), bracket)


FORMULAS = {
    "chi": chi_quotient,
    "transfer": lambda kernel=None: transfer_expr(kernel),
    "eq5": eq5,
    "beta": beta_value,
    "mn_factor": lambda: M * N,
}
PERTURBATIONS = {
    "chi-phase-sign": {"chi": lambda: chi_quotient().subs({sp.I: -sp.I})},
    "eta-sign": {"eq5": lambda eta, *a, **k: eq5(-eta, *a, **k)},
    "no-beta-prime": {"beta": lambda T00, biases, mn, reading: 0 * biases[-1]},
    "mn-missing": {"mn_factor": lambda: sp.Integer(1)},
}


def statements():
    # matrices: non-commutative symbols keep the printed order (C_{l-1}x1)(1xC_L)(C_LxC_l)
    dT = sp.Symbol("ΔT^(l,uv)ᵀ", commutative=False)
    Zc = sp.Symbol("conj(T^(u'v')(l-1:1) g^(u'v') + δ·β')", commutative=False)
    dh = sp.Symbol("∂Loss/∂h^(u'v')ᵀ", commutative=False)
    Ta = sp.Symbol("T^(u'v')(L:l+1)", commutative=False)
    chi = sp.Function("χ")(up, vp, u, v)
    eta = sp.Symbol("η")
    Z = sp.Symbol("Z^(u'v')")
    return [
        ("Eq. 5", sp.Eq(dT, -eta * M * N * sp.Sum(chi * Zc * dh * Ta, (up, 0, M - 1), (vp, 0, N - 1)))),
        ("input of layer l", sp.Eq(Z, sp.Symbol("T^(u'v')(l-1:1) g^(u'v')") + sp.KroneckerDelta(up, 0) * sp.KroneckerDelta(vp, 0) * sp.Symbol("β'"))),
        ("χ", sp.Eq(chi, chi_quotient().expr)),
        ("one step on W = MN steps on T", sp.Eq(sp.Symbol("ΔT^(l,uv)_dc"), -eta * M * N * sp.Symbol("∂Loss/∂T̄^(l,uv)_dc"))),
    ]


def validate(values: dict) -> None:
    check_kernel_fits(values["kernel"], values["size"])
    from ..claims import guard_size

    C, D = in_out(values)
    m, n = values["size"]
    guard_size("χ grid (MN)²", (m * n) ** 2)
    guard_size("per-layer spectra", max(C, D, values["channels"]) ** 2 * (m * n) ** 2)


def run(values: dict, settings: Settings, formulas) -> list:
    dtype, device, gen = runtime(settings)
    size, kernel, depth, eta = values["size"], values["kernel"], values["depth"], values["lr"]
    M_, N_ = size
    mn = M_ * N_
    C, D = in_out(values)
    chans = [C] + [values["channels"]] * (depth - 1) + [D]
    x = randn((chans[0], *size), gen, dtype, device)
    target = randn((chans[-1], *size), gen, dtype, device)
    weights = [randn((chans[i + 1], chans[i], kernel, kernel), gen, dtype, device) for i in range(depth)]
    biases = [randn((chans[i + 1],), gen, dtype, device) for i in range(depth)]

    def loss_of(y):
        err = (y - target) ** 2
        return err.mean() if values["loss"] == "mse" else err.sum()

    def forward(ws, bs, upto=None):
        z = x[None]
        for w, bb in list(zip(ws, bs))[:upto]:
            z = conv_paper(z, w, bb)
        return z[0]

    # autograd's dLoss/dh: h = fft2(y) as a leaf, the loss through ifft2(h).real
    y = forward(weights, biases)
    h = torch.fft.fft2(y.detach()).requires_grad_(True)
    loss_of(torch.fft.ifft2(h).real).backward()
    G = h.grad.detach().cpu().numpy().astype(np.complex128)

    # one real SGD step on the real network
    params = [w.clone().requires_grad_(True) for w in weights] + [bb.clone().requires_grad_(True) for bb in biases]
    opt = torch.optim.SGD(params, lr=eta)
    opt.zero_grad()
    loss_of(forward(params[:depth], params[depth:])).backward()
    opt.step()
    dW = [(p.detach() - w).cpu().double().numpy() for p, w in zip(params[:depth], weights)]
    dT_num = [spectrum_of_kernel(w, size) for w in dW]  # T of the real weight change, by the DFT definition

    # printed side
    expr = formulas["transfer"](kernel)
    Ts = [transfer_matrix(expr, w.cpu().double().numpy(), size) for w in weights]
    g = spectrum(x)
    grids = [np.arange(M_).reshape(-1, 1, 1, 1), np.arange(N_).reshape(1, -1, 1, 1),
             np.arange(M_).reshape(1, 1, -1, 1), np.arange(N_).reshape(1, 1, 1, -1)]
    chi, chi_undefined = formulas["chi"]().evaluate([up, vp, u, v, M, N, K], [*grids, M_, N_, kernel], (M_, N_, M_, N_))
    chi_limit = chi_by_torch(kernel, size, dtype, device)
    chi_used = np.where(chi_undefined, chi_limit, chi)  # 0/0 taken by its limit (the finite sum)
    mn_f = float(sp.N(formulas["mn_factor"]().subs({M: M_, N: N_})))
    b_np = [bb.cpu().double().numpy() for bb in biases]
    Zs, afters = [], []
    for layer in range(1, depth + 1):
        if layer == 1:
            Z = g.copy()
        else:
            Z = np.einsum("dcuv,cuv->duv", chain_transfer(Ts[:layer - 1]), g)
            Z[:, 0, 0] += formulas["beta"]([T[:, :, 0, 0] for T in Ts[:layer - 1]], b_np[:layer - 1], mn, "whole")
        Zs.append(Z)
        afters.append(chain_transfer(Ts[layer:]) if layer < depth else None)

    shown = shown_params(values)
    tol = settings.identity_tol()
    layer_axes = ("layer", "d", "c", "u", "v")
    numeric = stack(dT_num)
    verdicts = identity_verdicts("backprop.chi_closed_form", "χ = sin(K(u-u')π/M) sin(K(v-v')π/N)/(MN sin((u-u')π/M) sin((v-v')π/N))·e^{iπ(K-1)((u-u')/M+(v-v')/N)}",
                                 chi, chi_limit, ("u'", "v'", "u", "v"), shown, tol, undefined=chi_undefined,
                                 limit=chi_limit, note="numeric: R_{u-u',v-v'}/MN from the torch layer with an all-ones kernel")
    for name, reading in READINGS.items():
        D_ = reading(G)
        pred = stack([formulas["eq5"](eta, mn_f, chi_used, Zs[i], D_, afters[i]) for i in range(depth)])
        tag = " (documented reading)" if name == DOCUMENTED else ""
        verdicts += identity_verdicts(f"backprop.eq5[{name}]", f"Eq. 5 with ∂Loss/∂h read as {name}{tag}, every layer",
                                      pred, numeric, layer_axes, shown, tol,
                                      note="χ taken by its limit where the printed quotient is 0/0")
    D_doc = READINGS[DOCUMENTED](G)
    last = formulas["eq5"](eta, mn_f, chi_used, Zs[-1], D_doc, None)
    verdicts += identity_verdicts("backprop.eq5.last_layer", f"Eq. 5, reading {DOCUMENTED}, at the last layer l = L",
                                  last, dT_num[-1], ("d", "c", "u", "v"), shown, tol)
    corrected = stack([formulas["eq5"](eta, mn_f, chi_used, Zs[i], D_doc, afters[i], conj_after=True)
                       for i in range(depth)])
    verdicts += identity_verdicts("backprop.eq5.corrected",
                                  f"Eq. 5 with conj(T(L:l+1)) (the adjoint), reading {DOCUMENTED} (corrected variant)",
                                  corrected, numeric, layer_axes, shown, tol)

    # "one step on W equals MN steps on T": autograd gradient w.r.t. T^(l) in a full-kernel parameterisation
    G_T = []
    for layer in range(depth):
        T_leaf = torch.as_tensor(Ts[layer]).to(device).requires_grad_(True)
        full = (torch.fft.fft2(T_leaf) / mn).real.to(dtype)  # the zero-padded M x N kernel of layer l
        ws = list(weights)
        ws[layer] = full
        loss_of(forward(ws, biases)).backward()
        G_T.append(T_leaf.grad.detach().cpu().numpy().astype(np.complex128))
    for name, scale in (("2∂L/∂T̄", 1.0), ("∂L/∂T̄", 0.5)):
        pred = stack([-eta * mn_f * scale * gt for gt in G_T])
        verdicts += identity_verdicts(f"backprop.mn_steps[{name}]", f"ΔT = -η·MN·∂Loss/∂T̄, read as {name}",
                                      pred, numeric, layer_axes, shown, tol,
                                      note="holds only when the kernel covers the map (K = M = N)")
    projected = stack([-eta * mn_f * np.einsum("pquv,dcpq->dcuv", chi_used, gt) for gt in G_T])
    verdicts += identity_verdicts("backprop.mn_steps.projected",
                                  "ΔT = -η·MN·Σ χ_{u'v'uv} (2∂Loss/∂T̄)^(u'v'): MN steps on T projected onto K x K kernels (corrected variant)",
                                  projected, numeric, layer_axes, shown, tol)
    return number_from_one(verdicts, "layer")


def stack(arrays):
    """Per-layer arrays of different channel counts, zero-padded into one (layer, d, c, u, v) array."""
    d = max(a.shape[0] for a in arrays)
    c = max(a.shape[1] for a in arrays)
    out = np.zeros((len(arrays), d, c, *arrays[0].shape[2:]), dtype=np.complex128)
    for i, a in enumerate(arrays):
        out[i, :a.shape[0], :a.shape[1]] = a
    return out


def spectrum_of_kernel(w: np.ndarray, size) -> np.ndarray:
    """T by its definition sum_ts w e^{+i2pi(ut/M+vs/N)} = MN ifft2 of the zero-padded kernel, in torch."""
    pad = torch.zeros((*w.shape[:2], *size), dtype=torch.float64)
    pad[..., :w.shape[2], :w.shape[3]] = torch.as_tensor(w)
    return (torch.fft.ifft2(pad) * size[0] * size[1]).numpy()


def chi_by_torch(kernel, size, dtype, device) -> np.ndarray:
    """R_{u-u', v-v'} / MN from the torch conv with an all-ones kernel (indices mod M, N)."""
    from ..numeric.layers import impulse

    ones = torch.ones(1, 1, kernel, kernel, dtype=dtype, device=device)
    R = spectrum(conv_paper(impulse((1, 1, *size), dtype, device), ones)[0, 0])
    M_, N_ = size
    du = (np.arange(M_)[None, :] - np.arange(M_)[:, None]) % M_  # [u', u] -> u - u'
    dv = (np.arange(N_)[None, :] - np.arange(N_)[:, None]) % N_
    return R[du[:, None, :, None], dv[None, :, None, :]] / (M_ * N_)


def falsify_grid() -> list[dict]:
    return [{"size": s, "kernel": k, "depth": d, "channels": c}
            for s in [(1, 1), (2, 2), (3, 2), (4, 4), (5, 3)] for k in range(1, min(s) + 1)
            for d in (1, 2, 3) for c in (1, 2)]


CLAIM = Claim(
    id="backprop",
    aliases=("cor3.4", "eq5", "corollary3.4"),
    title="Change of T in one gradient step",
    source="ICML Cor 3.4, Eq. 5",
    kind="identity",
    summary="ΔT(l,uv)ᵀ = -ηMN Σ χ conj(T(l-1:1)g + δβ') ∂Loss/∂hᵀ T(L:l+1), χ = R_{u-u',v-v'}/MN",
    statements=statements,
    hypotheses=("L circular convolutions (paper anchor) with biases, real weights, no activations",
                "one gradient-descent step with learning rate η on a real loss",
                "the complex-derivative convention of ∂Loss/∂h is not printed"),
    params=(SIZE, KERNEL, CHANNELS, IN_CHANNELS, OUT_CHANNELS, DEPTH, LR, LOSS),
    run=run,
    formulas=FORMULAS,
    perturbations=PERTURBATIONS,
    falsify_grid=falsify_grid,
    validate=validate,
    notes="Numeric side: a real torch network, a real MSE loss to a random target, one torch.optim.SGD step; "
          "ΔT from the real weight change by the DFT definition.  ∂Loss/∂h is autograd's gradient of h = fft2(y) "
          "with the loss computed through ifft2(h).real.  Reading: '2∂L/∂h̄' (the gradient autograd returns, "
          "2× the conjugate Wirtinger derivative) equals the real step at the last layer; for l < L no reading "
          "does, because the print multiplies by T(L:l+1) where back-propagation applies its adjoint: "
          "backprop.eq5.corrected uses conj(T(L:l+1)) and holds to float64 precision.  'One step on W = MN steps "
          "on T' holds under the same reading only when the kernel covers the map; projected onto K x K kernels "
          "with χ it always holds (backprop.mn_steps.projected).",
)
