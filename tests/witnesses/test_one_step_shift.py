"""Witness: Thm 4.5 (ICML pp. 7, 24-26) — one real gradient step cannot reach zero loss under (43)-(46).

Setting: single-channel input x (spectrum G), L paper-anchor circular convs, each the identity (W[0,0]=1), so
T^(uv)(L:1) = 1 (45) and sum_l |T(L:l+1)|^2 |T(l-1:1)|^2 = L at every frequency (46).  Target H* = G except
H*_{u1v1} = (1-A) G_{u1v1}, H*_{u2v2} = (1+conj A) G_{u2v2}, A = alpha e^{i phi}; loss
lam1|H_{u1v1}-H*_{u1v1}|^2 + lam2|H_{u2v2}-H*_{u2v2}|^2, lam_i = 1/|G_{u_iv_i}|^2 (43), phi from (44).
Printed: with these constraints one gradient step (eta from (55)) gives loss 0.
Witness 1 (decoder-issue-one-step): L=2, K=2, 4x4 delta input, f1=(0,1), f2=(1,0), alpha=1/4; (44) gives
phi = ((1/4) - (1/4)) pi/2 = 0.  Real autograd gradient of each layer:
(W00,W01,W10,W11) = (0,-2alpha,2alpha,0) = (0,-1/2,1/2,0); after
a step W01 = c, W10 = -c with c = 2 alpha eta = eta/2, and Im H_10 = -2c(1+c) != 0.  The loss is
2(2c-1/4)^2 + 8c^2 + 8c^4, minimal 0.0626 at c = 0.0623 (eta = 0.1245); initial loss 1/8.  True: min over a
log grid of 600 real steps eta in [1e-4, 100] is 0.0626, not 0.
Witness 2: 8x8, K=2, L=1, seeded random x, (1,1)->(2,1), alpha=1/2, phi=pi/16 from (44).  L=1: loss is an
exact quadratic in eta; its minimum over eta>0 is 0.363 (with -phi: 0.450) — frequency pairs
(u,-u) also enter Eq. 5.
Partner-free pair (2,1)->(2,2) (R at the summed/doubled frequencies is 0): printed phi still leaves min 0.390,
while -phi reaches 0 at eta = 1/(L(K^2-Q)) = 3.2843 (Q = K * sin(K pi/8)/sin(pi/8), the 0/0 factor as K).
"""

import math

import torch
import torch.nn.functional as F


def setup(M, N, K, L, x, f1, f2, alpha, phi):
    G = torch.fft.fft2(x)[0, 0]
    A = alpha * complex(math.cos(phi), math.sin(phi))
    tgt = [(1 - A) * G[f1], (1 + A.conjugate()) * G[f2]]
    lam = [1 / G[f1].abs() ** 2, 1 / G[f2].abs() ** 2]

    def loss(Ws):
        y = x
        for W in Ws:
            y = F.conv2d(F.pad(y, (0, K - 1, 0, K - 1), mode="circular"), W)
        H = torch.fft.fft2(y)[0, 0]
        return lam[0] * (H[f1] - tgt[0]).abs() ** 2 + lam[1] * (H[f2] - tgt[1]).abs() ** 2, H

    Ws = [torch.zeros(1, 1, K, K, dtype=torch.float64) for _ in range(L)]
    for W in Ws:
        W[0, 0, 0, 0] = 1.0
        W.requires_grad_(True)
    loss(Ws)[0].sum().backward()

    def scan(etas):  # one real gradient step per eta
        out = [loss([W.detach() - eta * W.grad for W in Ws]) for eta in etas.tolist()]
        return torch.stack([o[0] for o in out]), torch.stack([o[1] for o in out])

    return Ws, loss, scan


def phi44(M, N, K, f1, f2):
    return ((K - 1) * (f2[0] - f1[0]) / M + (K - 1) * (f2[1] - f1[1]) / N) * math.pi / 2


def test_two_identity_layers_delta_input():
    x = torch.zeros(1, 1, 4, 4, dtype=torch.float64)
    x[0, 0, 0, 0] = 1.0
    assert phi44(4, 4, 2, (0, 1), (1, 0)) == 0.0
    Ws, loss, scan = setup(4, 4, 2, 2, x, (0, 1), (1, 0), 0.25, 0.0)
    for W in Ws:
        assert torch.allclose(
            W.grad.flatten(), torch.tensor([0, -0.5, 0.5, 0], dtype=torch.float64), atol=1e-14
        )
    etas = torch.logspace(-4, 2, 600, dtype=torch.float64)  # eta in [1e-4, 100], 2.3% apart
    ls, H = scan(etas)
    c = 2 * 0.25 * etas
    assert torch.allclose(H[:, 1, 0].imag, -2 * c * (1 + c), atol=1e-9, rtol=1e-12)
    assert torch.allclose(ls, 2 * (2 * c - 0.25) ** 2 + 8 * c**2 + 8 * c**4, rtol=1e-10)
    assert abs(ls.min().item() - 0.06262) < 1e-4  # printed: 0


def quad_min(loss, scan):  # L = 1: H is affine in eta, so the loss is an exact quadratic in eta
    l0, l1, l2 = scan(torch.tensor([0.0, 1.0, 2.0], dtype=torch.float64))[0].tolist()
    a, b = (l2 - 2 * l1 + l0) / 2, (4 * l1 - l2 - 3 * l0) / 2
    eta = max(-b / (2 * a), 0.0)
    return l0 + b * eta + a * eta**2, eta


def test_random_input_8x8_no_step_reaches_zero():
    x = torch.randn(1, 1, 8, 8, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    for sign, expect in ((1, 0.3632), (-1, 0.4495)):
        _, loss, scan = setup(8, 8, 2, 1, x, (1, 1), (2, 1), 0.5, sign * phi44(8, 8, 2, (1, 1), (2, 1)))
        m, _ = quad_min(loss, scan)
        assert (
            abs(m - expect) < 1e-3
            and scan(torch.logspace(-4, 2, 300, dtype=torch.float64))[0].min() >= m - 1e-12
        )


def test_partner_free_pair_needs_minus_phi():
    x = torch.randn(1, 1, 8, 8, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    phi = phi44(8, 8, 2, (2, 1), (2, 2))
    m_printed = quad_min(*setup(8, 8, 2, 1, x, (2, 1), (2, 2), 0.5, phi)[1:])[0]
    m_flip, eta = quad_min(*setup(8, 8, 2, 1, x, (2, 1), (2, 2), 0.5, -phi)[1:])
    Q = 2 * math.sin(2 * math.pi / 8) / math.sin(math.pi / 8)
    assert m_printed > 0.3 and m_flip < 1e-12 and abs(eta - 1 / (4 - Q)) < 1e-9
