"""backprop (Cor 3.4): the real SGD step against Eq. 5 as printed
(Eq. 20's convention) and other conventions."""

import numpy as np
from hypothesis import given, settings, strategies as st

from symspec.claims import FAIL, PASS, UNDEFINED, Settings
from symspec.papers.tang2023 import backprop


def by_id(report):
    return {v.id: v for v in report.verdicts}


@settings(max_examples=12, deadline=None)
@given(
    m=st.integers(2, 7),
    n=st.integers(2, 7),
    depth=st.integers(1, 4),
    ch=st.integers(1, 3),
    cin=st.integers(1, 3),
    seed=st.integers(0, 999),
    loss=st.sampled_from(["mse", "sse"]),
)
def test_printed_eq5_matches_the_real_step_at_every_layer(m, n, depth, ch, cin, seed, loss):
    """Eq. 5 with its bars, under the paper's Eq. 20 convention: odd and even sizes, L = 1..4, biases."""
    k = min(3, m, n)
    report = backprop.CLAIM.check(
        {
            "size": (m, n),
            "kernel": k,
            "depth": depth,
            "channels": ch,
            "in_channels": cin,
            "loss": loss,
            "lr": 0.05,
        },
        Settings(seed=seed),
    )
    vs = by_id(report)
    for name in ("backprop.eq5", "backprop.eq20", "backprop.mn_steps", "backprop.mn_steps.projected"):
        assert vs[name].verdict == PASS and vs[name].error < 1e-10, (name, vs[name].error)
    # no backprop row fails except a labelled convention and the missing bar of Eq. 24's
    # first line (a proof step)
    assert vs.get("backprop.eq24", vs["backprop.eq5"]).verdict == PASS
    assert all(
        v.source == "convention" or v.id in PROOF_STEPS_PRINTED_WRONG
        for v in report.verdicts
        if v.verdict == FAIL
    )


# proof steps of A.3 printed wrong (Eq. 5 stands): the bar of Eq. 24's first line; on p. 17 the earlier
# layer's gradient without Σ_d (fails with C_l > 1) and the D×C label (fails where C_(l-1) ≠ C_l)
PROOF_STEPS_PRINTED_WRONG = (
    "backprop.eq24[first line]",
    "backprop.p17_gradient_fixed_d",
    "backprop.label_before_eq22",
)


def test_wirtinger_readings_are_a_convention_off_by_a_factor_two():
    vs = by_id(backprop.CLAIM.check({"depth": 3, "channels": 2}))
    v = vs["backprop.eq5[Wirtinger ∂L/∂h̄]"]
    assert v.source == "convention" and v.verdict == FAIL
    assert abs(v.error - 0.5) < 1e-9  # exactly half of the real step
    assert vs["backprop.chi_closed_form@0/0"].verdict == UNDEFINED


def test_dropping_the_bar_on_T_after_is_detected_before_the_last_layer():
    report = backprop.CLAIM.check({"depth": 3, "channels": 2}, perturb="no-conj-on-T-after")
    v = by_id(report)["backprop.eq5"]
    assert v.verdict == FAIL
    assert 1 <= v.witness["point"]["layer"] < 3  # numbered from 1: the bar matters only for l < L
    assert (
        by_id(backprop.CLAIM.check({"depth": 1, "channels": 2}, perturb="no-conj-on-T-after"))[
            "backprop.eq5"
        ].verdict
        == PASS
    )


def test_mn_kernel_definition_of_dLdT_holds_only_for_full_size_kernels():
    full = by_id(backprop.CLAIM.check({"size": "4x4", "kernel": 4}))
    assert full["backprop.mn_steps[M×N-kernel ∂L/∂T̄]"].verdict == PASS
    small = by_id(backprop.CLAIM.check({"size": "6x6", "kernel": 3}))
    assert small["backprop.mn_steps[M×N-kernel ∂L/∂T̄]"].verdict == FAIL
    assert small["backprop.mn_steps"].verdict == PASS
    assert small["backprop.mn_steps.projected"].verdict == PASS


def test_delta_T_from_the_real_step_is_the_dft_of_the_weight_change():
    rng = np.random.default_rng(0)
    w = rng.normal(size=(2, 3, 3, 3))
    T = backprop.spectrum_of_kernel(w, (5, 4))
    mm, nn = np.meshgrid(np.arange(3), np.arange(3), indexing="ij")
    direct = np.array(
        [
            [
                [
                    [np.sum(w[d, c] * np.exp(2j * np.pi * (a * mm / 5 + b * nn / 4))) for b in range(4)]
                    for a in range(5)
                ]
                for c in range(3)
            ]
            for d in range(2)
        ]
    )
    np.testing.assert_allclose(T, direct, atol=1e-12)


