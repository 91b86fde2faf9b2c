"""theorem4 -- upsampling repeats frequencies (ICLR Thm 4; ICML Thm 4.4).

Zero-insertion upsampling by an integer ratio r: ``H_{u+(s-1)M0, v+(t-1)N0} = G_uv`` for all channels and
s, t = 1..r.  Conclusion: the strong fundamental component G_00 reappears at (s M0, t N0).
The numeric side is the zero-insertion decoders actually run: a stride-r transposed convolution with a
unit 1x1 kernel (``F.conv_transpose2d``), then ``fft2``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ...claims import (
    Claim,
    printed,
    Comparison,
    Param,
    Settings,
    Verdict,
    guard_size,
    identity_verdicts,
    trend_verdict,
)
from ...errors import SymspecError
from ...numeric.layers import spectrum, zero_insert
from ...spectral.dft import evaluate, u, v
from ...spectral.upsample import M0, N0, place_replicas, ratio, replica_index, s_, t_
from .common import runtime, shown_params

SIZE = Param("size", "size", (8, 8), "input map size M0xN0", minimum=1, maximum=1024)
RATIO = Param("ratio", "int", 2, "integer upsampling ratio r", minimum=1, maximum=64)
CHANNELS = Param("channels", "int", 2, "channels", minimum=1, maximum=256)
MEAN = Param("a", "float", 1.0, "mean of the input pixels (a strong DC component, as in natural images)")

# an output frequency index and an input pixel index
k_, m_ = sp.symbols("k m", integer=True, nonnegative=True)


def eq41_axis(with_ratio: bool = True):
    """One axis of Eq. 41's second line (A.6, p. 24): e^{-i2π k (m·ratio)/M}, M = M0·ratio,
    k = u + (s-1)M0."""
    return sp.exp(-2 * sp.pi * sp.I * k_ * (m_ * ratio if with_ratio else m_) / (M0 * ratio))


FORMULAS = {
    "index": replica_index,
    "scale": lambda: sp.Integer(1),
    "direction": lambda: 1,
    "eq41_axis": eq41_axis,
}
PERTURBATIONS = {
    "shift-by-one": {"index": lambda: (u + (s_ - 1) * M0 + 1, v + (t_ - 1) * N0)},
    "period-M-instead-of-M0": {"index": lambda: (u + (s_ - 1) * M0 * sp.Symbol("r_"), v + (t_ - 1) * N0)},
    "scaled-by-ratio-squared": {"scale": lambda: sp.Integer(4)},
    "trend-directions-flipped": {"direction": lambda: -1},
    "eq41-without-ratio": {"eq41_axis": lambda: eq41_axis(with_ratio=False)},
}


def statements():
    H, G = sp.IndexedBase("H"), sp.IndexedBase("G")
    iu, iv = replica_index()
    return [
        ("replication, s,t = 1..r", sp.Eq(H[iu, iv], G[u, v])),
        ("DC repeats", sp.Eq(H[s_ * M0, t_ * N0], G[0, 0])),
    ]


def validate(values: dict) -> None:
    (m0, n0), r, ch = values["size"], values["ratio"], values["channels"]
    guard_size("upsampled maps", ch * m0 * n0 * r * r * 4)


@dataclass
class Setup:
    """What the rows of one run share: the drawn input, its spectrum G and the spectrum H of its
    zero insertion."""

    formulas: dict
    params: dict
    tol: float
    m0: int
    n0: int
    r: int
    x: object  # the input maps (torch tensor, channels x M0 x N0)
    H: np.ndarray
    G: np.ndarray
    scale: complex  # the printed scale of the replicas

    @classmethod
    def of(cls, values: dict, settings: Settings, formulas) -> Setup:
        dtype, device, gen = runtime(settings)
        (m0, n0), r, ch = values["size"], values["ratio"], values["channels"]
        import torch

        x = (torch.randn((ch, m0, n0), generator=gen, dtype=torch.float64) + values["a"]).to(
            dtype=dtype, device=device
        )
        H = spectrum(zero_insert(x[None], r)[0])
        G = spectrum(x)
        if H.shape[-2:] != (r * m0, r * n0):
            raise SymspecError(f"zero insertion produced {H.shape[-2:]} instead of {(r * m0, r * n0)}")
        scale = complex(sp.N(formulas["scale"]()))
        tol = settings.identity_tol()
        return cls(formulas, shown_params(values), tol, m0, n0, r, x, H, G, scale)


def run(values: dict, settings: Settings, formulas) -> list:
    s = Setup.of(values, settings, formulas)
    verdicts = replication_rows(s) + eq41_rows(s) + dc_rows(s)
    verdicts.append(trend_row(s))
    return verdicts


def replication_rows(s: Setup) -> list:
    """Eq. 11: the printed index map places G_uv; NaN where it leaves a frequency of H uncovered."""
    index = tuple(sp.sympify(e).subs(sp.Symbol("r_"), s.r) for e in s.formulas["index"]())
    pred = place_replicas(s.G, index, s.r, s.scale)
    return identity_verdicts(
        "theorem4.replication",
        "H_{u+(s-1)M0, v+(t-1)N0} = G_uv, s,t = 1..r",
        pred,
        s.H,
        ("c", "u", "v"),
        s.params,
        s.tol,
        note="NaN where the printed index map leaves a frequency uncovered",
    )


def eq41_rows(s: Setup) -> list:
    """Eq. 41 (A.6, p. 24), its second line:
    H_{u+(s-1)M0, v+(t-1)N0} = Σ_{m<M0, n<N0} F_mn e^{-i2π((u+(s-1)M0)(m·r)/M + (v+(t-1)N0)(n·r)/N)};
    every output index k = u + (s-1)M0 < M occurs once."""
    r = s.r
    axis = [
        evaluate(
            s.formulas["eq41_axis"](),
            [k_, m_, ratio, M0],
            [np.arange(r * size)[:, None], np.arange(size)[None, :], r, size],
            (r * size, size),
        )
        for size in (s.m0, s.n0)
    ]
    pred41 = np.einsum("km,cmn,ln->ckl", axis[0], s.x.cpu().double().numpy(), axis[1], optimize=True)
    return identity_verdicts(
        "theorem4.eq41",
        "H_{u+(s-1)M0, v+(t-1)N0} = Σ_{m<M0,n<N0} F_mn e^{-i2π((u+(s-1)M0)(m·r)/M + "
        "(v+(t-1)N0)(n·r)/N)} (Eq. 41, second line)",
        pred41,
        s.H,
        ("c", "u", "v"),
        s.params,
        s.tol,
        note="numeric: torch's zero insertion (stride-r transposed conv), then fft2",
    )


def dc_rows(s: Setup) -> list:
    """The DC component G_00 (times the printed scale) at every (sM0, tN0)."""
    dc_pos = (slice(None), slice(0, s.r * s.m0, s.m0), slice(0, s.r * s.n0, s.n0))
    dc_pred = np.broadcast_to(s.scale * s.G[:, :1, :1], s.H[dc_pos].shape)
    return identity_verdicts(
        "theorem4.dc_repeats",
        "H_{sM0, tN0} = G_00 (the DC component repeats)",
        dc_pred,
        s.H[dc_pos],
        ("c", "s", "t"),
        s.params,
        s.tol,
    )


def trend_row(s: Setup) -> Verdict:
    """The conclusion: with a strong DC, the r² strongest frequencies of H sit on the (s M0, t N0) grid."""
    r, m0, n0 = s.r, s.m0, s.n0
    power = (np.abs(s.H) ** 2).mean(0)
    top = np.argsort(power.ravel())[::-1][: r * r]
    grid_pos = {(i * m0, j * n0) for i in range(r) for j in range(r)}
    top_pos = [tuple(int(i) for i in np.unravel_index(k, power.shape)) for k in top]
    sign = s.formulas["direction"]()
    comps = []
    for pos in top_pos:
        on_grid = pos in grid_pos
        comps.append(
            Comparison(
                f"frequency {pos} among the {r * r} strongest of H is a DC replica",
                0.0,
                float(power[pos]),
                on_grid if sign > 0 else not on_grid,
                {"u": pos[0], "v": pos[1]},
            )
        )
    return trend_verdict(
        "theorem4.trend.dc_replicas",
        "conclusion: the strong fundamental G_00 reappears at (sM0, tN0)",
        comps,
        s.params,
        note="input pixels N(a, 1): G_00 dominates G",
    )


def falsify_grid() -> list[dict]:
    return [
        {"size": (m, n), "ratio": r, "channels": 1, "a": a_}
        for m, n in [(1, 1), (2, 2), (3, 2), (4, 4), (5, 3)]
        for r in (1, 2, 3)
        for a_ in (0.0, 1.0, 3.0)
    ]


ROWS = (
    printed("theorem4.replication", "6", "Thm 4.4, Eq. 11"),
    printed("theorem4.dc_repeats", "6", "Thm 4.4, conclusion (G_00 repeats)"),
    printed("theorem4.eq41", "24", "A.6, Eq. 41 (second line)", of="Thm 4.4"),
    printed("theorem4.trend.dc_replicas", "6", "Thm 4.4, conclusion"),
)

CLAIM = Claim(
    id="theorem4",
    aliases=("thm4", "thm4.4", "upsampling"),
    title="Upsampling repeats frequencies",
    source="ICLR Thm 4; ICML Thm 4.4",
    kind="identity+trend",
    summary="zero-insertion ×r: H_{u+(s-1)M0, v+(t-1)N0} = G_uv, so G_00 reappears at (sM0, tN0)",
    statements=statements,
    hypotheses=("zero-insertion upsampling by an integer ratio r, M = rM0, N = rN0", "any real input"),
    params=(SIZE, RATIO, CHANNELS, MEAN),
    run=run,
    formulas=FORMULAS,
    perturbations=PERTURBATIONS,
    falsify_grid=falsify_grid,
    validate=validate,
    notes="Numeric side: F.conv_transpose2d with stride r and a unit 1x1 kernel per channel (output_padding "
    "r-1) -- the zero insertion of a transposed-convolution decoder -- then torch.fft.fft2.  The trend row "
    "asks whether the r² strongest output frequencies are exactly the DC replicas; with a weak mean "
    "(--a 0) it can fail, which is the honest limit of the conclusion.",
    rows=ROWS,
)
