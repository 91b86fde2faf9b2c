"""Witness: Thm 4.3 (ICML p. 6, Eq. 9) — Gaussian marginals do not suffice for the zero-padding SOM identity.

Claim (as printed): if every element of F (M x N) follows N(a, s^2), then after zero-padding to M' x N'
(F kept in the top-left block, zeros elsewhere), for 0<=u<M, 0<=v<N, (u,v) != (0,0):
  SOM(H_uv) - SOM(G_uv) = a^2 tau_uv^2,   tau_uv = sin(M u pi/M') sin(N v pi/N') /
  (sin(u pi/M') sin(v pi/N')),
and SOM(H_00) = SOM(G_00).  SOM(X) = E|X|^2.
Witness (decoder-issue-padding-iid): M=N=2 -> M'=N'=3, all four pixels equal ONE U ~ N(a, q) (each element is
N(a, q), as the hypothesis asks, but they are not independent).  At (u,v) = (1,1): G_11 = 0 identically,
H_11 = U (1+z)^2 with z = e^{-i2pi/3}, |1+z| = 1, so SOM(H_11) - SOM(G_11) = a^2 + q, while the formula gives
a^2 tau_11^2 = a^2 (tau_11 = 1).  At a = 0: printed 0, true q.
True value: F = a*1 + A xi with xi ~ N(0, I), so for a linear functional X = sum_k c_k F_k,
E|X|^2 = a^2 |sum c|^2 + ||c^T A||^2 exactly; c is read off torch.fft.fft2 of the (padded) unit images.
Confirmed by a torch Monte-Carlo (F.pad + fft2).  Sanity: for iid pixels (A = s I, 4x4 -> 6x6) the same
harness reproduces a^2 tau^2 exactly (u, v >= 1, where tau is not 0/0),
and the DC equality holds in both cases.
"""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F


def spectra_coeffs(M, N, Mp, Np, u, v):
    """c_k of G_uv and H_uv as linear functionals of the M*N pixels (unit images through fft2 / F.pad)."""
    eye = torch.eye(M * N, dtype=torch.float64).reshape(M * N, 1, M, N)
    G = torch.fft.fft2(eye)[:, 0, u, v].numpy()
    H = torch.fft.fft2(F.pad(eye, (0, Np - N, 0, Mp - M)))[:, 0, u, v].numpy()
    return G, H


def som(c, a, A):
    return abs(a * c.sum()) ** 2 + np.sum(np.abs(c @ A) ** 2)


def tau(M, N, Mp, Np, u, v):
    return (
        math.sin(M * u * math.pi / Mp)
        * math.sin(N * v * math.pi / Np)
        / (math.sin(u * math.pi / Mp) * math.sin(v * math.pi / Np))
    )


@pytest.mark.parametrize("a", [0.0, 0.7])
def test_shared_pixel_witness(a):
    q = 0.3
    A = math.sqrt(q) * np.ones((4, 1))  # every pixel = the same U
    cG, cH = spectra_coeffs(2, 2, 3, 3, 1, 1)
    true = som(cH, a, A) - som(cG, a, A)
    printed = a**2 * tau(2, 2, 3, 3, 1, 1) ** 2
    assert abs(true - (a**2 + q)) < 1e-12 and abs(printed - a**2) < 1e-12
    assert abs(true - printed - q) < 1e-12  # differ by exactly q
    cG0, cH0 = spectra_coeffs(2, 2, 3, 3, 0, 0)
    assert abs(som(cH0, a, A) - som(cG0, a, A)) < 1e-12  # DC equality stands


def test_shared_pixel_monte_carlo():
    q, n = 0.3, 200_000
    U = torch.randn(n, generator=torch.Generator().manual_seed(3), dtype=torch.float64) * math.sqrt(q)
    Fmap = U[:, None, None, None].expand(n, 1, 2, 2)
    d = (
        torch.fft.fft2(F.pad(Fmap, (0, 1, 0, 1)))[:, 0, 1, 1].abs() ** 2
        - torch.fft.fft2(Fmap)[:, 0, 1, 1].abs() ** 2
    )
    se = d.std().item() / math.sqrt(n)
    assert abs(d.mean().item() - q) < 5 * se and abs(d.mean().item() - 0.0) > 50 * se


def test_iid_sanity_formula_holds():
    M, N, Mp, Np, a, s = 4, 4, 6, 6, 0.5, 0.8
    A = s * np.eye(M * N)
    for u in range(1, M):
        for v in range(1, N):
            cG, cH = spectra_coeffs(M, N, Mp, Np, u, v)
            assert abs(som(cH, a, A) - som(cG, a, A) - a**2 * tau(M, N, Mp, Np, u, v) ** 2) < 1e-10
    cG0, cH0 = spectra_coeffs(M, N, Mp, Np, 0, 0)
    assert abs(som(cH0, a, A) - som(cG0, a, A)) < 1e-10
