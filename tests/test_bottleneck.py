"""theorem2, theorem3, theorem4, valid-conv: what holds passes, what the paper gets
wrong fails with a witness."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from symspec.claims import FAIL, PASS, UNDEFINED, Settings
from symspec.numeric.exact import kernel_basis_spectra
from symspec.numeric.moments import layer_moments
from symspec.spectral.pad import padded_dirichlet, tau_quotient, Mp, Np
from symspec.spectral.dft import M, N, grid, u, v
from symspec.spectral.valid import alpha_finite
from symspec.papers.tang2023 import theorem2, theorem3, theorem4, valid_conv
from symspec.papers.tang2023.valid_conv import alpha_torch


def by_id(report):
    return {v.id: v for v in report.verdicts}


# ------------------------------------------------------------------------------------------------ theorem2


def test_exact_layer_som_matches_an_explicit_covariance_computation():
    size, k, mu, sigma = (6, 5), 3, 0.3, 0.7
    A = kernel_basis_spectra(k, size)
    mm, nn = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
    uu, vv = grid(*size)
    for iu in range(size[0]):
        for iv in range(size[1]):
            e = np.exp(2j * np.pi * (iu * mm / size[0] + iv * nn / size[1])).ravel()
            cov = sigma**2 * np.eye(k * k) + mu**2 * np.ones((k * k, k * k))  # E[w w^T]
            assert np.isclose(layer_moments(A, mu, sigma).som[iu, iv], np.real(e.conj() @ cov @ e))


def test_theorem2_formulas_pass_at_defaults_and_R_is_undefined_on_the_axes():
    report = theorem2.CLAIM.check({"size": "8x8", "samples": 4000})
    vs = by_id(report)
    for name in (
        "R_closed_form",
        "R_bound",
        "mean",
        "som",
        "layer_mean",
        "layer_variance",
        "layer_pseudo_covariance",
        "mean_multichannel",
        "som_multichannel.corrected",
        "som_multichannel.corrected[cross moment X]",
    ):
        assert vs[f"theorem2.{name}"].verdict == PASS, name
        assert vs[f"theorem2.{name}"].kind == "identity", name  # against the exact engine: no luck involved
    assert vs["theorem2.R_closed_form@0/0"].verdict == UNDEFINED
    assert vs["theorem2.R_closed_form@0/0"].note.startswith("printed quotient is 0/0 at 15 of 64")
    mc = [v for v in report.verdicts if v.id.startswith("theorem2.exact_vs_montecarlo[")]
    assert {v.id for v in mc} == {
        f"theorem2.exact_vs_montecarlo[{q}]"
        for q in (
            "mean",
            "som",
            "layer mean",
            "layer variance",
            "layer pseudo-covariance",
            "mean multichannel",
            "som multichannel",
            "cross moment multichannel",
        )
    }
    assert all(v.verdict == PASS and v.kind == "moment" and v.source == "variant" for v in mc)


def test_theorem2_rows_carry_page_and_equation():
    vs = by_id(theorem2.CLAIM.check({"size": "6x6", "samples": 500}))
    assert (vs["theorem2.mean"].source, vs["theorem2.mean"].page) == ("printed", "5")
    assert (vs["theorem2.layer_pseudo_covariance"].page, vs["theorem2.layer_pseudo_covariance"].equation) == (
        "20",
        "Eq. 27 (pseudo-covariance)",
    )
    assert (
        vs["theorem2.som_multichannel"].page == "21-22"
        and "Eqs. 31-32" in vs["theorem2.som_multichannel"].equation
    )
    assert vs["theorem2.som_multichannel.corrected"].source == "variant"
    assert vs["theorem2.trend.small_kernel"].equation == "Thm 4.2, conclusion 5 (σ, μ fixed per weight)"


def test_theorem2_conclusion5_fails_with_a_witness_at_defaults():
    """A small kernel does NOT make high frequencies relatively weaker under the theorem's own assumptions."""
    vs = by_id(theorem2.CLAIM.check({"size": "8x8", "samples": 2000}))
    v = vs["theorem2.trend.small_kernel"]
    assert v.verdict == FAIL
    assert v.witness["before"] > v.witness["after"]  # ratio at K=3 larger than at K=4
    assert "K=3" in v.witness["comparison"]


