"""cascade -- L cascaded convolutions without activations (ICML Cor 3.3).

Printed (p. 4, Eq. 4): ``h^(uv) = T^(uv)(L:1) g^(uv) + delta_uv beta`` with ``T(L:1) = T^(L) ... T^(1)`` and
``beta = M N (b^(L) + sum_{j=2}^{L} T^(00)(L:j) b^(j-1))``.  A text extraction of the page drops the
parentheses, which reads as MN on ``b^(L)`` only (``--beta-reading last``, a ``convention`` row).  The last
expansion line of the proof (A.2, p. 14) prints ``delta MN (T(L:2) b^(1) + ... + MN b^(L))``, a second MN on
``b^(L)``: a printed proof step of its own (``cascade.proof_line``), checked at every run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp
import torch

from ...claims import (
    TYPO,
    Claim,
    Finding,
    convention,
    printed,
    Param,
    Settings,
    identity_verdicts,
    guard_size,
)
from ...numeric.layers import conv, spectrum
from ...spectral.conv import beta_value, centered_phase, chain_transfer, transfer_expr, transfer_matrix
from ...spectral.dft import M, N, evaluate, grid, u, v
from .common import (
    ANCHOR,
    CHANNELS,
    DEPTH,
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

BETA_READING = Param(
    "beta_reading",
    "choice",
    "whole",
    "where M·N multiplies in β: whole bracket (as printed) or b^(L) only (the print without its parentheses)",
    choices=("whole", "last"),
)

j, L = sp.symbols("j L", integer=True, positive=True)
_b = sp.IndexedBase("b")
_T00 = sp.Function("T00")


def beta_expr(reading: str) -> sp.Expr:
    tail = sp.Sum(_T00(L, j) * _b[j - 1], (j, 2, L))
    return M * N * (_b[L] + tail) if reading == "whole" else M * N * _b[L] + tail


FORMULAS = {
    "transfer": lambda kernel=None: transfer_expr(kernel),
    "chain": chain_transfer,
    "beta": beta_value,
    "phase": lambda p: centered_phase(p),
}
PERTURBATIONS = {
    "beta-MN-on-last-bias-only": {
        "beta": lambda T00, biases, mn, reading: beta_value(T00, biases, mn, "last")
    },
    "no-bias": {"beta": lambda T00, biases, mn, reading: 0 * biases[-1]},
    "phase-sign": {"transfer": lambda kernel=None: transfer_expr(kernel, sign=-1)},
    "reversed-product": {"chain": lambda Ts: chain_transfer(Ts[::-1])},
}


def statements():
    h, g, T, beta = sp.IndexedBase("h"), sp.IndexedBase("g"), sp.Function("T"), sp.Symbol("β")
    return [
        (
            "cascade",
            sp.Eq(h[u, v], T(L, 1) * g[u, v] + sp.KroneckerDelta(u, 0) * sp.KroneckerDelta(v, 0) * beta),
        ),
        ("chain", sp.Eq(T(L, 1), sp.Product(sp.Function("T_layer")(sp.Symbol("l")), (sp.Symbol("l"), 1, L)))),
        ("β (reading: whole bracket)", sp.Eq(beta, beta_expr("whole"))),
        ("β (reading: b^(L) only)", sp.Eq(beta, beta_expr("last"))),
    ]


def validate(values: dict) -> None:
    check_kernel_fits(values["kernel"], values["size"])
    check_anchor(values["anchor"], values["kernel"])
    C, D = in_out(values)
    widest = max(C, D, values["channels"])
    guard_size(
        "transfer matrices C*C*M*N*L",
        widest * widest * values["size"][0] * values["size"][1] * values["depth"],
    )


def layer_channels(values: dict) -> list[int]:
    C, D = in_out(values)
    return [C] + [values["channels"]] * (values["depth"] - 1) + [D]


@dataclass
class Setup:
    """What the rows of one run share: the drawn input, weights and biases, the layers' printed transfer
    matrices T^(l) and the reading of β."""

    formulas: dict
    params: dict
    tol: float
    size: tuple[int, int]
    anchor: str
    reading: str  # --beta-reading
    x: torch.Tensor
    weights: list
    biases: list
    Ts: list  # the printed T^(l) of every layer (D, C, M, N)
    b_np: list  # the biases as numpy arrays

    @classmethod
    def of(cls, values: dict, settings: Settings, formulas) -> Setup:
        dtype, device, gen = runtime(settings)
        size, K, anchor, depth = values["size"], values["kernel"], values["anchor"], values["depth"]
        chans = layer_channels(values)
        x = randn((chans[0], *size), gen, dtype, device)
        weights = [randn((chans[i + 1], chans[i], K, K), gen, dtype, device) for i in range(depth)]
        biases = [randn((chans[i + 1],), gen, dtype, device) for i in range(depth)]
        Ts = [transfer_matrix(formulas["transfer"](K), w.cpu().double().numpy(), size) for w in weights]
        if anchor == "centered":
            uu, vv = grid(*size)
            phase = evaluate(formulas["phase"]((K - 1) // 2), [u, v, M, N], [uu, vv, *size], size)
            Ts = [T * phase for T in Ts]
        b_np = [bb.cpu().double().numpy() for bb in biases]
        return cls(
            formulas,
            shown_params(values),
            settings.identity_tol(),
            size,
            anchor,
            values["beta_reading"],
            x,
            weights,
            biases,
            Ts,
            b_np,
        )

    def network(self, inp: torch.Tensor) -> torch.Tensor:
        y = inp[None]
        for w, bb in zip(self.weights, self.biases):
            y = conv(y, w, bb, self.anchor)
        return y[0]

    def beta(self, reading: str):
        return self.formulas["beta"](
            [T[:, :, 0, 0] for T in self.Ts], self.b_np, self.size[0] * self.size[1], reading
        )

    def identity(self, sub_id: str, statement: str, printed_, numeric) -> list:
        return identity_verdicts(sub_id, statement, printed_, numeric, ("d", "u", "v"), self.params, self.tol)


def run(values: dict, settings: Settings, formulas) -> list:
    s = Setup.of(values, settings, formulas)
    h_num, g = spectrum(s.network(s.x)), spectrum(s.x)
    T_all = formulas["chain"](s.Ts)
    beta = s.beta(s.reading)
    h_sym = np.einsum("dcuv,cuv->duv", T_all, g)
    h_sym[:, 0, 0] += beta
    proof_line = "" if s.reading == "whole" else "[MN on b^(L) only]"
    verdicts = s.identity(
        "cascade.forward" + proof_line, "h^(uv) = T^(uv)(L:1) g^(uv) + δ_uv β", h_sym, h_num
    )
    return verdicts + beta_rows(s, beta, proof_line)


def beta_rows(s: Setup, beta, proof_line: str) -> list:
    """β alone: the network applied to a zero input outputs a constant map whose DC coefficient is β; and
    the proof's last expansion line (p. 14), evaluated as printed, against the same real response."""
    zero_out = spectrum(s.network(s.x.new_zeros(s.x.shape)))
    beta_grid = np.zeros_like(zero_out)
    beta_grid[:, 0, 0] = beta
    reading = "MN·(b^(L) + Σ T00(L:j) b^(j-1))" if s.reading == "whole" else "MN·b^(L) + Σ T00(L:j) b^(j-1)"
    verdicts = s.identity(
        "cascade.beta" + proof_line, f"β = {reading} = spectrum of net(0)", beta_grid, zero_out
    )
    proof_grid = np.zeros_like(zero_out)
    proof_grid[:, 0, 0] = s.beta("proof-line")
    return verdicts + s.identity(
        "cascade.proof_line",
        "A.2's last line: δ MN (T(L:2) b^(1) + ⋯ + MN b^(L)) = spectrum of net(0)",
        proof_grid,
        zero_out,
    )


