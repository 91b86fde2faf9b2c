"""theorem3 -- zero padding boosts low frequencies (ICLR Thm 3; ICML Thm 4.3).

Printed hypothesis: every element of the map follows N(a, sigma^2).  Claim: for 0 <= u < M, 0 <= v < N,
(u, v) != (0, 0): ``SOM(H_uv) - SOM(G_uv) = a^2 tau_uv^2`` and ``SOM(H_00) = SOM(G_00)``.  The proof also uses
independence of the elements, which the statement does not name: ``--input-model correlated`` draws maps
that satisfy the printed hypothesis (each element marginally N(a, sigma^2), pairwise correlation rho) and
shows the formula failing; the corrected variant ``(a^2 + rho sigma^2) |S_uv|^2`` (finite sums, rho = 0 for
i.i.d.) is checked beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp
import torch

from ...claims import (
    UNDEFINED,
    Claim,
    printed,
    variant,
    Comparison,
    Param,
    Settings,
    Verdict,
    guard_size,
    guard_work,
    identity_verdicts,
    moment_verdicts,
    trend_verdict,
)
from ...errors import SymspecError
from ...numeric.layers import spectrum, zero_pad
from ...numeric.moments import padding_som_difference
from ...numeric.montecarlo import Moments
from ...spectral.dft import M, N, bands, evaluate, grid, u, v
from ...spectral.geometric import Quotient
from ...spectral.pad import Mp, Np, a, padded_dirichlet, rho, sigma, tau_quotient
from ...verdicts import MomentGrid
from .common import runtime, shown_params

SIZE = Param("size", "size", (8, 8), "input map size MxN", minimum=1, maximum=256)
TO = Param("to", "size", (12, 12), "padded size M'xN' (M' ≥ M, N' ≥ N)", minimum=1, maximum=512)
A = Param("a", "float", 0.5, "mean a of every element")
SIGMA = Param("sigma", "float", 1.0, "standard deviation σ of every element", minimum=0)
MODEL = Param(
    "input_model",
    "choice",
    "iid",
    "input model satisfying the printed hypothesis: iid or "
    "correlated (equicorrelated, pairwise correlation ρ)",
    choices=("iid", "correlated"),
)
RHO = Param(
    "rho", "float", None, "correlation ρ of --input-model correlated (default 0.5)", minimum=0, maximum=1
)
SAMPLES = Param("samples", "int", 20000, "Monte-Carlo input maps", minimum=100, maximum=2_000_000)

FORMULAS = {
    "som_difference": lambda: a**2 * tau_quotient().expr ** 2,
    "tau": tau_quotient,
    "corrected": lambda: a**2 + rho * sigma**2,
    "dc_scale": lambda: sp.Integer(1),
    "direction": lambda: 1,
    # symspec's own ground truth (perturbable, checked by Monte-Carlo)
    "exact_engine": padding_som_difference,
    # the definition (Eq. 8, p. 6) and the proof (A.5, Eqs. 33-37, pp. 22-23)
    "eq8_zero": lambda: sp.Integer(0),  # the value of Eq. 8's second branch (M ≤ m < M' and N ≤ n < N')
    "eq33": lambda: a * M * N * sp.KroneckerDelta(u, 0) * sp.KroneckerDelta(v, 0),
    "eq34": lambda: Quotient(
        a * sp.sin(M * u * sp.pi / Mp) * sp.sin(N * v * sp.pi / Np),
        sp.sin(u * sp.pi / Mp) * sp.sin(v * sp.pi / Np),
        sp.exp(-sp.I * ((M - 1) * u / Mp + (N - 1) * v / Np) * sp.pi),
    ),
    "variance": lambda: M * N * sigma**2,  # Eqs. 35-36
    "eq37_dc": lambda: (a * M * N) ** 2 * sp.KroneckerDelta(u, 0) * sp.KroneckerDelta(v, 0),
}
PERTURBATIONS = {
    "tau-not-squared": {"tau": lambda: tau_quotient(), "som_difference": lambda: a**2 * tau_quotient().expr},
    "a-not-squared": {"som_difference": lambda: a * tau_quotient().expr ** 2},
    "corrected-without-rho": {"corrected": lambda: a**2},
    "dc-scaled-by-area": {"dc_scale": lambda: Mp * Np / (M * N)},
    "trend-directions-flipped": {"direction": lambda: -1},
    "exact-engine-ignores-correlation": {
        "exact_engine": lambda size, to, a_, s_, r_, dtype, device: padding_som_difference(
            size, to, a_, s_, 0.0, dtype, device
        )
    },
    "eq8-zero-branch-a": {"eq8_zero": lambda: a},
    "eq33-without-MN": {"eq33": lambda: a * sp.KroneckerDelta(u, 0) * sp.KroneckerDelta(v, 0)},
    "eq34-phase-sign": {
        "eq34": lambda: Quotient(
            a * sp.sin(M * u * sp.pi / Mp) * sp.sin(N * v * sp.pi / Np),
            sp.sin(u * sp.pi / Mp) * sp.sin(v * sp.pi / Np),
            sp.exp(sp.I * ((M - 1) * u / Mp + (N - 1) * v / Np) * sp.pi),
        )
    },
    "variance-M-instead-of-MN": {"variance": lambda: M * sigma**2},
}
PERTURB_AT = {
    "corrected-without-rho": {"input_model": "correlated"},
    "exact-engine-ignores-correlation": {"input_model": "correlated"},
    "dc-scaled-by-area": {"to": "12x10"},
}


def statements():
    som = sp.Function("SOM")
    H, G = sp.IndexedBase("H"), sp.IndexedBase("G")
    return [
        ("SOM difference, (u,v) ≠ (0,0)", sp.Eq(som(H[u, v]) - som(G[u, v]), a**2 * sp.Symbol("τ_uv") ** 2)),
        ("τ", sp.Eq(sp.Symbol("τ_uv"), tau_quotient().expr)),
        ("DC", sp.Eq(som(H[0, 0]), som(G[0, 0]))),
        (
            "corrected variant (finite sums, equicorrelated inputs)",
            sp.Eq(som(H[u, v]) - som(G[u, v]), FORMULAS["corrected"]() * sp.Abs(sp.Symbol("S_uv")) ** 2),
        ),
    ]


def validate(values: dict) -> None:
    (m, n), (mp, np_) = values["size"], values["to"]
    if mp < m or np_ < n:
        raise SymspecError(f"--to: {mp}x{np_} is smaller than --size {m}x{n}")
    if values["rho"] is not None and values["input_model"] != "correlated":
        raise SymspecError("--rho applies only to --input-model correlated")
    guard_size("Monte-Carlo chunk", 4096 * mp * np_ * 4)
    guard_work(f"--samples {values['samples']} at {mp}x{np_}", values["samples"] * mp * np_ * 20.0)


def sample_inputs(count, size, values, gen, dtype, device) -> torch.Tensor:
    """Maps whose every element is marginally N(a, sigma^2): i.i.d., or equicorrelated (correlation rho)."""
    z = torch.randn((count, *size), generator=gen, dtype=torch.float64)
    if values["input_model"] == "correlated":
        r = 0.5 if values["rho"] is None else values["rho"]
        z0 = torch.randn((count, 1, 1), generator=gen, dtype=torch.float64)
        z = np.sqrt(r) * z0 + np.sqrt(1 - r) * z
    return (values["a"] + values["sigma"] * z).to(dtype=dtype, device=device)


def correlation(values: dict) -> float:
    return 0.0 if values["input_model"] == "iid" else (0.5 if values["rho"] is None else values["rho"])


@dataclass
class Setup:
    """What the rows of one run share: the parameters, the runtime and the exact SOM difference."""

    values: dict
    formulas: dict
    params: dict
    tol: float
    dtype: torch.dtype
    device: torch.device
    gen: torch.Generator
    size: tuple[int, int]
    to: tuple[int, int]
    r: float  # the pairwise correlation of the input model (0 for i.i.d.)
    hyp: str  # the input model, as the statements name it
    exact: np.ndarray | None = None  # the exact SOM(H_uv) − SOM(G_uv), once computed

    @classmethod
    def of(cls, values: dict, settings: Settings, formulas) -> Setup:
        dtype, device, gen = runtime(settings)
        r = correlation(values)
        hyp = f"{values['input_model']} inputs" + (f", ρ={r:g}" if r else "")
        return cls(
            values,
            formulas,
            shown_params(values),
            settings.identity_tol(),
            dtype,
            device,
            gen,
            values["size"],
            values["to"],
            r,
            hyp,
        )


def run(values: dict, settings: Settings, formulas) -> list:
    s = Setup.of(values, settings, formulas)
    (est, se), dc_h, dc_g = sampled_differences(s)  # first: it draws from the generator before Eq. 8's map
    s.exact = formulas["exact_engine"](s.size, s.to, values["a"], values["sigma"], s.r, s.dtype, s.device)
    verdicts = som_difference_rows(s)
    samples = s.values["samples"]
    verdicts += moment_verdicts(
        "theorem3.exact_vs_montecarlo",
        f"exact SOM(H_uv) − SOM(G_uv) against {samples} real input maps through torch's pad + fft2",
        MomentGrid(s.exact, est.real, se.real, ("u", "v")),
        s.params,
        n_samples=samples,
    )
    verdicts += dc_rows(s, dc_h, dc_g)
    verdicts.append(trend_row(s))
    return verdicts + definition_rows(s) + proof_rows(s)


def sampled_differences(s: Setup):
    """Monte-Carlo over real input maps through torch's pad + fft2: the mean and standard error of
    |H_uv|² − |G_uv|², and H_00, G_00 of the first 256 maps."""
    size, samples = s.size, s.values["samples"]
    acc = Moments()
    dc_h, dc_g = [], []
    done = 0
    while done < samples:
        count = min(4096, samples - done)
        x = sample_inputs(count, size, s.values, s.gen, s.dtype, s.device)
        H = spectrum(zero_pad(x, s.to))[:, : size[0], : size[1]]
        G = spectrum(x)
        acc.add(np.abs(H) ** 2 - np.abs(G) ** 2)
        if done == 0:
            dc_h, dc_g = H[:256, 0, 0], G[:256, 0, 0]
        done += count
    return acc.mean(), dc_h, dc_g


def som_difference_rows(s: Setup) -> list:
    """The printed SOM difference a²τ_uv² and the corrected (a² + ρσ²)|S_uv|², against the exact moments."""
    size, values = s.size, s.values
    uu, vv = grid(*size)
    dc = (uu == 0) & (vv == 0)
    syms = [u, v, M, N, Mp, Np, a, sigma, rho]
    vals = [uu, vv, *size, *s.to, values["a"], values["sigma"], s.r]
    _, undefined = s.formulas["tau"]().evaluate(syms, vals, size)
    with np.errstate(divide="ignore", invalid="ignore"):
        printed = np.where(undefined, np.nan, evaluate(s.formulas["som_difference"](), syms, vals, size))
    S_abs = padded_dirichlet(size, s.to)
    corrected = evaluate(s.formulas["corrected"](), syms, vals, ()) * S_abs**2
    note = "numeric: the exact expectation over the input model, from torch's zero pad + fft2 of unit maps"
    mn = size[0] * size[1]
    natural = values["sigma"] ** 2 * mn + (values["a"] * mn) ** 2  # SOM(G_00): the size of what is compared
    common = dict(exclude=dc, note=note, scale=natural)
    verdicts = identity_verdicts(
        "theorem3.som_difference",
        f"SOM(H_uv) − SOM(G_uv) = a²τ_uv², (u,v) ≠ (0,0) [{s.hyp}]",
        printed,
        s.exact,
        ("u", "v"),
        s.params,
        s.tol,
        undefined=undefined,
        limit=corrected,
        **common,
    )
    return verdicts + identity_verdicts(
        "theorem3.som_difference.corrected",
        "SOM(H_uv) − SOM(G_uv) = (a² + ρσ²)|S_uv|², finite sums (corrected variant)",
        corrected,
        s.exact,
        ("u", "v"),
        s.params,
        s.tol,
        **common,
    )


def dc_rows(s: Setup, dc_h, dc_g) -> list:
    """H_00 = G_00 on the sampled maps (the printed DC scale times G_00 against H_00)."""
    dc_scale = complex(evaluate(s.formulas["dc_scale"](), [M, N, Mp, Np], [*s.size, *s.to], ()))
    return identity_verdicts(
        "theorem3.dc_equal",
        "H_00 = G_00 for every input, hence SOM(H_00) = SOM(G_00)",
        dc_scale * np.asarray(dc_g),
        np.asarray(dc_h),
        ("sample",),
        s.params,
        s.tol,
    )


def trend_row(s: Setup) -> Verdict:
    """The conclusion: zero padding boosts low frequencies (from the exact SOM difference of the real
    pad + fft)."""
    size, to, values, diff = s.size, s.to, s.values, s.exact
    uu, vv = grid(*size)
    dc = (uu == 0) & (vv == 0)
    low, high = bands(*size)
    sign = s.formulas["direction"]()
    comps = []
    if (low & ~dc).any() and high.any():  # grids of 3x3 and below have no separate bands
        lo, hi = float(diff[low & ~dc].mean()), float(diff[high].mean())
        # round-off
        slack = 1e-9 * (values["sigma"] ** 2 + values["a"] ** 2) * to[0] * to[1] * size[0] * size[1]
        comps.append(
            Comparison(
                "mean SOM boost over the high band vs over the low band (excluding DC)",
                hi,
                lo,
                (lo > hi + slack) if sign > 0 else (lo < hi - slack),
            )
        )
    worst = np.unravel_index(int(np.argmin(np.where(dc, np.inf, diff))), diff.shape)
    comps.append(
        Comparison(
            "SOM boost at the lowest-boost frequency must be ≥ 0 (padding adds, never removes)",
            0.0,
            float(diff[worst]),
            (diff[worst] >= -1e-9 * np.abs(diff).max()) if sign > 0 else (diff[worst] <= 0),
            {"u": int(worst[0]), "v": int(worst[1])},
        )
    )
    return trend_verdict(
        "theorem3.trend.low_boosted",
        "conclusion: zero padding boosts low frequencies",
        comps,
        s.params,
        note=f"exact SOM difference under {s.hyp}",
    )


def definition_rows(s: Setup) -> list:
    """Eq. 8 (p. 6) as printed: F̃ = F on the top-left block and 0 where M ≤ m < M' *and* N ≤ n < N';
    the two edge strips (m < M ≤ n, n < N ≤ m) get no case (UNDEFINED there).

    Numeric side: torch's F.pad of a drawn map."""
    size, to = s.size, s.to
    x = sample_inputs(1, size, s.values, s.gen, s.dtype, s.device)[0]
    padded = zero_pad(x[None], to)[0].cpu().double().numpy()
    mm, nn = np.meshgrid(np.arange(to[0]), np.arange(to[1]), indexing="ij")
    inside, corner = (mm < size[0]) & (nn < size[1]), (mm >= size[0]) & (nn >= size[1])
    strips = ~inside & ~corner
    block = np.full(to, np.nan)
    block[: size[0], : size[1]] = x.cpu().double().numpy()
    zero = complex(evaluate(s.formulas["eq8_zero"](), [a], [s.values["a"]], ()))
    printed_ = np.where(inside, block, zero)
    note = "numeric: torch F.pad (zeros) of a drawn map"
    out = identity_verdicts(
        "theorem3.eq8_definition",
        "Eq. 8: F̃_mn = F_mn (m < M, n < N); 0 (M ≤ m < M′ and N ≤ n < N′)",
        printed_,
        padded,
        ("m", "n"),
        s.params,
        s.tol,
        exclude=strips,
        note=note,
    )
    if strips.any():
        out.append(edge_strip_row(s, padded, strips))
    return out + identity_verdicts(
        "theorem3.eq8_definition.otherwise_zero",
        "Eq. 8 read with 'otherwise 0': F̃_mn = F_mn on the block, 0 everywhere else (variant)",
        printed_,
        padded,
        ("m", "n"),
        s.params,
        s.tol,
        note=note,
    )


