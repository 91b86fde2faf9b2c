"""Guard (a TRUE statement): Cor 3.4, Eq. 5 (ICML p. 4) with all its conjugation bars
holds for a real SGD step.

Printed: (Delta T^(l,uv))^T = -eta M N sum_{u'v'} chi_{u'v'uv} ( conj(T^(u'v')(l-1:1)) conj(g^(u'v'))
          + delta_{u'v'} conj(beta') ) dLoss/dconj(h^(u'v'))^T conj(T^(u'v')(L:l+1)),
chi_{u'v'uv} = R_{u-u',v-v'}/MN = (1/MN) sum_{t,s<K} e^{i2pi((u-u')t/M + (v-v')s/N)},
beta' = MN (b^(l-1) + sum_{j=2}^{l-1} T^(00)(l-1:j) b^(j-1)) (0 for l = 1),
dLoss/dconj(h) := fft2(dLoss/dy)/MN (Eq. 20), T^(l,uv)_dc = sum_ts W^(l)_dcts e^{+i2pi(ut/M+vs/N)}.
Setting: 3 paper-anchor circular conv layers with biases (channels 2 -> 3 -> 2 -> 2), 5x4 input, K=2,
MSE loss to a random target, one torch.optim.SGD step (lr 0.05).  Left side:
Delta T from the real weight change.
Printed = true at every layer (relative error < 1e-10).  Dropping the conj on T(L:l+1) breaks it for l < L
(relative error > 1e-2), so the harness can fail.
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

M, N, K, CH, ETA = 5, 4, 2, [2, 3, 2, 2], 0.05


def T_of(W):  # W: D x C x K x K -> M x N x D x C
    t = np.arange(K)
    ph = np.exp(
        2j
        * np.pi
        * (
            np.arange(M)[:, None, None, None] * t[:, None] / M
            + np.arange(N)[None, :, None, None] * t[None, :] / N
        )
    )
    return np.einsum("dcts,uvts->uvdc", W, ph)


def run():
    g = torch.Generator().manual_seed(5)
    x = torch.randn(1, CH[0], M, N, generator=g, dtype=torch.float64)
    target = torch.randn(1, CH[-1], M, N, generator=g, dtype=torch.float64)
    layers = [torch.nn.Conv2d(CH[i], CH[i + 1], K, dtype=torch.float64) for i in range(3)]
    for c in layers:
        for p in c.parameters():
            p.data = torch.randn(p.shape, generator=g, dtype=torch.float64) * 0.5
    params = [p for c in layers for p in c.parameters()]
    y = x
    for c in layers:
        y = c(F.pad(y, (0, K - 1, 0, K - 1), mode="circular"))
    y.retain_grad()
    loss = F.mse_loss(y, target)
    opt = torch.optim.SGD(params, lr=ETA)
    opt.zero_grad()
    loss.backward()
    W0 = [c.weight.detach().numpy().copy() for c in layers]
    b = [c.bias.detach().numpy().copy() for c in layers]
    opt.step()
    W1 = [c.weight.detach().numpy().copy() for c in layers]
    dh = torch.fft.fft2(y.grad)[0].numpy().transpose(1, 2, 0) / (M * N)  # M x N x C_L
    return torch.fft.fft2(x)[0].numpy().transpose(1, 2, 0), W0, W1, b, dh


def prod(Ts, l_hi, l_lo, C):  # T(l_hi:l_lo) on the whole grid, identity if empty; Ts[l-1] = T^(l)
    P = np.broadcast_to(np.eye(C), (M, N, C, C)).astype(complex)
    for l in range(l_lo, l_hi + 1):
        P = Ts[l - 1] @ P
    return P


@pytest.mark.parametrize("conj_tail,ok", [(True, True), (False, False)])
def test_eq5_every_layer(conj_tail, ok):
    g, W0, W1, b, dh = run()
    Ts = [T_of(W) for W in W0]
    uu, vv = np.meshgrid(np.arange(M), np.arange(N), indexing="ij")
    t = np.arange(K)
    for l in (1, 2, 3):
        dT = T_of(W1[l - 1]) - T_of(W0[l - 1])  # M x N x C_l x C_{l-1}
        head = np.einsum("uvij,uvj->uvi", np.conj(prod(Ts, l - 1, 1, CH[0])), np.conj(g))  # C_{l-1}
        if l > 1:
            beta = b[l - 2].astype(complex)
            for j in range(2, l):
                beta = beta + prod(Ts, l - 1, j, CH[j - 1])[0, 0] @ b[j - 2]
            head[0, 0] += np.conj(M * N * beta)
        tail = prod(Ts, 3, l + 1, CH[l])  # C_L x C_l
        tail = np.conj(tail) if conj_tail else tail
        inner = np.einsum("uvi,uvk,uvkj->uvij", head, dh, tail)  # C_{l-1} x C_l
        worst = 0.0
        for u in range(M):
            for v in range(N):
                chi = np.exp(
                    2j
                    * np.pi
                    * (
                        (u - uu[..., None, None]) * t[:, None] / M
                        + (v - vv[..., None, None]) * t[None, :] / N
                    )
                ).sum(axis=(2, 3)) / (M * N)
                rhs = -ETA * M * N * np.einsum("ab,abij->ij", chi, inner)
                worst = max(worst, np.abs(dT[u, v].T - rhs).max() / np.abs(dT).max())
        if ok:
            assert worst < 1e-10, (l, worst)
        elif l < 3:
            assert worst > 1e-2, (l, worst)
