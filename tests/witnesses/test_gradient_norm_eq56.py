"""Witness: Eq. 56 (ICML p. 26) drops a factor MN in its Parseval step (decoder-issue-gradient-norm).

Paper's definition (A.3, p. 16): q_uv := dLoss/d conj(T^(uv)) = (1/MN) sum_{t,s<K} r_ts e^{+i2pi(ut/M+vs/N)},
r_ts := dLoss/dW_ts.  Eq. 56 as printed: ||dLoss/dW||^2 = sum_ts r_ts^2 = ... = sum_uv
|q_uv|^2 (over all u<M, v<N).
Its first step r_ts = sum_uv q_uv e^{-i2pi(ut/M+vs/N)} (t,s<K) is right; then sum_ts r_ts sum_uv q_uv e^{-i..}
= sum_uv q_uv * MN conj(q_uv), so the true identity is sum r^2 = MN sum |q|^2.
Witness: a real single-channel paper-anchor circular conv (F.pad circular at the end + F.conv2d), 6x5 input,
K=3, loss = sum((y - target)^2) + sum(y^3)/10, r from autograd.  Printed: sum|q|^2; true:
sum r^2 = MN sum|q|^2 (ratio exactly MN = 30, so printed != true whenever the gradient is nonzero).
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as F


def grad_and_q(M, N, K, seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(1, 1, M, N, generator=g, dtype=torch.float64)
    target = torch.randn(1, 1, M, N, generator=g, dtype=torch.float64)
    W = torch.randn(1, 1, K, K, generator=g, dtype=torch.float64, requires_grad=True)
    y = F.conv2d(F.pad(x, (0, K - 1, 0, K - 1), mode="circular"), W)
    loss = ((y - target) ** 2).sum() + (y**3).sum() / 10
    loss.backward()
    r = W.grad[0, 0].numpy()
    t = np.arange(K)
    u, v = np.arange(M)[:, None, None, None], np.arange(N)[None, :, None, None]
    ph = np.exp(2j * np.pi * (u * t[:, None] / M + v * t[None, :] / N))  # M x N x K x K
    q = (r * ph).sum(axis=(2, 3)) / (M * N)
    return r, q, ph


@pytest.mark.parametrize("M,N,K,seed", [(6, 5, 3, 0), (4, 4, 2, 1), (7, 8, 4, 2)])
def test_parseval_needs_MN(M, N, K, seed):
    r, q, ph = grad_and_q(M, N, K, seed)
    true, printed = np.sum(r**2), np.sum(np.abs(q) ** 2)
    assert true > 1e-3
    assert abs(true - M * N * printed) < 1e-10 * true  # sum r^2 = MN sum |q|^2
    assert abs(true - printed) > 0.5 * true  # the printed normalisation is off by the factor MN
    # the chain's first line (inverse transform on the K x K support) is right:
    r_back = (q[:, :, None, None] * np.conj(ph)).sum(axis=(0, 1))
    assert np.abs(r_back - r).max() < 1e-10 * np.abs(r).max() and np.abs(r_back.imag).max() < 1e-10
