"""The exact moment engine (symspec.numeric.moments) against two independent sides: a brute-force expectation
in exact arithmetic (every weight a symbol, the product expanded, Gaussian raw moments substituted) and
Monte-Carlo over real torch networks."""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction
from itertools import product

import numpy as np
import pytest
import torch

from symspec.numeric.exact import kernel_basis_spectra
from symspec.numeric.montecarlo import Moments, sample_transfers
from symspec.numeric.moments import (
    layer_moments,
    layer_second_moment,
    network_moments,
    propagate,
    single_channel_som,
)
from symspec.verdicts import bonferroni_z

# ---------------------------------------------------------------------- brute force in Q(i), exactly
# A Gaussian rational is a pair (re, im) of Fractions; a polynomial in the (real) weights is a dict
# {sorted tuple of weight names: coefficient}.


def gmul(a, b):
    return (a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0])


def gadd(a, b):
    return (a[0] + b[0], a[1] + b[1])


def conj(p):
    return {m: (c[0], -c[1]) for m, c in p.items()}


def pmul(p, q):
    out = defaultdict(lambda: (Fraction(0), Fraction(0)))
    for (m1, c1), (m2, c2) in product(p.items(), q.items()):
        key = tuple(sorted(m1 + m2))
        out[key] = gadd(out[key], gmul(c1, c2))
    return dict(out)


def psum(polys):
    out = {}
    for p in polys:
        for m, c in p.items():
            out[m] = gadd(out.get(m, (Fraction(0), Fraction(0))), c)
    return out


def raw_moment(k, mu, var):
    """E[w^k] for w ~ N(mu, var), exactly (k <= 4 is all a product of two layers' squares needs)."""
    return [Fraction(1), mu, mu**2 + var, mu**3 + 3 * mu * var, mu**4 + 6 * mu**2 * var + 3 * var**2][k]


def expectation(p, mus, variances):
    """E of a polynomial in independent weights named (layer, d, c, t, s)."""
    total = (Fraction(0), Fraction(0))
    for mono, coeff in p.items():
        value = Fraction(1)
        for w in set(mono):
            value *= raw_moment(mono.count(w), mus[w[0]], variances[w[0]])
        total = gadd(total, (coeff[0] * value, coeff[1] * value))
    return total


def unit_root(k: int, n: int):
    """e^{i 2 pi k / n} for n = 4 (powers of i), exactly."""
    assert n == 4
    return [
        (Fraction(1), Fraction(0)),
        (Fraction(0), Fraction(1)),
        (Fraction(-1), Fraction(0)),
        (Fraction(0), Fraction(-1)),
    ][k % 4]


def layer_poly(layer, kernel, uv, size, c_out, c_in):
    """T^(l)_dc = sum_ts W_dcts e^{i 2 pi (u t / M + v s / N)} (the paper's anchor), as polynomials."""
    (fu, fv), (M_, N_) = uv, size
    assert M_ == N_ == 4
    return [
        [
            {
                ((layer, d, c, t, s),): unit_root(fu * t + fv * s, 4)
                for t in range(kernel)
                for s in range(kernel)
            }
            for c in range(c_in)
        ]
        for d in range(c_out)
    ]


def product_poly(kernel, uv, size, chans):
    P = None
    for layer in range(len(chans) - 1):
        T = layer_poly(layer, kernel, uv, size, chans[layer + 1], chans[layer])
        if P is None:
            P = T
            continue
        P = [
            [psum(pmul(T[d][a], P[a][c]) for a in range(chans[layer])) for c in range(chans[0])]
            for d in range(chans[layer + 1])
        ]
    return P


def as_complex(g):
    return complex(float(g[0]), float(g[1]))


def brute_force(kernel, uv, size, chans, mus, sigmas):
    """(E P, E[P_dc conj P_d'c'], E[P_dc P_dc]) at one frequency by exact expansion."""
    mus = [Fraction(m) for m in mus]
    variances = [Fraction(s) ** 2 for s in sigmas]
    P = product_poly(kernel, uv, size, chans)
    CL, C0 = chans[-1], chans[0]
    mean = np.array(
        [[as_complex(expectation(P[d][c], mus, variances)) for c in range(C0)] for d in range(CL)]
    )
    second = np.zeros((CL, C0, CL, C0), complex)
    for d, c, d2, c2 in product(range(CL), range(C0), range(CL), range(C0)):
        second[d, c, d2, c2] = as_complex(expectation(pmul(P[d][c], conj(P[d2][c2])), mus, variances))
    plain = (
        np.array(
            [
                [as_complex(expectation(pmul(P[d][c], P[d][c]), mus, variances)) for c in range(C0)]
                for d in range(CL)
            ]
        )
        if len(chans) == 2
        else None
    )  # E[T^2] of one layer (pseudo-covariance)
    return mean, second, plain


