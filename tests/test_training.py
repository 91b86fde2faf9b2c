"""backprop (Cor 3.4): the real SGD step against Eq. 5 as printed (Eq. 20's convention) and other conventions."""

import numpy as np
from hypothesis import given, settings, strategies as st

from symspec.claims import FAIL, PASS, UNDEFINED, Settings
from symspec.theorems import backprop


def by_id(report):
    return {v.id: v for v in report.verdicts}


@settings(max_examples=12, deadline=None)
@given(m=st.integers(2, 7), n=st.integers(2, 7), depth=st.integers(1, 4), ch=st.integers(1, 3),
       cin=st.integers(1, 3), seed=st.integers(0, 999), loss=st.sampled_from(["mse", "sse"]))
def test_printed_eq5_matches_the_real_step_at_every_layer(m, n, depth, ch, cin, seed, loss):
    """Eq. 5 with its bars, under the paper's Eq. 20 convention: odd and even sizes, L = 1..4, biases."""
    k = min(3, m, n)
    report = backprop.CLAIM.check({"size": (m, n), "kernel": k, "depth": depth, "channels": ch,
                                   "in_channels": cin, "loss": loss, "lr": 0.05}, Settings(seed=seed))
    vs = by_id(report)
    for name in ("backprop.eq5", "backprop.eq20", "backprop.mn_steps", "backprop.mn_steps.projected"):
        assert vs[name].verdict == PASS and vs[name].error < 1e-10, (name, vs[name].error)
    # no backprop row fails except a labelled convention
    assert all(v.source == "convention" for v in report.verdicts if v.verdict == FAIL)


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
    assert by_id(backprop.CLAIM.check({"depth": 1, "channels": 2}, perturb="no-conj-on-T-after"))[
        "backprop.eq5"].verdict == PASS


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
    direct = np.array([[[[np.sum(w[d, c] * np.exp(2j * np.pi * (a * mm / 5 + b * nn / 4))) for b in range(4)]
                         for a in range(5)] for c in range(3)] for d in range(2)])
    np.testing.assert_allclose(T, direct, atol=1e-12)


# ------------------------------------------------------------------------------------------------ shift

from symspec.theorems import shift  # noqa: E402


def test_shift_constraints_hold_and_one_step_does_not_reach_zero_loss():
    vs = by_id(shift.CLAIM.check({}))
    assert vs["shift.constraints"].verdict == PASS
    printed = vs["shift.one_step_zero_loss[(44) as printed]"]
    assert printed.verdict == FAIL
    assert printed.witness["loss_after"] > printed.witness["loss_before"]  # the proof's step overshoots
    assert vs["shift.Q_closed_form@0/0"].verdict == UNDEFINED  # one-axis shift: Q is 0/0 as printed
    assert vs["shift.trend.smaller_shift_harder"].verdict == PASS


def test_shift_min_norm_change_is_the_pseudo_inverse_solution():
    """Independent: the min-norm real kernel change fitting dT at two frequencies, from explicit exponentials."""
    import torch

    values = shift.CLAIM.resolve({"size": "12x12", "from": "1,2", "to": "3,2"})
    x = torch.randn((12, 12), generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    prob = shift.Problem(values, x, torch.float64, "cpu", 0.3)
    got = shift.weight_change_norm(prob, (1, 2), (3, 2), 1, 3, (12, 12), torch.float64, "cpu")
    mm, nn = np.meshgrid(np.arange(3), np.arange(3), indexing="ij")
    rows = [np.exp(2j * np.pi * (a * mm / 12 + b * nn / 12)).ravel() for a, b in ((1, 2), (3, 2))]
    B = np.concatenate([np.real(rows), np.imag(rows)])
    A = prob.A
    rhs = np.array([(-A).real, np.conj(A).real, (-A).imag, np.conj(A).imag])
    assert np.isclose(got, np.linalg.norm(np.linalg.pinv(B) @ rhs))


def test_shift_q_closed_form_passes_for_a_diagonal_shift():
    vs = by_id(shift.CLAIM.check({"from": "1,1", "to": "2,2"}))
    assert vs["shift.Q_closed_form"].verdict == PASS
    assert vs["shift.trend.smaller_shift_harder"].verdict == FAIL  # ‖ΔW‖ grows again from (3,3) to (4,4)


def test_shift_rejects_conjugate_partners_and_zero_shift(run_cli):
    r = run_cli("check", "shift", "--from", "2,2", "--to", "14,14")
    assert r.code == 2 and "conjugate partner" in r.err
    r = run_cli("check", "shift", "--from", "2,2", "--to", "2,2")
    assert r.code == 2 and "shift is zero" in r.err


def test_shift_one_step_reaches_zero_only_with_the_sign_of_phi_flipped():
    """6x6, K=3, (2,2)->(3,2): the conjugate-partner terms vanish, so the first-order step is exact -- with
    φ = -(44).  With φ as printed the same step increases the loss."""
    vs = by_id(shift.CLAIM.check({"size": "6x6"}))
    assert vs["shift.one_step_zero_loss[φ = -(44)]"].verdict == PASS
    assert vs["shift.one_step_zero_loss[φ = -(44)]"].numeric < 1e-20
    assert vs["shift.one_step_zero_loss[(44) as printed]"].verdict == FAIL