def falsify_grid() -> list[dict]:
    out = []
    for size in [(1, 1), (2, 2), (3, 2), (4, 4), (5, 3)]:
        for kernel in range(1, min(size) + 1):
            for depth in (1, 2, 3):
                for channels in (1, 2):
                    for reading in ("whole", "last"):
                        out.append(
                            {
                                "size": size,
                                "kernel": kernel,
                                "depth": depth,
                                "channels": channels,
                                "beta_reading": reading,
                            }
                        )
    return out


ROWS = (
    printed("cascade.forward", "4", "Cor 3.3, Eq. 4"),
    printed("cascade.beta", "4", "Cor 3.3, Eq. 4 (β)"),
    convention(
        "cascade.forward[MN on b^(L) only]",
        "4",
        "Cor 3.3, Eq. 4",
        note="β read without its parentheses (as a text extraction of the page shows it)",
    ),
    convention("cascade.beta[MN on b^(L) only]", "4", "Cor 3.3, Eq. 4 (β)"),
    printed(
        "cascade.proof_line",
        "14",
        "A.2, last expansion line",
        of="Cor 3.3",
        finding=Finding(TYPO, intent="cascade.beta"),
        note="the proof's last line puts a second MN on b^(L); the line before it is right",
    ),
)

CLAIM = Claim(
    id="cascade",
    aliases=("cor3.3", "corollary3.3", "cascaded"),
    title="L cascaded convolutions",
    source="ICML Cor 3.3",
    kind="identity",
    summary="h(uv) = T(uv)(L:1) g(uv) + δ_uv·β with β = MN·(b(L) + Σ_j T00(L:j) b(j-1))",
    statements=statements,
    hypotheses=(
        "no activations; circular padding (paper anchor) at every layer; stride 1",
        "layer l has C_l kernels of size K and a bias b^(l)",
    ),
    params=(SIZE, KERNEL, CHANNELS, IN_CHANNELS, OUT_CHANNELS, DEPTH, ANCHOR, BETA_READING),
    run=run,
    formulas=FORMULAS,
    perturbations=PERTURBATIONS,
    falsify_grid=falsify_grid,
    validate=validate,
    notes="Numeric side: L real torch convolutions with biases, then torch.fft.fft2; β alone is read off the "
    "network's response to a zero input.  --beta-reading last evaluates the print without its parentheses "
    "(M·N on b^(L) only), which the real network does not follow for L ≥ 2.  cascade.proof_line checks the "
    "last expansion line of the proof (p. 14), which puts a second M·N on b^(L) (wrong whenever MN > 1).",
    rows=ROWS,
)