# ------------------------------------------------------------------------------------------------ shift

import math  # noqa: E402

import torch  # noqa: E402

from symspec.numeric.exact import kernel_basis_spectra  # noqa: E402
from symspec.numeric.shift import ShiftProblem, weight_change_norm  # noqa: E402
from symspec.papers.tang2023 import shift  # noqa: E402

REFERENCE = {"size": "6x6", "kernel": 3, "from": "2,2", "to": "3,2", "alpha": 0.5}


def test_shift_constraints_hold_and_one_step_does_not_reach_zero_loss():
    vs = by_id(shift.CLAIM.check({}))
    assert vs["shift.constraints"].verdict == PASS
    printed = vs["shift.one_step_zero_loss[(44) as printed]"]
    assert printed.verdict == FAIL and printed.source == "printed"
    assert printed.witness["loss_after"] > printed.witness["loss_before"]  # the proof's step overshoots
    w = printed.witness
    assert {"eta", "phi", "loss_before", "loss_after"} <= set(w)
    assert math.isclose(w["phi"], math.pi / 16)  # (44) at 16x16, K = 3, Δ = (1, 0)
    assert math.isclose(w["eta"], 1 / (9 - 3 * math.sin(3 * math.pi / 16) / math.sin(math.pi / 16)))
    assert math.isclose(w["loss_before"], 2 * 0.5**2)  # λ|A G|²/|G|² at each frequency
    assert vs["shift.Q_closed_form@0/0"].verdict == UNDEFINED  # one-axis shift: Q is 0/0 as printed
    assert vs["shift.trend.smaller_shift_harder"].verdict == PASS