def test_brute_force_three_layers_two_channels_1x1_kernels_is_21_8125():
    """E|(W3 W2 W1)_dc|^2 with i.i.d. N(1, 1/4) entries: 349/16 (the printed recursion
    gives 333/16 = 20.8125)."""
    P = product_poly(1, (0, 0), (4, 4), [2, 2, 2, 2])
    som = expectation(pmul(P[0][0], conj(P[0][0])), [Fraction(1)] * 3, [Fraction(1, 4)] * 3)
    assert som == (Fraction(349, 16), 0)
    cross = expectation(pmul(P[0][0], conj(P[1][0])), [Fraction(1)] * 3, [Fraction(1, 4)] * 3)
    assert cross == (Fraction(77, 4), 0)
    net = network_moments(kernel_basis_spectra(1, (4, 4)), [1, 1, 1], [0.5] * 3, [2, 2, 2, 2])
    np.testing.assert_allclose(net.som(), 21.8125, rtol=1e-14)
    np.testing.assert_allclose(net.cross(), 19.25, rtol=1e-14)
    np.testing.assert_allclose(net.mean, 4.0, rtol=1e-14)


@pytest.mark.parametrize(
    "chans,mus,sigmas,uv",
    [
        ([2, 1, 2], ["1/2", "-1"], ["1/3", "1/2"], (1, 3)),
        ([1, 2, 3], ["1/4", "3/2"], ["1", "1/5"], (2, 1)),
        ([2, 2, 2], ["0", "2/3"], ["1/2", "1"], (3, 3)),
    ],
)
def test_engine_equals_brute_force_with_2x2_kernels(chans, mus, sigmas, uv):
    size, kernel = (4, 4), 2
    mean, second, _ = brute_force(kernel, uv, size, chans, mus, sigmas)
    fl = [float(Fraction(x)) for x in mus], [float(Fraction(x)) for x in sigmas]
    net = network_moments(kernel_basis_spectra(kernel, size), *fl, chans)
    np.testing.assert_allclose(net.mean[..., uv[0], uv[1]], mean, atol=1e-12)
    np.testing.assert_allclose(net.second[..., uv[0], uv[1]], second, atol=1e-12)
    np.testing.assert_allclose(net.som()[..., uv[0], uv[1]], np.einsum("dcdc->dc", second).real, atol=1e-12)


@pytest.mark.parametrize("uv", [(0, 0), (1, 2), (3, 1)])
def test_layer_moments_equal_brute_force_including_the_pseudo_covariance(uv):
    size, kernel, mu, sigma = (4, 4), 2, "2/5", "3/4"
    mean, second, plain = brute_force(kernel, uv, size, [1, 1], [mu], [sigma])
    t = layer_moments(kernel_basis_spectra(kernel, size), float(Fraction(mu)), float(Fraction(sigma)))
    at = (uv[0], uv[1])
    assert np.isclose(t.mean[at], mean[0, 0], atol=1e-12)
    assert np.isclose(t.variance[at], second[0, 0, 0, 0] - abs(mean[0, 0]) ** 2, atol=1e-12)
    assert np.isclose(t.pseudo[at], plain[0, 0] - mean[0, 0] ** 2, atol=1e-12)
    assert np.isclose(t.som[at], second[0, 0, 0, 0], atol=1e-12)


# ---------------------------------------------------------------------- internal consistency


def test_structured_propagation_equals_the_general_einsum():
    chans, kernels = [2, 3, 1, 2], (1, 2, 3)
    bases = [kernel_basis_spectra(k, (5, 3)) for k in kernels]
    mus, sigmas = [0.3, -0.7, 1.1], [0.4, 0.9, 0.2]
    net = network_moments(bases, mus, sigmas, chans)
    E = np.einsum("ac,AC->acAC", np.eye(2), np.eye(2))[..., None, None] * np.ones((5, 3))
    mean = np.eye(2)[..., None, None] * np.ones((5, 3))
    for layer in range(3):
        t = layer_moments(bases[layer], mus[layer], sigmas[layer])
        E = propagate(layer_second_moment(t, chans[layer + 1], chans[layer]), E)
        mean = np.einsum(
            "da...,ac...->dc...", np.broadcast_to(t.mean, (chans[layer + 1], chans[layer], 5, 3)), mean
        )
    np.testing.assert_allclose(net.second, E, atol=1e-12)
    np.testing.assert_allclose(net.mean, mean, atol=1e-12)
    # Hermitian: E[P_dc conj P_d'c'] = conj E[P_d'c' conj P_dc]
    np.testing.assert_allclose(net.second, np.conj(np.einsum("dcDC...->DCdc...", net.second)), atol=1e-12)


