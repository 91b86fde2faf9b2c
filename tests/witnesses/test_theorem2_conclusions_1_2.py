"""Witness: Thm 4.2 (ICML p. 5), conclusions 1 and 2, from first principles (nothing imported from symspec).

Single channel, one frequency (u, v): T = Σ_{t,s<K} w_ts e^{i2π(ut/M+vs/N)} with w_ts i.i.d. N(μ, σ²), so
E|T|² = |μ R_uv|² + σ² Σ_ts |e^{…}|² = |μ R_uv|² + K²σ², R_uv = Σ_ts e^{i2π(ut/M+vs/N)}; independent layers
multiply.  The theorem concludes that SOM increases with K (conclusion 1) and grows exponentially with
depth L (conclusion 2).

* conclusion 1 at M = N = 8, (u, v) = (4, 0), μ = 1, σ² = 1/16: K = 1 gives 17/16,
  K = 2 gives 1/4 (R vanishes);
* conclusion 2 at K = 1, μ = 0, σ = 1/2: SOM = (1/4)^L falls with depth, at every frequency.

The SOM itself is checked against a Monte-Carlo of real torch convolutions (circular padding appended at the
end), so the witness rests on the layer, not on the formula.
"""

import numpy as np
import torch
import torch.nn.functional as F


def R(K, u, v, M, N):
    t = np.arange(K)
    return np.exp(2j * np.pi * u * t / M).sum() * np.exp(2j * np.pi * v * t / N).sum()


def som(K, u, v, M, N, mu, sigma, L=1):
    return (abs(mu * R(K, u, v, M, N)) ** 2 + K * K * sigma**2) ** L


def torch_som(K, u, v, M, N, mu, sigma, samples=40000, seed=0):
    """E|T_uv|² over random single-channel layers: fft2 of the response to an impulse at the origin."""
    gen = torch.Generator().manual_seed(seed)
    w = torch.randn(samples, 1, K, K, generator=gen, dtype=torch.float64) * sigma + mu
    x = torch.zeros(1, samples, M, N, dtype=torch.float64)
    x[..., 0, 0] = 1.0
    y = F.conv2d(F.pad(x, (0, K - 1, 0, K - 1), mode="circular"), w, groups=samples)[0]
    T = torch.fft.fft2(y)[:, u, v]  # out[m] = w[-m mod M], so fft2 gives Σ_t w_t e^{+i2πut/M} = T
    p = (T.abs() ** 2).numpy()
    return p.mean(), p.std(ddof=1) / np.sqrt(samples)


def test_single_layer_som_formula_matches_real_layers():
    for K, u, v in ((2, 4, 0), (3, 1, 2)):
        est, se = torch_som(K, u, v, 8, 8, 1.0, 0.25)
        assert abs(est - som(K, u, v, 8, 8, 1.0, 0.25)) < 5 * se + 1e-12


def test_conclusion_1_som_falls_from_K1_to_K2_at_a_frequency_where_R_vanishes():
    assert abs(som(1, 4, 0, 8, 8, 1.0, 0.25) - 17 / 16) < 1e-12
    assert abs(som(2, 4, 0, 8, 8, 1.0, 0.25) - 1 / 4) < 1e-12  # |R| = 0 at K = 2
    assert som(2, 4, 0, 8, 8, 1.0, 0.25) < som(1, 4, 0, 8, 8, 1.0, 0.25)


def test_conclusion_2_som_shrinks_with_depth_when_each_layer_has_som_below_one():
    for L in (1, 2, 3):
        assert abs(som(1, 1, 1, 4, 4, 0.0, 0.5, L) - 0.25**L) < 1e-15
    assert som(1, 1, 1, 4, 4, 0.0, 0.5, 2) < som(1, 1, 1, 4, 4, 0.0, 0.5, 1)
    est, se = torch_som(1, 1, 1, 4, 4, 0.0, 0.5)
    assert abs(est - 0.25) < 5 * se
