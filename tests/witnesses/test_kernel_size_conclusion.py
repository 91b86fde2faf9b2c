"""Witness: Thm 4.2 conclusion 5 (ICML p. 6, "if the kernel size K is small, the decoder is less likely to
learn high-frequency components") and decoder-issue-large-k-imbalance (pp. 6, 27).

Formula (single channel, weights of layer l iid N(mu_l, s_l^2), layers independent):
  SOM(T^(uv)(L:1)) = prod_l (|mu_l R_uv|^2 + K^2 s_l^2),  R_uv = sum_{t,s<K} e^{i2pi(ut/M + vs/N)}.
It is first re-derived here: E|sum_ts w_ts e^{i th_ts}|^2 = sum_{ts,t's'} (mu^2 + s^2 delta) e^{i(th - th')}
(numpy double sum), and checked by a torch Monte-Carlo of real circular convs (paper anchor) on a delta input,
whose fft2 is T^(uv) itself.
Printed trend: a small K makes high frequencies relatively weaker, i.e. SOM(high)/SOM(low) increases with K.
Witness: 16x16, L=3, mu=0.1, s=0.5: SOM(8,8)/SOM(1,1) = 1.0000, 0.6609, 0.4696, 0.3409, 0.2817 for K = 1..5 —
strictly decreasing: a LARGER kernel makes high frequencies relatively weaker.
And 8x8, L=1, mu = s^2 = 1: SOM(0,0)/SOM(4,0) = K^2 + 1 = 5 at K=2 and 17 at K=4 (imbalance grows with K).
"""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F


def R(M, N, K, u, v):
    t = np.arange(K)
    return np.exp(2j * np.pi * (u * t[:, None] / M + v * t[None, :] / N)).sum()


def som_first_principles(M, N, K, u, v, mu, s2):
    t = np.arange(K)
    th = (2 * np.pi * (u * t[:, None] / M + v * t[None, :] / N)).ravel()
    cov = mu**2 + s2 * np.eye(K * K)  # E[w w'] for iid N(mu, s2) weights
    return np.real(np.sum(cov * np.exp(1j * (th[:, None] - th[None, :]))))


def som_formula(M, N, K, u, v, mu, s2, L=1):
    return (abs(mu * R(M, N, K, u, v)) ** 2 + K**2 * s2) ** L


@pytest.mark.parametrize(
    "M,N,K,u,v,mu", [(8, 8, 3, 2, 1, 0.3), (16, 16, 5, 8, 8, 0.1), (7, 6, 2, 3, 0, -0.4)]
)
def test_one_layer_som_formula(M, N, K, u, v, mu):
    assert abs(som_first_principles(M, N, K, u, v, mu, 0.25) - som_formula(M, N, K, u, v, mu, 0.25)) < 1e-12


def test_som_monte_carlo_real_conv():
    M, N, K, u, v, mu, s, L, n = 8, 8, 3, 2, 1, 0.3, 0.5, 2, 50_000
    delta = torch.zeros(1, 1, M, N, dtype=torch.float64)
    delta[0, 0, 0, 0] = 1.0
    g, T = torch.Generator().manual_seed(4), 1.0
    for _ in range(L):
        W = mu + s * torch.randn(n, 1, K, K, generator=g, dtype=torch.float64)
        y = F.conv2d(F.pad(delta, (0, K - 1, 0, K - 1), mode="circular"), W)  # paper anchor, n kernels
        T = T * torch.fft.fft2(y)[0, :, u, v]
    x = T.abs() ** 2
    se = x.std().item() / math.sqrt(n)
    assert abs(x.mean().item() - som_formula(M, N, K, u, v, mu, s * s, L)) < 5 * se


def test_small_kernel_does_not_weaken_high_frequencies():
    ratios = [
        som_formula(16, 16, K, 8, 8, 0.1, 0.25, 3) / som_formula(16, 16, K, 1, 1, 0.1, 0.25, 3)
        for K in range(1, 6)
    ]
    assert np.allclose(ratios, [1.0, 0.6609, 0.4696, 0.3409, 0.2817], atol=1e-4)
    assert all(a > b for a, b in zip(ratios, ratios[1:]))  # printed trend would need increasing


def test_large_k_imbalance():
    ratio = {K: som_formula(8, 8, K, 0, 0, 1.0, 1.0) / som_formula(8, 8, K, 4, 0, 1.0, 1.0) for K in (2, 4)}
    assert abs(ratio[2] - 5) < 1e-12 and abs(ratio[4] - 17) < 1e-12
    for K in (2, 4):  # the same ratio from the first-principles double sum
        assert (
            abs(
                som_first_principles(8, 8, K, 0, 0, 1, 1) / som_first_principles(8, 8, K, 4, 0, 1, 1)
                - ratio[K]
            )
            < 1e-9
        )
