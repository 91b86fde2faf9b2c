"""Witness: Thm 4.5's Eq. 12 (ICML p. 7) and the step of Eq. 57 (p. 26), from first principles (numpy only).

Setting: one single-channel circular convolution that is the identity (kernel e_00), T(u,v) = Σ_{t,s<K} w_ts
e^{+i2π(ut/M+vs/N)}.  Target: T(f1) = 1 − A, T(f2) = 1 + conj(A), A = α e^{iφ}, φ = ((K−1)(u2−u1)/M +
(K−1)(v2−v1)/N)·π/2 (Eq. 44, recomputed for each shift).  The smallest real kernel change that reaches the
target is a least-squares problem in the K² real weights (4 real equations:
real and imaginary parts at f1, f2).

Eq. 12 prints ‖ΔW‖ ∝ αMN / (K² − Q), Q = sin(KΔuπ/M) sin(KΔvπ/N)/(sin(Δuπ/M) sin(Δvπ/N)) (its limit
K·sin(KΔuπ/M)/ sin(Δuπ/M) for a shift along u).  Witness: 6x6, K = 3, α = 0.5, from (2,2) by Δu = 1, 2, 3.
* Eq. 12 predicts ratios 1 : 1/3 : 1/4;
* the exact minimum norms are 0.3651, 0.3333, 0.2887 with φ as printed (1 : 0.913 : 0.791), and
  0.5774, 0.3333, 0.2887 with −φ (1 : 0.577 : 0.5) = 2α/√(K² − Q): a square root Eq. 12 does not have.
Eq. 57 takes ‖∂Loss/∂W‖ ∝ α alone; at the identity it is 2α√(K² − Q) for these partner-free pairs (it depends
on the shift), computed here from the loss λ1|H1 − H1*|² + λ2|H2 − H2*|² (λ_i = 1/|G_i|², so only T matters).
"""

import math

import numpy as np

M = N = 6
K = 3
ALPHA = 0.5
F1 = (2, 2)


def rows(u, v):
    t, s = np.meshgrid(np.arange(K), np.arange(K), indexing="ij")
    e = np.exp(2j * np.pi * (u * t / M + v * s / N)).ravel()
    return e  # ΔT(u,v) = e · Δw


def phi(f2):
    return ((K - 1) * (f2[0] - F1[0]) / M + (K - 1) * (f2[1] - F1[1]) / N) * math.pi / 2


def min_norm(f2, sign=1):
    A = ALPHA * np.exp(1j * sign * phi(f2))
    e1, e2 = rows(*F1), rows(*f2)
    lhs = np.stack([e1.real, e1.imag, e2.real, e2.imag])
    rhs = np.array([(-A).real, (-A).imag, np.conj(A).real, np.conj(A).imag])
    dw, *_ = np.linalg.lstsq(lhs, rhs, rcond=None)
    assert np.allclose(lhs @ dw, rhs, atol=1e-12)  # the target is reached exactly
    return float(np.linalg.norm(dw))


def q_limit(du):
    return K * math.sin(K * du * math.pi / M) / math.sin(du * math.pi / M)


def gradient_norm(f2):
    """‖∂Loss/∂w‖ at the identity: Loss = Σ_i |ΔT_i - target_i|² with ΔT = e_i·w (real w), φ from Eq. 44."""
    A = ALPHA * np.exp(1j * phi(f2))
    e1, e2 = rows(*F1), rows(*f2)
    # d/dw |e·w - c|² at w = 0 is -2 Re(conj(c) e)
    grad = -2 * (np.conj(-A) * e1).real - 2 * (np.conj(np.conj(A)) * e2).real
    return float(np.linalg.norm(grad))


def test_eq12_ratios_against_the_exact_minimum_norms():
    shifts = [1, 2, 3]
    eq12 = [ALPHA * M * N / (K * K - q_limit(d)) for d in shifts]
    printed = [x / eq12[0] for x in eq12]
    assert np.allclose(printed, [1, 1 / 3, 1 / 4])
    norms = [min_norm((F1[0] + d, F1[1])) for d in shifts]
    assert np.allclose(norms, [0.3651, 0.3333, 0.2887], atol=5e-5)
    true = [n / norms[0] for n in norms]
    assert abs(true[1] - 0.913) < 1e-3 and abs(true[2] - 0.791) < 1e-3
    assert abs(true[1] - printed[1]) > 0.5  # Eq. 12's proportionality fails by far


def test_with_the_sign_eq55_needs_the_norm_is_2alpha_over_root_of_K2_minus_Q():
    for d in (1, 2, 3):
        got = min_norm((F1[0] + d, F1[1]), sign=-1)
        assert abs(got - 2 * ALPHA / math.sqrt(K * K - q_limit(d))) < 1e-12
    flipped = [min_norm((F1[0] + d, F1[1]), sign=-1) for d in (1, 2, 3)]
    assert np.allclose([x / flipped[0] for x in flipped], [1, 0.57735, 0.5], atol=1e-5)


def test_eq57_gradient_norm_depends_on_the_shift():
    # with −φ the gradient norm is 2α√(K² − Q); with φ as printed it still changes from shift to shift
    g = [gradient_norm((F1[0] + d, F1[1])) for d in (1, 2)]
    assert np.allclose(g, [2 * math.sqrt(3), 3.0], atol=1e-12)  # φ = π/6, π/3 from Eq. 44
    assert abs(g[0] - g[1]) > 0.1