def edge_strip_row(s: Setup, padded: np.ndarray, strips: np.ndarray) -> Verdict:
    """Eq. 8 has no case for the edge strips: an UNDEFINED row at their first pixel."""
    m0, n0 = (int(i) for i in np.argwhere(strips)[0])
    return Verdict(
        "theorem3.eq8_definition@0/0",
        "Eq. 8 defines F̃_mn at every pixel of the M′ x N′ map  [edge strips]",
        "identity",
        "no case",
        float(padded[m0, n0]),
        float("nan"),
        s.tol,
        UNDEFINED,
        {
            "params": s.params,
            "point": {"m": m0, "n": n0},
            "symbolic": "no case",
            "numeric": float(padded[m0, n0]),
            "undefined_pixels": int(strips.sum()),
        },
        note=f"Eq. 8's zero branch needs M ≤ m < M′ and N ≤ n < N′: {int(strips.sum())} pixels of the edge "
        "strips (m < M ≤ n or n < N ≤ m) match no branch; torch's F.pad puts 0 there, as the prose ('zero "
        "values at the edge') intends",
    )


def unit_map_sums(size, to, dtype, device) -> dict:
    """{"G": (Σ_p B_p, Σ_p |B_p|²) on M x N, "H": (the same) on M′ x N′}.

    B_p is torch's fft2 of the unit map e_p, and of e_p zero-padded to M′ x N′: the coefficients of G and
    H as linear functionals of the pixels."""
    count = size[0] * size[1]
    out = {"G": [0.0, 0.0], "H": [0.0, 0.0]}
    for idx in torch.arange(count).split(max(1, 2_000_000 // (to[0] * to[1]))):  # chunks of unit maps
        units = (
            torch.nn.functional.one_hot(idx, count).to(dtype=dtype, device=device).reshape(len(idx), *size)
        )
        for key, spec in (("G", spectrum(units)), ("H", spectrum(zero_pad(units, to)))):
            out[key] = [out[key][0] + spec.sum(0), out[key][1] + (np.abs(spec) ** 2).sum(0)]
    return out


@dataclass
class Proof:
    """What the steps of A.5 share: the exact mean and variance of G and H under the input model."""

    s: Setup
    mean: dict
    var: dict
    syms: list
    note: str = (
        "numeric: exact moments over the input model from torch's fft2 (and zero pad) of the unit maps"
    )

    def printed(self, key: str, grid_size):
        uu, vv = grid(*grid_size)
        vals = [uu, vv, *self.s.size, *self.s.to, self.s.values["a"], self.s.values["sigma"]]
        return evaluate(self.s.formulas[key](), self.syms, vals, grid_size)


def proof_rows(s: Setup) -> list:
    """A.5 (pp. 22-23), step by step, against the exact moments of the real pad + fft2 under the input
    model: Eq. 33 E[G], Eq. 34 E[H] (0/0 where u = 0 or v = 0), and, for the i.i.d. pixels the proof
    annotates at Eqs. 35-36, Var[G], Var[H] and Eq. 37 (the SOM difference including DC, τ_00 being 0/0)."""
    a_, s_, r = s.values["a"], s.values["sigma"], s.r
    sums = unit_map_sums(s.size, s.to, s.dtype, s.device)
    mean = {k: a_ * total for k, (total, _) in sums.items()}
    var = {k: s_**2 * ((1 - r) * sq + r * np.abs(total) ** 2) for k, (total, sq) in sums.items()}
    p = Proof(s, mean, var, [u, v, M, N, Mp, Np, a, sigma])
    out = mean_rows(p)
    if s.values["input_model"] != "iid":
        return out  # Eqs. 35-37 carry the proof's i.i.d. annotation: checked under that hypothesis only
    return out + iid_rows(p)


def mean_rows(p: Proof) -> list:
    """Eq. 33 (E[G]) and Eq. 34 (E[H], 0/0 where u = 0 or v = 0)."""
    s = p.s
    size, to, a_ = s.size, s.to, s.values["a"]
    out = identity_verdicts(
        "theorem3.eq33_mean",
        "E[G_uv] = a·MN·δ_uv (Eq. 33)",
        p.printed("eq33", size),
        p.mean["G"],
        ("u", "v"),
        s.params,
        s.tol,
        note=p.note,
        scale=abs(a_) * size[0] * size[1],
    )
    uu, vv = grid(*to)
    eq34, undefined = s.formulas["eq34"]().evaluate(p.syms, [uu, vv, *size, *to, a_, s.values["sigma"]], to)
    return out + identity_verdicts(
        "theorem3.eq34_mean",
        "E[H_uv] = a·sin(Muπ/M′)sin(Nvπ/N′)/(sin(uπ/M′)sin(vπ/N′))·"
        "e^{-iπ((M-1)u/M′+(N-1)v/N′)}, 0 ≤ u < M′, 0 ≤ v < N′ (Eq. 34)",
        eq34,
        p.mean["H"],
        ("u", "v"),
        s.params,
        s.tol,
        undefined=undefined,
        limit=p.mean["H"],
        note=p.note,
        scale=abs(a_) * size[0] * size[1],
    )


def iid_rows(p: Proof) -> list:
    """Eqs. 35-36 (Var[G], Var[H]) and Eq. 37 (the SOM difference including DC), for i.i.d. pixels."""
    s = p.s
    size, to, a_, s_ = s.size, s.to, s.values["a"], s.values["sigma"]
    natural = s_**2 * size[0] * size[1] + (a_ * size[0] * size[1]) ** 2
    out = []
    for row, key, grid_size, statement in (
        ("theorem3.eq35_variance", "G", size, "Var[G_uv] = MNσ² (Eq. 35, i.i.d.)"),
        ("theorem3.eq36_variance", "H", to, "Var[H_uv] = MNσ², 0 ≤ u < M′, 0 ≤ v < N′ (Eq. 36, i.i.d.)"),
    ):
        out += identity_verdicts(
            row,
            statement,
            p.printed("variance", grid_size),
            p.var[key],
            ("u", "v"),
            s.params,
            s.tol,
            note=p.note,
            scale=natural,
        )
    uu, vv = grid(*size)
    vals = [uu, vv, *size, *to, a_, s_]
    _, undefined = s.formulas["tau"]().evaluate(p.syms, vals, size)
    dc = evaluate(s.formulas["eq37_dc"](), p.syms, vals, size)
    with np.errstate(divide="ignore", invalid="ignore"):
        eq37 = np.where(undefined, np.nan, evaluate(s.formulas["som_difference"](), p.syms, vals, size) - dc)
    limit = a_**2 * padded_dirichlet(size, to) ** 2 - dc
    return out + identity_verdicts(
        "theorem3.eq37",
        "SOM(H_uv) − SOM(G_uv) = (aτ_uv)² − (aMN)²δ_uv, 0 ≤ u < M, 0 ≤ v < N (Eq. 37, i.i.d.)",
        eq37,
        s.exact,
        ("u", "v"),
        s.params,
        s.tol,
        undefined=undefined,
        limit=limit,
        note=p.note,
        scale=natural,
    )


def falsify_grid() -> list[dict]:
    out = []
    for size, to in [
        ((2, 2), (3, 3)),
        ((2, 2), (4, 4)),
        ((3, 3), (4, 4)),
        ((3, 3), (5, 5)),
        ((4, 4), (6, 6)),
        ((4, 4), (8, 8)),
    ]:
        for model in ("iid", "correlated"):
            for a_ in (0.0, 0.5):
                out.append(
                    {
                        "size": size,
                        "to": to,
                        "input_model": model,
                        "a": a_,
                        "samples": 6000,
                        **({"rho": 0.5} if model == "correlated" else {}),
                    }
                )
    return out


ROWS = (
    printed("theorem3.som_difference", "6", "Thm 4.3, Eq. 9"),
    variant("theorem3.exact_vs_montecarlo", note="symspec's exact expectation against real input maps"),
    variant(
        "theorem3.som_difference.corrected",
        note="SOM(H)−SOM(G) = (a² + ρσ²)|S_uv|² for equicorrelated inputs (ρ = 0: the printed formula)",
    ),
    printed("theorem3.dc_equal", "6", "Thm 4.3 (SOM(H_00) = SOM(G_00); Eq. 39)"),
    printed("theorem3.eq8_definition", "6", "§4.2, Eq. 8 (one-side zero padding)"),
    variant(
        "theorem3.eq8_definition.otherwise_zero",
        note="Eq. 8 with 'otherwise 0' (the prose: zeros at the edge)",
    ),
    printed("theorem3.eq33_mean", "22", "A.5, Eq. 33", of="Thm 4.3"),
    printed("theorem3.eq34_mean", "22", "A.5, Eq. 34", of="Thm 4.3"),
    printed("theorem3.eq35_variance", "23", "A.5, Eq. 35 (i.i.d.)", of="Thm 4.3"),
    printed("theorem3.eq36_variance", "23", "A.5, Eq. 36 (i.i.d.)", of="Thm 4.3"),
    printed("theorem3.eq37", "23", "A.5, Eq. 37 (i.i.d.)", of="Thm 4.3"),
    printed("theorem3.trend.low_boosted", "6", "Thm 4.3, conclusion"),
)

CLAIM = Claim(
    id="theorem3",
    aliases=("thm3", "thm4.3", "zero-padding"),
    title="Zero padding boosts low frequencies",
    source="ICLR Thm 3; ICML Thm 4.3",
    kind="moment+trend",
    summary="SOM(H_uv) − SOM(G_uv) = a²τ_uv² for (u,v) ≠ 0, SOM(H_00) = SOM(G_00): "
    "padding boosts low frequencies",
    statements=statements,
    hypotheses=(
        "printed: every element of the map follows N(a, σ²)",
        "used by the proof but not printed: the elements are independent",
        "zeros everywhere outside the original top-left M x N block",
    ),
    params=(SIZE, TO, A, SIGMA, MODEL, RHO, SAMPLES),
    run=run,
    formulas=FORMULAS,
    perturbations=PERTURBATIONS,
    falsify_grid=falsify_grid,
    validate=validate,
    perturb_at=PERTURB_AT,
    notes="Numeric side: --samples input maps through torch.nn.functional.pad (zeros) and torch.fft.fft2; "
    "the SOM difference is estimated with its standard error.  Where u = 0 or v = 0 (not both) the "
    "printed τ is 0/0: the row is UNDEFINED and the finite-sum value is reported.  Defaults: 8x8 padded "
    "to 12x12, a = 0.5, σ = 1 (a positive mean as in natural images).",
    rows=ROWS,
)