def test_single_channel_som_is_the_product_of_layer_soms():
    A = kernel_basis_spectra(3, (6, 5))
    mus, sigmas = [0.2, -1.0, 0.5], [0.3, 0.1, 1.2]
    R = A.sum(axis=0)
    printed = np.prod([np.abs(m * R) ** 2 + 9 * s**2 for m, s in zip(mus, sigmas)], axis=0)
    np.testing.assert_allclose(single_channel_som(A, mus, sigmas), printed, rtol=1e-12)
    per_layer = np.prod([layer_moments(A, m, s).som for m, s in zip(mus, sigmas)], axis=0)
    np.testing.assert_allclose(single_channel_som(A, mus, sigmas), per_layer, rtol=1e-12)


def test_two_layers_the_cross_moment_is_the_squared_mean_only_after_one_layer():
    """X_1 = |m_1|^2 (independent entries), X_2 = |m_2|^2 + C |mu_2 R|^2 K^2 sigma_1^2 (shared prefix)."""
    A = kernel_basis_spectra(2, (4, 4))
    C, mus, sigmas = 3, [0.5, 1.5], [0.7, 0.2]
    one = network_moments(A, mus[:1], sigmas[:1], [C, C])
    two = network_moments(A, mus, sigmas, [C, C, C])
    R = A.sum(axis=0)
    np.testing.assert_allclose(
        one.cross(), np.broadcast_to(np.abs(mus[0] * R) ** 2, one.cross().shape), atol=1e-12
    )
    expected = np.abs(two.mean[0, 0]) ** 2 + C * np.abs(mus[1] * R) ** 2 * 4 * sigmas[0] ** 2
    np.testing.assert_allclose(two.cross(), np.broadcast_to(expected, two.cross().shape), atol=1e-12)


# ---------------------------------------------------------------------- Monte-Carlo over real torch networks


def sampled_second_moments(samples, chans, kernel, size, mus, sigmas, seed):
    gen = torch.Generator().manual_seed(seed)
    first, second = Moments(), Moments()
    for T in sample_transfers(samples, chans, kernel, size, mus, sigmas, gen, torch.float64, "cpu"):
        first.add(T)
        second.add(T[:, :, :, None, None] * T[:, None, None].conj())
    return first, second


def assert_within_standard_errors(exact, estimate, alpha=1e-6):
    """Every real and imaginary part within a Bonferroni z of standard errors (plus round-off)."""
    est, se = estimate
    exact, est, se = np.broadcast_arrays(np.asarray(exact, complex), est, se)
    z_thr = bonferroni_z(2 * exact.size, alpha)
    for part in (np.real, np.imag):
        gap = np.abs(part(exact) - part(est)) - 1e-9 * np.abs(exact).max()
        z = gap / np.maximum(part(se), 1e-300)
        assert z.max() <= z_thr, f"{z.max():.2f} standard errors apart (threshold {z_thr:.2f})"


def check_against_montecarlo(samples, chans, kernel, size, mus, sigmas, seed):
    net = network_moments(kernel_basis_spectra(kernel, size), mus, sigmas, chans)
    first, second = sampled_second_moments(samples, chans, kernel, size, mus, sigmas, seed)
    assert_within_standard_errors(net.mean, first.mean())
    assert_within_standard_errors(net.som(), first.som())
    assert_within_standard_errors(net.second, second.mean())
    return net, second


def test_engine_matches_montecarlo_two_layers_unequal_channels():
    check_against_montecarlo(20000, [2, 3, 2], 2, (5, 3), [0.5, -0.3], [0.4, 0.7], seed=1)


@pytest.mark.slow
def test_engine_matches_montecarlo_three_layers_and_sees_the_cross_moment():
    net, second = check_against_montecarlo(
        60000, [2, 2, 3, 2], 1, (3, 3), [1.0, 1.0, 1.0], [0.5, 0.5, 0.5], seed=2
    )
    # E[P_1c conj P_2c] is far from |E P|^2 (what the printed recursion assumes), and Monte-Carlo sees it too
    X_est, X_se = (x[0, 0, 1, 0] for x in second.mean())
    gap = np.abs(net.cross()[0, 0] - np.abs(net.mean[0, 0]) ** 2)
    assert (gap > 20 * X_se.real).all()
    assert np.allclose(X_est, net.cross()[0, 0], atol=6 * X_se.real.max())
