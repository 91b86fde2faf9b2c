"""theorem2 -- convolution weakens high frequencies (ICLR Thm 2; ICML Thm 4.2, Assumption 4.1, Eq. 27).

Setting: L conv layers, weights of layer l i.i.d. N(mu_l, sigma_l^2), layers independent.  Printed:
``E[T(L:1)] = prod_l mu_l R_uv``, ``R_uv = sum_ts e^{i2pi(ut/M+vs/N)} = sin(uK pi/M) sin(vK pi/N) /
(sin(u pi/M) sin(v pi/N)) e^{i((K-1)u/M+(K-1)v/N) pi}``, ``0 <= |R_uv| <= K^2``,
``log SOM(T(L:1)) = sum_l log(|mu_l R_uv|^2 + K^2 sigma_l^2)``; per layer: mean mu_l R_uv, variance
K^2 sigma_l^2, pseudo-covariance sigma_l^2 R_{2u,2v}.  Multi-channel: entry means
``(prod_{l<L} C_l) prod_l mu_l R`` and the printed SOM recursion (which assumes independent entries of the
partial products; a corrected recursion is checked beside it).  Five stated conclusions are trend claims,
judged from exact moments of the real layers (``symspec.numeric.exact``) around the given parameters.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
import torch

from ..claims import (FAIL, PASS, Claim, Comparison, Param, Settings, Verdict, guard_size, guard_work, identity_verdicts,
                      moment_verdicts, number_from_one, trend_verdict)
from ..errors import SymspecError
from ..numeric.exact import kernel_basis_spectra, network_som
from ..numeric.layers import conv_paper, impulse, spectrum
from ..numeric.montecarlo import Moments, sample_transfers
from ..spectral.conv import R_quotient, R_sum
from ..spectral.dft import K, M, N, bands, evaluate, grid, u, v
from .common import DEPTH, KERNEL, runtime, shown_params

SIZE = Param("size", "size", (16, 16), "feature map size MxN", minimum=1, maximum=512)
MU = Param("mu", "floats", (0.1,), "weight mean μ_l (one value or a comma list of L values)")
SIGMA = Param("sigma", "floats", (0.5,), "weight std σ_l (one value or a comma list of L values)", minimum=0)
CHANNELS = Param("channels", "int", 1, "channels of every layer (C_l); >1 checks the multi-channel formulas",
                 minimum=1, maximum=16)
SAMPLES = Param("samples", "int", 20000, "Monte-Carlo networks", minimum=100, maximum=2_000_000)
FREQ = Param("freq", "pair", None, "check one frequency u,v (default: every frequency of the grid)")

l_ = sp.Symbol("l", integer=True, positive=True)
L_ = sp.Symbol("L", integer=True, positive=True)
mu, sigma, C = sp.IndexedBase("μ"), sp.IndexedBase("σ"), sp.IndexedBase("C")
R = sp.Symbol("R_uv")
S_prev, X_prev, m_prev = sp.symbols("S_prev X_prev m_prev")
Cp, mu_l, sigma_l = sp.symbols("C_prev mu_l sigma_l")


def _mean(depth=None, r_once=False):
    if depth is None:
        return sp.Product(mu[l_] * R, (l_, 1, L_))
    if r_once:
        return sp.Mul(*[mu[i] for i in range(depth)]) * R
    return sp.Mul(*[mu[i] * R for i in range(depth)])


def _log_som(depth=None, k2=True):
    factor = K ** 2 if k2 else 1
    if depth is None:
        return sp.Sum(sp.log(sp.Abs(mu[l_] * R) ** 2 + factor * sigma[l_] ** 2), (l_, 1, L_))
    return sp.Add(*[sp.log(sp.Abs(mu[i] * R) ** 2 + factor * sigma[i] ** 2) for i in range(depth)])


def _mc_mean(depth=None, channel_factor=True):
    if depth is None:
        return sp.Product(C[l_], (l_, 1, L_ - 1)) * sp.Product(mu[l_] * R, (l_, 1, L_))
    factor = sp.Mul(*[C[i] for i in range(1, depth)]) if channel_factor else 1
    return factor * sp.Mul(*[mu[i] * R for i in range(depth)])


FORMULAS = {
    "R_closed": lambda: R_quotient(K),
    "R": lambda kernel, uu=u, vv=v: R_sum(kernel, uu, vv),
    "R_bound": lambda: K ** 2,
    "mean": _mean,
    "log_som": _log_som,
    "layer_mean": lambda: mu_l * R,
    "layer_variance": lambda: K ** 2 * sigma_l ** 2,
    "layer_pseudo": lambda kernel: sigma_l ** 2 * R_sum(kernel, 2 * u, 2 * v),
    "mc_mean": _mc_mean,
    # printed recursion: S_l = C_{l-1}(|mu_l R|^2 + K^2 sigma_l^2) S_{l-1} + C_{l-1}(C_{l-1}-1)|mu_l R|^2 |m_{l-1}|^2
    "mc_som_step": lambda: Cp * (sp.Abs(mu_l * R) ** 2 + K ** 2 * sigma_l ** 2) * S_prev
    + Cp * (Cp - 1) * sp.Abs(mu_l * R) ** 2 * sp.Abs(m_prev) ** 2,
    # corrected: track X_l = E[P_dc conj(P_d'c)] (d != d') instead of |m_l|^2
    "mc_som_corrected": lambda: (Cp * K ** 2 * sigma_l ** 2 * S_prev
                                 + sp.Abs(mu_l * R) ** 2 * (Cp * S_prev + Cp * (Cp - 1) * X_prev),
                                 sp.Abs(mu_l * R) ** 2 * (Cp * S_prev + Cp * (Cp - 1) * X_prev)),
    "direction": lambda: 1,
}

PERTURBATIONS = {
    "R-phase-sign": {"R_closed": lambda: R_quotient(K).subs({sp.I: -sp.I})},
    "R-bound-K": {"R_bound": lambda: K},
    "mean-R-once": {"mean": lambda depth=None, r_once=False: _mean(depth, r_once=True)},
    "som-without-K2": {"log_som": lambda depth=None, k2=True: _log_som(depth, k2=False)},
    "variance-K": {"layer_variance": lambda: K * sigma_l ** 2},
    "pseudo-covariance-R-uv": {"layer_pseudo": lambda kernel: sigma_l ** 2 * R_sum(kernel, u, v)},
    "mc-mean-no-channel-factor": {"mc_mean": lambda depth=None, channel_factor=True: _mc_mean(depth, False)},
    "mc-som-corrected-as-printed": {"mc_som_corrected": lambda: (
        Cp * (sp.Abs(mu_l * R) ** 2 + K ** 2 * sigma_l ** 2) * S_prev
        + Cp * (Cp - 1) * sp.Abs(mu_l * R) ** 2 * X_prev,
        sp.Abs(mu_l * R) ** 2 * X_prev * Cp ** 2)},
    "layer-mean-conjugate-R": {"layer_mean": lambda: mu_l * sp.conjugate(R)},
    "mc-som-without-cross-term": {"mc_som_step": lambda: Cp * (sp.Abs(mu_l * R) ** 2 + K ** 2 * sigma_l ** 2) * S_prev},
    "trend-directions-flipped": {"direction": lambda: -1},
}
_MC = {"channels": 2, "size": "4x4", "mu": "1", "sigma": "0.5", "samples": 20000}
PERTURB_AT = {
    "mc-mean-no-channel-factor": {**_MC, "depth": 2},
    "mc-som-without-cross-term": {**_MC, "depth": 2},
    "mc-som-corrected-as-printed": {**_MC, "depth": 3},
}


def statements():
    return [
        ("mean", sp.Eq(sp.Symbol("E[T(L:1)]"), _mean())),
        ("R_uv", sp.Eq(R, FORMULAS["R_closed"]().expr)),
        ("bound", sp.Le(sp.Abs(R), K ** 2)),
        ("SOM", sp.Eq(sp.log(sp.Symbol("SOM(T(L:1))")), _log_som())),
        ("per-layer mean / variance / pseudo-covariance",
         sp.Tuple(sp.Eq(sp.Symbol("E[T_l]"), mu_l * R), sp.Eq(sp.Symbol("Var[T_l]"), K ** 2 * sigma_l ** 2),
                  sp.Eq(sp.Symbol("E[(T_l-ET_l)^2]"), sigma_l ** 2 * sp.Symbol("R_{2u,2v}")))),
        ("multi-channel mean (every entry)", sp.Eq(sp.Symbol("E[T(L:1)_dc]"), _mc_mean())),
        ("multi-channel SOM recursion (printed)", sp.Eq(sp.Symbol("S_l"), FORMULAS["mc_som_step"]())),
        ("multi-channel SOM recursion (corrected: S_l, X_l)",
         sp.Tuple(*[sp.Eq(sp.Symbol(n), e) for n, e in zip(("S_l", "X_l"), FORMULAS["mc_som_corrected"]())])),
    ]


def per_layer(values: dict, name: str) -> tuple[float, ...]:
    vals = values[name]
    depth = values["depth"]
    if len(vals) == 1:
        return vals * depth
    if len(vals) != depth:
        raise SymspecError(f"--{name}: expected 1 or {depth} values (one per layer), got {len(vals)}")
    return vals


def validate(values: dict) -> None:
    size, kernel = values["size"], values["kernel"]
    if kernel > min(size):
        raise SymspecError(f"--kernel: K={kernel} is larger than the {size[0]}x{size[1]} map")
    per_layer(values, "mu")
    per_layer(values, "sigma")
    if values["freq"] is not None:
        fu, fv = values["freq"]
        if not (0 <= fu < size[0] and 0 <= fv < size[1]):
            raise SymspecError(f"--freq: ({fu},{fv}) is outside the {size[0]}x{size[1]} frequency grid")
    ch = values["channels"]
    guard_size("Monte-Carlo chunk", min(values["samples"], 4096) * ch * ch * size[0] * size[1] * 6)
    guard_work(f"--samples {values['samples']} at {size[0]}x{size[1]}",
               values["samples"] * size[0] * size[1] * kernel ** 2 * values["depth"] * ch ** 3)


class Restrict:
    """Slice (..., M, N) arrays down to one frequency when --freq is given, and fix witness points."""

    def __init__(self, freq):
        self.freq = freq

    def __call__(self, arr):
        arr = np.asarray(arr)
        if self.freq is None:
            return arr
        fu, fv = self.freq
        return arr[..., fu:fu + 1, fv:fv + 1]

    def fix(self, verdicts):
        if self.freq is not None:
            for verdict in verdicts:
                point = verdict.witness.get("point")
                if isinstance(point, dict) and "u" in point:
                    point["u"] += self.freq[0]
                    point["v"] += self.freq[1]
        return verdicts


# ------------------------------------------------------------------------------------------- trends


def bump(x: float, floor: float) -> float:
    """A larger |x| (same sign; 0 moves to +floor)."""
    sign = 1.0 if x >= 0 else -1.0
    return x + sign * max(0.25 * abs(x), floor)


def _ratio(som: np.ndarray, low: np.ndarray, high: np.ndarray) -> float:
    return float(som[high].mean() / som[low].mean())


def trend_verdicts(values, params, formulas, dtype, device, restrict: Restrict) -> list:
    size, kernel, depth = values["size"], values["kernel"], values["depth"]
    mus, sigmas = list(per_layer(values, "mu")), list(per_layer(values, "sigma"))
    sign = formulas["direction"]()
    A = kernel_basis_spectra(kernel, size, dtype, device)
    A_next = kernel_basis_spectra(kernel + 1, size, dtype, device) if kernel + 1 <= min(size) else None
    som = network_som(A, mus, sigmas)
    sel_u, sel_v = np.meshgrid(np.arange(size[0]), np.arange(size[1]), indexing="ij")
    sel = np.ones(size, dtype=bool) if restrict.freq is None else (sel_u == restrict.freq[0]) & (sel_v == restrict.freq[1])
    low, high = bands(*size)

    def holds(before, after, rel=1e-12):
        if sign > 0:
            return after >= before * (1 - rel) - 1e-300
        return after <= before * (1 + rel)

    def strictly(before, after):
        return after > before if sign > 0 else after < before

    def per_freq(desc, before, after, strict=False):
        out = []
        for iu, iv in zip(*np.nonzero(sel)):
            b0, a0 = float(before[iu, iv]), float(after[iu, iv])
            ok = strictly(b0, a0) if strict else holds(b0, a0)
            out.append(Comparison(desc, b0, a0, ok, {"u": int(iu), "v": int(iv)}))
        return out

    verdicts = []
    # 1a: |mu_l| up
    comps = []
    for layer in range(depth):
        mus2 = list(mus)
        mus2[layer] = bump(mus[layer], 0.05 * max(sigmas[layer], 1e-3))
        comps += per_freq(f"SOM at μ_{layer + 1}={mus[layer]:g} vs {mus2[layer]:g}", som,
                          network_som(A, mus2, sigmas))
    verdicts.append(trend_verdict("theorem2.trend.mu", "conclusion 1: SOM increases with |μ_l|", comps, params,
                                  note="non-strict: SOM is constant in μ where R_uv = 0"))
    # 1b: |R_uv| across frequencies
    r_abs = np.abs(A.sum(axis=0))
    order = np.argsort(r_abs[sel], kind="stable")
    r_sel, s_sel = r_abs[sel][order], som[sel][order]
    idx_u, idx_v = (x[sel][order] for x in np.meshgrid(np.arange(size[0]), np.arange(size[1]), indexing="ij"))
    comps = []
    for i in range(1, len(r_sel)):
        if r_sel[i] > r_sel[i - 1] * (1 + 1e-9) + 1e-12:
            comps.append(Comparison(f"SOM at |R|={r_sel[i - 1]:.4g} vs |R|={r_sel[i]:.4g}", float(s_sel[i - 1]),
                                    float(s_sel[i]), holds(float(s_sel[i - 1]), float(s_sel[i])),
                                    {"u": int(idx_u[i]), "v": int(idx_v[i])}))
    if not comps:
        comps.append(Comparison("a single value of |R_uv| on the selected grid", float(som[sel].ravel()[0]),
                                float(som[sel].ravel()[0]), True))
    verdicts.append(trend_verdict("theorem2.trend.R", "conclusion 1: SOM increases with |R_uv|", comps, params))
    # 1c: K -> K+1
    if A_next is not None:
        comps = per_freq(f"SOM at K={kernel} vs K={kernel + 1}", som, network_som(A_next, mus, sigmas))
        verdicts.append(trend_verdict("theorem2.trend.K", "conclusion 1: SOM increases with the kernel size K",
                                      comps, params))
    # 1d: sigma_l up
    comps = []
    for layer in range(depth):
        sig2 = list(sigmas)
        sig2[layer] = bump(sigmas[layer], 0.05 * max(abs(mus[layer]), 1e-3))
        comps += per_freq(f"SOM at σ_{layer + 1}={sigmas[layer]:g} vs {sig2[layer]:g}", som,
                          network_som(A, mus, sig2))
    verdicts.append(trend_verdict("theorem2.trend.sigma", "conclusion 1: SOM increases with σ_l²", comps, params))
    # 2: depth
    deeper = network_som(A, mus + [mus[-1]], sigmas + [sigmas[-1]])
    comps = per_freq(f"SOM at L={depth} vs L={depth + 1} (extra layer like layer {depth})", som, deeper, strict=True)
    verdicts.append(trend_verdict("theorem2.trend.depth", "conclusion 2: SOM grows exponentially with depth L",
                                  comps, params, note="log SOM is additive over layers (checked by theorem2.som); "
                                  "growth needs |μR|² + K²σ² > 1 at each frequency"))
    if not (low.any() and high.any()):
        return verdicts  # grids too small for separate low and high bands: conclusions 3-5 do not apply
    # 3: high frequencies weakened, more when deep
    r_L, r_L1 = _ratio(som, low, high), _ratio(deeper, low, high)
    comps = [Comparison(f"high/low SOM ratio: input (flat) vs after L={depth} layers", 1.0, r_L,
                        (r_L < 1.0) if sign > 0 else (r_L > 1.0)),
             Comparison(f"high/low SOM ratio at L={depth} vs L={depth + 1}", r_L, r_L1, (r_L1 < r_L) if sign > 0 else (r_L1 > r_L))]
    verdicts.append(trend_verdict("theorem2.trend.high_weakened",
                                  "conclusion 3: convolution weakens high frequencies, more so when deep", comps,
                                  params, note="ratio = mean SOM over the high band / mean SOM over the low band"))
    # 4: larger |mu| -> high relatively weaker
    mus_up = [bump(m, 0.05 * max(s, 1e-3)) for m, s in zip(mus, sigmas)]
    r_mu = _ratio(network_som(A, mus_up, sigmas), low, high)
    comps = [Comparison(f"high/low SOM ratio at μ={fmt_list(mus)} vs μ={fmt_list(mus_up)}", r_L, r_mu,
                        (r_mu < r_L) if sign > 0 else (r_mu > r_L))]
    verdicts.append(trend_verdict("theorem2.trend.mu_relative",
                                  "conclusion 4: a large |μ_l| makes high frequencies relatively weaker", comps, params))
    # 5: small K -> high relatively weaker
    if A_next is not None:
        r_K1 = _ratio(network_som(A_next, mus, sigmas), low, high)
        comps = [Comparison(f"high/low SOM ratio at K={kernel} (smaller) vs K={kernel + 1}", r_L, r_K1,
                            (r_L < r_K1) if sign > 0 else (r_L > r_K1))]
        verdicts.append(trend_verdict("theorem2.trend.small_kernel",
                                      "conclusion 5: a small kernel size K makes high frequencies relatively weaker",
                                      comps, params, note="holds when the smaller kernel has the smaller high/low ratio"))
    return verdicts


def fmt_list(xs) -> str:
    return ",".join(f"{x:.3g}" for x in xs)


# ------------------------------------------------------------------------------------------- moments


def run(values: dict, settings: Settings, formulas) -> list:
    dtype, device, gen = runtime(settings)
    size, kernel, depth, ch = values["size"], values["kernel"], values["depth"], values["channels"]
    samples = values["samples"]
    mus, sigmas = per_layer(values, "mu"), per_layer(values, "sigma")
    params = shown_params(values)
    restrict = Restrict(values["freq"])
    tol = settings.identity_tol()
    uu, vv = grid(*size)
    shape = size
    verdicts = []

    # R_uv: printed quotient vs the torch layer with an all-ones kernel (its transfer is R by definition)
    ones = torch.ones(1, 1, kernel, kernel, dtype=dtype, device=device)
    R_num = spectrum(conv_paper(impulse((1, 1, *size), dtype, device), ones)[0, 0])
    R_closed, undefined = formulas["R_closed"]().evaluate([u, v, M, N, K], [uu, vv, *size, kernel], shape)
    verdicts += identity_verdicts("theorem2.R_closed_form", "R_uv = sin(uKπ/M)sin(vKπ/N)/(sin(uπ/M)sin(vπ/N))·e^{iπ(K-1)(u/M+v/N)}",
                                  restrict(R_closed), restrict(R_num), ("u", "v"), params, tol,
                                  undefined=restrict(undefined), limit=restrict(R_num),
                                  note="numeric: torch conv with an all-ones kernel on an impulse")
    bound = float(evaluate(formulas["R_bound"](), [K], [kernel], ()).real)
    worst = float(np.abs(restrict(R_num)).max())
    err = max(0.0, worst - bound) / bound
    ok = err <= tol and float(np.abs(R_num).min()) >= 0
    verdicts.append(Verdict("theorem2.R_bound", "0 ≤ |R_uv| ≤ K²", "identity", bound, worst, err, tol,
                            PASS if ok else FAIL, {"params": params, "bound": bound, "max_abs_R": worst},
                            note="numeric: max |R_uv| over the grid from the torch layer"))

    R_def = evaluate(formulas["R"](kernel), [u, v, M, N], [uu, vv, *size], shape)

    # whole-network moments from sampled real networks
    chans = [ch] * (depth + 1)
    acc = Moments()
    for T in sample_transfers(samples, chans, kernel, size, mus, sigmas, gen, dtype, device):
        acc.add(T)
    mean_est, mean_se = acc.mean()
    som_est, som_se = acc.som()
    mu_arr, sig_arr = np.array(mus, dtype=float), np.array(sigmas, dtype=float)
    axes = ("u", "v") if ch == 1 else ("d", "c", "u", "v")
    if ch == 1:
        mean_est, mean_se, som_est, som_se = (x[0, 0] for x in (mean_est, mean_se, som_est, som_se))
        mean_f = evaluate(formulas["mean"](depth), [R, mu], [R_def, mu_arr], shape)
        log_som_f = evaluate(formulas["log_som"](depth), [R, mu, sigma, K], [R_def, mu_arr, sig_arr, kernel], shape)
        verdicts += moment_verdicts("theorem2.mean", "E[T(L:1)] = Π_l μ_l R_uv", restrict(mean_f),
                                    restrict(mean_est), restrict(mean_se), axes, params, n_samples=samples)
        verdicts += moment_verdicts("theorem2.som", "log SOM(T(L:1)) = Σ_l log(|μ_l R_uv|² + K²σ_l²)",
                                    restrict(np.exp(log_som_f.real)), restrict(som_est), restrict(som_se), axes,
                                    params, n_samples=samples, note="compared as SOM = exp(Σ log …)")
    else:
        C_arr = np.array([ch] * (depth + 1), dtype=float)
        mean_f = evaluate(formulas["mc_mean"](depth), [R, mu, C], [R_def, mu_arr, C_arr], shape)
        S_print, S_corr, X_corr, m_prev_v = None, None, None, None
        step = sp.lambdify([Cp, mu_l, sigma_l, R, K, S_prev, m_prev], formulas["mc_som_step"](), "numpy")
        corr = sp.lambdify([Cp, mu_l, sigma_l, R, K, S_prev, X_prev], formulas["mc_som_corrected"](), "numpy")
        for layer in range(depth):
            first = np.abs(mus[0] * R_def) ** 2 + kernel ** 2 * sigmas[0] ** 2
            if layer == 0:
                S_print, S_corr, X_corr = first, first, np.abs(mus[0] * R_def) ** 2
                m_prev_v = mus[0] * R_def
                continue
            c_prev = float(ch)
            S_print = step(c_prev, mus[layer], sigmas[layer], R_def, kernel, S_print, m_prev_v)
            S_corr, X_corr = (np.asarray(x) for x in corr(c_prev, mus[layer], sigmas[layer], R_def, kernel,
                                                            S_corr, X_corr))
            m_prev_v = c_prev * mus[layer] * R_def * m_prev_v
        full = (ch, ch, *size)
        verdicts += moment_verdicts("theorem2.mean_multichannel", "E[T(L:1)_dc] = (Π_{l<L} C_l)·Π_l μ_l R_uv",
                                    restrict(np.broadcast_to(mean_f, full)), restrict(mean_est), restrict(mean_se),
                                    axes, params, n_samples=samples)
        verdicts += moment_verdicts("theorem2.som_multichannel",
                                    "S_L = C(|μR|²+K²σ²)S_{L-1} + C(C-1)|μR|²|m_{L-1}|² (printed)",
                                    restrict(np.broadcast_to(S_print, full)), restrict(som_est), restrict(som_se),
                                    axes, params, n_samples=samples,
                                    note="assumes independent entries of T(l:1); exact only for L ≤ 2")
        verdicts += moment_verdicts("theorem2.som_multichannel.corrected",
                                    "S_L = C K²σ² S + |μR|²(C S + C(C-1) X), X_L = |μR|²(C S + C(C-1) X) (corrected variant)",
                                    restrict(np.broadcast_to(S_corr, full)), restrict(som_est), restrict(som_se),
                                    axes, params, n_samples=samples,
                                    note="X_l = E[T(l:1)_dc conj T(l:1)_d'c], d ≠ d'; X_1 = |μ_1 R|²")

    # per-layer distribution of T^(l,uv): one-layer networks, entry (0,0)
    layer_mean_f, layer_var_f, layer_pseudo_f = [], [], []
    lm, lm_se, lv, lv_se, lp, lp_se = [], [], [], [], [], []
    n_layer = min(samples, 20000)
    for layer in range(depth):
        T = np.concatenate([x[:, 0, 0] for x in sample_transfers(n_layer, [1, 1], kernel, size, [mus[layer]],
                                                               [sigmas[layer]], gen, dtype, device)])
        m = T.mean(0)
        dev = T - m
        corr_n = n_layer / (n_layer - 1)
        lm.append(m)
        lm_se.append(T.real.std(0, ddof=1) / np.sqrt(n_layer) + 1j * T.imag.std(0, ddof=1) / np.sqrt(n_layer))
        y = np.abs(dev) ** 2
        lv.append(y.mean(0) * corr_n)
        lv_se.append(y.std(0, ddof=1) / np.sqrt(n_layer))
        z = dev ** 2
        lp.append(z.mean(0) * corr_n)
        lp_se.append(z.real.std(0, ddof=1) / np.sqrt(n_layer) + 1j * z.imag.std(0, ddof=1) / np.sqrt(n_layer))
        layer_mean_f.append(evaluate(formulas["layer_mean"](), [mu_l, R], [mus[layer], R_def], shape))
        layer_var_f.append(evaluate(formulas["layer_variance"](), [sigma_l, K], [sigmas[layer], kernel], shape))
        layer_pseudo_f.append(evaluate(formulas["layer_pseudo"](kernel), [sigma_l, u, v, M, N],
                                  [sigmas[layer], uu, vv, *size], shape))
    laxes = ("layer", "u", "v")
    verdicts += moment_verdicts("theorem2.layer_mean", "E[T^(l,uv)] = μ_l R_uv", restrict(np.stack(layer_mean_f)),
                                restrict(np.stack(lm)), restrict(np.stack(lm_se)), laxes, params, n_samples=n_layer)
    verdicts += moment_verdicts("theorem2.layer_variance", "E|T^(l,uv) - E T|² = K²σ_l²",
                                restrict(np.stack(layer_var_f)), restrict(np.stack(lv)), restrict(np.stack(lv_se)),
                                laxes, params, n_samples=n_layer)
    verdicts += moment_verdicts("theorem2.layer_pseudo_covariance", "E[(T^(l,uv) - E T)²] = σ_l² R_{2u,2v}",
                                restrict(np.stack(layer_pseudo_f)), restrict(np.stack(lp)), restrict(np.stack(lp_se)),
                                laxes, params, n_samples=n_layer)
    verdicts = number_from_one(restrict.fix(verdicts), "layer")
    verdicts += restrict.fix(trend_verdicts(values, params, formulas, dtype, device, restrict))
    return verdicts


def falsify_grid() -> list[dict]:
    out = []
    for size in [(4, 4), (6, 6), (8, 8)]:
        for kernel in (1, 2, 3):
            for depth in (1, 2, 3):
                for mu_ in (0.0, 0.1, 1.0):
                    for sigma_ in (0.1, 0.5):
                        out.append({"size": size, "kernel": kernel, "depth": depth, "mu": (mu_,),
                                    "sigma": (sigma_,), "channels": 1, "samples": 3000})
    for kernel in (1, 2, 3):  # multi-channel: the printed SOM recursion differs from the truth from L = 3 on
        for depth in (2, 3):
            for mu_ in (0.1, 1.0):
                out.append({"size": (4, 4), "kernel": kernel, "depth": depth, "mu": (mu_,), "sigma": (0.5,),
                            "channels": 2, "samples": 30000})
    return out


CLAIM = Claim(
    id="theorem2",
    aliases=("thm2", "thm4.2", "conv-weakens-high"),
    title="Convolution weakens high frequencies",
    source="ICLR Thm 2; ICML Thm 4.2, Assumption 4.1, Eq. 27",
    kind="moment+trend",
    summary="E T(L:1) = Π μ_l R_uv; log SOM = Σ log(|μ_l R_uv|² + K²σ_l²); five trend conclusions",
    statements=statements,
    hypotheses=("weights of layer l i.i.d. N(μ_l, σ_l²); layers independent; no activations; circular padding",
                "single channel (C_l = 1) for the mean/SOM formulas; multi-channel formulas additionally assume "
                "independent entries of the partial products T(l:1)"),
    params=(KERNEL, DEPTH, SIZE, MU, SIGMA, CHANNELS, SAMPLES, FREQ),
    run=run,
    formulas=FORMULAS,
    perturbations=PERTURBATIONS,
    falsify_grid=falsify_grid,
    validate=validate,
    perturb_at=PERTURB_AT,
    notes="Defaults: K=3, L=3, 16x16, μ=0.1 (a small positive mean, as in the paper's Fig. 4b experiments) and "
          "σ=0.5 (about He initialisation for one 3x3 channel, so that each layer has SOM > 1).  Numeric side: "
          "--samples independent networks of real grouped torch convolutions fed an impulse; moments with "
          "standard errors.  Trend conclusions are judged from exact moments of the real layers (responses to "
          "unit kernels) around the given parameters: |μ_l| and σ_l up by 25%, K → K+1, L → L+1.",
)
