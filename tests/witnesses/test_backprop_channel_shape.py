"""Witness: two printed slips in the back-propagation proof
(ICML A.3, p. 17; decoder-issue-backprop-channel-shape).

Setting: real circular convolutions (paper anchor: F.pad circular at the end + F.conv2d), a real loss.
Eq. 20's convention: dLoss/dconj(G_uv) = (1/MN) sum_mn dLoss/dF_mn e^{-i2pi(um/M+vn/N)}; T^(l,uv)_dc = sum_ts
W_dcts e^{+i2pi(ut/M+vs/N)}; dLoss/dconj(T_dc) = (1/MN) sum_ts dLoss/dW_dcts e^{+i2pi(ut/M+vs/N)}.
1. The gradient of the earlier layer is printed for one output channel d, without a sum:
   dLoss/dconj(G^(l-1,c)) = dLoss/dconj(G^(l,d)) conj(T^(l)_dc).  True (the adjoint): the sum over d.
   With two output channels the printed relation fails for every d; with one it holds.
2. The text before Eq. 22 calls dLoss/d(conj T^(l))^T a D x C matrix; Eq. 22 builds it as conj(g^(l-1))
   (a C column) times dLoss/dconj(g^(l))^T (a D row): C x D.  With C = 1, D = 3 the product is 1 x 3 and
   equals the transpose of dLoss/dconj(T) (3 x 1, the shape of T).
"""

import numpy as np
import torch
import torch.nn.functional as F

M, N, K = 5, 4, 2


def conv(x, W, b):
    return F.conv2d(F.pad(x, (0, K - 1, 0, K - 1), mode="circular"), W, b)


def dft_plus(w):  # sum_ts w[..., t, s] e^{+i2pi(ut/M+vs/N)} on the M x N grid
    t = np.arange(K)
    u, v = np.arange(M)[:, None, None, None], np.arange(N)[None, :, None, None]
    phase = np.exp(2j * np.pi * (u * t[:, None] / M + v * t[None, :] / N))
    return np.einsum("...ts,uvts->...uv", w, phase)


def network(chans, seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(1, chans[0], M, N, generator=g, dtype=torch.float64)
    Ws = [
        torch.randn(chans[i + 1], chans[i], K, K, generator=g, dtype=torch.float64, requires_grad=True)
        for i in range(len(chans) - 1)
    ]
    bs = [torch.randn(chans[i + 1], generator=g, dtype=torch.float64) for i in range(len(chans) - 1)]
    target = torch.randn(1, chans[-1], M, N, generator=g, dtype=torch.float64)
    outs = [x]
    for W, b in zip(Ws, bs):
        y = conv(outs[-1], W, b)
        y.retain_grad()
        outs.append(y)
    loss = ((outs[-1] - target) ** 2).sum() + (outs[-1] ** 3).sum() / 10
    loss.backward()
    D = [torch.fft.fft2(o.grad[0]).numpy() / (M * N) for o in outs[1:]]  # dLoss/dconj(g^(l)), Eq. 20
    g_spec = [torch.fft.fft2(o.detach()[0]).numpy() for o in outs[:-1]]  # g^(l-1)
    return Ws, D, g_spec


def test_earlier_layer_gradient_needs_the_sum_over_d():
    Ws, D, _ = network([2, 2, 2], 0)
    T2 = dft_plus(Ws[1].detach().numpy())  # (d, c, M, N)
    summed = np.einsum("duv,dcuv->cuv", D[1], np.conj(T2))
    assert np.abs(summed - D[0]).max() < 1e-12 * np.abs(D[0]).max()  # the adjoint: sum over d
    for d in range(2):
        fixed = D[1][d][None] * np.conj(T2[d])  # printed: one output channel d
        assert np.abs(fixed - D[0]).max() > 0.1 * np.abs(D[0]).max()


def test_one_output_channel_makes_the_fixed_d_relation_exact():
    Ws, D, _ = network([2, 1, 1], 1)
    T2 = dft_plus(Ws[1].detach().numpy())
    assert np.abs(D[1][0][None] * np.conj(T2[0]) - D[0]).max() < 1e-12 * np.abs(D[0]).max()


def test_eq22_product_is_C_by_D_not_D_by_C():
    Ws, D, g_spec = network([1, 3], 2)  # one layer, C = 1 input channel, D = 3 output channels
    W = Ws[0]
    dLdT = dft_plus(W.grad.numpy()) / (M * N)  # dLoss/dconj(T_dc): (D, C, M, N) = (3, 1, M, N)
    u, v = np.arange(M), np.arange(N)
    t = np.arange(K)
    # Eq. 22: sum_{u'v'} chi_{u'v'uv} conj(g^(u'v')) dLoss/dconj(h^(u'v'))^T, chi = R_{u-u', v-v'}/MN
    ph_u = np.exp(2j * np.pi * np.subtract.outer(u, u)[:, :, None] * t / M).sum(
        -1
    )  # [u, u'] sum_t e^{i2pi(u-u')t/M}
    ph_v = np.exp(2j * np.pi * np.subtract.outer(v, v)[:, :, None] * t / N).sum(-1)
    chi = ph_u[:, None, :, None] * ph_v[None, :, None, :] / (M * N)  # [u, v, u', v']
    product = np.einsum("uvpq,cpq,dpq->cduv", chi, np.conj(g_spec[0]), D[0])  # (C, D, M, N)
    assert product.shape[:2] == (1, 3)  # C x D; the label says D x C = 3 x 1
    assert np.abs(product - dLdT.transpose(1, 0, 2, 3)).max() < 1e-12 * np.abs(dLdT).max()
