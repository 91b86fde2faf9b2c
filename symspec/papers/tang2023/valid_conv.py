"""valid-conv -- the output spectrum of an unpadded convolution (ICML Eq. 17).

Checks, against a real ``F.conv2d`` without padding: the whole output-spectrum formula with alpha by its
definition; the printed closed form of alpha at every (u', v', u, v); the spectrum formula with the printed
alpha; and the corrected closed form (M-K+1 terms, Lemma A.1) as its own sub-claim.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp
import torch

from ...claims import Claim, printed, variant, Settings, guard_size, identity_verdicts
from ...numeric.layers import conv_valid, spectrum
from ...spectral.conv import apply_transfer, transfer_expr, transfer_matrix
from ...spectral.dft import K, M, N, evaluate, u, v
from ...spectral.valid import Mq, Nq, alpha_definition, alpha_finite, alpha_quotient, up, vp
from .common import (
    CHANNELS,
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

FORMULAS = {
    "alpha_closed": lambda: alpha_quotient(0),
    "alpha_corrected": lambda: alpha_quotient(1),
    "alpha_definition": lambda size, kernel: alpha_finite(size, kernel),
    "transfer": lambda kernel=None: transfer_expr(kernel),
    "bias_scale": lambda: Mq * Nq,
}
PERTURBATIONS = {
    "definition-conjugated": {"alpha_definition": lambda size, kernel: alpha_finite(size, kernel, sign=-1)},
    "bias-MN-instead-of-M'N'": {"bias_scale": lambda: M * N},
    "phase-sign": {"transfer": lambda kernel=None: transfer_expr(kernel, sign=-1)},
    "corrected-with-M-K-terms": {"alpha_corrected": lambda: alpha_quotient(0)},
}


def statements():
    h, g, T, alpha = sp.IndexedBase("h"), sp.IndexedBase("g"), sp.IndexedBase("T"), sp.IndexedBase("α")
    b = sp.Symbol("b")
    return [
        (
            "spectrum",
            sp.Eq(
                h[up, vp],
                sp.KroneckerDelta(up, 0) * sp.KroneckerDelta(vp, 0) * Mq * Nq * b
                + sp.Sum(alpha[up, vp, u, v] * T[u, v] * g[u, v], (u, 0, M - 1), (v, 0, N - 1)),
            ),
        ),
        ("α, definition", sp.Eq(alpha[up, vp, u, v], alpha_definition())),
        ("α, printed closed form", sp.Eq(alpha[up, vp, u, v], alpha_quotient(0).expr)),
        ("α, corrected closed form (M-K+1 terms)", sp.Eq(alpha[up, vp, u, v], alpha_quotient(1).expr)),
    ]


def validate(values: dict) -> None:
    check_kernel_fits(values["kernel"], values["size"])
    m, n = values["size"]
    C, D = in_out(values)
    guard_size("α grid M'N'MN", (m * n) ** 2 * 2)
    guard_size("transfer matrices D*C*M*N", D * C * m * n)


def alpha_torch(size, kernel, dtype, device) -> np.ndarray:
    """alpha from the real layer: each unit-spectrum input (1/MN) e^{i2pi(um/M+vn/N)} through an unpadded
    conv whose kernel is a unit impulse at (0,0) (the crop a valid convolution applies), spectrum on
    M' x N'."""
    M_, N_ = size
    unit = torch.eye(M_ * N_, dtype=torch.complex128).reshape(M_ * N_, M_, N_)
    basis = torch.fft.ifft2(unit)  # (MN, M, N): spectrum = 1 at one (u, v)
    delta = torch.zeros(1, 1, kernel, kernel, dtype=dtype, device=device)
    delta[0, 0, 0, 0] = 1.0
    real = conv_valid(basis.real.to(dtype=dtype, device=device)[:, None], delta)[:, 0]
    imag = conv_valid(basis.imag.to(dtype=dtype, device=device)[:, None], delta)[:, 0]
    out = spectrum(real) + 1j * spectrum(imag)  # (MN, M', N')
    return out.reshape(M_, N_, *out.shape[-2:]).transpose(2, 3, 0, 1)


@dataclass
class Setup:
    """What the rows of one run share: the real layer's output spectrum h, the input spectrum through the
    transfer T (Tg), the bias term and α by its definition."""

    formulas: dict
    params: dict
    tol: float
    dtype: torch.dtype
    device: torch.device
    size: tuple[int, int]
    kernel: int
    h_num: np.ndarray  # (D, M', N'): torch's unpadded conv, then fft2
    Tg: np.ndarray  # (D, M, N)
    bias_term: np.ndarray  # (D, M', N'): δ M'N' b
    alpha_def: np.ndarray  # (M', N', M, N)

    @classmethod
    def of(cls, values: dict, settings: Settings, formulas) -> Setup:
        dtype, device, gen = runtime(settings)
        size, kernel = values["size"], values["kernel"]
        C, D = in_out(values)
        M_, N_ = size
        Mq_, Nq_ = M_ - kernel + 1, N_ - kernel + 1
        x = randn((C, *size), gen, dtype, device)
        weight = randn((D, C, kernel, kernel), gen, dtype, device)
        bias = randn((D,), gen, dtype, device)
        h_num = spectrum(conv_valid(x[None], weight, bias)[0])
        g = spectrum(x)
        T = transfer_matrix(formulas["transfer"](kernel), weight.cpu().double().numpy(), size)
        Tg = apply_transfer(T, g)  # (D, M, N)
        bias_term = np.zeros((D, Mq_, Nq_), dtype=np.complex128)
        scale = complex(evaluate(formulas["bias_scale"](), [M, N, Mq, Nq], [M_, N_, Mq_, Nq_], ()))
        bias_term[:, 0, 0] = scale * bias.cpu().double().numpy()
        params = shown_params(values)
        tol = settings.identity_tol()
        alpha_def = formulas["alpha_definition"](size, kernel)
        return cls(formulas, params, tol, dtype, device, size, kernel, h_num, Tg, bias_term, alpha_def)


def run(values: dict, settings: Settings, formulas) -> list:
    s = Setup.of(values, settings, formulas)
    verdicts = identity_verdicts(
        "valid-conv.spectrum",
        "h^(u'v') = δ M'N' b + Σ_uv α_{u'v'uv} T^(uv) g^(uv), α by its definition",
        s.bias_term + np.einsum("pquv,duv->dpq", s.alpha_def, s.Tg),
        s.h_num,
        ("d", "u'", "v'"),
        s.params,
        s.tol,
    )
    return verdicts + closed_form_rows(s)


def closed_form_rows(s: Setup) -> list:
    """The printed closed form of α and the corrected one (M-K+1 terms) against α of the real layer; after
    the printed one, the spectrum formula with it."""
    (M_, N_), kernel = s.size, s.kernel
    Mq_, Nq_ = M_ - kernel + 1, N_ - kernel + 1
    alpha_num = alpha_torch(s.size, kernel, s.dtype, s.device)
    grids = [
        np.arange(Mq_).reshape(-1, 1, 1, 1),
        np.arange(Nq_).reshape(1, -1, 1, 1),
        np.arange(M_).reshape(1, 1, -1, 1),
        np.arange(N_).reshape(1, 1, 1, -1),
    ]
    syms = [up, vp, u, v, M, N, K]
    vals = [*grids, M_, N_, kernel]
    shape = (Mq_, Nq_, M_, N_)
    axes = ("u'", "v'", "u", "v")
    verdicts = []
    for sub_id, key, label in (
        ("valid-conv.alpha_closed_form", "alpha_closed", "printed"),
        ("valid-conv.alpha_closed_form.corrected", "alpha_corrected", "corrected: M-K+1 terms"),
    ):
        alpha_q, undefined = s.formulas[key]().evaluate(syms, vals, shape)
        terms = "+1" if "corrected" in key else ""
        verdicts += identity_verdicts(
            sub_id,
            f"α = (1/MN)·sin((M-K{terms})λπ)"
            f"sin((N-K{terms})γπ)/(sin λπ sin γπ)·e^{{i((M-K)λ+(N-K)γ)π}} "
            f"({label})",
            alpha_q,
            alpha_num,
            axes,
            s.params,
            s.tol,
            undefined=undefined,
            limit=s.alpha_def,
        )
        if key == "alpha_closed":
            verdicts += printed_alpha_rows(s, alpha_q, undefined)
    return verdicts


def printed_alpha_rows(s: Setup, alpha_q: np.ndarray, undefined: np.ndarray) -> list:
    """The spectrum formula with the printed closed form of α (UNDEFINED where α is 0/0)."""
    h_printed = s.bias_term + np.einsum("pquv,duv->dpq", np.where(undefined, 0, alpha_q), s.Tg)
    h_undefined = np.broadcast_to(undefined.any(axis=(2, 3))[None], s.h_num.shape)
    h_limit = s.bias_term + np.einsum("pquv,duv->dpq", s.alpha_def, s.Tg)  # the finite-sum value
    return identity_verdicts(
        "valid-conv.spectrum_printed_alpha",
        "h^(u'v') = δ M'N' b + Σ α T g with the printed closed form of α",
        h_printed,
        s.h_num,
        ("d", "u'", "v'"),
        s.params,
        s.tol,
        undefined=h_undefined,
        limit=h_limit,
    )


def falsify_grid() -> list[dict]:
    return [
        {"size": size, "kernel": k, "channels": 1}
        for size in [(1, 1), (2, 2), (3, 2), (3, 3), (4, 4), (5, 3), (6, 6)]
        for k in range(1, min(size) + 1)
    ]


ROWS = (
    printed("valid-conv.spectrum", "13", "Eq. 17 (α by its sum)"),
    printed("valid-conv.alpha_closed_form", "13", "Eq. 17 (closed form of α)"),
    printed("valid-conv.spectrum_printed_alpha", "13", "Eq. 17 (with the closed form of α)"),
    variant("valid-conv.alpha_closed_form.corrected", note="sin((M−K+1)λπ) sin((N−K+1)γπ): M' = M−K+1 terms"),
)

CLAIM = Claim(
    id="valid-conv",
    aliases=("eq17", "valid", "valid_conv", "unpadded-conv"),
    title="Convolution without padding",
    source="ICML Eq. 17 (proof of Thm 3.2)",
    kind="identity",
    summary="h(u'v') = δ·M'N'·b + Σ_uv α(u'v'uv) T(uv) g(uv), with α's printed sine-quotient closed form",
    statements=statements,
    hypotheses=("stride 1, no padding: M' = M-K+1, N' = N-K+1", "any real weights, bias and input"),
    params=(SIZE, KERNEL, CHANNELS, IN_CHANNELS, OUT_CHANNELS),
    run=run,
    formulas=FORMULAS,
    perturbations=PERTURBATIONS,
    falsify_grid=falsify_grid,
    validate=validate,
    notes="Numeric side: torch F.conv2d without padding, then torch.fft.fft2 on the M'xN' output; α from "
    "the same unpadded conv (unit-impulse kernel) applied to each unit-spectrum input.  The printed closed "
    "form of α has M-K where Lemma A.1 with M' = M-K+1 terms gives M-K+1; its 0/0 points (λ or γ an "
    "integer) are UNDEFINED and shown with the finite-sum value.",
    rows=ROWS,
)
