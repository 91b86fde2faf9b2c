"""Witness: the first line of Eq. 24 (ICML A.3, p. 17) drops the bar on ∂Loss/∂h, from first principles.

Eq. 24, second line (right): ∂Loss/∂conj(g^(l))ᵀ = ∂Loss/∂conj(h)ᵀ conj(T^(L)) ⋯ conj(T^(l+1)).
Eq. 24, first line (as printed): ∂Loss/∂g^(L)ᵀ conj(T^(L)) ⋯ conj(T^(l+1)), i.e. with
∂Loss/∂h = conj(∂Loss/∂conj(h)) for a real loss.  Derivatives follow the paper's Eq. 20: ∂Loss/∂conj(G)
= fft2(∂Loss/∂F)/MN, which is the gradient torch returns for a complex tensor G = fft2(F).  Witness:
a 2-layer single-channel network of circular convolutions (padding appended at the end, K = 2) on a 4x4 map,
MSE loss, layer l = 1: the second line matches torch's gradient to 1e-12, the first line is off by the size
of the gradient itself.
"""

import numpy as np
import torch
import torch.nn.functional as F


def conv(x, w):
    k = w.shape[-1]
    return F.conv2d(F.pad(x, (0, k - 1, 0, k - 1), mode="circular"), w)


def test_second_line_matches_torch_and_the_first_line_does_not():
    gen = torch.Generator().manual_seed(3)
    x = torch.randn(1, 1, 4, 4, generator=gen, dtype=torch.float64)
    w1, w2 = (torch.randn(1, 1, 2, 2, generator=gen, dtype=torch.float64) for _ in range(2))
    target = torch.randn(1, 1, 4, 4, generator=gen, dtype=torch.float64)
    y1 = conv(x, w1)
    g1 = torch.fft.fft2(y1.detach()).requires_grad_(True)
    h = torch.fft.fft2(conv(torch.fft.ifft2(g1).real, w2).detach()).requires_grad_(True)
    ((torch.fft.ifft2(h).real - target) ** 2).mean().backward()
    dL_dconj_h = h.grad[0, 0].numpy()
    ((conv(torch.fft.ifft2(g1).real, w2) - target) ** 2).mean().backward()
    inner = g1.grad[0, 0].numpy()  # ∂Loss/∂conj(g^(1)) under Eq. 20
    # T^(2) by its definition Σ_ts w_ts e^{+i2π(ut/M+vs/N)}
    t = np.arange(2)
    u = np.arange(4)
    E = np.exp(2j * np.pi * np.outer(u, t) / 4)
    T2 = E @ w2[0, 0].numpy() @ E.T
    second = dL_dconj_h * np.conj(T2)
    first = np.conj(dL_dconj_h) * np.conj(T2)
    scale = np.abs(inner).max()
    assert np.abs(second - inner).max() < 1e-12 * scale
    assert np.abs(first - inner).max() > 0.1 * scale
