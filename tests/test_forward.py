"""lemma, theorem1, cascade: identities to float64 precision, and independent computations of the pieces."""

import numpy as np
from hypothesis import given, settings, strategies as st

from symspec.claims import PASS, UNDEFINED, Settings
from symspec.spectral.conv import R_quotient, R_sum, transfer_expr, transfer_matrix
from symspec.spectral.dft import K, M, N, evaluate, grid, u, v
from symspec.spectral.geometric import Nsym, geometric_quotient, theta
from symspec.papers.tang2023 import cascade, lemma, theorem1
from symspec.spectral.conv import beta_value


def verdicts(report):
    return {v.id: v for v in report.verdicts}


def test_transfer_matrix_equals_scaled_inverse_dft_of_the_kernel():
    rng = np.random.default_rng(1)
    W = rng.normal(size=(3, 2, 4, 4))
    size = (7, 5)
    T = transfer_matrix(transfer_expr(4), W, size)
    padded = np.zeros((3, 2, *size))
    padded[..., :4, :4] = W
    independent = np.fft.ifft2(padded) * size[0] * size[1]  # sum_ts W e^{+i2pi(ut/M+vs/N)}
    np.testing.assert_allclose(T, independent, atol=1e-12)


def test_R_closed_form_matches_the_sum_where_defined_and_is_undefined_on_the_axes():
    size, k = (9, 6), 4
    uu, vv = grid(*size)
    values, undefined = R_quotient(K).evaluate([u, v, M, N, K], [uu, vv, *size, k], size)
    direct = np.fft.ifft2(np.pad(np.ones((k, k)), ((0, size[0] - k), (0, size[1] - k)))) * size[0] * size[1]
    assert np.array_equal(undefined, (uu == 0) | (vv == 0) | np.zeros(size, bool))
    np.testing.assert_allclose(values[~undefined], direct[~undefined], atol=1e-12)
    np.testing.assert_allclose(evaluate(R_sum(k), [u, v, M, N], [uu, vv, *size], size), direct, atol=1e-12)


def test_lemma_quotient_against_direct_sum_and_degenerate_values():
    q = geometric_quotient(Nsym, theta)
    angles = np.array([0.3, 2.0, -1.1, 2 * np.pi / 5, 0.0, 2 * np.pi])
    values, undefined = q.evaluate([Nsym, theta], [5, angles], angles.shape)
    direct = np.array([sum(np.exp(1j * n * a) for n in range(5)) for a in angles])
    assert undefined.tolist() == [False, False, False, False, True, True]
    np.testing.assert_allclose(values[:4], direct[:4], atol=1e-12)
    assert abs(direct[3]) < 1e-12 and abs(direct[4] - 5) < 1e-12


def test_lemma_check_reports_undefined_with_the_finite_sum():
    report = lemma.CLAIM.check({"terms": 6, "oversample": 2})
    vs = verdicts(report)
    assert vs["lemma.closed_form"].verdict == PASS
    assert vs["lemma.degenerate"].verdict == PASS
    undefined = vs["lemma.closed_form@0/0"]
    assert undefined.verdict == UNDEFINED
    assert undefined.witness["symbolic"] == "0/0"
    assert abs(complex(undefined.witness["finite_sum"]) - 6) < 1e-9  # θ a multiple of 2π: the sum is N


@settings(max_examples=25, deadline=None)
@given(
    m=st.integers(1, 9),
    n=st.integers(1, 9),
    k=st.integers(1, 9),
    c=st.integers(1, 3),
    d=st.integers(1, 3),
    seed=st.integers(0, 10_000),
    centered=st.booleans(),
)
def test_theorem1_holds_to_float64_precision(m, n, k, c, d, seed, centered):
    k = min(k, m, n)
    anchor = "centered" if centered and k % 2 == 1 else "paper"
    report = theorem1.CLAIM.check(
        {"size": (m, n), "kernel": k, "in_channels": c, "out_channels": d, "anchor": anchor},
        Settings(seed=seed),
    )
    for verdict in report.verdicts:
        assert verdict.verdict == PASS, (verdict.id, verdict.error, verdict.witness)
        assert verdict.error < 1e-12


def test_theorem1_issue_example_error_below_1e9():
    report = theorem1.CLAIM.check({"kernel": 4, "size": "12x10", "channels": 3})
    assert max(v.error for v in report.verdicts) < 1e-9


def test_theorem1_float32_uses_a_looser_tolerance():
    report = theorem1.CLAIM.check({}, Settings(dtype="float32"))
    assert all(v.verdict == PASS and v.tolerance == 1e-4 and v.error > 1e-12 for v in report.verdicts)


def test_beta_value_matches_hand_unrolled_two_and_three_layers():
    rng = np.random.default_rng(3)
    T = [rng.normal(size=(2, 2)) for _ in range(3)]
    b = [rng.normal(size=2) for _ in range(3)]
    mn = 20
    assert np.allclose(beta_value(T[:2], b[:2], mn, "whole"), mn * (b[1] + T[1] @ b[0]))
    assert np.allclose(beta_value(T, b, mn, "whole"), mn * (b[2] + T[2] @ b[1] + T[2] @ T[1] @ b[0]))
    assert np.allclose(beta_value(T, b, mn, "last"), mn * b[2] + T[2] @ b[1] + T[2] @ T[1] @ b[0])


@settings(max_examples=15, deadline=None)
@given(
    m=st.integers(2, 8),
    n=st.integers(2, 8),
    depth=st.integers(1, 4),
    ch=st.integers(1, 3),
    seed=st.integers(0, 1000),
)
def test_cascade_holds_with_the_whole_bracket_reading(m, n, depth, ch, seed):
    k = min(3, m, n)
    report = cascade.CLAIM.check(
        {"size": (m, n), "kernel": k, "depth": depth, "channels": ch}, Settings(seed=seed)
    )
    assert all(v.verdict == PASS for v in report.verdicts if v.id != "cascade.proof_line")


def test_cascade_last_reading_is_a_failing_convention_for_two_or_more_layers_and_names_the_dc_witness():
    report = cascade.CLAIM.check({"depth": 2, "beta_reading": "last"})
    beta = verdicts(report)["cascade.beta[MN on b^(L) only]"]
    assert beta.verdict == "fail" and beta.source == "convention"
    assert beta.witness["point"]["u"] == 0 and beta.witness["point"]["v"] == 0
    assert beta.witness["params"]["beta_reading"] == "last"
    one_layer = cascade.CLAIM.check({"depth": 1, "beta_reading": "last"})
    assert all(v.verdict == PASS for v in one_layer.verdicts if v.id != "cascade.proof_line")


def test_cascade_proof_line_puts_a_second_mn_on_the_last_bias():
    vs = verdicts(cascade.CLAIM.check({"size": "2x2", "kernel": 1, "depth": 2, "channels": 1}))
    row = vs["cascade.proof_line"]
    assert row.verdict == "fail" and row.source == "printed" and row.page == "14" and row.of == "Cor 3.3"
    # DC of net(0) is MN (b2 + T2 b1); the proof line gives MN (T2 b1 + MN b2): the gap is MN (MN - 1) b2
    assert vs["cascade.beta"].verdict == PASS
    assert verdicts(cascade.CLAIM.check({"size": "1x1", "kernel": 1}))["cascade.proof_line"].verdict == PASS
