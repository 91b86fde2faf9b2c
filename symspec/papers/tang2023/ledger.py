"""The ledger of Tang et al., ICML 2023, as data: every numbered equation (1-57) and every stated conclusion
without a number, the claim rows that check each, the parameter grids they run on, the proof chains and the
formal verification's 16 issues.  :mod:`symspec.ledger` computes every status from these rows."""

from __future__ import annotations

from ...ledger import DEFINITION, NOT_CHECKABLE, Chain, Check, Entry, Issue, PaperLedger, Reproduce
from ...verdicts import FAIL, PASS, UNDEFINED

TITLE = (
    "ICML 2023 'Defects of Convolutional Decoder Networks in Frequency Representation': every numbered "
    "equation and stated conclusion"
)

SECTIONS = {
    "1": "Introduction",
    "3": "Preliminaries",
    "3.1": "Propagation in frequency: Thm 3.2, Cor 3.3, Cor 3.4",
    "4.1": "Effects of the convolution operation: Assumption 4.1, Thm 4.2",
    "4.2": "Effects of the zero-padding operation: Thm 4.3",
    "4.3": "Effects of the upsampling operation: Thm 4.4",
    "4.4": "Difficulty of representing specific frequencies: Thm 4.5",
    "5.1": "Experiments: convolution, padding, depth",
    "5.2": "Experiments: shifted frequencies",
    "6": "Conclusion",
    "A.1": "Proof of Thm 3.2: Lemma A.1, orthogonality, valid convolution",
    "A.2": "Proof of Cor 3.3",
    "A.3": "Proof of Cor 3.4",
    "A.4": "Proof of Thm 4.2",
    "A.5": "Proof of Thm 4.3",
    "A.6": "Proof of Thm 4.4",
    "A.7": "Proof of Thm 4.5",
    "B.1": "Interpretation: depth",
    "B.2": "Interpretation: the weights' mean",
    "B.3": "Interpretation: the kernel size",
    "B.4": "Interpretation: natural images",
    "C": "Appendix C: experiments",
}

# ------------------------------------------------------------------------------------------ the grids

S = 2000  # Monte-Carlo samples at the extra grid points (Monte-Carlo rows check symspec, not the paper)
GRIDS: dict[str, tuple[dict, ...]] = {
    "lemma": ({}, {"terms": 1}, {"terms": 7, "oversample": 1}),
    "theorem1": (
        {},
        {"size": "5x3", "kernel": 1},
        {"size": "4x4", "kernel": 4, "channels": 1},
        {"size": "5x3", "kernel": 3, "channels": 3, "anchor": "centered"},
    ),
    "cascade": (
        {},
        {"size": "5x3", "kernel": 1, "depth": 2},
        {"size": "4x4", "kernel": 4, "depth": 2, "channels": 1},
        {"size": "5x3", "kernel": 1, "depth": 2, "beta_reading": "last"},
    ),
    "theorem2": (
        {},
        {"size": "7x5", "kernel": 1, "depth": 3, "samples": S},  # odd sizes, K = 1
        {"size": "4x4", "kernel": 4, "depth": 2, "samples": S},  # K = M
        {"size": "8x8", "kernel": 1, "depth": 1, "mu": "1", "sigma": "0.25", "channels": 1, "samples": S},
        {"size": "4x4", "kernel": 1, "depth": 1, "mu": "0", "sigma": "0.5", "channels": 1, "samples": S},
        {"size": "8x8", "kernel": 2, "depth": 1, "mu": "1", "sigma": "1", "channels": 1, "samples": S},
        {"size": "4x4", "kernel": 1, "depth": 3, "channels": 2, "mu": "1", "sigma": "0.5", "samples": S},
    ),
    "theorem3": (
        {},
        {"size": "3x5", "to": "4x7"},
        {
            "size": "2x2",
            "to": "3x3",
            "a": 0,
            "sigma": 1,
            "input_model": "correlated",
            "rho": 1,
            "samples": 4000,
        },
    ),
    "theorem4": ({}, {"size": "3x5", "ratio": 3, "channels": 1}, {"size": "1x1", "ratio": 2}),
    "valid-conv": (
        {},
        {"size": "3x3", "kernel": 2, "channels": 1},
        {"size": "5x4", "kernel": 1},
        {"size": "4x4", "kernel": 4},
    ),
    "backprop": (
        {},
        {"size": "5x3", "kernel": 1, "depth": 2, "channels": 1},
        {"size": "4x4", "kernel": 4, "depth": 2, "in_channels": 1, "out_channels": 3},
    ),
    "shift": (
        {},  # 16x16, K = 3, a one-axis shift (Q is 0/0 as printed)
        {"size": "8x8", "kernel": 2, "from": "1,1", "to": "2,1"},
        {"size": "6x6", "from": "2,2", "to": "3,2", "sweep": 3},  # the conjugate partners decouple
        {"alpha": 3, "from": "2,3", "to": "3,2"},  # α ≥ 2 cos φ
        {"size": "6x6", "kernel": 6, "from": "2,1", "to": "0,1", "alpha": 1, "sweep": 2},  # K = M, φ < 0
        {"size": "8x8", "kernel": 3},
        {"size": "4x4", "kernel": 2, "depth": 2, "from": "0,1", "to": "1,0", "alpha": 0.25, "sweep": 2},
    ),
}
# the formal verification's witnesses among them: kernel-growth (8x8, K 1→2, μ = 1, σ² = 1/16),
# depth-growth (N(0, 1/4), K = 1), large-k-imbalance (8x8, μ = σ² = 1), padding-iid (2x2→3x3, one shared
# pixel), valid-count (3x3, K = 2), phase-magnitude (α = 3), one-step (4x4, L = 2, K = 2, f01/f10, α = 1/4)


def _from(values: dict) -> dict:
    return {"u": values["from"][0], "v": values["from"][1]}


def _to(values: dict) -> dict:
    return {"u": values["to"][0], "v": values["to"][1]}


_SHIFT_AT = (
    {},
    {"size": "6x6", "from": "2,2", "to": "3,2", "sweep": 3},
    {"size": "8x8", "kernel": 2, "from": "1,1", "to": "2,1"},
)
# the nearest runs for claims about trained networks on the paper's datasets
EXPERIMENTS = "symspec experiment"
DATASETS = (
    "a claim about networks trained on CIFAR-10 / Tiny-ImageNet / Broden, which cannot be downloaded here"
)

