"""Witness: Thm 4.2 conclusions 3-5 (p. 5) hold or fail by regime (numpy only).

Single channel, weights of layer l iid N(μ, σ²), layers independent: SOM(T^(uv)(L:1)) = Π_l E|Σ_ts w_ts e_ts|²
with e_ts = e^{i2π(ut/M+vs/N)}, E|Σ w e|² = μ²|Σ e|² + σ² Σ|e|² (re-derived from E[w w'] = μ² + σ² δ).
Bands on 16x16: low = both circular distances ≤ 1/8, high = both ≥ 1/4; ratio = mean
SOM(high) / mean SOM(low).
(3) at K = 3, μ = 0.1, σ = 0.5: ratio 0.8064 → 0.6487 → 0.5206 for L = 1, 2, 3 (holds); at K = 1 it stays 1.
(4) at K = 3, σ = 0.5, L = 2: ratio 0.6487 → 0.5265 → 0.0206 for μ = 0.1, 0.125, 0.5
(holds); at K = 1 it stays 1.
(5) σ, μ fixed per weight: ratio 0.521 → 0.426 for K = 3 → 4 (fails, L = 3); kernel total variance fixed
(σ² = 2/K², μ = 0.5/K²): the ratio rises from K = 3 to 4 (holds).
"""

import numpy as np

M = N = 16


def bands():
    d = np.minimum(np.arange(M), M - np.arange(M)) / M
    du, dv = np.meshgrid(d, d, indexing="ij")
    low = (du <= 1 / 8) & (dv <= 1 / 8)
    return low, (du >= 1 / 4) & (dv >= 1 / 4) & ~low


def som(K, mu, s, L):
    u, v = np.meshgrid(np.arange(M), np.arange(N), indexing="ij")
    t = np.arange(K)
    e = np.exp(2j * np.pi * (u[..., None, None] * t[:, None] / M + v[..., None, None] * t[None, :] / N))
    one = mu**2 * np.abs(e.sum((-2, -1))) ** 2 + s**2 * (np.abs(e) ** 2).sum((-2, -1))
    return one**L


def ratio(K, mu, s, L):
    low, high = bands()
    x = som(K, mu, s, L)
    return x[high].mean() / x[low].mean()


def test_conclusion_3_holds_at_k3_and_fails_at_k1():
    r = [ratio(3, 0.1, 0.5, L) for L in (1, 2, 3)]
    assert np.allclose(r, [0.8064, 0.6487, 0.5206], atol=1e-4) and 1 > r[0] > r[1] > r[2]
    assert np.allclose([ratio(1, 0.1, 0.5, L) for L in (1, 2, 3)], 1.0, atol=1e-12)


def test_conclusion_4_holds_at_k3_and_fails_at_k1():
    r = [ratio(3, mu, 0.5, 2) for mu in (0.1, 0.125, 0.5)]
    assert np.allclose(r, [0.6487, 0.5265, 0.0206], atol=1e-4) and r[0] > r[1] > r[2]
    assert np.allclose([ratio(1, mu, 0.5, 2) for mu in (0.1, 0.125, 0.5)], 1.0, atol=1e-12)


def test_conclusion_5_fails_per_weight_and_holds_with_total_variance_fixed():
    r3, r4 = ratio(3, 0.1, 0.5, 3), ratio(4, 0.1, 0.5, 3)
    assert (
        abs(r3 - 0.521) < 1e-3 and abs(r4 - 0.426) < 1e-3 and r4 < r3
    )  # printed: the smaller K has the smaller
    t3, t4 = (ratio(K, 0.5 / K**2, (2 / K**2) ** 0.5, 3) for K in (3, 4))
    assert t3 < t4  # with the kernel's total variance fixed, the smaller kernel weakens high frequencies more