def test_shift_min_norm_change_is_the_pseudo_inverse_solution():
    """Independent: the min-norm real kernel change fitting dT at two
    frequencies, from explicit exponentials."""
    x = torch.randn((12, 12), generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    prob = ShiftProblem(x, 3, 1, 0.5, 0.3, (1, 2), (3, 2))
    got = weight_change_norm(prob, kernel_basis_spectra(3, (12, 12)))
    mm, nn = np.meshgrid(np.arange(3), np.arange(3), indexing="ij")
    rows = [np.exp(2j * np.pi * (a * mm / 12 + b * nn / 12)).ravel() for a, b in ((1, 2), (3, 2))]
    B = np.concatenate([np.real(rows), np.imag(rows)])
    A = prob.A
    rhs = np.array([(-A).real, np.conj(A).real, (-A).imag, np.conj(A).imag])
    assert np.isclose(got, np.linalg.norm(np.linalg.pinv(B) @ rhs))


def _independent_min_norm(M, N, K, f1, f2, alpha, phi):
    """numpy only: min-norm real K x K change with ΔT(f1) = -A, ΔT(f2) = conj A,
    ΔT(f) = Σ w_ts e^{i2π(ft/M+..)}."""
    t, s = np.meshgrid(np.arange(K), np.arange(K), indexing="ij")
    rows = [np.exp(2j * np.pi * (f[0] * t / M + f[1] * s / N)).ravel() for f in (f1, f2)]
    B = np.concatenate([np.real(rows), np.imag(rows)])
    A = alpha * np.exp(1j * phi)
    rhs = np.array([(-A).real, np.conj(A).real, (-A).imag, np.conj(A).imag])
    w = np.linalg.pinv(B) @ rhs
    assert np.allclose(B @ w, rhs)
    return np.linalg.norm(w)


def test_shift_eq12_sweep_recomputes_phi_per_shift_at_the_6x6_reference():
    """6x6, K=3, α=0.5, (2,2) shifted by 1, 2, 3 along u: Eq. 12 predicts 1 : 1/3 : 1/4; the exact min-norm
    real changes are 0.3651, 0.3333, 0.2887 with φ = (44) per shift and 0.5774, 0.3333,
    0.2887 with φ = -(44)."""
    vs = by_id(shift.CLAIM.check(REFERENCE))
    expected = {1: [0.3651, 0.3333, 0.2887], -1: [0.5774, 0.3333, 0.2887]}
    for sign, norms in expected.items():
        for j, norm in enumerate(norms, start=1):  # independent of symspec: explicit exponentials
            phi = sign * (2 * j / 6) * math.pi / 2
            assert abs(_independent_min_norm(6, 6, 3, (2, 2), (2 + j, 2), 0.5, phi) - norm) < 1e-4
    printed = vs["shift.eq12_ratio[Δ=2,0; φ=(44)]"]
    assert printed.source == "printed" and printed.verdict == FAIL
    assert math.isclose(printed.symbolic, 1 / 3) and abs(printed.numeric - 0.3333 / 0.3651) < 1e-3
    w = printed.witness
    assert w["point"] == {"from": [2, 2], "to": [4, 2]} and w["reference_to"] == [3, 2]
    assert math.isclose(w["phi"], math.pi / 3) and math.isclose(w["phi_reference"], math.pi / 6)  # per shift
    assert abs(w["min_norm"] - 0.3333) < 1e-4 and abs(w["min_norm_reference"] - 0.3651) < 1e-4
    assert math.isclose(w["eq12"], 2.0) and math.isclose(w["eq12_reference"], 6.0)
    # Δ = 3: (44) gives φ = π/2, outside the hypothesis φ < π/2: not checked, and said so
    assert "shift.eq12_ratio[Δ=3,0; φ=(44)]" not in vs
    assert "shift.eq12_ratio[Δ=3,0; φ=(44)] (φ = 1.571 ≥ π/2)" in vs["shift.constraints"].note
    # with φ = -(44) (the sign (55) needs) the minimal norm is 2α/√(K² - Q): 1 : 1/√3 : 1/2,
    # not Eq. 12's 1 : 1/3 : 1/4
    corrected = vs["shift.eq12.corrected"]
    assert corrected.source == "variant" and corrected.verdict == PASS and corrected.error < 1e-12
    assert "Δ=3,0: 0.2887" in corrected.note
    # the conclusion holds along this sweep (φ = (44), within the hypothesis)
    assert vs["shift.trend.smaller_shift_harder"].verdict == PASS


def test_shift_eq12_witnesses_replay_through_from_and_to():
    """Every Eq. 12 row names from/to; `check shift --from a,b --to c,d` reproduces its two values (the sweep
    depends only on --from and the direction of --to, so the row sits at the same sweep position)."""
    for params in (REFERENCE, {}, {"from": "1,1", "to": "2,2"}):
        rows = [v for v in shift.CLAIM.check(params).verdicts if v.id.startswith("shift.eq12_ratio")]
        assert rows
        for v in rows:
            point = v.witness["point"]
            again = by_id(shift.CLAIM.check({**params, "from": point["from"], "to": point["to"]}))
            w = again[v.id]
            assert math.isclose(w.symbolic, v.symbolic, rel_tol=1e-12)
            assert math.isclose(w.numeric, v.numeric, rel_tol=1e-9)
            assert w.verdict == v.verdict and w.witness["point"] == point


def test_shift_first_ratio_witness_replays_at_sweep_position_1():
    v = by_id(shift.CLAIM.check({}))["shift.eq12_ratio[Δ=2,0; φ=(44)]"]
    frm, to = v.witness["point"]["from"], v.witness["point"]["to"]
    assert (frm, to) == ([2, 2], [4, 2])
    again = by_id(shift.CLAIM.check({"from": f"{frm[0]},{frm[1]}", "to": f"{to[0]},{to[1]}"}))
    w = again["shift.eq12_ratio[Δ=2,0; φ=(44)]"]
    assert (w.symbolic, w.numeric) == (v.symbolic, v.numeric)
    assert shift.sweep_shifts(shift.CLAIM.resolve({"from": "2,2", "to": "4,2"}))[1] == (2, 0)


def test_shift_q_closed_form_passes_for_a_diagonal_shift():
    vs = by_id(shift.CLAIM.check({"from": "1,1", "to": "2,2"}))
    assert vs["shift.Q_closed_form"].verdict == PASS
    trend = vs["shift.trend.smaller_shift_harder"]
    assert trend.verdict == FAIL  # with φ = (44) per shift, ‖ΔW‖ grows from (2,2) to (3,3)
    assert trend.witness["point"] == {"from": [1, 1], "to": [3, 3], "to_larger": [4, 4]}
    assert trend.witness["after"] > trend.witness["before"]


def test_shift_rejects_conjugate_partners_and_zero_shift(run_cli):
    r = run_cli("check", "shift", "--from", "2,2", "--to", "14,14")
    assert r.code == 2 and "conjugate partner" in r.err
    r = run_cli("check", "shift", "--from", "2,2", "--to", "2,2")
    assert r.code == 2 and "shift is zero" in r.err


def test_shift_one_step_reaches_zero_only_with_the_sign_of_phi_flipped():
    """6x6, K=3, (2,2)->(3,2): the conjugate-partner terms vanish, so the first-order step is exact -- with
    φ = -(44).  With φ as printed the same step increases the loss."""
    vs = by_id(shift.CLAIM.check({"size": "6x6"}))
    flipped = vs["shift.one_step_zero_loss[φ = -(44)]"]
    assert flipped.verdict == PASS and flipped.source == "variant"
    assert flipped.numeric < 1e-20 and flipped.witness["partner_coupling"] < 1e-12
    assert vs["shift.one_step_zero_loss[(44) as printed]"].verdict == FAIL


def test_shift_eq55_needs_the_opposite_sign_of_phi():
    """(55): MN e^{-2iφ} χ_{u2v2u1v1} must be the real Q; χ_{u'v'uv} = R_{u-u',v-v'}/MN (Eq. 5, p. 16)."""
    vs = by_id(shift.CLAIM.check({}))
    printed, flipped = vs["shift.eq55_chi[φ=(44)]"], vs["shift.eq55_chi[φ=-(44)]"]
    assert printed.source == "printed" and printed.of == "Thm 4.5" and printed.page == "26"
    assert printed.verdict == FAIL and flipped.verdict == PASS
    # 16x16, K=3, Δ=(1,0): the printed sign leaves the phase -2ψ = -π/4 (ψ = (K-1)π/M)
    assert abs(np.angle(printed.numeric) + math.pi / 4) < 1e-12
    assert math.isclose(abs(printed.numeric), printed.symbolic, rel_tol=1e-12)
    assert abs(printed.witness["imag"]) > 1
    # independent: χ from its defining sum
    t = np.arange(3)
    chi = np.exp(2j * np.pi * ((2 - 3) * t[:, None] / 16 + 0 * t[None, :])).sum() / 256
    assert abs(256 * np.exp(-2j * math.pi / 16) * chi - printed.numeric) < 1e-12


def test_shift_eq56_drops_MN_and_the_gradient_norm_depends_on_the_shift():
    for params in ({}, REFERENCE, {"depth": 2, "size": "8x8", "sweep": 2}):
        vs = by_id(shift.CLAIM.check(params))
        printed, corrected = vs["shift.eq56_norm"], vs["shift.eq56_norm.corrected"]
        MN = printed.witness["MN"]
        assert printed.verdict == FAIL and corrected.verdict == PASS
        assert math.isclose(printed.numeric / printed.symbolic, MN, rel_tol=1e-12)  # exactly the factor MN
        assert vs["shift.eq57_gradient_shift_free"].verdict == FAIL
    # at the partner-free 6x6 reference the gradient norm is 2α√(K²-Q) with φ = -(44); with (44) per shift
    # it is 3.464 at Δ = 1 and 3 at Δ = 2, not shift-free
    v = by_id(shift.CLAIM.check(REFERENCE))["shift.eq57_gradient_shift_free"]
    assert math.isclose(v.symbolic, 2 * math.sqrt(3), rel_tol=1e-9) and math.isclose(
        v.numeric, 3.0, rel_tol=1e-9
    )


def test_shift_setting_magnitude_fails_at_alpha_3_phi_0():
    """|1 - A| < 1 does not follow from α > 0, φ < π/2: α = 3, φ = 0 gives 2
    ((44) gives φ = 0 for Δ = (1,-1))."""
    vs = by_id(shift.CLAIM.check({"alpha": 3, "from": "2,3", "to": "3,2"}))
    v = vs["shift.setting_magnitude"]
    assert v.verdict == FAIL and v.source == "printed"
    assert math.isclose(v.witness["after"], 2.0, rel_tol=1e-12)
    assert v.witness["point"]["phi"] == 0.0 and v.witness["point"]["alpha"] == 3
    assert by_id(shift.CLAIM.check({}))["shift.setting_magnitude"].verdict == PASS


def test_shift_new_perturbations_hit_their_rows():
    for name, row in (
        ("phi-doubled", "shift.eq55_chi[φ=-(44)]"),
        ("eq20-without-1/MN", "shift.eq56_norm.corrected"),
        ("magnitude-directions-flipped", "shift.setting_magnitude"),
        ("corrected-norm-without-root", "shift.eq12.corrected"),
    ):
        params = shift.CLAIM.perturb_at.get(name, {})
        assert by_id(shift.CLAIM.check(params))[row].verdict == PASS
        assert by_id(shift.CLAIM.check(params, perturb=name))[row].verdict == FAIL, name