ENTRIES: tuple[Entry, ...] = (
    # §3 -----------------------------------------------------------------------------------------------------
    Entry(
        "Eq. 1",
        page="3",
        section="3",
        kind="definition",
        statement="F̃ = Conv(F): F̃^(d) = W^[ker=d] ⊗ F + b^[ker=d]·1",
        defines="the convolution layer (cross-correlation plus bias); torch's F.conv2d realises it in "
        "theorem1, cascade, backprop and shift",
    ),
    Entry(
        "Eq. 2",
        page="3",
        section="3",
        kind="definition",
        statement="G_uv = Σ_mn F_mn e^{-i(um/M+vn/N)2π} (per channel)",
        defines="the unnormalised DFT of each channel; torch.fft.fft2 computes it in every check",
    ),
    Entry(
        "Eq. 3",
        page="3",
        section="3.1",
        kind="identity",
        statement="Thm 3.2: h^(uv) = T^(uv) g^(uv) + δ_uv MN b",
        checks=(Check("theorem1", rows=("theorem1.forward",)),),
        related=(Check("theorem1", rows=("theorem1.forward[centred anchor]",)),),
    ),
    Entry(
        "Thm 3.2 ind.",
        page="3",
        section="3.1",
        kind="identity",
        statement="Thm 3.2: each frequency propagates independently",
        checks=(Check("theorem1", rows=("theorem1.independence",)),),
    ),
    Entry(
        "Eq. 4",
        page="4",
        section="3.1",
        kind="identity",
        statement="Cor 3.3: h = T(L:1) g + δ_uv β, β = MN(b^(L) + Σ_j T00(L:j) b^(j-1))",
        checks=(Check("cascade", rows=("cascade.forward", "cascade.beta")),),
        related=(
            Check("cascade", rows=("cascade.forward[MN on b^(L) only]", "cascade.beta[MN on b^(L) only]")),
        ),
    ),
    Entry(
        "Eq. 5",
        page="4",
        section="3.1",
        kind="identity",
        statement="Cor 3.4: ΔT^(l)ᵀ = -ηMN Σ χ (conj T(l-1:1) conj g + δ conj β') ∂L/∂conj(h)ᵀ conj T(L:l+1)",
        checks=(Check("backprop", rows=("backprop.eq5", "backprop.chi_closed_form")),),
        related=(
            Check(
                "backprop",
                rows=(
                    "backprop.eq5[Wirtinger ∂L/∂h̄]",
                    "backprop.eq5[Wirtinger ∂L/∂h]",
                ),
            ),
        ),
        note="χ's quotient is 0/0 at u' = u or v' = v, which every sum of Eq. 5 includes",
    ),
    # §4.1 ---------------------------------------------------------------------------------------------------
    Entry(
        "Eq. 6",
        page="5",
        section="4.1",
        kind="definition",
        statement="Assumption 4.1: E[T_dc T_d'c'] = E[T_dc] E[T_d'c'], d ≠ d', c ≠ c'",
        defines="an assumption on unconjugated first-order products within a layer; theorem2's i.i.d. "
        "Gaussian weights satisfy it.  It does not cover the conjugated same-column moment "
        "E[P_dc conj P_d'c] that Eq. 32 uses (see Eq. 32)",
    ),
    Entry(
        "Eq. 7",
        page="5",
        section="4.1",
        kind="definition",
        statement="Assumption 4.1: E[T^(l)_dc T(l-1:1)_d'c'] = E[T^(l)_dc] E[T(l-1:1)_d'c']",
        defines="an assumption that layers are independent; theorem2's exact engine and its Monte-Carlo "
        "draw every layer independently",
    ),
    Entry(
        "Thm 4.2 mean",
        page="5",
        section="4.1",
        kind="moment",
        statement="Thm 4.2 (C_l = 1): E[T(L:1)] = Π_l μ_l R_uv",
        checks=(Check("theorem2", rows=("theorem2.mean",)),),
    ),
    Entry(
        "Thm 4.2 R",
        page="5",
        section="4.1",
        kind="identity",
        statement="R_uv = sin(uKπ/M) sin(vKπ/N)/(sin(uπ/M) sin(vπ/N))·e^{iπ(K-1)(u/M+v/N)}",
        checks=(Check("theorem2", rows=("theorem2.R_closed_form",)),),
    ),
    Entry(
        "Thm 4.2 |R|",
        page="5",
        section="4.1",
        kind="identity",
        statement="0 ≤ |R_uv| ≤ K²",
        checks=(Check("theorem2", rows=("theorem2.R_bound",)),),
    ),
    Entry(
        "Thm 4.2 SOM",
        page="5",
        section="4.1",
        kind="moment",
        statement="log SOM(T(L:1)) = Σ_l log(|μ_l R_uv|² + K²σ_l²)",
        checks=(Check("theorem2", rows=("theorem2.som",)),),
    ),
    Entry(
        "Thm 4.2 (1)",
        page="5",
        section="4.1",
        kind="trend",
        statement="conclusion 1: SOM increases with |μ_l|, |R_uv|, K and σ_l²",
        checks=(
            Check(
                "theorem2",
                rows=("theorem2.trend.mu", "theorem2.trend.R", "theorem2.trend.K", "theorem2.trend.sigma"),
            ),
        ),
    ),
    Entry(
        "Thm 4.2 (2)",
        page="5",
        section="4.1",
        kind="trend",
        statement="conclusion 2: the magnitude of T(L:1) grows exponentially with depth L",
        checks=(Check("theorem2", rows=("theorem2.trend.depth",)),),
    ),
    Entry(
        "Thm 4.2 (3)",
        page="6",
        section="4.1",
        kind="trend",
        statement="conclusion 3: convolution weakens high frequencies, more so when deep",
        checks=(Check("theorem2", rows=("theorem2.trend.high_weakened",)),),
    ),
    Entry(
        "Thm 4.2 (4)",
        page="6",
        section="4.1",
        kind="trend",
        statement="conclusion 4: a large |μ_l| makes high frequencies relatively weaker",
        checks=(Check("theorem2", rows=("theorem2.trend.mu_relative",)),),
    ),
    Entry(
        "Thm 4.2 (5)",
        page="6",
        section="4.1",
        kind="trend",
        statement="conclusion 5: a small K makes high frequencies relatively weaker",
        checks=(Check("theorem2", rows=("theorem2.trend.small_kernel",)),),
    ),
    Entry(
        "Thm 4.2 C>1",
        page="5",
        section="4.1",
        kind="interpretation",
        statement="for C_l > 1 the magnitude also 'approximately exponentially increases' with depth",
        reason="'approximately' comes with no tolerance, and no depth range is stated",
        nearest=(Check("theorem2", rows=("theorem2.som_multichannel",)),),
    ),
    Entry(
        "Assump. 4.1 why",
        page="5",
        section="4.1",
        kind="interpretation",
        statement="irrelevance holds at random initialisation, by the lottery ticket hypothesis, and in "
        "trained DNNs (C.7)",
        reason=DATASETS + "; an assumption about training, not a formula",
        nearest=(Check("theorem2", rows=("theorem2.mean_multichannel",)),),
    ),
    # §4.2 ---------------------------------------------------------------------------------------------------
    Entry(
        "Eq. 8",
        page="6",
        section="4.2",
        kind="definition",
        statement="F̃_mn = F_mn (m < M, n < N); 0 (M ≤ m < M' and N ≤ n < N')",
        checks=(Check("theorem3", rows=("theorem3.eq8_definition",)),),
        related=(Check("theorem3", rows=("theorem3.eq8_definition.otherwise_zero",)),),
    ),
    Entry(
        "Eq. 9",
        page="6",
        section="4.2",
        kind="moment",
        statement="Thm 4.3: SOM(H_uv) - SOM(G_uv) = a²τ_uv², (u,v) ≠ (0,0), pixels N(a, σ²)",
        checks=(Check("theorem3", rows=("theorem3.som_difference",)),),
        related=(Check("theorem3", rows=("theorem3.som_difference.corrected",)),),
    ),
    Entry(
        "Thm 4.3 DC",
        page="6",
        section="4.2",
        kind="moment",
        statement="Thm 4.3: SOM(H_00) = SOM(G_00)",
        checks=(Check("theorem3", rows=("theorem3.dc_equal",)),),
    ),
    Entry(
        "Thm 4.3 concl.",
        page="6",
        section="4.2",
        kind="trend",
        statement="zero padding boosts low frequencies (τ_uv² is large near DC)",
        checks=(Check("theorem3", rows=("theorem3.trend.low_boosted",)),),
    ),
    # §4.3 ---------------------------------------------------------------------------------------------------
    Entry(
        "Eq. 10",
        page="6",
        section="4.3",
        kind="definition",
        statement="zero-insertion upsampling: F̃_m*n* = F_{m*/r, n*/r} on multiples of r",
        defines="zero-insertion upsampling by an integer ratio; theorem4 runs it as a stride-r "
        "transposed convolution",
    ),
    Entry(
        "Eq. 11",
        page="6",
        section="4.3",
        kind="identity",
        statement="Thm 4.4: H_{u+(s-1)M0, v+(t-1)N0} = G_uv, s, t = 1..r",
        checks=(Check("theorem4", rows=("theorem4.replication",)),),
    ),
    Entry(
        "Thm 4.4 concl.",
        page="6",
        section="4.3",
        kind="trend",
        statement="upsampling repeats the strong G_00 at (sM0, tN0)",
        checks=(Check("theorem4", rows=("theorem4.dc_repeats", "theorem4.trend.dc_replicas")),),
    ),
    Entry(
        "Thm 4.4 capacity",
        page="6",
        section="4.3",
        kind="interpretation",
        statement="strong periodic signals hurt the representation capacity",
        reason="no measure of representation capacity is defined",
        nearest=(Check("theorem4", rows=("theorem4.trend.dc_replicas",)),),
    ),
    Entry(
        "Thm 4.4 propagate",
        page="6",
        section="4.3",
        kind="interpretation",
        statement="periodic components propagate upward (Cor 3.3) and may tell real from generated samples",
        reason="needs real and generated image sets, and no decision rule is given",
        nearest=(Check("cascade", rows=("cascade.forward",)),),
    ),
    # §4.4 ---------------------------------------------------------------------------------------------------
    Entry(
        "Setting |H*|",
        page="7",
        section="4.4",
        kind="trend",
        statement="α > 0, φ < π/2 decrease |H*_u1v1| and increase |H*_u2v2|",
        checks=(Check("shift", rows=("shift.setting_magnitude",)),),
    ),
    Entry(
        "Thm 4.5 step",
        page="7",
        section="4.4",
        kind="identity",
        statement="Thm 4.5: under (43)-(46) one gradient step reaches zero loss",
        checks=(Check("shift", rows=("shift.one_step_zero_loss[(44) as printed]",)),),
        related=(Check("shift", rows=("shift.one_step_zero_loss[φ = -(44)]",)),),
    ),
    Entry(
        "Eq. 12",
        page="7",
        section="4.4",
        kind="trend",
        statement="Thm 4.5: ‖ΔW‖ ∝ αMN / (K² - Q(u2-u1, v2-v1))",
        checks=(Check("shift", rows=("shift.eq12_ratio", "shift.Q_closed_form")),),
        related=(Check("shift", rows=("shift.eq12.corrected",)),),
    ),
    Entry(
        "Thm 4.5 concl.",
        page="7",
        section="4.4",
        kind="trend",
        statement="a smaller shift needs a larger ‖ΔW‖ (is harder to learn)",
        checks=(Check("shift", rows=("shift.trend.smaller_shift_harder",)),),
    ),
    # §1, §3, §5, §6: conclusions about training -------------------------------------------------------------
    Entry(
        "§1 shift",
        page="1",
        section="1",
        kind="interpretation",
        statement="with a small input/target frequency shift the decoder usually cannot be learned "
        "effectively",
        reason=DATASETS,
        nearest=(Check("shift", rows=("shift.trend.smaller_shift_harder",)),),
        nearest_text=EXPERIMENTS + " shift",
    ),
    Entry(
        "Fig. 1a",
        page="2",
        section="1",
        kind="interpretation",
        statement="conv and zero padding make a decoder learn low frequencies first",
        reason=DATASETS,
        nearest_text=EXPERIMENTS + " learning-order (synthetic 1/f² images)",
    ),
    Entry(
        "§3 ReLU",
        page="3",
        section="3.1",
        kind="interpretation",
        statement="all findings also explain cascaded networks with ReLU layers",
        reason=DATASETS + "; no criterion for 'explain' is given",
        nearest_text=EXPERIMENTS + " cascade-fit",
    ),
    Entry(
        "§3 cos > 0.8",
        page="4-5",
        section="3.1",
        kind="interpretation",
        statement="cosine similarity > 0.8 (Cor 3.3), > 0.88 (Cor 3.4) verifies the theory",
        reason=DATASETS + "; the threshold is a judgement",
        nearest_text=EXPERIMENTS + " cascade-fit",
    ),
    Entry(
        "§5.1 proven",
        page="7",
        section="5.1",
        kind="interpretation",
        statement="the theorems prove that a cascaded decoder weakens high frequencies; auto-encoders "
        "learn low frequencies in early epochs",
        reason=DATASETS,
        nearest=(Check("theorem2", rows=("theorem2.trend.high_weakened",)),),
        nearest_text=EXPERIMENTS + " learning-order",
    ),
    Entry(
        "§5.1 natural",
        page="8",
        section="5.1",
        kind="interpretation",
        statement="trained on natural images, a decoder strengthens low frequencies",
        reason=DATASETS,
        nearest=(Check("cascade", rows=("cascade.forward",)),),
        nearest_text=EXPERIMENTS + " kernel",
    ),
    Entry(
        "§5.1 depth",
        page="8",
        section="5.1",
        kind="interpretation",
        statement="exponential growth of T(L:1) with L makes the output's components grow exponentially",
        reason="a claim about trained ReLU networks; SOM growth is not growth of one network's output",
        nearest=(Check("theorem2", rows=("theorem2.trend.depth",)),),
        nearest_text=EXPERIMENTS + " depth",
    ),
    Entry(
        "C.8 placement",
        page="8",
        section="5.1",
        kind="interpretation",
        statement="which layer has the large mean makes no difference (Cor 3.3)",
        reason=DATASETS,
        nearest_text=EXPERIMENTS + " mean",
    ),
    Entry(
        "§5.2 shift",
        page="9",
        section="5.2",
        kind="interpretation",
        statement="a smaller shift gives larger fitting errors; ‖ΔW‖ falls with the shift distance",
        reason=DATASETS,
        nearest=(Check("shift", rows=("shift.trend.smaller_shift_harder",)),),
        nearest_text=EXPERIMENTS + " shift",
    ),
    Entry(
        "§6",
        page="9",
        section="6",
        kind="interpretation",
        statement="conv and zero padding strengthen low frequencies; no deterministic property of a "
        "specific network follows",
        reason="a summary of learning behaviour with no bound or probability stated",
        nearest=(
            Check("theorem2", rows=("theorem2.trend.high_weakened",)),
            Check("theorem3", rows=("theorem3.trend.low_boosted",)),
        ),
    ),
    # A.1 ----------------------------------------------------------------------------------------------------
    Entry(
        "Eq. 13",
        page="11",
        section="A.1",
        kind="identity",
        statement="Lemma A.1: Σ_{n<N} e^{inθ} = sin(Nθ/2)/sin(θ/2)·e^{i(N-1)θ/2}, ∀θ ∈ R",
        checks=(Check("lemma", rows=("lemma.closed_form",)),),
    ),
    Entry(
        "Eq. 14",
        page="11",
        section="A.1",
        kind="identity",
        statement="Nθ = 2kπ, -N < k < N: the same quotient = N δ_θ",
        checks=(Check("lemma", rows=("lemma.degenerate", "lemma.closed_form")),),
    ),
    Entry(
        "Eq. 15",
        page="12",
        section="A.1",
        kind="identity",
        statement="Σ_mn e^{-i(um/M+vn/N)2π} = MN δ_uv",
        checks=(Check("lemma", rows=("lemma.eq15",)),),
        of="Eq. 3",
    ),
    Entry(
        "Eq. 16",
        page="12",
        section="A.1",
        kind="identity",
        statement="Σ_mn e^{i((u-u')m/M+(v-v')n/N)2π} = MN δ_{u-u'} δ_{v-v'}",
        checks=(Check("lemma", rows=("lemma.eq16",)),),
        of="Eq. 3",
    ),
    Entry(
        "Eq. 17",
        page="13",
        section="A.1",
        kind="identity",
        statement="valid conv: α = (1/MN) sin((M-K)λπ) sin((N-K)γπ)/(sin λπ sin γπ)·e^{…}",
        checks=(
            Check("valid-conv", rows=("valid-conv.alpha_closed_form", "valid-conv.spectrum_printed_alpha")),
        ),
        related=(Check("valid-conv", rows=("valid-conv.alpha_closed_form.corrected",)),),
    ),
    Entry(
        "A.1 valid h",
        page="13",
        section="A.1",
        kind="identity",
        statement="valid conv: h^(u'v') = δ M'N' b + Σ_uv α_u'v'uv T^(uv) g^(uv)",
        checks=(Check("valid-conv", rows=("valid-conv.spectrum",)),),
    ),
    Entry(
        "Eq. 18",
        page="14",
        section="A.1",
        kind="proof-step",
        statement="α_u'v'uv (M' = M, N' = N) = δ_{u-u'} δ_{v-v'}",
        checks=(Check("lemma", rows=("lemma.eq18",)),),
        of="Eq. 3",
    ),
    # A.2 ----------------------------------------------------------------------------------------------------
    Entry(
        "A.2 last line",
        page="14",
        section="A.2",
        kind="proof-step",
        statement="δ MN (T(L:2) b^(1) + ⋯ + MN b^(L)): a second MN on b^(L)",
        checks=(Check("cascade", rows=("cascade.proof_line",)),),
        of="Eq. 4",
        note="the same lines label the first factor T^(l,uv)_dc where T^(L,uv) is meant (notation, not "
        "computed)",
    ),
    # A.3 ----------------------------------------------------------------------------------------------------
    Entry(
        "Eq. 19",
        page="15",
        section="A.3",
        kind="definition",
        statement="G, F and T, W as DFT pairs (Eqs. 2 and 3 with their inverses)",
        defines="the DFT pairs of a layer's map and kernel; backprop takes ΔT of a real weight change by "
        "this definition",
    ),
    Entry(
        "Eq. 20",
        page="15",
        section="A.3",
        kind="definition",
        statement="∂L/∂conj(G_uv) = (1/MN) Σ_mn ∂L/∂F_mn e^{-i(um/M+vn/N)2π}; ∂L/∂conj(T) likewise",
        checks=(Check("backprop", rows=("backprop.eq20",)),),
        note="the derivative convention Eq. 5 is judged under; checked against torch's gradient of h = "
        "fft2(y)",
    ),
    Entry(
        "Eq. 21",
        page="15",
        section="A.3",
        kind="definition",
        statement="F^(l,d)_mn = b^(d) + Σ_c Σ_ts W^(l)_dcts F^(l-1,c)_{m+t,n+s}",
        defines="the layer recursion (Eq. 1 with layer indices, circular); backprop's networks run it in "
        "torch",
    ),
    Entry(
        "p.17 label",
        page="17",
        section="A.3",
        kind="proof-step",
        statement="text before Eq. 22: ∂Loss/∂(conj T^(l,uv))ᵀ ∈ C^{D×C}",
        checks=(Check("backprop", rows=("backprop.label_before_eq22",)),),
        of="Eq. 5",
    ),
    Entry(
        "Eq. 22",
        page="17",
        section="A.3",
        kind="proof-step",
        statement="∂L/∂conj(T^(l))ᵀ = Σ_u'v' χ conj(g^(l-1,u'v')) ∂L/∂conj(g^(l,u'v'))ᵀ",
        checks=(Check("backprop", rows=("backprop.eq22",)),),
        of="Eq. 5",
    ),
    Entry(
        "Eq. 23",
        page="17",
        section="A.3",
        kind="proof-step",
        statement="∂L/∂conj(g^(l-1))ᵀ = ∂L/∂conj(g^(l))ᵀ conj(T^(l))",
        checks=(Check("backprop", rows=("backprop.eq23",)),),
        of="Eq. 5",
    ),
    Entry(
        "p.17 fixed d",
        page="17",
        section="A.3",
        kind="proof-step",
        statement="∂L/∂conj(G^(l-1,c)) = ∂L/∂conj(G^(l,d)) conj(T_dc), one d, no Σ_d",
        checks=(Check("backprop", rows=("backprop.p17_gradient_fixed_d",)),),
        of="Eq. 5",
    ),
    Entry(
        "Eq. 24",
        page="17",
        section="A.3",
        kind="proof-step",
        statement="∂L/∂conj(g^(l))ᵀ = ∂L/∂g^(L)ᵀ conj T^(L)⋯conj T^(l+1) (first line: no bar) = "
        "∂L/∂conj(g^(L))ᵀ conj T(L:l+1)",
        checks=(Check("backprop", rows=("backprop.eq24", "backprop.eq24[first line]")),),
        of="Eq. 5",
    ),
    Entry(
        "Eq. 25",
        page="18",
        section="A.3",
        kind="proof-step",
        statement="∂L/∂conj(T^(l))ᵀ = Σ χ (conj T(l-1:1) conj g + conj β' δ) ∂L/∂conj(h)ᵀ conj T(L:l+1)",
        checks=(Check("backprop", rows=("backprop.eq5", "backprop.mn_steps", "backprop.chi_closed_form")),),
        of="Eq. 5",
        note="checked through ΔT = -ηMN ∂L/∂conj(T) (backprop.mn_steps) and Eq. 26 = -ηMN × (Eq. 25) "
        "(backprop.eq5)",
    ),
    Entry(
        "A.3 MN steps",
        page="18",
        section="A.3",
        kind="identity",
        statement="ΔT_dc = -ηMN ∂Loss/∂conj(T_dc): one step on W = MN steps on T",
        checks=(Check("backprop", rows=("backprop.mn_steps",)),),
        related=(
            Check("backprop", rows=("backprop.mn_steps[M×N-kernel ∂L/∂T̄]", "backprop.mn_steps.projected")),
        ),
    ),
    Entry(
        "Eq. 26",
        page="18",
        section="A.3",
        kind="identity",
        statement="Eq. 5 again, as the conclusion of A.3",
        checks=(Check("backprop", rows=("backprop.eq5", "backprop.chi_closed_form")),),
    ),
    # A.4 ----------------------------------------------------------------------------------------------------
    Entry(
        "p.19 cast",
        page="19",
        section="A.4",
        kind="proof-step",
        statement="a real weight W ~ N(μ_l, σ_l²) extended as ComplexN(μ_l, σ_l², 0)",
        checks=(Check("theorem2", rows=("theorem2.weight_cast",)),),
        of="Eq. 27",
    ),
    Entry(
        "Eq. 27",
        page="20",
        section="A.4",
        kind="moment",
        statement="T^(l,uv)_dc ~ ComplexN(μ_l R_uv, K²σ_l², σ_l² R_{2u,2v})",
        checks=(
            Check(
                "theorem2",
                rows=(
                    "theorem2.layer_mean",
                    "theorem2.layer_variance",
                    "theorem2.layer_pseudo_covariance",
                    "theorem2.R_closed_form",
                ),
            ),
        ),
        of="Thm 4.2 SOM",
    ),
    Entry(
        "Eq. 28",
        page="21",
        section="A.4",
        kind="moment",
        statement="SOM(T^(l,uv)_dc) = |μ_l R_uv|² + K²σ_l²",
        checks=(Check("theorem2", rows=("theorem2.layer_som",)),),
        of="Thm 4.2 SOM",
    ),
    Entry(
        "Eq. 29",
        page="21",
        section="A.4",
        kind="moment",
        statement="E[T^(l,uv)] = μ_l R_uv·1 (C_l x C_(l-1))",
        checks=(Check("theorem2", rows=("theorem2.layer_mean_matrix",)),),
        of="Eq. 31",
    ),
    Entry(
        "Eq. 30",
        page="21",
        section="A.4",
        kind="moment",
        statement="SOM(T^(l,uv)) = (|μ_l R_uv|² + K²σ_l²)·1",
        checks=(Check("theorem2", rows=("theorem2.layer_som_matrix",)),),
        of="Eq. 32",
    ),
    Entry(
        "Eq. 31",
        page="21",
        section="A.4",
        kind="moment",
        statement="E[T(L:1)] = ((1/C_L) Π_l C_l μ_l R_uv)·1",
        checks=(Check("theorem2", rows=("theorem2.mean_multichannel",)),),
        note="its middle line prints μ_l where μ_L is meant (notation; the closed form is checked)",
    ),
    Entry(
        "p.21 premise",
        page="21",
        section="A.4",
        kind="proof-step",
        statement="all elements of T^(uv)(l:1) are independent (the premise Eq. 32 uses)",
        checks=(Check("theorem2", rows=("theorem2.premise_independent_entries",)),),
        of="Eq. 32",
    ),
    Entry(
        "Eq. 32",
        page="22",
        section="A.4",
        kind="moment",
        statement="SOM(T(L:1)) = C(|μR|²+K²σ²) SOM(T(L-1:1)) + C(C-1)|E T^(L) E T(L-1:1)|², and its "
        "closed form",
        checks=(Check("theorem2", rows=("theorem2.som_multichannel",)),),
        related=(
            Check(
                "theorem2",
                rows=("theorem2.som_multichannel.corrected", "theorem2.som_multichannel.under_premise"),
            ),
        ),
        note="a premise failure: line 3 replaces the same-column moment E[P_dc conj P_d'c] of T(L-1:1) "
        "by |E P_dc|², as the p. 21 premise (all elements of T(l:1) independent) implies; under it "
        "the recursion is exact, and real networks break it from l = 2",
    ),
    # A.5 ----------------------------------------------------------------------------------------------------
    Entry(
        "Eq. 33",
        page="22",
        section="A.5",
        kind="moment",
        statement="E[G_uv] = aMN δ_uv",
        checks=(Check("theorem3", rows=("theorem3.eq33_mean",)),),
        of="Eq. 9",
    ),
    Entry(
        "Eq. 34",
        page="22",
        section="A.5",
        kind="moment",
        statement="E[H_uv] = a sin(Muπ/M') sin(Nvπ/N')/(sin(uπ/M') sin(vπ/N'))·e^{…}",
        checks=(Check("theorem3", rows=("theorem3.eq34_mean",)),),
        of="Eq. 9",
    ),
    Entry(
        "Eq. 35",
        page="23",
        section="A.5",
        kind="moment",
        statement="Var[G_uv] = MNσ² (pixels i.i.d.)",
        checks=(Check("theorem3", rows=("theorem3.eq35_variance",)),),
        of="Eq. 9",
        note="the proof adds the i.i.d. pixels here; Thm 4.3 states only N(a, σ²) marginals",
    ),
    Entry(
        "Eq. 36",
        page="23",
        section="A.5",
        kind="moment",
        statement="Var[H_uv] = MNσ², 0 ≤ u < M', 0 ≤ v < N' (pixels i.i.d.)",
        checks=(Check("theorem3", rows=("theorem3.eq36_variance",)),),
        of="Eq. 9",
    ),
    Entry(
        "Eq. 37",
        page="23",
        section="A.5",
        kind="proof-step",
        statement="SOM(H) - SOM(G) = (aτ_uv)² - (aMN)² δ_uv",
        checks=(Check("theorem3", rows=("theorem3.eq37",)),),
        of="Eq. 9",
    ),
    Entry(
        "Eq. 38",
        page="23",
        section="A.5",
        kind="moment",
        statement="Eq. 9 restated: SOM(H_uv) - SOM(G_uv) = (aτ_uv)², u + v ≠ 0",
        checks=(Check("theorem3", rows=("theorem3.som_difference",)),),
        of="Eq. 9",
    ),
    Entry(
        "Eq. 39",
        page="23",
        section="A.5",
        kind="moment",
        statement="u = v = 0: SOM(H_00) = SOM(G_00)",
        checks=(Check("theorem3", rows=("theorem3.dc_equal",)),),
        of="Eq. 9",
    ),
    # A.6 ----------------------------------------------------------------------------------------------------
    Entry(
        "Eq. 40",
        page="23",
        section="A.6",
        kind="definition",
        statement="G_uv = Σ_{m<M0, n<N0} F_mn e^{-i(um/M0+vn/N0)2π}",
        defines="the spectrum of the lower-layer M0 x N0 map (Eq. 2); theorem4 takes it with torch.fft.fft2",
    ),
    Entry(
        "Eq. 41",
        page="24",
        section="A.6",
        kind="proof-step",
        statement="H_{u+(s-1)M0, v+(t-1)N0} = Σ F_mn e^{-i((u+(s-1)M0)(m r)/M + …)2π} = G_uv",
        checks=(Check("theorem4", rows=("theorem4.eq41", "theorem4.replication")),),
        of="Eq. 11",
    ),
    Entry(
        "Eq. 42",
        page="24",
        section="A.6",
        kind="identity",
        statement="Eq. 11 restated",
        checks=(Check("theorem4", rows=("theorem4.replication",)),),
    ),
    # A.7 ----------------------------------------------------------------------------------------------------
    Entry(
        "Eq. 43",
        page="24",
        section="A.7",
        kind="definition",
        statement="λ1 = 1/|G_u1v1|², λ2 = 1/|G_u2v2|²",
        defines="a constraint on the objective's weights; every shift row's loss uses it",
    ),
    Entry(
        "Eq. 44",
        page="24",
        section="A.7",
        kind="definition",
        statement="A = αe^{iφ}, φ = ((K-1)(u2-u1)/M + (K-1)(v2-v1)/N)·π/2",
        defines="the phase of A; every shift row recomputes it per shift.  Whether this sign serves Eq. "
        "55 is checked at Eq. 55",
    ),
    Entry(
        "Eq. 45",
        page="24",
        section="A.7",
        kind="definition",
        statement="T^(u1v1)(L:1) = T^(u2v2)(L:1) = 1",
        checks=(Check("shift", rows=("shift.constraints",)),),
        of="Thm 4.5 step",
        note="measured on the identity network the setting starts from",
    ),
    Entry(
        "Eq. 46",
        page="24",
        section="A.7",
        kind="definition",
        statement="Σ_l |T(L:l+1)|²|T(l-1:1)|² equal at u1v1 and u2v2",
        checks=(Check("shift", rows=("shift.constraints",)),),
        of="Thm 4.5 step",
    ),
    Entry(
        "Eq. 47",
        page="24",
        section="A.7",
        kind="proof-step",
        statement="H_uv = T^(uv)(L:1) G_uv",
        checks=(Check("shift", rows=("shift.eq47",)),),
        of="Thm 4.5 step",
    ),
    Entry(
        "Eq. 48",
        page="25",
        section="A.7",
        kind="proof-step",
        statement="ΔT(L:1) ≈ Σ_l T(L:l+1) ΔT^(l) T(l-1:1) = -2ηMN(Aχ_u1v1uv - Āχ_u2v2uv)·Σ_l",
        checks=(Check("shift", rows=("shift.eq48",)),),
        of="Thm 4.5 step",
        note="the real first-order change has the terms at u1v1, u2v2 once, not twice, plus their "
        "conjugate partners -u1v1, -u2v2, which a real kernel change also moves",
    ),
    Entry(
        "Eq. 49",
        page="25",
        section="A.7",
        kind="proof-step",
        statement="Eq. 48 at (u1, v1)",
        checks=(Check("shift", rows=("shift.eq48",), grid=_SHIFT_AT, at=_from),),
        of="Thm 4.5 step",
    ),
    Entry(
        "Eq. 50",
        page="25",
        section="A.7",
        kind="proof-step",
        statement="Eq. 48 at (u2, v2)",
        checks=(Check("shift", rows=("shift.eq48",), grid=_SHIFT_AT, at=_to),),
        of="Thm 4.5 step",
    ),
    Entry(
        "Eq. 51",
        page="25",
        section="A.7",
        kind="proof-step",
        statement="other ΔT(uv) = a1 ΔT(u1v1) + a2 ΔT(u2v2), a1, a2 'unchanged'",
        checks=(Check("shift", rows=("shift.eq51",)),),
        of="Thm 4.5 step",
        note="checked at first order (one step, three values of A); 'unchanged during the learning "
        "process' over a training run is not checked",
    ),
    Entry(
        "Eq. 52",
        page="25",
        section="A.7",
        kind="proof-step",
        statement="ΔT(L:1)(u1v1) = H*/G - T = -A",
        checks=(Check("shift", rows=("shift.eq52",)),),
        of="Thm 4.5 step",
    ),
    Entry(
        "Eq. 53",
        page="25",
        section="A.7",
        kind="proof-step",
        statement="ΔT(L:1)(u2v2) = H*/G - T = conj(A)",
        checks=(Check("shift", rows=("shift.eq53",)),),
        of="Thm 4.5 step",
    ),
    Entry(
        "Eq. 54",
        page="25",
        section="A.7",
        kind="proof-step",
        statement="ΔT(uv)(L:1) = -a1 A + a2 conj(A)",
        checks=(Check("shift", rows=("shift.eq51", "shift.eq52", "shift.eq53")),),
        of="Thm 4.5 step",
        note="Eq. 51 with Eqs. 52-53 substituted",
    ),
    Entry(
        "Eq. 55",
        page="26",
        section="A.7",
        kind="proof-step",
        statement="η ∝ MN/(K² - Q), which needs e^{-2iφ} χ_u2v2u1v1 real (= Q/MN)",
        checks=(Check("shift", rows=("shift.eq55_chi[φ=(44)]", "shift.Q_closed_form")),),
        of="Eq. 12",
        related=(Check("shift", rows=("shift.eq55_chi[φ=-(44)]",)),),
    ),
    Entry(
        "Eq. 56",
        page="26",
        section="A.7",
        kind="proof-step",
        statement="‖∂Loss/∂W‖² = Σ_l,uv |∂Loss/∂conj T|² ∝ α²",
        checks=(Check("shift", rows=("shift.eq56_norm",)),),
        of="Eq. 12",
        related=(Check("shift", rows=("shift.eq56_norm.corrected",)),),
    ),
    Entry(
        "Eq. 57",
        page="26",
        section="A.7",
        kind="proof-step",
        statement="‖ΔW‖ = η‖∂Loss/∂W‖ ∝ MNα/(K² - Q), the gradient norm shift-free",
        checks=(Check("shift", rows=("shift.eq57_gradient_shift_free",)),),
        of="Eq. 12",
    ),
    Entry(
        "Eq. 57 mid",
        page="26",
        section="A.7",
        kind="proof-step",
        statement="Eq. 57's middle line: ∝ η·√(‖ΔW‖²) (a self-reference)",
        reason="notation: η√‖ΔW‖² stands where η‖∂Loss/∂W‖ is needed; there is no value to compute",
        nearest=(
            Check("shift", rows=("shift.eq57_gradient_shift_free",)),
            Check("shift", rows=("shift.eq56_norm",)),
        ),
        of="Eq. 12",
    ),
    # B ------------------------------------------------------------------------------------------------------
    Entry(
        "B.1",
        page="26-27",
        section="B.1",
        kind="interpretation",
        statement="a deep decoder will 'almost certainly' weaken high frequencies (law of large numbers, "
        "independent log terms)",
        reason="infers learning and a probability ('almost certainly') from second moments; no bound or "
        "probability model is given",
        nearest=(
            Check("theorem2", rows=("theorem2.trend.high_weakened",)),
            Check("theorem2", rows=("theorem2.trend.depth",)),
        ),
    ),
    Entry(
        "B.2",
        page="27",
        section="B.2",
        kind="interpretation",
        statement="a large |μ_l| boosts the imbalance |μ_l R_uv|², strengthening low frequencies",
        reason="infers learning behaviour from a moment imbalance; no bound is given",
        nearest=(Check("theorem2", rows=("theorem2.trend.mu_relative",)),),
    ),
    Entry(
        "B.3",
        page="27",
        section="B.3",
        kind="interpretation",
        statement="a large K alleviates the SOM imbalance; so a small K strengthens low frequencies",
        reason="infers learning behaviour from a moment imbalance; its moment premise is conclusion 5",
        nearest=(Check("theorem2", rows=("theorem2.trend.small_kernel",)),),
    ),
    Entry(
        "B.4",
        page="27",
        section="B.4",
        kind="interpretation",
        statement="natural images (power law) make a decoder strengthen low frequencies",
        reason=DATASETS + "; 'large g gives large h' has no bound",
        nearest=(Check("cascade", rows=("cascade.forward",)),),
        nearest_text=EXPERIMENTS + " kernel",
    ),
    # C ------------------------------------------------------------------------------------------------------
    Entry(
        "C.6",
        page="32",
        section="C",
        kind="interpretation",
        statement="the cosine similarity of two very high-dimensional vectors 'will not be particularly "
        "large'",
        reason="no threshold or distribution is stated",
    ),
    Entry(
        "C.7",
        page="32-33",
        section="C",
        kind="interpretation",
        statement="low Pearson r between |ΔT| entries shows Assumption 4.1 reasonable",
        reason=DATASETS + "; low correlation does not give the independence Eq. 32 uses",
        nearest=(Check("theorem2", rows=("theorem2.som_multichannel",)),),
    ),
)