def test_theorem2_depth_trend_fails_when_layers_shrink_the_spectrum():
    vs = by_id(theorem2.CLAIM.check({"size": "8x8", "samples": 2000, "mu": "0.01", "sigma": "0.1"}))
    depth = vs["theorem2.trend.depth"]
    assert depth.verdict == FAIL  # |μR|² + K²σ² < 1: SOM decays with depth
    assert depth.witness["after"] < depth.witness["before"]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_theorem2_printed_recursion_is_refuted_for_every_seed(seed):
    """E|(W3 W2 W1)_dc|² with i.i.d. N(1, 1/4) entries is 21.8125; the printed recursion gives 20.8125."""
    vs = by_id(
        theorem2.CLAIM.check(
            {
                "size": "4x4",
                "kernel": 1,
                "channels": 2,
                "depth": 3,
                "mu": "1",
                "sigma": "0.5",
                "samples": 2000,
            },
            Settings(seed=seed),
        )
    )
    v = vs["theorem2.som_multichannel"]
    assert v.verdict == FAIL and v.finding and v.kind == "identity"
    assert v.witness["symbolic"] == pytest.approx(20.8125, abs=1e-12)
    assert v.witness["numeric"] == pytest.approx(21.8125, abs=1e-12)
    assert vs["theorem2.mean_multichannel"].verdict == PASS
    assert vs["theorem2.som_multichannel.corrected"].verdict == PASS
    assert vs["theorem2.exact_vs_montecarlo[som multichannel]"].verdict == PASS


def test_theorem2_printed_recursion_fails_at_the_defaults_by_far_more_than_the_tolerance():
    report = theorem2.CLAIM.check({"samples": 500})
    assert report.params["channels"] == 2 and report.params["size"] == (16, 16)
    v = by_id(report)["theorem2.som_multichannel"]
    assert v.verdict == FAIL and v.error > 1e6 * v.tolerance
    assert v.witness["numeric"] > v.witness["symbolic"]  # the printed recursion underestimates


def test_theorem2_single_channel_skips_the_multichannel_rows():
    ids = set(by_id(theorem2.CLAIM.check({"size": "6x6", "samples": 500, "channels": 1})))
    assert "theorem2.som" in ids and not any("multichannel" in i for i in ids)


def test_theorem2_printed_and_corrected_recursions_agree_for_two_layers():
    step = theorem2.FORMULAS["mc_som_step"]()
    S_new, X_new = theorem2.FORMULAS["mc_som_corrected"]()
    mu1, R, C = sp.symbols("mu1 R C", positive=True)
    S1, X1, m1 = sp.Symbol("S1"), (mu1 * R) ** 2, mu1 * R  # X_1 = |m_1|^2
    subs_p = {theorem2.S_prev: S1, theorem2.m_prev: m1, theorem2.Cp: C}
    subs_c = {theorem2.S_prev: S1, theorem2.X_prev: X1, theorem2.Cp: C}
    assert sp.simplify(step.subs(subs_p) - S_new.subs(subs_c)) == 0


@pytest.mark.parametrize("freq", ["0,3", "2,5", "3,2"])
def test_theorem2_single_frequency_witnesses_are_absolute(freq):
    report = theorem2.CLAIM.check({"size": "8x8", "samples": 1000, "freq": freq})
    vs = by_id(report)
    fu, fv = map(int, freq.split(","))
    assert ("theorem2.R_closed_form@0/0" in vs) == (fu == 0 or fv == 0)
    points = [v.witness["point"] for v in report.verdicts if "u" in v.witness.get("point", {})]
    assert any(v.id.startswith("theorem2.trend.") for v in report.verdicts if "point" in v.witness)
    assert len(points) > 10
    assert all((p["u"], p["v"]) == (fu, fv) for p in points), points


# ------------------------------------------------------------------------------------------------ theorem3


def test_tau_equals_padded_dirichlet_where_defined():
    size, to = (5, 4), (9, 7)
    uu, vv = grid(*size)
    tau, undefined = tau_quotient().evaluate([u, v, M, N, Mp, Np], [uu, vv, *size, *to], size)
    direct = np.abs(
        [
            [
                sum(np.exp(-2j * np.pi * (a * m / to[0] + b * n / to[1])) for m in range(5) for n in range(4))
                for b in range(4)
            ]
            for a in range(5)
        ]
    )
    np.testing.assert_allclose(np.abs(tau[~undefined]), direct[~undefined], atol=1e-10)
    np.testing.assert_allclose(padded_dirichlet(size, to), direct, atol=1e-10)
    assert undefined[0, 1] and undefined[1, 0] and not undefined[1, 1]


