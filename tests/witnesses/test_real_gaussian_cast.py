"""Witness: the real-Gaussian cast in the proof of Thm 4.2
(ICML A.4, p. 19; decoder-issue-real-gaussian-cast).

Printed (p. 19): "let us extend W into a complex number ... W ~ ComplexN(mu_l, sigma_l^2, 0)",
i.e. a real Gaussian weight has pseudo-covariance E[(W - mu)^2] = 0.  True: for real W ~ N(mu, sigma^2),
E[(W - mu)^2] = sigma^2 (the same as its variance).  Eq. 27's final pseudo-covariance of T = sum_ts W_ts
e^{i theta_ts}, sigma^2 R_{2u,2v}, needs that sigma^2: with 0 per weight it would be 0.
Witness: mu = 0.1, sigma = 0.5 (theorem2's defaults): printed 0, true 0.25; Monte-Carlo over 200k torch draws.
"""

import math

import numpy as np
import torch

MU, SIGMA = 0.1, 0.5


def test_pseudo_covariance_of_a_real_gaussian_is_its_variance():
    n = 200_000
    w = torch.randn(n, generator=torch.Generator().manual_seed(19), dtype=torch.float64) * SIGMA + MU
    z = ((w - MU) ** 2).numpy()
    mean, se = z.mean(), z.std() / math.sqrt(n)
    assert abs(mean - SIGMA**2) < 5 * se  # true: sigma^2 = 0.25
    assert abs(mean - 0.0) > 100 * se  # printed: 0


def test_eq27_pseudo_covariance_uses_sigma_squared_per_weight():
    M = N = 8
    K = 3
    u, v = 3, 1
    theta = np.array([[2 * np.pi * (u * t / M + v * s / N) for s in range(K)] for t in range(K)])
    n = 100_000
    W = (
        torch.randn(n, K, K, generator=torch.Generator().manual_seed(27), dtype=torch.float64).numpy() * SIGMA
        + MU
    )
    T = (W * np.exp(1j * theta)).sum(axis=(1, 2))
    dev = T - T.mean()
    r = (dev**2).mean()
    r_printed_final = SIGMA**2 * np.exp(2j * theta).sum()  # sigma^2 R_{2u,2v}: from E[(W - mu)^2] = sigma^2
    se = np.sqrt(np.var((dev**2).real) / n + np.var((dev**2).imag) / n)
    assert abs(r - r_printed_final) < 5 * se and abs(r_printed_final) > 0.1
