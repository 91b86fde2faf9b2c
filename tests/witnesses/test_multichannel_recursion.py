"""Witness: the multi-channel SOM recursion of A.4 (ICML Eqs. 31-32, pp. 21-22) is wrong from L = 3.

Claim (as printed): every entry of T(L:1) = T^(L)...T^(1) has mean m_L = C^{L-1} (mu R)^L (Eq. 31) and
  S_L = C (|mu R|^2 + K^2 s^2) S_{L-1} + C (C-1) |mu R|^2 |m_{L-1}|^2,   S_1 = |mu R|^2 + K^2 s^2   (Eq. 32),
with S_L = SOM = E|entry|^2, all layers C x C, weights iid N(mu, s^2).
Witness: C = 2, K = 1 (so R = 1 and T^(l) = W^(l), a real 2x2 matrix, at every frequency), mu = 1, s = 0.5:
printed S_3 = 20.8125, exact E[(W3 W2 W1)_dc^2] = 21.8125 (= 349/16).  At L = 2 both give 5.125 (= 41/8).
True value: (W_L...W_1)_dc = sum over index paths c=i_0, i_1, ..., i_L=d of prod_l W^(l)_{i_l i_{l-1}}; so
E[entry^2] = sum over pairs of paths of prod_l (mu^2 + s^2 [same entry]) (layers independent, entries iid),
evaluated with exact fractions; confirmed by a torch Monte-Carlo
(200k sampled weight triples, batched matmul).
(The recursion treats the C same-column entries of T(L-1:1) as uncorrelated; they share W^(1) from L = 3 on.)
"""

import itertools
import math
from fractions import Fraction

import pytest
import torch

MU, S2 = Fraction(1), Fraction(1, 4)


def exact_moments(L, C, d=0, c=0):
    paths = [(c,) + mid + (d,) for mid in itertools.product(range(C), repeat=L - 1)]
    mean = sum(MU**L for _ in paths)
    som = Fraction(0)
    for p, q in itertools.product(paths, repeat=2):
        term = Fraction(1)
        for l in range(1, L + 1):
            same = p[l] == q[l] and p[l - 1] == q[l - 1]
            term *= MU**2 + (S2 if same else 0)
        som += term
    return mean, som


def printed_recursion(L, C, K=1, R=1):
    S, m = abs(MU * R) ** 2 + K**2 * S2, MU * R
    for _ in range(2, L + 1):
        S, m = (
            C * (abs(MU * R) ** 2 + K**2 * S2) * S + C * (C - 1) * abs(MU * R) ** 2 * abs(m) ** 2,
            C * m * MU * R,
        )
    return S, m


@pytest.mark.parametrize(
    "L,printed,true",
    [
        (1, Fraction(5, 4), Fraction(5, 4)),
        (2, Fraction(41, 8), Fraction(41, 8)),
        (3, Fraction(333, 16), Fraction(349, 16)),
    ],
)
def test_recursion_vs_exact(L, printed, true):
    (S_p, m_p), (m_t, S_t) = printed_recursion(L, 2), exact_moments(L, 2)
    assert S_p == printed and S_t == true and m_p == m_t == 2 ** (L - 1)
    assert all(exact_moments(L, 2, d, c)[1] == S_t for d in range(2) for c in range(2))


def test_L3_values_and_gap():
    S_p, S_t = printed_recursion(3, 2)[0], exact_moments(3, 2)[1]
    assert float(S_p) == 20.8125 and float(S_t) == 21.8125 and S_t - S_p == 1


def test_L3_monte_carlo():
    n, s = 200_000, math.sqrt(float(S2))
    g = torch.Generator().manual_seed(32)
    W = [float(MU) + s * torch.randn(n, 2, 2, generator=g, dtype=torch.float64) for _ in range(3)]
    P = W[2] @ W[1] @ W[0]
    x = (P**2).mean(dim=(1, 2))  # per-sample average over the 4 exchangeable entries
    mean, se = x.mean().item(), x.std().item() / math.sqrt(n)
    assert abs(mean - 21.8125) < 5 * se and abs(mean - 20.8125) > 8 * se
    assert abs(P.mean().item() - 4.0) < 0.05
