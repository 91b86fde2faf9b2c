"""Witness: Eq. 48 (ICML p. 25, proof of Thm 4.5) — its last line is not the first-order change of T(L:1).

Setting (Thm 4.5): single channel, L paper-anchor circular convs (F.pad circular at the end + F.conv2d),
each the identity (W[0,0] = 1); input x with spectrum G; loss lam1|H_f1 - H*_f1|^2 + lam2|H_f2 - H*_f2|^2,
lam_i = 1/|G_fi|^2 (43), H*_f1 = (1 - A)G_f1, H*_f2 = (1 + conj A)G_f2, A = alpha e^{i phi}, phi from (44).
Printed (last line of Eq. 48, per unit eta, L = 1, every T = 1):
  dT(uv) = -2 MN (A chi_{f1,uv} - conj(A) chi_{f2,uv}) * L,
  chi_{u'v'uv} = (1/MN) sum_{t,s<K} e^{i2pi((u-u')t/M + (v-v')s/N)}.
True (first order, which is exact for L = 1 since T is linear in W): dT(uv) = -sum_ts r_ts
e^{+i2pi(ut/M + vs/N)}, r = dLoss/dW from autograd.  Expanding the real gradient: the terms at f1,
f2 come once (not twice) and the conjugate partners -f1, -f2 contribute too (a real kernel change moves both).
Witness: 6x6, K = 3, L = 1, f1 = (2,2) -> f2 = (3,2), alpha = 1/2, phi = (2*1/6) pi/2 = pi/6, seeded random x.
Here R at 2f1 and f1 + f2 vanishes (the partners decouple at f1), so at uv = f1 the printed value is exactly
twice the true one (-7.794-10.5i vs -3.897-5.25i); at uv = -f1 = (4,4) the printed value is 0
and the true one is not.
"""

import math

import numpy as np
import torch
import torch.nn.functional as F

M = N = 6
K = 3
F1, F2 = (2, 2), (3, 2)
ALPHA = 0.5


def real_first_order_change():
    x = torch.randn(1, 1, M, N, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    G = torch.fft.fft2(x)[0, 0]
    phi = ((K - 1) * (F2[0] - F1[0]) / M + (K - 1) * (F2[1] - F1[1]) / N) * math.pi / 2
    A = ALPHA * complex(math.cos(phi), math.sin(phi))
    targets = [(1 - A) * G[F1], (1 + A.conjugate()) * G[F2]]
    W = torch.zeros(1, 1, K, K, dtype=torch.float64)
    W[0, 0, 0, 0] = 1.0
    W.requires_grad_(True)
    H = torch.fft.fft2(F.conv2d(F.pad(x, (0, K - 1, 0, K - 1), mode="circular"), W))[0, 0]
    loss = sum((H[f] - t).abs() ** 2 / G[f].abs() ** 2 for f, t in zip((F1, F2), targets))
    loss.backward()
    r = W.grad[0, 0].numpy()
    t = np.arange(K)
    u, v = np.arange(M)[:, None, None, None], np.arange(N)[None, :, None, None]
    phase = np.exp(2j * np.pi * (u * t[:, None] / M + v * t[None, :] / N))  # M x N x K x K
    return -(r * phase).sum(axis=(2, 3)), A


def chi(up, vp):
    t = np.arange(K)
    u, v = np.arange(M)[:, None, None, None], np.arange(N)[None, :, None, None]
    return np.exp(2j * np.pi * ((u - up) * t[:, None] / M + (v - vp) * t[None, :] / N)).sum(axis=(2, 3)) / (
        M * N
    )


def test_eq48_last_line_against_the_real_first_order_change():
    true, A = real_first_order_change()
    printed = (
        -2 * M * N * (A * chi(*F1) - np.conj(A) * chi(*F2)) * 1
    )  # L = 1: sum_l |T(L:l+1)|^2 |T(l-1:1)|^2 = 1
    assert abs(printed[F1] - 2 * true[F1]) < 1e-12  # twice the true change where the partners decouple
    assert (
        abs(printed[F1] - (-7.794228634059947 - 10.5j)) < 1e-9
        and abs(true[F1] - (-3.897114317029974 - 5.25j)) < 1e-9
    )
    assert abs(printed[4, 4]) < 1e-12 and abs(true[4, 4]) > 1.0  # the conjugate partner -f1 moves, unprinted
    assert np.abs(printed - true).max() > 0.5 * np.abs(true).max()


def test_true_change_is_the_two_frequencies_once_plus_their_partners():
    true, A = real_first_order_change()
    mn = M * N
    partners = -mn * (np.conj(A) * chi(-F1[0] % M, -F1[1] % N) - A * chi(-F2[0] % M, -F2[1] % N))
    assert np.abs(true - (-mn * (A * chi(*F1) - np.conj(A) * chi(*F2)) + partners)).max() < 1e-12
