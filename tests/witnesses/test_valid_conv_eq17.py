"""Witness: Eq. 17 (valid convolution, ICML p. 13) — the printed closed form of alpha counts one term too few.

Claim (as printed): for stride 1 and no padding (M' = M-K+1, N' = N-K+1)
  alpha_{u'v'uv} = (1/MN) sum_{m<M'} sum_{n<N'} e^{i2pi((u/M - u'/M')m + (v/N - v'/N')n)}
                 = (1/MN) sin((M-K) lam pi) sin((N-K) gam pi) / (sin(lam pi) sin(gam pi))
                   * e^{i((M-K)lam + (N-K)gam)pi},
  lam = ((u-u')M - u(K-1)) / (M(M-K+1)),  gam = ((v-v')N - v(K-1)) / (N(N-K+1)).
Witnesses: M=N=3, K=2, (u',v',u,v)=(1,1,0,0): printed -1/9, finite sum 0 (denominators sin(-pi/2) != 0).
           M=N=2, K=1, (u',v',u,v)=(0,0,1,1): printed -1/4, finite sum 0.
True value: the finite double sum written out with numpy.  Since u/M - u'/M' = lam exactly, the finite sum is
a geometric sum with M' terms: numerator sin(M' lam pi) = sin((M-K+1) lam pi), phase
(M'-1) lam pi = (M-K) lam pi.
So (checked on whole grids) replacing M-K by M-K+1 in the sine numerators only matches everywhere; replacing
it also in the phase, or in the phase only, does not.  The finite-sum alpha itself is checked against a real
unpadded torch F.conv2d: fft2(y)[u',v'] = delta M'N' b + sum_uv alpha T^(uv) g^(uv),
T_dc = sum_ts W e^{+i2pi(ut/M+vs/N)}.
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as F


def alpha_sum(M, N, K, up, vp, u, v):
    Mp, Np = M - K + 1, N - K + 1
    m, n = np.meshgrid(np.arange(Mp), np.arange(Np), indexing="ij")
    return np.exp(2j * np.pi * ((u / M - up / Mp) * m + (v / N - vp / Np) * n)).sum() / (M * N)


def alpha_closed(M, N, K, up, vp, u, v, num_shift=0, phase_shift=0):
    """Printed form with (M-K) -> (M-K+num_shift) in the sines and (M-K+phase_shift) in the phase."""
    lam = ((u - up) * M - u * (K - 1)) / (M * (M - K + 1))
    gam = ((v - vp) * N - v * (K - 1)) / (N * (N - K + 1))
    a, b = M - K + num_shift, N - K + num_shift
    c, d = M - K + phase_shift, N - K + phase_shift
    quot = np.sin(a * lam * np.pi) * np.sin(b * gam * np.pi) / (np.sin(lam * np.pi) * np.sin(gam * np.pi))
    return quot * np.exp(1j * (c * lam + d * gam) * np.pi) / (M * N)


@pytest.mark.parametrize(
    "M,N,K,idx,printed", [(3, 3, 2, (1, 1, 0, 0), -1 / 9), (2, 2, 1, (0, 0, 1, 1), -0.25)]
)
def test_witness_printed_differs_from_finite_sum(M, N, K, idx, printed):
    p, t = alpha_closed(M, N, K, *idx), alpha_sum(M, N, K, *idx)
    assert abs(p - printed) < 1e-12 and abs(t) < 1e-12 and abs(p - t) > 0.1


@pytest.mark.parametrize("M,N,K", [(3, 3, 2), (2, 2, 1), (5, 4, 2), (6, 5, 3), (7, 7, 4)])
def test_which_repair_matches_on_whole_grid(M, N, K):
    err = {k: 0.0 for k in ("printed", "num", "num+phase", "phase")}
    for up in range(M - K + 1):
        for vp in range(N - K + 1):
            for u in range(M):
                for v in range(N):
                    lam = ((u - up) * M - u * (K - 1)) / (M * (M - K + 1))
                    gam = ((v - vp) * N - v * (K - 1)) / (N * (N - K + 1))
                    if abs(np.sin(lam * np.pi)) < 1e-9 or abs(np.sin(gam * np.pi)) < 1e-9:
                        continue  # printed quotient 0/0 (quotient-domain issue)
                    t = alpha_sum(M, N, K, up, vp, u, v)
                    for key, (ns, ps) in {
                        "printed": (0, 0),
                        "num": (1, 0),
                        "num+phase": (1, 1),
                        "phase": (0, 1),
                    }.items():
                        err[key] = max(err[key], abs(alpha_closed(M, N, K, up, vp, u, v, ns, ps) - t))
    assert err["num"] < 1e-12  # numerator M-K+1, phase M-K: exact
    assert err["printed"] > 1e-3 and err["phase"] > 1e-3
    if K > 1:  # for K = 1 every off-DC term has sin(M' lam pi) = 0, so the phase is invisible there
        assert err["num+phase"] > 1e-3


@pytest.mark.parametrize("M,N,K,C,D", [(3, 3, 2, 1, 1), (5, 4, 2, 2, 3), (6, 7, 3, 2, 2)])
def test_finite_sum_alpha_matches_real_unpadded_conv(M, N, K, C, D):
    g = torch.Generator().manual_seed(17)
    x = torch.randn(1, C, M, N, generator=g, dtype=torch.float64)
    W = torch.randn(D, C, K, K, generator=g, dtype=torch.float64)
    b = torch.randn(D, generator=g, dtype=torch.float64)
    H = torch.fft.fft2(F.conv2d(x, W, b))[0].numpy()  # D x M' x N'
    G = torch.fft.fft2(x)[0].numpy()
    t, s = np.arange(K), np.arange(K)
    Mp, Np = M - K + 1, N - K + 1
    for up in range(Mp):
        for vp in range(Np):
            pred = (up == 0 and vp == 0) * Mp * Np * b.numpy().astype(complex)
            for u in range(M):
                for v in range(N):
                    ph = np.exp(2j * np.pi * (u * t[:, None] / M + v * s[None, :] / N))
                    T = (W.numpy() * ph).sum(axis=(2, 3))  # D x C
                    pred = pred + alpha_sum(M, N, K, up, vp, u, v) * T @ G[:, u, v]
            assert np.abs(pred - H[:, up, vp]).max() < 1e-10 * (1 + np.abs(H).max())


def test_output_spectrum_with_the_printed_alpha_differs_from_the_real_layer():
    """h^(u'v') = δ M'N' b + Σ_uv α T g: with the printed α it misses torch's valid conv;
    with the sum it matches."""
    gen = torch.Generator().manual_seed(1)
    M = N = 3
    K = 2
    x = torch.randn(1, 1, M, N, generator=gen, dtype=torch.float64)
    w = torch.randn(1, 1, K, K, generator=gen, dtype=torch.float64)
    h = torch.fft.fft2(F.conv2d(x, w))[0, 0].numpy()  # no padding: M' x N' = 2 x 2, no bias
    g = np.fft.fft2(x[0, 0].numpy())
    t = np.arange(K)
    T = (
        np.exp(2j * np.pi * np.outer(np.arange(M), t) / M)
        @ w[0, 0].numpy()
        @ np.exp(2j * np.pi * np.outer(np.arange(N), t) / N).T
    )
    up, vp = 1, 1
    true_sum = sum(alpha_sum(M, N, K, up, vp, u, v) * T[u, v] * g[u, v] for u in range(M) for v in range(N))
    assert abs(true_sum - h[up, vp]) < 1e-10 * abs(h).max()
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = [alpha_closed(M, N, K, up, vp, u, v) for u in range(M) for v in range(N)]
    # where the printed quotient is 0/0, take the finite sum (as symspec does); the rest as printed
    printed = sum(
        (a if np.isfinite(a) else alpha_sum(M, N, K, up, vp, u, v)) * T[u, v] * g[u, v]
        for a, (u, v) in zip(terms, [(u, v) for u in range(M) for v in range(N)])
    )
    assert abs(printed - h[up, vp]) > 1e-3 * abs(h).max()