CHAINS: tuple[Chain, ...] = (
    Chain(
        "Thm 3.2 (A.1)",
        statements=("Eq. 3",),
        steps=("Eq. 13", "Eq. 14", "Eq. 15", "Eq. 16", "Eq. 17", "Eq. 18"),
    ),
    Chain("Cor 3.3 (A.2)", statements=("Eq. 4",), steps=("A.2 last line",)),
    Chain(
        "Cor 3.4 (A.3)",
        statements=("Eq. 5",),
        steps=(
            "Eq. 20",
            "p.17 label",
            "Eq. 22",
            "Eq. 23",
            "p.17 fixed d",
            "Eq. 24",
            "Eq. 25",
            "A.3 MN steps",
            "Eq. 26",
        ),
    ),
    Chain(
        "Thm 4.2, one channel (A.4)",
        statements=("Thm 4.2 mean", "Thm 4.2 SOM"),
        steps=("p.19 cast", "Eq. 27", "Eq. 28"),
    ),
    Chain(
        "Thm 4.2, multi-channel moments (A.4, Eqs. 31-32)",
        statements=("Eq. 31", "Eq. 32"),
        steps=("Eq. 29", "Eq. 30", "Eq. 31", "p.21 premise", "Eq. 32"),
    ),
    Chain(
        "Thm 4.3 (A.5)",
        statements=("Eq. 9", "Thm 4.3 DC"),
        steps=("Eq. 33", "Eq. 34", "Eq. 35", "Eq. 36", "Eq. 37", "Eq. 38", "Eq. 39"),
    ),
    Chain("Thm 4.4 (A.6)", statements=("Eq. 11",), steps=("Eq. 41", "Eq. 42")),
    Chain(
        "Thm 4.5 (A.7, Eqs. 43-57 → Eq. 12)",
        statements=("Thm 4.5 step", "Eq. 12"),
        steps=(
            "Eq. 45",
            "Eq. 46",
            "Eq. 47",
            "Eq. 48",
            "Eq. 49",
            "Eq. 50",
            "Eq. 51",
            "Eq. 52",
            "Eq. 53",
            "Eq. 54",
            "Eq. 55",
            "Eq. 56",
            "Eq. 57",
        ),
    ),
)


