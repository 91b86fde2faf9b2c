"""Witness: Thm 4.5 — the sign of phi in Eq. 44 is opposite to what Eq. 55 needs (ICML pp. 24-26).

Printed: (44) phi = ((K-1)(u2-u1)/M + (K-1)(v2-v1)/N) * pi/2, chosen so that the weight change is real; the
second line of (55) factors A out of (49)-(50), A chi_{u1v1u1v1} - conj(A) chi_{u2v2u1v1}
= A (chi_{u1v1u1v1} - e^{-2i phi} chi_{u2v2u1v1}), and the third line replaces e^{-2i phi} chi_{u2v2u1v1} by
the real quotient Q/(MN): that needs e^{-2i phi} chi_{u2v2u1v1} to be real.
chi (Eq. 5, p. 4): chi_{u'v'uv} = (1/MN) sum_{t,s<K} e^{i2pi((u-u')t/M + (v-v')s/N)} = R_{u-u',v-v'}/MN, where
u'v' is the summation (loss) frequency and uv the frequency of Delta T; in (49) Delta T is at u1v1 and the
partner term comes from u'v' = u2v2, so chi_{u2v2u1v1} = R_{u1-u2, v1-v2}/MN
(phase (K-1)((u1-u2)/M+(v1-v2)/N)pi).
Witnesses: 8x8, K=2, (1,1)->(2,1): Im(e^{-2i phi} chi) = -sin(pi/4)*|chi| != 0 with phi
as printed; 0 with -phi.
           16x16, K=3, (2,2)->(3,2): likewise (phase -pi/4 left over).
With the OPPOSITE index order (chi_{u1v1u2v2} = R_{u2-u1,..}/MN) the printed sign would give a real number —
the finding rests on Eq. 5's chi convention, which test_eq5_holds.py checks against a real SGD step.
True values: finite sums in numpy.
"""

import numpy as np
import pytest


def chi(M, N, K, up, vp, u, v):
    t = np.arange(K)
    return np.exp(2j * np.pi * ((u - up) * t[:, None] / M + (v - vp) * t[None, :] / N)).sum() / (M * N)


def phi44(M, N, K, u1, v1, u2, v2):
    return ((K - 1) * (u2 - u1) / M + (K - 1) * (v2 - v1) / N) * np.pi / 2


CASES = [(8, 8, 2, 1, 1, 2, 1), (16, 16, 3, 2, 2, 3, 2), (8, 6, 3, 1, 2, 3, 1)]


@pytest.mark.parametrize("M,N,K,u1,v1,u2,v2", CASES)
def test_printed_phi_leaves_imaginary_part(M, N, K, u1, v1, u2, v2):
    c = chi(M, N, K, u2, v2, u1, v1)  # chi_{u2 v2 u1 v1}: u' = u2, u = u1
    phi = phi44(M, N, K, u1, v1, u2, v2)
    printed = np.exp(-2j * phi) * c
    flipped = np.exp(2j * phi) * c  # phi -> -phi
    assert abs(c) > 1e-3
    assert abs(printed.imag) > 0.1 * abs(c)  # printed sign: not real
    assert abs(flipped.imag) < 1e-12 * (1 + abs(c))  # opposite sign: real
    c2 = chi(M, N, K, u1, v1, u2, v2)  # second term of (55): e^{+2i phi} chi_{u1v1u2v2}, same verdict
    assert abs((np.exp(2j * phi) * c2).imag) > 0.1 * abs(c2) and abs((np.exp(-2j * phi) * c2).imag) < 1e-12


def test_first_witness_value():
    M, N, K = 8, 8, 2
    c = chi(M, N, K, 2, 1, 1, 1)
    printed = np.exp(-2j * phi44(M, N, K, 1, 1, 2, 1)) * c
    assert abs(np.angle(printed) - (-np.pi / 4)) < 1e-12  # phase left over: 2*(K-1)(u1-u2)pi/M = -pi/4
    assert abs(printed.imag + np.sin(np.pi / 4) * abs(c)) < 1e-12


@pytest.mark.parametrize("M,N,K,u1,v1,u2,v2", CASES)
def test_opposite_index_order_would_rescue_printed_sign(M, N, K, u1, v1, u2, v2):
    c_rev = chi(M, N, K, u1, v1, u2, v2)  # chi_{u1 v1 u2 v2}
    assert abs((np.exp(-2j * phi44(M, N, K, u1, v1, u2, v2)) * c_rev).imag) < 1e-12