def test_theorem3_passes_for_iid_inputs():
    vs = by_id(theorem3.CLAIM.check({}))
    assert vs["theorem3.som_difference"].verdict == PASS
    assert vs["theorem3.som_difference.corrected"].verdict == PASS
    assert vs["theorem3.dc_equal"].verdict == PASS
    assert vs["theorem3.trend.low_boosted"].verdict == PASS
    und = vs["theorem3.som_difference@0/0"]
    assert und.verdict == UNDEFINED and und.witness["finite_sum"] > 0


def test_theorem3_fails_for_correlated_inputs_that_meet_the_printed_hypothesis():
    vs = by_id(theorem3.CLAIM.check({"input_model": "correlated", "rho": "0.5"}))
    v = vs["theorem3.som_difference"]
    assert v.verdict == FAIL
    assert v.witness["params"]["input_model"] == "correlated"
    assert v.witness["numeric"] > v.witness["symbolic"]  # extra ρσ²τ²
    assert vs["theorem3.som_difference.corrected"].verdict == PASS


def test_theorem3_zero_mean_gives_no_boost_and_the_trend_fails():
    vs = by_id(theorem3.CLAIM.check({"a": "0", "samples": 4000}))
    assert vs["theorem3.trend.low_boosted"].verdict == FAIL


# ------------------------------------------------------------------------------------------------ theorem4


@settings(max_examples=15, deadline=None)
@given(m=st.integers(1, 7), n=st.integers(1, 7), r=st.integers(1, 4), seed=st.integers(0, 999))
def test_theorem4_replication_is_exact(m, n, r, seed):
    vs = by_id(theorem4.CLAIM.check({"size": (m, n), "ratio": r}, Settings(seed=seed)))
    assert vs["theorem4.replication"].verdict == PASS and vs["theorem4.replication"].error < 1e-12
    assert vs["theorem4.dc_repeats"].verdict == PASS


def test_theorem4_dc_replica_trend_needs_a_strong_mean():
    assert by_id(theorem4.CLAIM.check({"a": "3"}))["theorem4.trend.dc_replicas"].verdict == PASS
    assert (
        by_id(theorem4.CLAIM.check({"a": "0", "size": "8x8"}))["theorem4.trend.dc_replicas"].verdict == FAIL
    )


# ------------------------------------------------------------------------------------------------ valid-conv


def test_alpha_from_torch_matches_a_direct_four_index_sum():
    size, k = (5, 4), 2
    Mq, Nq = size[0] - k + 1, size[1] - k + 1
    direct = np.zeros((Mq, Nq, *size), complex)
    for a in range(Mq):
        for b in range(Nq):
            for c in range(size[0]):
                for d in range(size[1]):
                    direct[a, b, c, d] = sum(
                        np.exp(2j * np.pi * ((c / size[0] - a / Mq) * m + (d / size[1] - b / Nq) * n))
                        for m in range(Mq)
                        for n in range(Nq)
                    ) / (size[0] * size[1])
    np.testing.assert_allclose(alpha_torch(size, k, __import__("torch").float64, "cpu"), direct, atol=1e-12)
    np.testing.assert_allclose(alpha_finite(size, k), direct, atol=1e-12)


def test_valid_conv_printed_alpha_is_wrong_and_the_corrected_one_holds():
    vs = by_id(valid_conv.CLAIM.check({"size": "7x6", "kernel": 3}))
    assert vs["valid-conv.spectrum"].verdict == PASS
    assert vs["valid-conv.alpha_closed_form"].verdict == FAIL
    assert vs["valid-conv.spectrum_printed_alpha"].verdict == FAIL
    assert vs["valid-conv.alpha_closed_form.corrected"].verdict == PASS
    assert vs["valid-conv.alpha_closed_form@0/0"].verdict == UNDEFINED
    assert set(vs["valid-conv.alpha_closed_form"].witness["point"]) == {"u'", "v'", "u", "v"}
