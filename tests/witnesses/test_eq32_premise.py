"""Witness: Eq. 32 (A.4, pp. 21-22) fails through its premise, not its algebra (numpy/torch only).

The derivation on p. 21 states a premise: all elements of T(l:1) are independent.
Under it, the printed recursion
  S_L = C (|μR|² + K²σ²) S_{L-1} + C (C−1) |μR|² |m_{L-1}|²
is exact.  For a real network the entries of one column of T(2:1) = W2 W1 share W1's column,
so the premise fails from l = 2, and the recursion misses the true SOM from L = 3.
Witness: C = 2 (channels 2-2-2-2), K = 1 (R = 1 at every frequency: T^(l) = W^(l), a real 2x2 matrix), 4x4,
μ = 1, σ = 0.5.  Premise value (independent entries) S_3 = 20.8125 = the recursion; true value 21.8125; the
same-column moment E[P_0c P_1c] of P = W2 W1 is 4.5 where independence gives (E P)² = 4;
control L = 2: both 5.1250.
"""

from fractions import Fraction

import torch

C, MU, S2 = 2, Fraction(1), Fraction(1, 4)


def column_moments():
    """Exact moments of one column p = W2 w of P = W2 W1 (w = W1's column,
    iid N(μ, σ²)), by conditioning on w."""
    e_w2, e_sum2 = C * (MU**2 + S2), C * S2 + C**2 * MU**2  # E|w|², E(Σw)²
    som = S2 * e_w2 + MU**2 * e_sum2  # E p_c²
    cross = MU**2 * e_sum2  # E p_c p_c' (c ≠ c'): both rows see the same w
    mean = C * MU**2
    return mean, som, cross


def s3(cross):
    """E[(W3 p)_d²] = σ² Σ_c E p_c² + μ² E(Σ_c p_c)², given the same-column moment ``cross``."""
    _, som, _ = column_moments()
    return S2 * C * som + MU**2 * (C * som + C * (C - 1) * cross)


def recursion(L):
    S, m = MU**2 + S2, MU  # K = 1: |μR|² + K²σ², m_1 = μR
    for _ in range(L - 1):
        S, m = C * (MU**2 + S2) * S + C * (C - 1) * MU**2 * m**2, C * MU * m
    return S


def test_the_premise_fails_at_l_2():
    mean, _, cross = column_moments()
    assert cross == Fraction(9, 2) and mean**2 == 4  # E[P_0c P_1c] = 4.5, independence would give 4


def test_recursion_is_exact_under_the_premise_and_wrong_for_the_real_network():
    mean, som, cross = column_moments()
    assert som == recursion(2) == Fraction(41, 8)  # L = 2 control: 5.1250 both
    assert recursion(3) == s3(mean**2) == Fraction(333, 16)  # 20.8125: the recursion = its premise value
    assert s3(cross) == Fraction(349, 16)  # 21.8125: the real network


def test_monte_carlo_real_network_and_independent_copies():
    g, n = torch.Generator().manual_seed(7), 400_000

    def layer():
        return float(MU) + 0.5 * torch.randn(n, C, C, generator=g, dtype=torch.float64)

    real = (layer() @ layer() @ layer())[:, 0, 0] ** 2
    # the premise: the entries of P = T(2:1) independent -- each from its own network
    pa, pb, w3 = layer() @ layer(), layer() @ layer(), layer()
    premise = (w3[:, 0, 0] * pa[:, 0, 0] + w3[:, 0, 1] * pb[:, 1, 0]) ** 2
    for x, want, other in ((real, 21.8125, 20.8125), (premise, 20.8125, 21.8125)):
        se = x.std().item() / n**0.5
        assert abs(x.mean().item() - want) < 5 * se and abs(x.mean().item() - other) > 5 * se