FORMAL: tuple[Issue, ...] = (
    Issue(
        "quotient-domain",
        pages="4,5,6,11,17,20,23",
        classification="definition_or_algorithm_boundary",
        fact="sin(aθ)/sin θ quotients (geometric sum, R, χ, τ) are 0/0 at θ = 0 or equal coordinates; "
        "the finite sums keep their values (n or K)",
        keys=(
            "Eq. 13",
            "Eq. 14",
            "Eq. 5",
            "Eq. 26",
            "Thm 4.2 R",
            "Eq. 27",
            "Eq. 9",
            "Eq. 34",
            "Eq. 37",
            "Eq. 12",
            "Eq. 55",
            "Eq. 17",
        ),
        zero_over_zero=True,
        reproduce=Reproduce("lemma", row="lemma.closed_form@0/0", params={}),
    ),
    Issue(
        "valid-count",
        pages="13",
        classification="statement_partial_counterexample",
        fact="Eq. 17's sine numerators count one term too few: M = N = 3, K = 2, u = v = 0, u' = v' = 1: "
        "printed -1/9, finite sum 0; the phase is right",
        keys=("Eq. 17", "A.1 valid h", "Eq. 3"),
        expect={"Eq. 17": {FAIL}, "A.1 valid h": {PASS}, "Eq. 3": {PASS}},
        reproduce=Reproduce(
            "valid-conv",
            row="valid-conv.alpha_closed_form",
            params={"size": "3x3", "kernel": 2, "channels": 1},
            point={"u'": 1, "v'": 1, "u": 0, "v": 0},
        ),
    ),
    Issue(
        "cascade-typos",
        pages="14",
        classification="proof_step_error",
        fact="A.2's last expansion line has an extra MN on b^(L) and reuses layer index l on T factors; "
        "Cor 3.3 is right",
        keys=("A.2 last line", "Eq. 4"),
        expect={"A.2 last line": {FAIL}, "Eq. 4": {PASS}},
        reproduce=Reproduce(
            "cascade",
            row="cascade.proof_line",
            params={"size": "2x2", "kernel": 1, "depth": 2, "channels": 1},
            point={"d": 0, "u": 0, "v": 0},
        ),
    ),
    Issue(
        "backprop-bars",
        pages="17",
        classification="proof_step_error",
        fact="Eq. 24's first line lacks the bar on the g differential; Eq. 5 carries its bars; a "
        "Wirtinger factor 2 is a convention",
        keys=("Eq. 24", "Eq. 5", "Eq. 20"),
        expect={"Eq. 24": {FAIL}, "Eq. 5": {PASS, UNDEFINED}, "Eq. 20": {PASS}},
        reproduce=Reproduce("backprop", row="backprop.eq24[first line]", params={}),
        note="Eq. 5's UNDEFINED comes from χ's 0/0 terms only (backprop.eq5 PASS with χ's limit); the "
        "Wirtinger readings are convention rows beside it",
    ),
    Issue(
        "backprop-channel-shape",
        pages="17",
        classification="proof_step_error",
        fact="the earlier-layer scalar gradient fixes d without Σ_d; the text before Eq. 22 calls a C×D "
        "matrix D×C; Eq. 23 and Eq. 5 stand",
        keys=("p.17 fixed d", "p.17 label", "Eq. 22", "Eq. 23", "Eq. 5"),
        expect={"p.17 fixed d": {FAIL}, "p.17 label": {FAIL}, "Eq. 23": {PASS}, "Eq. 5": {PASS, UNDEFINED}},
        reproduce=Reproduce("backprop", row="backprop.p17_gradient_fixed_d", params={}),
    ),
    Issue(
        "real-gaussian-cast",
        pages="19,20",
        classification="proof_step_error",
        fact="a real Gaussian weight is written ComplexN(μ, σ², 0); its pseudo-covariance is σ²; Eq. "
        "27's final moments are right",
        keys=("p.19 cast", "Eq. 27"),
        expect={"p.19 cast": {FAIL}, "Eq. 27": {PASS, UNDEFINED}},
        reproduce=Reproduce("theorem2", row="theorem2.weight_cast", params={}),
    ),
    Issue(
        "weak-independence",
        pages="5,18,19,21,22",
        classification="statement_alignment_or_scope",
        fact="Eqs. 6-7 constrain first-order products only (U and BU satisfy them with squared-product "
        "moment 3, not 1); same-column multi-channel moments lie outside the d ≠ d', c ≠ c' display",
        keys=("Eq. 6", "Eq. 7", "Thm 4.2 SOM", "Eq. 31", "Eq. 32"),
        expect={"Eq. 6": {DEFINITION}, "Eq. 7": {DEFINITION}, "Thm 4.2 SOM": {PASS}},
        reproduce=Reproduce(
            "theorem2",
            row="theorem2.som_multichannel",
            params={
                "size": "4x4",
                "kernel": 1,
                "depth": 3,
                "channels": 2,
                "mu": "1",
                "sigma": "0.5",
                "samples": S,
            },
            point={"u": 0, "v": 0},
        ),
        note="symspec does not test the displays' logic (its U, BU example); it computes the "
        "consequence: the recursion that needs the same-column moment is wrong from L = 3",
    ),
    Issue(
        "kernel-growth",
        pages="5",
        classification="statement_partial_counterexample",
        fact="'SOM increases with K' fails: M = N = 8, f = (4,0), μ = 1, σ² = 1/16: K = 1 gives 17/16, K "
        "= 2 gives 1/4",
        keys=("Thm 4.2 (1)", "Eq. 27", "Eq. 28"),
        expect={"Thm 4.2 (1)": {FAIL}, "Eq. 28": {PASS}},
        reproduce=Reproduce(
            "theorem2",
            row="theorem2.trend.K",
            params={
                "size": "8x8",
                "kernel": 1,
                "depth": 1,
                "mu": "1",
                "sigma": "0.25",
                "channels": 1,
                "samples": S,
            },
            point={"u": 4, "v": 0},
        ),
    ),
    Issue(
        "depth-growth",
        pages="5,21,22",
        classification="statement_partial_counterexample",
        fact="'SOM grows exponentially with depth' fails: independent N(0, 1/4) weights, K = 1: SOM = "
        "(1/4)^L, also at f = (1,1)",
        keys=("Thm 4.2 (2)", "Thm 4.2 SOM", "Eq. 28", "Thm 4.2 C>1"),
        expect={"Thm 4.2 (2)": {FAIL}, "Thm 4.2 SOM": {PASS}, "Eq. 28": {PASS}},
        reproduce=Reproduce(
            "theorem2",
            row="theorem2.trend.depth",
            params={
                "size": "4x4",
                "kernel": 1,
                "depth": 1,
                "mu": "0",
                "sigma": "0.5",
                "channels": 1,
                "samples": S,
            },
            point={"u": 1, "v": 1},
        ),
    ),
    Issue(
        "large-k-imbalance",
        pages="6,27",
        classification="analysis_subclause_counterexample",
        fact="'a large K alleviates the imbalance' fails: M = N = 8, μ = σ² = 1: DC/(4,0) SOM ratio 5 at "
        "K = 2, 17 at K = 4",
        keys=("Thm 4.2 (5)", "B.3"),
        expect={"Thm 4.2 (5)": {FAIL}},
        reproduce=Reproduce(
            "theorem2",
            row="theorem2.trend.small_kernel",
            params={
                "size": "8x8",
                "kernel": 2,
                "depth": 1,
                "mu": "1",
                "sigma": "1",
                "channels": 1,
                "samples": S,
            },
        ),
        note="symspec compares band averages (high/low SOM) from K to K+1; it fails at every grid point, "
        "the defaults included",
    ),
    Issue(
        "padding-definition",
        pages="6",
        classification="definition_or_algorithm_boundary",
        fact="Eq. 8's zero branch needs both coordinates out of range; the two edge strips are "
        "undefined; the prose intends zero everywhere outside",
        keys=("Eq. 8",),
        expect={"Eq. 8": {UNDEFINED}},
        reproduce=Reproduce("theorem3", row="theorem3.eq8_definition@0/0", params={}),
    ),
    Issue(
        "padding-iid",
        pages="6,22,23",
        classification="statement_partial_counterexample",
        fact="Gaussian marginals do not suffice: four pixels equal to one U ~ N(0, q), 2x2 padded to "
        "3x3: at f = (1,1) the SOM difference is q, the formula (a = 0) gives 0; DC equality stands",
        keys=("Eq. 9", "Eq. 35", "Eq. 36", "Eq. 37", "Eq. 38", "Eq. 39", "Thm 4.3 DC"),
        expect={"Eq. 9": {FAIL}, "Eq. 39": {PASS}, "Thm 4.3 DC": {PASS}},
        reproduce=Reproduce(
            "theorem3",
            row="theorem3.som_difference",
            params={
                "size": "2x2",
                "to": "3x3",
                "a": 0,
                "sigma": 1,
                "input_model": "correlated",
                "rho": 1,
                "samples": 4000,
            },
            point={"u": 1, "v": 1},
        ),
        note="Eqs. 35-37 hold under the i.i.d. pixels they annotate; the theorem does not state that "
        "hypothesis",
    ),
    Issue(
        "phase-magnitude",
        pages="6,7",
        classification="statement_partial_counterexample",
        fact="α > 0, φ < π/2 do not give |1 - A| < 1: α = 3, φ = 0 gives 2",
        keys=("Setting |H*|", "Eq. 44"),
        expect={"Setting |H*|": {FAIL}},
        reproduce=Reproduce(
            "shift", row="shift.setting_magnitude", params={"alpha": 3, "from": "2,3", "to": "3,2"}
        ),
        note="the grid also holds a point where both halves fail (6x6, K = 6, (2,1)→(0,1), α = 1: φ = "
        "-5π/6 from (44)); the increase half is the repository's omission "
        "(test_setting_magnitude.py: φ = -π, α = 1)",
    ),
    Issue(
        "one-step",
        pages="7,24,25,26",
        classification="statement_partial_counterexample",
        fact="a real network meeting (43)-(46) (two identity 2x2 kernels, 4x4 delta input, f01/f10, α = "
        "1/4, φ = 0) cannot reach zero loss in one step: Im H10 = -2c(1 + c) ≠ 0",
        keys=(
            "Thm 4.5 step",
            "Eq. 43",
            "Eq. 44",
            "Eq. 45",
            "Eq. 46",
            "Eq. 48",
            "Eq. 49",
            "Eq. 50",
            "Eq. 51",
            "Eq. 52",
            "Eq. 53",
            "Eq. 54",
            "Eq. 55",
            "Eq. 12",
        ),
        expect={"Thm 4.5 step": {FAIL}, "Eq. 45": {PASS}, "Eq. 46": {PASS}},
        reproduce=Reproduce(
            "shift",
            row="shift.one_step_zero_loss[(44) as printed]",
            params={
                "size": "4x4",
                "kernel": 2,
                "depth": 2,
                "from": "0,1",
                "to": "1,0",
                "alpha": 0.25,
                "sweep": 2,
            },
        ),
        note="symspec's input is a random map, not the delta; the first step that breaks is Eq. 48, and "
        "Eq. 55 needs the opposite sign of φ to Eq. 44",
    ),
    Issue(
        "gradient-norm",
        pages="26",
        classification="proof_step_error",
        fact="Eq. 56: with q = (MN)^-1 × positive-phase DFT, Parseval gives Σr² = MN Σ|q|²; Eq. 57's "
        "middle line prints η√‖ΔW‖² where a gradient norm is needed",
        keys=("Eq. 56", "Eq. 57 mid", "Eq. 57"),
        expect={"Eq. 56": {FAIL}, "Eq. 57 mid": {NOT_CHECKABLE}},
        reproduce=Reproduce(
            "shift", row="shift.eq56_norm", params={"size": "8x8", "kernel": 2, "from": "1,1", "to": "2,1"}
        ),
    ),
    Issue(
        "inference-scope",
        pages="6,8,25,26,27,32,33",
        classification="statement_alignment_or_scope",
        fact="B.1-B.4 and the learning conclusions infer training behaviour from moments or low "
        "correlation without bounds or joint models",
        keys=(
            "B.1",
            "B.2",
            "B.3",
            "B.4",
            "Thm 4.4 capacity",
            "Thm 4.4 propagate",
            "§5.1 natural",
            "C.8 placement",
            "C.6",
            "C.7",
            "Eq. 51",
            "Eq. 54",
        ),
        expect={
            k: {NOT_CHECKABLE}
            for k in (
                "B.1",
                "B.2",
                "B.3",
                "B.4",
                "Thm 4.4 capacity",
                "Thm 4.4 propagate",
                "§5.1 natural",
                "C.8 placement",
                "C.6",
                "C.7",
            )
        },
        note="Eqs. 51 and 54 PASS at first order (one step, three values of A); 'unchanged during the "
        "learning process' over a training run is not checked",
    ),
)


LEDGER = PaperLedger(
    title=TITLE, sections=SECTIONS, grids=GRIDS, entries=ENTRIES, chains=CHAINS, formal=FORMAL
)
