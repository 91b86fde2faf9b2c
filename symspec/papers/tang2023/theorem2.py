"""theorem2 -- convolution weakens high frequencies (ICLR Thm 2; ICML Thm 4.2, p. 5; Eq. 27, p. 20; A.4, pp.
21-22).

Setting: L conv layers, weights of layer l i.i.d. N(mu_l, sigma_l^2), layers independent.  Printed (C_l = 1):
``E[T(L:1)] = prod_l mu_l R_uv``, ``R_uv = sum_ts e^{i2pi(ut/M+vs/N)} = sin(uK pi/M) sin(vK pi/N) /
(sin(u pi/M) sin(v pi/N)) e^{i((K-1)u/M+(K-1)v/N) pi}``, ``0 <= |R_uv| <= K^2``,
``log SOM(T(L:1)) = sum_l log(|mu_l R_uv|^2 + K^2 sigma_l^2)``; per layer (Eq. 27): mean mu_l R_uv, variance
K^2 sigma_l^2, pseudo-covariance sigma_l^2 R_{2u,2v}.  Multi-channel (A.4, Eqs. 31-32): entry means
``(prod_{l<L} C_l) prod_l mu_l R`` and the printed SOM recursion (which treats the entries of a partial
product as independent; a corrected recursion that tracks the same-column cross moment is checked beside it).

Every printed formula is compared as an identity with the exact moments of the real layers
(:mod:`symspec.numeric.moments`), so a wrong formula fails for every seed.  Monte-Carlo over real torch
networks is the independent second side of the exact engine (rows ``theorem2.exact_vs_montecarlo[...]``).  The
five stated conclusions are trend claims, judged from exact moments around the given parameters.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np
import sympy as sp
import torch

from ...claims import (
    FAIL,
    PASS,
    PREMISE,
    SCOPE,
    TYPO,
    Claim,
    Comparison,
    Finding,
    Param,
    Regimes,
    Settings,
    Verdict,
    convention,
    guard_size,
    guard_work,
    identity_verdicts,
    moment_verdicts,
    number_from_one,
    printed,
    trend_verdict,
    variant,
)
from ...errors import SymspecError
from ...numeric.exact import kernel_basis_spectra
from ...numeric.layers import conv_paper, impulse, spectrum
from ...numeric.moments import layer_moments, network_moments, single_channel_som
from ...numeric.montecarlo import Moments, sample_transfers
from ...spectral.conv import R_quotient, R_sum
from ...spectral.dft import K, M, N, bands, evaluate, grid, u, v
from ...verdicts import MomentGrid
from .common import DEPTH, KERNEL, runtime, shown_params

SIZE = Param("size", "size", (16, 16), "feature map size MxN", minimum=1, maximum=512)
MU = Param("mu", "floats", (0.1,), "weight mean μ_l (one value or a comma list of L values)")
SIGMA = Param("sigma", "floats", (0.5,), "weight std σ_l (one value or a comma list of L values)", minimum=0)
CHANNELS = Param(
    "channels",
    "int",
    2,
    "channels C_l of every layer in the multi-channel rows (A.4); the "
    "Thm 4.2 rows always use C_l = 1; 1 skips the multi-channel rows",
    minimum=1,
    maximum=16,
)
SAMPLES = Param(
    "samples",
    "int",
    10000,
    "Monte-Carlo networks (the independent side of the exact moments)",
    minimum=100,
    maximum=2_000_000,
)
FREQ = Param("freq", "pair", None, "check one frequency u,v (default: every frequency of the grid)")
CHUNK = 512  # networks per batch on the Monte-Carlo side (small batches stay in cache)

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
    factor = K**2 if k2 else 1
    if depth is None:
        return sp.Sum(sp.log(sp.Abs(mu[l_] * R) ** 2 + factor * sigma[l_] ** 2), (l_, 1, L_))
    return sp.Add(*[sp.log(sp.Abs(mu[i] * R) ** 2 + factor * sigma[i] ** 2) for i in range(depth)])


def _mc_mean(depth=None, channel_factor=True):
    if depth is None:
        return sp.Product(C[l_], (l_, 1, L_ - 1)) * sp.Product(mu[l_] * R, (l_, 1, L_))
    factor = sp.Mul(*[C[i] for i in range(1, depth)]) if channel_factor else 1
    return factor * sp.Mul(*[mu[i] * R for i in range(depth)])


def _missing_first_weight(engine):
    """A defective exact engine that forgets the first weight of every kernel (the unit kernel e_00)."""
    return lambda A, *args, **kw: engine(A[1:], *args, **kw)


FORMULAS = {
    "R_closed": lambda: R_quotient(K),
    "R": lambda kernel, uu=u, vv=v: R_sum(kernel, uu, vv),
    "R_bound": lambda: K**2,
    "mean": _mean,
    "log_som": _log_som,
    "layer_mean": lambda: mu_l * R,
    "layer_variance": lambda: K**2 * sigma_l**2,
    "layer_pseudo": lambda kernel: sigma_l**2 * R_sum(kernel, 2 * u, 2 * v),
    "layer_som": lambda: sp.Abs(mu_l * R) ** 2 + K**2 * sigma_l**2,  # Eq. 28 (and Eq. 30 entrywise)
    "weight_pseudo": lambda: sp.Integer(0),  # p. 19: a real weight cast as ComplexN(μ_l, σ_l², 0)
    "mc_mean": _mc_mean,
    # printed recursion: S_l = C_{l-1}(|mu_l R|^2 + K^2 sigma_l^2) S_{l-1} + C_{l-1}(C_{l-1}-1)|mu_l
    # R|^2 |m_{l-1}|^2
    "mc_som_step": lambda: (
        Cp * (sp.Abs(mu_l * R) ** 2 + K**2 * sigma_l**2) * S_prev
        + Cp * (Cp - 1) * sp.Abs(mu_l * R) ** 2 * sp.Abs(m_prev) ** 2
    ),
    # corrected: track X_l = E[P_dc conj(P_d'c)] (d != d') instead of |m_l|^2
    "mc_som_corrected": lambda: (
        Cp * K**2 * sigma_l**2 * S_prev + sp.Abs(mu_l * R) ** 2 * (Cp * S_prev + Cp * (Cp - 1) * X_prev),
        sp.Abs(mu_l * R) ** 2 * (Cp * S_prev + Cp * (Cp - 1) * X_prev),
    ),
    "direction": lambda: 1,
    # the truth the printed formulas are compared with (perturbable, so that the Monte-Carlo rows can fail)
    "exact_layer": layer_moments,
    "exact_network": network_moments,
}

PERTURBATIONS = {
    "R-phase-sign": {"R_closed": lambda: R_quotient(K).subs({sp.I: -sp.I})},
    "R-bound-K": {"R_bound": lambda: K},
    "mean-R-once": {"mean": lambda depth=None, r_once=False: _mean(depth, r_once=True)},
    "som-without-K2": {"log_som": lambda depth=None, k2=True: _log_som(depth, k2=False)},
    "variance-K": {"layer_variance": lambda: K * sigma_l**2},
    "pseudo-covariance-R-uv": {"layer_pseudo": lambda kernel: sigma_l**2 * R_sum(kernel, u, v)},
    "layer-som-without-mean-term": {"layer_som": lambda: K**2 * sigma_l**2},
    "mc-mean-no-channel-factor": {"mc_mean": lambda depth=None, channel_factor=True: _mc_mean(depth, False)},
    "mc-som-corrected-as-printed": {
        "mc_som_corrected": lambda: (
            Cp * (sp.Abs(mu_l * R) ** 2 + K**2 * sigma_l**2) * S_prev
            + Cp * (Cp - 1) * sp.Abs(mu_l * R) ** 2 * X_prev,
            sp.Abs(mu_l * R) ** 2 * X_prev * Cp**2,
        )
    },
    "layer-mean-conjugate-R": {"layer_mean": lambda: mu_l * sp.conjugate(R)},
    "mc-som-without-cross-term": {
        "mc_som_step": lambda: Cp * (sp.Abs(mu_l * R) ** 2 + K**2 * sigma_l**2) * S_prev
    },
    "trend-directions-flipped": {"direction": lambda: -1},
    "exact-engine-misses-a-weight": {
        "exact_layer": _missing_first_weight(layer_moments),
        "exact_network": _missing_first_weight(network_moments),
    },
}
_MC = {"channels": 2, "size": "4x4", "mu": "1", "sigma": "0.5", "samples": 20000}
PERTURB_AT = {
    "mc-som-without-cross-term": {"channels": 2, "depth": 2},  # where the printed recursion holds
    "exact-engine-misses-a-weight": {**_MC, "depth": 2},  # a strong mean: the Monte-Carlo side sees it
}


def statements():
    return [
        ("mean", sp.Eq(sp.Symbol("E[T(L:1)]"), _mean())),
        ("R_uv", sp.Eq(R, FORMULAS["R_closed"]().expr)),
        ("bound", sp.Le(sp.Abs(R), K**2)),
        ("SOM", sp.Eq(sp.log(sp.Symbol("SOM(T(L:1))")), _log_som())),
        (
            "per-layer mean / variance / pseudo-covariance (Eq. 27)",
            sp.Tuple(
                sp.Eq(sp.Symbol("E[T_l]"), mu_l * R),
                sp.Eq(sp.Symbol("Var[T_l]"), K**2 * sigma_l**2),
                sp.Eq(sp.Symbol("E[(T_l-ET_l)^2]"), sigma_l**2 * sp.Symbol("R_{2u,2v}")),
            ),
        ),
        ("multi-channel mean (every entry; A.4)", sp.Eq(sp.Symbol("E[T(L:1)_dc]"), _mc_mean())),
        ("multi-channel SOM recursion (printed; A.4)", sp.Eq(sp.Symbol("S_l"), FORMULAS["mc_som_step"]())),
        (
            "multi-channel SOM recursion (corrected: S_l, X_l)",
            sp.Tuple(
                *[sp.Eq(sp.Symbol(n), e) for n, e in zip(("S_l", "X_l"), FORMULAS["mc_som_corrected"]())]
            ),
        ),
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
    guard_size(
        "exact second-moment tensor", ch**4 * size[0] * size[1] * 4
    )  # (C, C, C, C, M, N) and temporaries
    guard_size("Monte-Carlo chunk", min(values["samples"], CHUNK) * ch * ch * size[0] * size[1] * 6)
    guard_work(
        f"--samples {values['samples']} at {size[0]}x{size[1]}",
        values["samples"] * size[0] * size[1] * kernel**2 * values["depth"] * ch**3,
    )


class Frequencies:
    """``--freq``: the one frequency every row compares at (all of them when None).

    The other frequencies are *excluded* from the comparisons rather than sliced away, so every witness point
    is the absolute frequency and ``--at`` replays it.
    """

    def __init__(self, freq, size):
        self.freq = freq
        self.selected = np.ones(size, dtype=bool)
        if freq is not None:
            self.selected[:] = False
            self.selected[freq] = True

    def exclude(self, shape, also=None):
        """Points of a (..., M, N) grid the rows leave out: other frequencies, plus ``also``."""
        out = np.broadcast_to(~self.selected, shape)
        return out if also is None else out | np.broadcast_to(also, shape)

    def values(self, arr):
        return np.asarray(arr)[..., self.selected]


# ------------------------------------------------------------------------------------------- trends


def bump(x: float, floor: float) -> float:
    """A larger |x| (same sign; 0 moves to +floor)."""
    sign = 1.0 if x >= 0 else -1.0
    return x + sign * max(0.25 * abs(x), floor)


def _ratio(som: np.ndarray, low: np.ndarray, high: np.ndarray) -> float:
    return float(som[high].mean() / som[low].mean())


class Trends:
    """What the trend rows share: the exact single-channel SOM of the real layers at the given parameters, the
    frequencies compared (``--freq``), the low and high bands and the claimed direction (``sign``)."""

    def __init__(self, values, params, formulas, dtype, device, freqs: Frequencies):
        self.params, self.size = params, values["size"]
        self.kernel, self.depth = values["kernel"], values["depth"]
        self.mus, self.sigmas = list(per_layer(values, "mu")), list(per_layer(values, "sigma"))
        self.sign = formulas["direction"]()
        self.A = kernel_basis_spectra(self.kernel, self.size, dtype, device)
        fits = self.kernel + 1 <= min(self.size)
        self.A_next = kernel_basis_spectra(self.kernel + 1, self.size, dtype, device) if fits else None
        self.som = single_channel_som(self.A, self.mus, self.sigmas)
        self.sel = freqs.selected
        self.low, self.high = bands(*self.size)

    def holds(self, before, after, rel=1e-12):
        if self.sign > 0:
            return after >= before * (1 - rel) - 1e-300
        return after <= before * (1 + rel)

    def strictly(self, before, after):
        return after > before if self.sign > 0 else after < before

    def per_freq(self, desc, before, after, strict=False):
        out = []
        for iu, iv in zip(*np.nonzero(self.sel)):
            b0, a0 = float(before[iu, iv]), float(after[iu, iv])
            ok = self.strictly(b0, a0) if strict else self.holds(b0, a0)
            out.append(Comparison(desc, b0, a0, ok, {"u": int(iu), "v": int(iv)}))
        return out


def mu_trend(t: Trends) -> list:
    """Conclusion 1a: SOM increases with |μ_l| (each layer's |μ| bumped in turn)."""
    comps = []
    for layer in range(t.depth):
        mus2 = list(t.mus)
        mus2[layer] = bump(t.mus[layer], 0.05 * max(t.sigmas[layer], 1e-3))
        comps += t.per_freq(
            f"SOM at μ_{layer + 1}={t.mus[layer]:g} vs {mus2[layer]:g}",
            t.som,
            single_channel_som(t.A, mus2, t.sigmas),
        )
    return [
        trend_verdict(
            "theorem2.trend.mu",
            "conclusion 1: SOM increases with |μ_l|",
            comps,
            t.params,
            note="non-strict: SOM is constant in μ where R_uv = 0",
        )
    ]


def r_trend(t: Trends) -> list:
    """Conclusion 1b: SOM increases with |R_uv| (frequencies in order of |R_uv|, neighbours compared)."""
    sel = t.sel
    r_abs = np.abs(t.A.sum(axis=0))
    order = np.argsort(r_abs[sel], kind="stable")
    r_sel, s_sel = r_abs[sel][order], t.som[sel][order]
    grid_uv = np.meshgrid(np.arange(t.size[0]), np.arange(t.size[1]), indexing="ij")
    idx_u, idx_v = (x[sel][order] for x in grid_uv)
    comps = []
    for i in range(1, len(r_sel)):
        if r_sel[i] > r_sel[i - 1] * (1 + 1e-9) + 1e-12:
            before, after = float(s_sel[i - 1]), float(s_sel[i])
            comps.append(
                Comparison(
                    f"SOM at |R|={r_sel[i - 1]:.4g} vs |R|={r_sel[i]:.4g}",
                    before,
                    after,
                    t.holds(before, after),
                    {"u": int(idx_u[i]), "v": int(idx_v[i])},
                )
            )
    if not comps:
        comps.append(
            Comparison(
                "a single value of |R_uv| on the selected grid",
                float(t.som[sel].ravel()[0]),
                float(t.som[sel].ravel()[0]),
                True,
            )
        )
    return [trend_verdict("theorem2.trend.R", "conclusion 1: SOM increases with |R_uv|", comps, t.params)]


def kernel_trend(t: Trends) -> list:
    """Conclusion 1c: SOM increases with K (K against K + 1, where K + 1 fits the map)."""
    if t.A_next is None:
        return []
    comps = t.per_freq(
        f"SOM at K={t.kernel} vs K={t.kernel + 1}", t.som, single_channel_som(t.A_next, t.mus, t.sigmas)
    )
    return [
        trend_verdict(
            "theorem2.trend.K", "conclusion 1: SOM increases with the kernel size K", comps, t.params
        )
    ]


def sigma_trend(t: Trends) -> list:
    """Conclusion 1d: SOM increases with σ_l² (each layer's σ bumped in turn)."""
    comps = []
    for layer in range(t.depth):
        sig2 = list(t.sigmas)
        sig2[layer] = bump(t.sigmas[layer], 0.05 * max(abs(t.mus[layer]), 1e-3))
        comps += t.per_freq(
            f"SOM at σ_{layer + 1}={t.sigmas[layer]:g} vs {sig2[layer]:g}",
            t.som,
            single_channel_som(t.A, t.mus, sig2),
        )
    return [trend_verdict("theorem2.trend.sigma", "conclusion 1: SOM increases with σ_l²", comps, t.params)]


def depth_trend(t: Trends) -> list:
    """Conclusion 2: SOM grows with depth (one more layer like the last)."""
    deeper = single_channel_som(t.A, t.mus + [t.mus[-1]], t.sigmas + [t.sigmas[-1]])
    comps = t.per_freq(
        f"SOM at L={t.depth} vs L={t.depth + 1} (extra layer like layer {t.depth})",
        t.som,
        deeper,
        strict=True,
    )
    return [
        trend_verdict(
            "theorem2.trend.depth",
            "conclusion 2: SOM grows exponentially with depth L",
            comps,
            t.params,
            note="log SOM is additive over layers (checked by theorem2.som); growth "
            "needs |μR|² + K²σ² > 1 at each frequency",
        )
    ]


def band_trends(t: Trends) -> list:
    """Conclusions 3-5, which compare the high band with the low band (none on grids too small for both)."""
    if not (t.low.any() and t.high.any()):
        return []
    out = [
        trend_verdict(
            "theorem2.trend.high_weakened",
            "conclusion 3: convolution weakens high frequencies, more so when deep",
            weakened_comparisons(t.A, t.mus, t.sigmas, t.low, t.high, t.sign),
            t.params,
            note="ratio = mean SOM over the high band / mean SOM over the low band",
        ),
        trend_verdict(
            "theorem2.trend.mu_relative",
            "conclusion 4: a large |μ_l| makes high frequencies relatively weaker",
            mu_relative_comparisons(t.A, t.mus, t.sigmas, t.low, t.high, t.sign),
            t.params,
        ),
    ]
    if t.A_next is not None:  # conclusion 5 under both readings of "K grows" (the paper does not say which)
        for reading, (row_id, note) in READINGS.items():
            comps = small_kernel_comparisons(
                t.A, t.A_next, t.kernel, t.mus, t.sigmas, t.low, t.high, t.sign, reading
            )
            out.append(
                trend_verdict(
                    row_id,
                    "conclusion 5: a small kernel size K makes high frequencies relatively weaker",
                    comps,
                    t.params,
                    note=note,
                )
            )
    return out


TREND_STEPS = (mu_trend, r_trend, kernel_trend, sigma_trend, depth_trend, band_trends)


def trend_verdicts(values, params, formulas, dtype, device, freqs: Frequencies) -> list:
    """Conclusions 1-5 of Thm 4.2 (p. 5), from the exact single-channel SOM of the real layers."""
    trends = Trends(values, params, formulas, dtype, device, freqs)
    return [v for step in TREND_STEPS for v in step(trends)]


PER_WEIGHT, TOTAL_VARIANCE = "per weight", "total variance"
READINGS = {  # conclusion 5: what stays fixed when K grows
    PER_WEIGHT: (
        "theorem2.trend.small_kernel",
        "σ, μ fixed per weight as K grows; holds when the smaller kernel has the smaller high/low ratio",
    ),
    TOTAL_VARIANCE: (
        "theorem2.trend.small_kernel[total variance fixed]",
        "the kernel's total variance K²σ² and mean K²μ fixed as K grows (σ ∝ 1/K, μ ∝ 1/K², He-style)",
    ),
}


ROUND_OFF = (
    1e-9  # a ratio must move by more than this (relative) to count as weakened: K = 1 moves it by round-off
)


def below(a: float, b: float, sign: int = 1) -> bool:
    """a < b beyond round-off (sign -1: a > b beyond round-off), for the flipped-direction perturbation."""
    return a < b * (1 - ROUND_OFF) if sign > 0 else a > b * (1 + ROUND_OFF)


def weakened_comparisons(A, mus, sigmas, low, high, sign=1, som=single_channel_som) -> list:
    """Conclusion 3: the high/low SOM ratio is below the input's (flat, 1) and falls with one more layer."""
    depth = len(mus)
    r_L = _ratio(som(A, mus, sigmas), low, high)
    r_L1 = _ratio(som(A, mus + [mus[-1]], sigmas + [sigmas[-1]]), low, high)
    return [
        Comparison(
            f"high/low SOM ratio: input (flat) vs after L={depth} layers", 1.0, r_L, below(r_L, 1.0, sign)
        ),
        Comparison(f"high/low SOM ratio at L={depth} vs L={depth + 1}", r_L, r_L1, below(r_L1, r_L, sign)),
    ]


def mu_relative_comparisons(A, mus, sigmas, low, high, sign=1, som=single_channel_som) -> list:
    """Conclusion 4: a larger |μ_l| (every layer, by 25 %) lowers the high/low SOM ratio."""
    r_L = _ratio(som(A, mus, sigmas), low, high)
    mus_up = [bump(m, 0.05 * max(s, 1e-3)) for m, s in zip(mus, sigmas)]
    r_mu = _ratio(som(A, mus_up, sigmas), low, high)
    return [
        Comparison(
            f"high/low SOM ratio at μ={fmt_list(mus)} vs μ={fmt_list(mus_up)}",
            r_L,
            r_mu,
            below(r_mu, r_L, sign),
        )
    ]


def small_kernel_comparisons(
    A, A_next, kernel, mus, sigmas, low, high, sign=1, reading=PER_WEIGHT, som=single_channel_som
) -> list:
    """Conclusion 5: the high/low SOM ratio at K is below the one at K+1 (σ, μ per weight fixed, or scaled so
    that the kernel's total variance and mean stay fixed)."""
    scale = kernel / (kernel + 1) if reading == TOTAL_VARIANCE else 1.0
    mus_n, sigmas_n = [m * scale**2 for m in mus], [s_ * scale for s_ in sigmas]
    r_K = _ratio(som(A, mus, sigmas), low, high)
    r_K1 = _ratio(som(A_next, mus_n, sigmas_n), low, high)
    at = "" if reading == PER_WEIGHT else f" (μ={fmt_list(mus_n)}, σ={fmt_list(sigmas_n)})"
    return [
        Comparison(
            f"high/low SOM ratio at K={kernel} (smaller) vs K={kernel + 1}{at}",
            r_K,
            r_K1,
            below(r_K, r_K1, sign),
        )
    ]


# ------------------------------------------------------------------------------------------- regimes

REGIME_SIZE = (16, 16)
REGIME_AXES = ("K", "μ", "σ", "L")
REGIME_GRID = ((1, 2, 3, 5), (0.0, 0.01, 0.1, 0.5, 1.0), (0.1, 0.5, 1.0), (1, 2, 3))


def paper_setting(point) -> bool:
    """The paper's own setting (Thm 4.2's discussion, p. 5, and its figures): kernels of 3x3 and larger."""
    return point[0] >= 3


@functools.lru_cache(maxsize=None)
def _bases(kernel: int):
    """(Σ_ts A_ts, Σ_ts |A_ts|²) of the real layer's unit-kernel spectra: all a C_l = 1 layer's SOM needs."""
    A = kernel_basis_spectra(kernel, REGIME_SIZE, torch.float64, torch.device("cpu"))
    return A.sum(0), (np.abs(A) ** 2).sum(0)


def _som_fast(sums, mus, sigmas) -> np.ndarray:
    """SOM of T(L:1), C_l = 1: the product over independent layers of E|T_l|² = |μ_l Σ A|² + σ_l² Σ |A|² (the
    exact
    engine's layer moments, without its tensor machinery; equal to :func:`single_channel_som`)."""
    total, sq = sums
    out = np.ones(total.shape)
    for m_, s_ in zip(mus, sigmas):
        out = out * (np.abs(m_ * total) ** 2 + s_**2 * sq)
    return out


def regimes(conclusion: str, reading: str = PER_WEIGHT) -> Regimes:
    """Where conclusion 3, 4 or 5 of Thm 4.2 holds on a grid of (K, μ, σ, L) at 16x16, from exact SOMs."""
    return _regimes(conclusion, reading)


@functools.lru_cache(maxsize=None)
def _regimes(conclusion: str, reading: str) -> Regimes:
    low, high = bands(*REGIME_SIZE)

    def holds(point) -> bool:
        kernel, mu_, sigma_, depth = point
        mus, sigmas = [mu_] * depth, [sigma_] * depth
        if conclusion == "small_kernel":
            comps = small_kernel_comparisons(
                _bases(kernel),
                _bases(kernel + 1),
                kernel,
                mus,
                sigmas,
                low,
                high,
                reading=reading,
                som=_som_fast,
            )
        elif conclusion == "high_weakened":
            comps = weakened_comparisons(_bases(kernel), mus, sigmas, low, high, som=_som_fast)
        else:
            comps = mu_relative_comparisons(_bases(kernel), mus, sigmas, low, high, som=_som_fast)
        return all(c.holds for c in comps)

    return Regimes.search(REGIME_AXES, list(itertools.product(*REGIME_GRID)), holds, paper_setting)


def fmt_list(xs) -> str:
    return ",".join(f"{x:.3g}" for x in xs)


# ------------------------------------------------------------------------------------------- the printed side


def printed_recursions(formulas, R_def, mus, sigmas, kernel: int, ch: int):
    """The printed multi-channel recursion S_L (A.4) and the corrected one (S_L, X_L), evaluated on the
    grid."""
    step = sp.lambdify([Cp, mu_l, sigma_l, R, K, S_prev, m_prev], formulas["mc_som_step"](), "numpy")
    corr = sp.lambdify([Cp, mu_l, sigma_l, R, K, S_prev, X_prev], formulas["mc_som_corrected"](), "numpy")
    S_print = S_corr = np.abs(mus[0] * R_def) ** 2 + kernel**2 * sigmas[0] ** 2
    X_corr, m = np.abs(mus[0] * R_def) ** 2, mus[0] * R_def
    for mu_, sigma_ in zip(mus[1:], sigmas[1:]):
        S_print = step(float(ch), mu_, sigma_, R_def, kernel, S_print, m)
        S_corr, X_corr = (np.asarray(x) for x in corr(float(ch), mu_, sigma_, R_def, kernel, S_corr, X_corr))
        m = ch * mu_ * R_def * m
    return S_print, S_corr, X_corr


# ------------------------------------------------------------------------------------------- the sampled side


def sampled(samples, chans, kernel, size, mus, sigmas, gen, dtype, device, pair: bool = False):
    """Monte-Carlo moments of T(L:1) over real torch networks: (T, T_1c conj T_2c) as running Moments."""
    acc, cross = Moments(), Moments()
    for T in sample_transfers(samples, chans, kernel, size, mus, sigmas, gen, dtype, device, chunk=CHUNK):
        acc.add(T)
        if pair:
            cross.add(T[:, 0] * T[:, 1].conj())
    return acc, cross


def sampled_layer(samples, kernel, size, mu_, sigma_, gen, dtype, device):
    """Monte-Carlo mean, variance and pseudo-covariance of one layer's T^(l,uv) (Eq. 27), each (estimate,
    SE)."""
    T = np.concatenate(
        [
            x[:, 0, 0]
            for x in sample_transfers(samples, [1, 1], kernel, size, [mu_], [sigma_], gen, dtype, device)
        ]
    )
    dev = T - T.mean(0)
    out = []
    for z in (T, np.abs(dev) ** 2, dev**2):
        acc = Moments()
        acc.add(z)
        out.append(acc.mean())
    return out


# ------------------------------------------------------------------------------------------- rows


class Wiring:
    """What every group of rows shares: parameters, the real layers' unit-kernel spectra, the printed R_uv by
    its
    defining sum, the exact engine (from ``formulas``, so that it can be perturbed) and the two
    comparisons."""

    def __init__(self, values: dict, settings: Settings, formulas):
        self.dtype, self.device, self.gen = runtime(settings)
        self.size, self.kernel, self.depth = values["size"], values["kernel"], values["depth"]
        self.ch, self.samples = values["channels"], values["samples"]
        self.mus, self.sigmas = per_layer(values, "mu"), per_layer(values, "sigma")
        self.params, self.tol, self.formulas = shown_params(values), settings.identity_tol(), formulas
        self.freqs = Frequencies(values["freq"], self.size)
        self.uu, self.vv = grid(*self.size)
        self.A = kernel_basis_spectra(self.kernel, self.size, self.dtype, self.device)  # (K*K, M, N)
        self.R = evaluate(formulas["R"](self.kernel), [u, v, M, N], [self.uu, self.vv, *self.size], self.size)

    def exact(self, chans):
        return self.formulas["exact_network"](self.A, self.mus, self.sigmas, chans)

    def sampled(self, chans, pair: bool = False):
        return sampled(
            self.samples,
            chans,
            self.kernel,
            self.size,
            self.mus,
            self.sigmas,
            self.gen,
            self.dtype,
            self.device,
            pair,
        )

    def identity(self, sub_id, statement, printed_, exact, axes, exclude=None, **kw):
        """A printed formula against the exact moments: an identity, decided without any sampling."""
        printed_, exact = np.broadcast_arrays(np.asarray(printed_), np.asarray(exact))
        return identity_verdicts(
            sub_id,
            statement,
            printed_,
            exact,
            axes,
            self.params,
            self.tol,
            exclude=self.freqs.exclude(exact.shape, exclude),
            **kw,
        )

    def versus_mc(self, what, statement, exact, estimate, axes, n):
        """The exact engine against Monte-Carlo over real torch networks (a variant row: a check of
        symspec)."""
        est, se = estimate
        grid = MomentGrid(exact, est, se, axes, exclude=self.freqs.exclude(np.shape(est)))
        return moment_verdicts(
            f"theorem2.exact_vs_montecarlo[{what}]",
            statement,
            grid,
            self.params,
            n_samples=n,
            note="exact engine (symspec.numeric.moments) vs Monte-Carlo over real torch networks",
        )


def r_rows(w: Wiring) -> list:
    """R_uv (Thm 4.2): the printed quotient and bound vs the torch layer with an all-ones kernel."""
    ones = torch.ones(1, 1, w.kernel, w.kernel, dtype=w.dtype, device=w.device)
    R_num = spectrum(conv_paper(impulse((1, 1, *w.size), w.dtype, w.device), ones)[0, 0])
    R_closed, undefined = w.formulas["R_closed"]().evaluate(
        [u, v, M, N, K], [w.uu, w.vv, *w.size, w.kernel], w.size
    )
    out = w.identity(
        "theorem2.R_closed_form",
        "R_uv = sin(uKπ/M)sin(vKπ/N)/(sin(uπ/M)sin(vπ/N))·e^{iπ(K-1)(u/M+v/N)}",
        R_closed,
        R_num,
        ("u", "v"),
        undefined=undefined,
        limit=R_num,
        note="numeric: torch conv with an all-ones kernel on an impulse",
    )
    bound = float(evaluate(w.formulas["R_bound"](), [K], [w.kernel], ()).real)
    worst = float(np.abs(w.freqs.values(R_num)).max())
    err = max(0.0, worst - bound) / bound
    out.append(
        Verdict(
            "theorem2.R_bound",
            "0 ≤ |R_uv| ≤ K²",
            "identity",
            bound,
            worst,
            err,
            w.tol,
            PASS if err <= w.tol else FAIL,
            {"params": w.params, "bound": bound, "max_abs_R": worst},
            note="numeric: max |R_uv| over the grid from the torch layer",
        )
    )
    return out


def single_channel_rows(w: Wiring) -> list:
    """Thm 4.2 as stated (C_l = 1): the printed mean and log SOM vs exact moments; exact vs Monte-Carlo."""
    one = w.exact([1] * (w.depth + 1))
    mean, som = one.mean[0, 0], one.som()[0, 0]
    mus, sigmas = np.array(w.mus, dtype=float), np.array(w.sigmas, dtype=float)
    mean_f = evaluate(w.formulas["mean"](w.depth), [R, mu], [w.R, mus], w.size)
    log_som_f = evaluate(
        w.formulas["log_som"](w.depth), [R, mu, sigma, K], [w.R, mus, sigmas, w.kernel], w.size
    )
    out = w.identity(
        "theorem2.mean",
        "E[T(L:1)] = Π_l μ_l R_uv",
        mean_f,
        mean,
        ("u", "v"),
        note="exact: the mean of the real layers' product",
    )
    out += w.identity(
        "theorem2.som",
        "log SOM(T(L:1)) = Σ_l log(|μ_l R_uv|² + K²σ_l²)",
        np.exp(log_som_f.real),
        som,
        ("u", "v"),
        note="compared as SOM = exp(Σ log …)",
    )
    acc, _ = w.sampled([1] * (w.depth + 1))
    out += w.versus_mc(
        "mean", "E[T(L:1)], C_l = 1", mean, [x[0, 0] for x in acc.mean()], ("u", "v"), w.samples
    )
    out += w.versus_mc(
        "som", "SOM(T(L:1)), C_l = 1", som, [x[0, 0] for x in acc.som()], ("u", "v"), w.samples
    )
    return out


def layer_rows(w: Wiring) -> list:
    """Eq. 27: mean, variance and pseudo-covariance of each layer's T^(l,uv), printed vs exact; exact vs
    sampled."""
    f = w.formulas
    exact = [f["exact_layer"](w.A, m_, s_) for m_, s_ in zip(w.mus, w.sigmas)]
    printed_ = {
        "mean": [evaluate(f["layer_mean"](), [mu_l, R], [m_, w.R], w.size) for m_ in w.mus],
        "variance": [
            evaluate(f["layer_variance"](), [sigma_l, K], [s_, w.kernel], w.size) for s_ in w.sigmas
        ],
        "pseudo": [
            evaluate(f["layer_pseudo"](w.kernel), [sigma_l, u, v, M, N], [s_, w.uu, w.vv, *w.size], w.size)
            for s_ in w.sigmas
        ],
    }
    n = min(w.samples, 20000)
    drawn = {
        key: sampled_layer(n, w.kernel, w.size, *key, w.gen, w.dtype, w.device)  # once per distinct (μ, σ)
        for key in dict.fromkeys(zip(w.mus, w.sigmas))
    }
    drawn_by_layer = [drawn[key] for key in zip(w.mus, w.sigmas)]
    axes, out = ("layer", "u", "v"), []
    for i, (name, field, statement, label) in enumerate(
        (
            ("layer_mean", "mean", "E[T^(l,uv)] = μ_l R_uv", "layer mean"),
            ("layer_variance", "variance", "E|T^(l,uv) - E T|² = K²σ_l²", "layer variance"),
            (
                "layer_pseudo_covariance",
                "pseudo",
                "E[(T^(l,uv) - E T)²] = σ_l² R_{2u,2v}",
                "layer pseudo-covariance",
            ),
        )
    ):
        truth = np.stack([getattr(t, field) for t in exact])
        out += w.identity(f"theorem2.{name}", statement, np.stack(printed_[field]), truth, axes)
        estimate = [np.stack([d[i][j] for d in drawn_by_layer]) for j in (0, 1)]
        out += w.versus_mc(label, statement.split(" = ")[0], truth, estimate, axes, n)
    som_printed = [
        evaluate(f["layer_som"](), [mu_l, sigma_l, R, K], [m_, s_, w.R, w.kernel], w.size)
        for m_, s_ in zip(w.mus, w.sigmas)
    ]
    out += w.identity(
        "theorem2.layer_som",
        "SOM(T^(l,uv)_dc) = |μ_l R_uv|² + K²σ_l² (Eq. 28)",
        np.stack(som_printed),
        np.stack([t.som for t in exact]),
        axes,
    )
    return out


def layer_matrix_rows(w: Wiring) -> list:
    """Eqs. 29-30 (p. 21): E[T^(l,uv)] = μ_l R_uv 1 and SOM(T^(l,uv)) = (|μ_l R_uv|² + K²σ_l²) 1, every entry
    of one
    C_l x C_(l-1) layer, printed vs the exact moments of that real layer."""
    f, ch = w.formulas, w.ch
    layers = [f["exact_network"](w.A, [m_], [s_], [ch, ch]) for m_, s_ in zip(w.mus, w.sigmas)]
    full = (len(layers), ch, ch, *w.size)
    mean_p = np.stack([evaluate(f["layer_mean"](), [mu_l, R], [m_, w.R], w.size) for m_ in w.mus])[
        :, None, None
    ]
    som_p = np.stack(
        [
            evaluate(f["layer_som"](), [mu_l, sigma_l, R, K], [m_, s_, w.R, w.kernel], w.size)
            for m_, s_ in zip(w.mus, w.sigmas)
        ]
    )[:, None, None]
    axes = ("layer", "d", "c", "u", "v")
    out = w.identity(
        "theorem2.layer_mean_matrix",
        "E[T^(l,uv)] = μ_l R_uv·1_(C_l×C_(l-1)) (Eq. 29)",
        np.broadcast_to(mean_p, full),
        np.stack([t.mean for t in layers]),
        axes,
    )
    out += w.identity(
        "theorem2.layer_som_matrix",
        "SOM(T^(l,uv)) = (|μ_l R_uv|² + K²σ_l²)·1_(C_l×C_(l-1)) (Eq. 30)",
        np.broadcast_to(som_p, full),
        np.stack([t.som() for t in layers]),
        axes,
    )
    return out


def cast_rows(w: Wiring) -> list:
    """p. 19: "let us extend W into a complex number ... W ~ ComplexN(μ_l, σ_l², 0)": the pseudo-covariance
    E[(W - μ_l)²] of a real Gaussian weight, printed 0, against the exact engine's moments of one real weight
    (a 1x1 unit kernel, whose response is 1 at every frequency; the engine is checked against Monte-Carlo over
    real torch layers by the exact_vs_montecarlo rows)."""
    unit = np.ones((1, 1, 1))
    exact = np.array(
        [complex(w.formulas["exact_layer"](unit, m_, s_).pseudo[0, 0]) for m_, s_ in zip(w.mus, w.sigmas)]
    )
    printed_ = np.full(len(w.mus), complex(evaluate(w.formulas["weight_pseudo"](), [], [], ())))
    return identity_verdicts(
        "theorem2.weight_cast",
        "a real weight W ~ N(μ_l, σ_l²) cast as ComplexN(μ_l, σ_l², 0): pseudo-covariance E[(W - μ_l)²] = 0",
        printed_,
        exact,
        ("layer",),
        w.params,
        w.tol,
        scale=max(max(w.sigmas) ** 2, 1e-300),
        note="exact: a real variable's pseudo-covariance is its variance σ_l² (Eq. 27's final "
        "r = σ_l² R_{2u,2v} uses that)",
    )


def multichannel_rows(w: Wiring) -> list:
    """A.4 (C_l = C > 1): the printed entry mean and SOM recursion vs exact moments, the corrected recursion
    (S_L and the same-column cross moment X_L), and the exact engine vs Monte-Carlo."""
    ch, depth = w.ch, w.depth
    multi = w.exact([ch] * (depth + 1))
    som, same_col = multi.som(), multi.same_column()
    full, axes = (ch, ch, *w.size), ("d", "c", "u", "v")
    mean_f = evaluate(
        w.formulas["mc_mean"](depth),
        [R, mu, C],
        [w.R, np.array(w.mus, dtype=float), np.full(depth + 1, float(ch))],
        w.size,
    )
    S_print, S_corr, X_corr = printed_recursions(w.formulas, w.R, w.mus, w.sigmas, w.kernel, ch)
    diagonal = np.broadcast_to(np.eye(ch, dtype=bool)[:, :, None, None, None], same_col.shape)
    out = w.identity(
        "theorem2.mean_multichannel",
        "E[T(L:1)_dc] = (Π_{l<L} C_l)·Π_l μ_l R_uv",
        np.broadcast_to(mean_f, full),
        multi.mean,
        axes,
    )
    out += w.identity(
        "theorem2.som_multichannel",
        "S_L = C(|μR|²+K²σ²)S_{L-1} + C(C-1)|μR|²|m_{L-1}|² (printed)",
        np.broadcast_to(S_print, full),
        som,
        axes,
        note="treats the entries of T(l:1) as independent: exact only for L ≤ 2",
    )
    out += premise_rows(w, S_print, full, axes)
    out += w.identity(
        "theorem2.som_multichannel.corrected",
        "S_L = C K²σ² S + |μR|²(C S + C(C-1) X) (corrected variant)",
        np.broadcast_to(S_corr, full),
        som,
        axes,
    )
    out += w.identity(
        "theorem2.som_multichannel.corrected[cross moment X]",
        "X_L = |μR|²(C S + C(C-1) X), X_1 = |μ_1 R|² (corrected variant)",
        np.broadcast_to(X_corr, same_col.shape),
        same_col,
        ("d", "d'", "c", "u", "v"),
        exclude=diagonal,
        note="X_L = E[T(L:1)_dc conj T(L:1)_d'c], d ≠ d'",
    )
    acc, cross = w.sampled([ch] * (depth + 1), pair=True)
    out += w.versus_mc("mean multichannel", "E[T(L:1)_dc]", multi.mean, acc.mean(), axes, w.samples)
    out += w.versus_mc("som multichannel", "SOM(T(L:1)_dc)", som, acc.som(), axes, w.samples)
    out += w.versus_mc(
        "cross moment multichannel",
        "X = E[T(L:1)_1c conj T(L:1)_2c]",
        same_col[0, 1],
        cross.mean(),
        ("c", "u", "v"),
        w.samples,
    )
    return out


def premise_rows(w: Wiring, S_print, full, axes) -> list:
    """The premise of A.4 (p. 21): all elements of T(l:1) are independent.  Printed row: for every partial
    product the
    recursion uses (l < L), the same-column moment E[T(l:1)_dc conj T(l:1)_d'c] (d ≠ d') equals the product of
    the means, as independence implies -- against the exact moments of the real layers.  Variant row: under
    that premise (the exact engine with the entries of each partial product made independent) the printed
    recursion is exact."""
    ch, out = w.ch, []
    if w.depth >= 2:
        partial = [
            w.formulas["exact_network"](w.A, w.mus[:l], w.sigmas[:l], [ch] * (l + 1))
            for l in range(1, w.depth)
        ]
        X = np.stack([t.same_column() for t in partial])
        means = np.stack([np.einsum("dc...,Dc...->dDc...", t.mean, t.mean.conj()) for t in partial])
        off = np.broadcast_to(np.eye(ch, dtype=bool)[None, :, :, None, None, None], X.shape)
        out += w.identity(
            "theorem2.premise_independent_entries",
            "E[T(l:1)_dc conj T(l:1)_d'c] = E T(l:1)_dc conj E T(l:1)_d'c, d ≠ d', l < L (premise, p. 21; "
            "layer = l)",
            means,
            X,
            ("layer", "d", "d'", "c", "u", "v"),
            exclude=off,
            note="exact: entries of one column of T(l:1) share the prefix T(l-1:1), so from l = 2 they "
            "are not independent",
        )
    under = w.formulas["exact_network"](w.A, w.mus, w.sigmas, [ch] * (w.depth + 1), premise=True)
    out += w.identity(
        "theorem2.som_multichannel.under_premise",
        "S_L of the printed recursion = SOM of T(L:1) with the entries of every T(l:1) independent",
        np.broadcast_to(S_print, full),
        under.som(),
        axes,
        note="exact engine with the p. 21 premise imposed before every layer: the recursion is exact "
        "under its premise",
    )
    return out


def run(values: dict, settings: Settings, formulas) -> list:
    w = Wiring(values, settings, formulas)
    verdicts = r_rows(w) + single_channel_rows(w) + layer_rows(w)
    if w.ch > 1:
        verdicts += multichannel_rows(w) + layer_matrix_rows(w)
    verdicts += cast_rows(w)
    verdicts = number_from_one(verdicts, "layer")
    trend_params = {
        **w.params,
        "channels": 1,
    }  # the trend rows use C_l = 1 (Thm 4.2 as stated), whatever --channels
    trend_params.pop("samples", None)  # and exact moments only
    return verdicts + trend_verdicts(values, trend_params, formulas, w.dtype, w.device, w.freqs)


def falsify_grid() -> list[dict]:
    out = []
    for size in [(4, 4), (6, 6), (8, 8)]:
        for kernel in (1, 2, 3):
            for depth in (1, 2, 3):
                for mu_ in (0.0, 0.1, 1.0):
                    for sigma_ in (0.1, 0.5):
                        out.append(
                            {
                                "size": size,
                                "kernel": kernel,
                                "depth": depth,
                                "mu": (mu_,),
                                "sigma": (sigma_,),
                                "channels": 1,
                                "samples": 3000,
                            }
                        )
    for kernel in (1, 2, 3):  # multi-channel: the printed SOM recursion differs from the truth from L = 3 on
        for depth in (2, 3):
            for mu_ in (0.1, 1.0):
                out.append(
                    {
                        "size": (4, 4),
                        "kernel": kernel,
                        "depth": depth,
                        "mu": (mu_,),
                        "sigma": (0.5,),
                        "channels": 2,
                        "samples": 3000,
                    }
                )
    return out


_T42 = "Thm 4.2"
ROWS = (
    printed("theorem2.R_closed_form", "5", f"{_T42} (R_uv)"),
    printed("theorem2.R_bound", "5", f"{_T42} (0 ≤ |R_uv| ≤ K²)"),
    printed("theorem2.mean", "5", f"{_T42} (E T(L:1))"),
    printed("theorem2.som", "5", f"{_T42} (log SOM)"),
    printed("theorem2.layer_mean", "20", "Eq. 27 (mean)", of=_T42),
    printed("theorem2.layer_variance", "20", "Eq. 27 (variance)", of=_T42),
    printed("theorem2.layer_pseudo_covariance", "20", "Eq. 27 (pseudo-covariance)", of=_T42),
    printed(
        "theorem2.weight_cast",
        "19",
        "A.4, p. 19 (W ~ ComplexN(μ_l, σ_l², 0))",
        of=_T42,
        finding=Finding(TYPO, intent="theorem2.layer_pseudo_covariance"),
    ),
    printed("theorem2.layer_som", "21", "A.4, Eq. 28", of=_T42),
    printed("theorem2.layer_mean_matrix", "21", "A.4, Eq. 29", of=_T42),
    printed("theorem2.layer_som_matrix", "21", "A.4, Eq. 30", of=_T42),
    printed("theorem2.mean_multichannel", "21-22", "A.4, Eqs. 31-32 (entry mean)"),
    printed(
        "theorem2.premise_independent_entries",
        "21",
        "A.4, p. 21 (premise: all elements of T(l:1) independent)",
        of="Eq. 32",
    ),
    printed(
        "theorem2.som_multichannel",
        "21-22",
        "A.4, Eqs. 31-32 (SOM recursion)",
        finding=Finding(PREMISE, premise="theorem2.premise_independent_entries"),
    ),
    variant(
        "theorem2.som_multichannel.under_premise",
        note="the printed recursion against the exact SOM with the p. 21 premise imposed: exact under its "
        "premise",
    ),
    variant(
        "theorem2.som_multichannel.corrected",
        note="tracks X_l = E[T(l:1)_dc conj T(l:1)_d'c] (d ≠ d') where the print uses |m_l|²",
    ),
    variant(
        "theorem2.exact_vs_montecarlo",
        note="the exact moment engine against Monte-Carlo over real torch networks (a check of symspec)",
    ),
    printed("theorem2.trend.mu", "5", f"{_T42}, conclusion 1"),
    printed("theorem2.trend.R", "5", f"{_T42}, conclusion 1"),
    printed("theorem2.trend.K", "5", f"{_T42}, conclusion 1"),
    printed("theorem2.trend.sigma", "5", f"{_T42}, conclusion 1"),
    printed("theorem2.trend.depth", "5", f"{_T42}, conclusion 2"),
    printed(
        "theorem2.trend.high_weakened",
        "5",
        f"{_T42}, conclusion 3",
        finding=Finding(SCOPE, regimes=lambda: regimes("high_weakened")),
    ),
    printed(
        "theorem2.trend.mu_relative",
        "5",
        f"{_T42}, conclusion 4",
        finding=Finding(SCOPE, regimes=lambda: regimes("mu_relative")),
    ),
    printed(
        "theorem2.trend.small_kernel",
        "5",
        f"{_T42}, conclusion 5 (σ, μ fixed per weight)",
        finding=Finding(
            SCOPE,
            regimes=lambda: regimes("small_kernel", PER_WEIGHT),
            readings=("theorem2.trend.small_kernel[total variance fixed]",),
        ),
    ),
    convention(
        "theorem2.trend.small_kernel[total variance fixed]",
        "5",
        f"{_T42}, conclusion 5 (the kernel's total variance fixed)",
        note="the reading under which conclusion 5 holds at the defaults; the paper does not say which it "
        "means",
    ),
)

CLAIM = Claim(
    id="theorem2",
    aliases=("thm2", "thm4.2", "conv-weakens-high"),
    title="Convolution weakens high frequencies",
    source="ICLR Thm 2; ICML Thm 4.2, Assumption 4.1, Eq. 27",  # A.4 (pp. 21-22): the multi-channel rows
    kind="moment+trend",
    summary="E T(L:1) = Π μ_l R_uv; log SOM = Σ log(|μ_l R_uv|² + K²σ_l²); five trend conclusions",
    statements=statements,
    hypotheses=(
        "weights of layer l i.i.d. N(μ_l, σ_l²); layers independent; no activations; circular padding",
        "Thm 4.2 and Eq. 27 rows: a single channel per layer (C_l = 1), as the theorem is stated",
        "A.4 rows: C_l = --channels for every l; the printed recursion additionally treats the entries of "
        "the partial products T(l:1) as independent",
    ),
    params=(KERNEL, DEPTH, SIZE, MU, SIGMA, CHANNELS, SAMPLES, FREQ),
    run=run,
    formulas=FORMULAS,
    perturbations=PERTURBATIONS,
    falsify_grid=falsify_grid,
    validate=validate,
    perturb_at=PERTURB_AT,
    notes="Defaults: K=3, L=3, 16x16, μ=0.1 (a small positive mean, as in the paper's Fig. 4b experiments), "
    "σ=0.5 (about He initialisation for one 3x3 channel, so that each layer has SOM > 1), C=2 for the "
    "multi-channel rows.  Printed formulas are compared as identities with exact moments of the real "
    "layers (symspec.numeric.moments: each layer's transfer is linear in its weights, with the torch "
    "layer's responses to unit kernels as coefficients; the moments of the product propagate exactly), "
    "so a verdict does not depend on the seed.  Monte-Carlo over --samples real torch networks fed an "
    "impulse checks the exact engine (rows exact_vs_montecarlo, with standard errors).  Trend conclusions "
    "are judged from exact moments around the given parameters: |μ_l| and σ_l up by 25%, K → K+1, L → L+1.",
    rows=ROWS,
)
