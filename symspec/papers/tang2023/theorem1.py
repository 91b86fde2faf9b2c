"""theorem1 -- forward propagation through one convolution (ICLR Thm 1, ICML Thm 3.2, Eq. 3).

Printed: ``h^(uv) = T^(uv) g^(uv) + delta_uv M N b`` with
``T^(uv)_dc = sum_{t,s<K} W^(d)_{cts} exp(+i 2 pi (u t / M + v s / N))``, paper anchor.
With torch's centred circular padding the output is shifted by p = (K-1)/2, i.e. the spectrum is
multiplied by ``exp(-i 2 pi (u p / M + v p / N))`` -- stated as its own sub-claim, not folded in silently.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ...claims import Claim, convention, printed, Settings, identity_verdicts, guard_size
from ...numeric.layers import conv, spectrum
from ...spectral.conv import (
    apply_transfer,
    bias_expr,
    bias_spectrum,
    centered_phase,
    transfer_expr,
    transfer_matrix,
)
from ...spectral.dft import M, N, b, c, d, evaluate, grid, u, v
from .common import (
    ANCHOR,
    CHANNELS,
    IN_CHANNELS,
    KERNEL,
    OUT_CHANNELS,
    SIZE,
    check_anchor,
    check_kernel_fits,
    in_out,
    randn,
    runtime,
    shown_params,
)

FORMULAS = {
    "transfer": lambda kernel=None: transfer_expr(kernel),
    "bias": lambda: bias_expr(),
    "phase": lambda p: centered_phase(p),
}

PERTURBATIONS = {
    "phase-sign": {"transfer": lambda kernel=None: transfer_expr(kernel, sign=-1)},
    "no-bias": {"bias": lambda: sp.Integer(0) * b[d]},
    "bias-without-MN": {"bias": lambda: bias_expr(scale_mn=False)},
    "no-shift-phase": {"phase": lambda p: sp.Integer(1)},
}


def statements():
    h, g, T = sp.IndexedBase("h"), sp.IndexedBase("g"), sp.IndexedBase("T")
    C = sp.Symbol("C", integer=True, positive=True)
    return [
        ("forward", sp.Eq(h[d], sp.Sum(T[d, c] * g[c], (c, 0, C - 1)) + bias_expr())),
        ("transfer", sp.Eq(T[d, c], transfer_expr())),
        (
            "centred anchor",
            sp.Eq(sp.Symbol("h_centered"), centered_phase(sp.Symbol("p")) * sp.Symbol("h_paper")),
        ),
    ]


def validate(values: dict) -> None:
    check_kernel_fits(values["kernel"], values["size"])
    check_anchor(values["anchor"], values["kernel"])
    C, D = in_out(values)
    # T, its symbolic evaluation and the spectra hold about six complex D x C x M x N arrays at once
    guard_size(
        "transfer matrices D*C*M*N (x6 working copies)", 6 * D * C * values["size"][0] * values["size"][1]
    )


def forward_symbolic(formulas, weight: np.ndarray, bias: np.ndarray, g: np.ndarray, size, anchor: str):
    """h = T g + delta M N b evaluated from the printed expressions (numpy, every frequency at once)."""
    K = weight.shape[-1]
    T = transfer_matrix(formulas["transfer"](K), weight, size)
    if anchor == "centered":
        uu, vv = grid(*size)
        T = T * evaluate(formulas["phase"]((K - 1) // 2), [u, v, M, N], [uu, vv, *size], size)
    return apply_transfer(T, g) + bias_spectrum(formulas["bias"](), bias, size), T


def run(values: dict, settings: Settings, formulas) -> list:
    dtype, device, gen = runtime(settings)
    size, K, anchor = values["size"], values["kernel"], values["anchor"]
    C, D = in_out(values)
    x = randn((C, *size), gen, dtype, device)
    weight = randn((D, C, K, K), gen, dtype, device)
    bias = randn((D,), gen, dtype, device)
    y = conv(x[None], weight, bias, anchor)[0]
    h_num, g = spectrum(y), spectrum(x)
    w_np, b_np = weight.cpu().double().numpy(), bias.cpu().double().numpy()
    h_sym, T = forward_symbolic(formulas, w_np, b_np, g, size, anchor)
    params = shown_params(values)
    tol = settings.identity_tol()
    statement = "h^(uv) = T^(uv) g^(uv) + δ_uv·M·N·b" + (
        " (×exp(-i2π(up/M+vp/N)), centred)" if anchor == "centered" else ""
    )
    verdicts = identity_verdicts(
        "theorem1.forward" + ("[centred anchor]" if anchor == "centered" else ""),
        statement,
        h_sym,
        h_num,
        ("d", "u", "v"),
        params,
        tol,
    )

    # Stated consequence: each frequency propagates independently.  Add a real cosine at one frequency
    # (u0, v0) to the input, run the layer again, and compare the change of the output spectrum with the
    # printed prediction T^(uv) Δg^(uv) (zero away from (u0, v0) and its conjugate partner).
    u0, v0 = max(size[0] // 3, 0), max(size[1] // 4, 0)
    mm, nn = np.meshgrid(np.arange(size[0]), np.arange(size[1]), indexing="ij")
    wave = np.cos(2 * np.pi * (u0 * mm / size[0] + v0 * nn / size[1]))
    dx = randn((C, 1, 1), gen, dtype, device) * x.new_tensor(wave)
    dh_num = spectrum(conv((x + dx)[None], weight, bias, anchor)[0]) - h_num
    dh_sym = apply_transfer(T, spectrum(dx))
    verdicts += identity_verdicts(
        "theorem1.independence" + ("[centred anchor]" if anchor == "centered" else ""),
        f"perturbing g at (u,v)=({u0},{v0}) changes h only there and at its conjugate",
        dh_sym,
        dh_num,
        ("d", "u", "v"),
        params,
        tol,
    )
    return verdicts


def falsify_grid() -> list[dict]:
    grid_ = []
    for size in [(1, 1), (2, 2), (3, 2), (4, 4), (5, 3), (6, 6)]:
        for kernel in range(1, min(size) + 1):
            for channels in (1, 2):
                for anchor in ("paper", "centered"):
                    if anchor == "centered" and kernel % 2 == 0:
                        continue
                    grid_.append({"size": size, "kernel": kernel, "channels": channels, "anchor": anchor})
    return grid_


ROWS = (
    printed("theorem1.forward", "3", "Thm 3.2, Eq. 3"),
    printed("theorem1.independence", "3", "Thm 3.2 (each frequency propagates independently)"),
    convention(
        "theorem1.forward[centred anchor]",
        "3",
        "Thm 3.2, Eq. 3",
        note="torch's centred circular padding: the statement times exp(-i2π(up/M+vp/N))",
    ),
    convention("theorem1.independence[centred anchor]", "3", "Thm 3.2"),
)

CLAIM = Claim(
    id="theorem1",
    aliases=("thm1", "thm3.2", "eq3", "forward"),
    title="Forward propagation through one convolution",
    source="ICLR Thm 1; ICML Thm 3.2, Eq. 3",
    kind="identity",
    summary="h(uv) = T(uv) g(uv) + δ_uv·MN·b: a convolution acts on each frequency independently",
    statements=statements,
    hypotheses=(
        "circular padding appended at the end (paper anchor), stride 1, same size",
        "cross-correlation as in torch; any real weights and bias",
    ),
    params=(SIZE, KERNEL, CHANNELS, IN_CHANNELS, OUT_CHANNELS, ANCHOR),
    run=run,
    formulas=FORMULAS,
    perturbations=PERTURBATIONS,
    falsify_grid=falsify_grid,
    validate=validate,
    perturb_at={"no-shift-phase": {"anchor": "centered"}},
    notes="Numeric side: torch F.conv2d after F.pad(mode='circular') (paper anchor) or nn.Conv2d with "
    "padding_mode='circular' (centred anchor), then torch.fft.fft2.",
    rows=ROWS,
)
