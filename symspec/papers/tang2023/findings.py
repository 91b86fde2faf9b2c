"""The findings of Tang et al., ICML 2023, as data: each printed statement that symspec refutes, the
parameters
and point of its witness, and the independent witness test under ``tests/witnesses/`` that reproduces it.
:mod:`symspec.findings` runs them."""

from __future__ import annotations

from ...findings import Case

CASES: tuple[Case, ...] = (
    Case(
        "valid-conv.alpha_closed_form",
        "valid-conv",
        {"size": "3x3", "kernel": 2, "channels": 1},
        "Eq. 17's closed form of α counts M−K terms where the sum has M−K+1",
        "test_valid_conv_eq17.py",
        at={"u'": 1, "v'": 1, "u": 0, "v": 0},
        formal="valid-count",
    ),
    Case(
        "valid-conv.spectrum_printed_alpha",
        "valid-conv",
        {"size": "3x3", "kernel": 2, "channels": 1},
        "the output spectrum built with Eq. 17's printed α misses the real valid convolution",
        "test_valid_conv_eq17.py",
        at={"d": 0, "u'": 1, "v'": 1},
        formal="valid-count",
    ),
    Case(
        "cascade.proof_line",
        "cascade",
        {"size": "2x2", "kernel": 1, "depth": 2, "channels": 1},
        "the last line of Cor 3.3's proof puts a second MN on b^(L) (the statement is right)",
        "test_cascade_proof_line.py",
        at={"d": 0, "u": 0, "v": 0},
        proof_step="A.2, last line (p. 14)",
        formal="cascade-typos",
    ),
    Case(
        "backprop.eq24[first line]",
        "backprop",
        {"size": "4x4", "kernel": 2, "depth": 2, "channels": 1},
        "the first line of Eq. 24 drops the bar on ∂Loss/∂h (its second line, and Eq. 5, are right)",
        "test_eq24_first_line.py",
        proof_step="A.3, Eq. 24, first line (p. 17)",
        formal="backprop-bars",
    ),
    Case(
        "theorem3.som_difference",
        "theorem3",
        {
            "size": "2x2",
            "to": "3x3",
            "a": 0,
            "sigma": 1,
            "input_model": "correlated",
            "rho": 1,
            "samples": 20000,
        },
        "Thm 4.3 needs independent pixels: identical N(0, σ²) pixels meet the printed hypothesis",
        "test_padding_iid.py",
        at={"u": 1, "v": 1},
        formal="padding-iid",
    ),
    Case(
        "shift.one_step_zero_loss[(44) as printed]",
        "shift",
        {"size": "8x8", "kernel": 2, "from": "1,1", "to": "2,1"},
        "Thm 4.5: one gradient step under (43)–(46) does not reach zero loss",
        "test_one_step_shift.py",
        proof_step="A.7, Eq. 48 (first order, conjugate partners)",
        formal="one-step",
    ),
    Case(
        "shift.eq55_chi[φ=(44)]",
        "shift",
        {"size": "8x8", "kernel": 2, "from": "1,1", "to": "2,1"},
        "Eq. 55 needs e^{−2iφ}χ real, which holds for −φ, not for φ of Eq. 44",
        "test_shift_phi_sign.py",
        proof_step="A.7, Eq. 55 (second line)",
    ),
    Case(
        "shift.eq56_norm",
        "shift",
        {"size": "8x8", "kernel": 2, "from": "1,1", "to": "2,1"},
        "Eq. 56's Parseval step drops a factor MN under Eq. 20's normalisation",
        "test_gradient_norm_eq56.py",
        proof_step="A.7, Eq. 56",
        formal="gradient-norm",
    ),
    Case(
        "shift.eq57_gradient_shift_free",
        "shift",
        {"size": "6x6", "from": "2,2", "to": "3,2", "sweep": 3},
        "Eq. 57 treats ‖∂Loss/∂W‖ as independent of the shift; it is 2α√(K²−Q) where partners decouple",
        "test_eq12_min_norm.py",
        proof_step="A.7, Eqs. 56–57",
    ),
    Case(
        "shift.eq12_ratio[Δ=2,0; φ=(44)]",
        "shift",
        {"size": "6x6", "from": "2,2", "to": "3,2", "sweep": 3},
        "Eq. 12: the minimal real ‖ΔW‖ does not scale as 1/(K²−Q) (with −φ it is 2α/√(K²−Q))",
        "test_eq12_min_norm.py",
        proof_step="A.7, Eq. 55 (sign of φ), Eq. 57",
    ),
    Case(
        "shift.setting_magnitude",
        "shift",
        {"alpha": 3, "from": "2,3", "to": "3,2"},
        "α > 0 and φ < π/2 do not make |H*_u1v1| decrease (α = 3, φ = 0: |1 − A| = 2)",
        "test_setting_magnitude.py",
        formal="phase-magnitude",
    ),
    Case(
        "theorem2.som_multichannel",
        "theorem2",
        {"size": "4x4", "kernel": 1, "depth": 3, "channels": 2, "mu": "1", "sigma": "0.5"},
        "Eq. 32 is exact under its p. 21 premise (all elements of T(l:1) independent), which real networks "
        "break "
        "from L = 3",
        "test_eq32_premise.py",
        at={"u": 0, "v": 0},
        proof_step="A.4, p. 21 premise (then Eq. 32)",
    ),
    Case(
        "theorem2.premise_independent_entries",
        "theorem2",
        {"size": "4x4", "kernel": 1, "depth": 3, "channels": 2, "mu": "1", "sigma": "0.5"},
        "the p. 21 premise fails: entries of one column of T(l:1) share the prefix product from l = 2",
        "test_eq32_premise.py",
        at={"u": 0, "v": 0},
        proof_step="A.4, p. 21",
    ),
    Case(
        "theorem2.trend.small_kernel",
        "theorem2",
        {"channels": 1},
        "conclusion 5 fails with σ, μ fixed per weight (a larger kernel weakens high frequencies more); it "
        "holds "
        "at the defaults with the kernel's total variance fixed",
        "test_conclusions_regimes.py",
        formal="large-k-imbalance",
    ),
    Case(
        "theorem2.trend.K",
        "theorem2",
        {"size": "8x8", "kernel": 1, "depth": 1, "mu": "1", "sigma": "0.25"},
        "conclusion 1: SOM is not monotone in K where R_uv(K+1) vanishes",
        "test_theorem2_conclusions_1_2.py",
        at={"u": 4, "v": 0},
        formal="kernel-growth",
    ),
    Case(
        "theorem2.trend.depth",
        "theorem2",
        {"size": "4x4", "kernel": 1, "depth": 1, "mu": "0", "sigma": "0.5", "channels": 1},
        "conclusion 2: SOM shrinks with depth when |μR|² + K²σ² < 1",
        "test_theorem2_conclusions_1_2.py",
        at={"u": 1, "v": 1},
        formal="depth-growth",
    ),
    Case(
        "theorem2.weight_cast",
        "theorem2",
        {"size": "4x4", "kernel": 1, "depth": 1, "channels": 1, "samples": 20000},
        "the proof casts a real N(μ, σ²) weight as ComplexN(μ, σ², 0); its pseudo-covariance is σ² (Eq. 27 "
        "is right)",
        "test_real_gaussian_cast.py",
        proof_step="A.4, p. 19",
        formal="real-gaussian-cast",
    ),
    Case(
        "backprop.p17_gradient_fixed_d",
        "backprop",
        {"size": "5x4", "kernel": 2, "depth": 2, "channels": 2},
        "the earlier layer's gradient on p. 17 keeps one output channel d; the adjoint sums over d (Eq. 23 "
        "is right)",
        "test_backprop_channel_shape.py",
        proof_step="A.3, p. 17",
        formal="backprop-channel-shape",
    ),
    Case(
        "backprop.label_before_eq22",
        "backprop",
        {"size": "5x4", "kernel": 2, "depth": 1, "in_channels": 1, "out_channels": 3},
        "the text before Eq. 22 calls ∂Loss/∂(conj T)ᵀ a D×C matrix; Eq. 22's product is C×D",
        "test_backprop_channel_shape.py",
        proof_step="A.3, text before Eq. 22 (p. 17)",
        formal="backprop-channel-shape",
    ),
    Case(
        "shift.eq48",
        "shift",
        {"size": "6x6", "from": "2,2", "to": "3,2", "sweep": 3},
        "Eq. 48's last line doubles the first-order change at u1v1 and drops the conjugate partners a real "
        "kernel "
        "change also moves",
        "test_eq48_first_order.py",
        at={"u": 2, "v": 2},
        proof_step="A.7, Eq. 48 (third line)",
    ),
    Case(
        "theorem2.trend.high_weakened",
        "theorem2",
        {"kernel": 3, "depth": 3, "mu": "0", "channels": 1},
        "conclusion 3: with μ = 0 (as in Fig. 4b) or K = 1 a convolution weakens no frequency (the "
        "high/low SOM "
        "ratio stays 1)",
        "test_conclusions_regimes.py",
    ),
    Case(
        "theorem2.trend.mu_relative",
        "theorem2",
        {"size": "4x4", "kernel": 1, "depth": 1, "channels": 1},
        "conclusion 4: only with K = 1 (a 1x1 kernel treats every frequency alike) a larger |μ| leaves the "
        "high/low "
        "SOM ratio at 1",
        "test_conclusions_regimes.py",
    ),
    Case(
        "shift.trend.smaller_shift_harder",
        "shift",
        {"size": "8x8", "kernel": 3},
        "Thm 4.5's conclusion: with φ of Eq. 44 a larger shift can need a larger ‖ΔW‖ (8x8, K = 3: Δ = 2 → "
        "3); "
        "with −φ it holds there up to Δ = 3 and fails at larger shifts",
        "test_shift_trend_both_signs.py",
    ),
)
