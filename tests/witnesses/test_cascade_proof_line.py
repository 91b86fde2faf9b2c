"""Witness: the last expansion line of the proof of Cor 3.3 (ICML A.2, p. 14), from first principles.

Statement (p. 4, Eq. 4): h^(uv) = T(L:1) g^(uv) + δ_uv β, β = MN (b^(L) + Σ_{j=2}^{L} T^(00)(L:j) b^(j-1)).
The proof's last line prints δ_uv MN (T(L:2) b^(1) + ⋯ + MN b^(L)): a second MN on b^(L).  The line before it,
MN T(L:2) b^(1) + ⋯ + MN b^(L), is right, and so is the statement.

Witness: 2x2 map, L = 2 single-channel 1x1 convolutions (T^(l) = w_l at every frequency), zero input, so the
output is the constant w2 b1 + b2 and its DC coefficient is 4 (w2 b1 + b2).  With w1 = 2, b1 = 1, w2 = 3,
b2 = 5: true DC 4·(3 + 5) = 32 (the statement's β); the proof line gives 4·(3 + 4·5) = 92.
The true value comes from real torch layers (F.conv2d with circular padding appended at the end, fft2).
"""

import torch
import torch.nn.functional as F


def network_dc(w1, b1, w2, b2, size=(2, 2)):
    x = torch.zeros(1, 1, *size, dtype=torch.float64)
    y = F.conv2d(x, torch.tensor([[[[w1]]]], dtype=torch.float64), torch.tensor([b1], dtype=torch.float64))
    y = F.conv2d(y, torch.tensor([[[[w2]]]], dtype=torch.float64), torch.tensor([b2], dtype=torch.float64))
    return torch.fft.fft2(y)[0, 0, 0, 0].real.item()


def test_statement_beta_matches_the_real_network_and_the_proof_line_does_not():
    w1, b1, w2, b2 = 2.0, 1.0, 3.0, 5.0
    mn = 4
    true = network_dc(w1, b1, w2, b2)
    statement = mn * (b2 + w2 * b1)
    penultimate = mn * w2 * b1 + mn * b2
    proof_line = mn * (w2 * b1 + mn * b2)
    assert abs(true - 32.0) < 1e-12
    assert abs(statement - true) < 1e-12 and abs(penultimate - true) < 1e-12
    assert abs(proof_line - 92.0) < 1e-12 and abs(proof_line - true) > 50


def test_the_proof_line_is_right_only_when_mn_is_one():
    w1, b1, w2, b2 = 0.7, -0.4, 1.3, 0.9
    true = network_dc(w1, b1, w2, b2, size=(1, 1))
    assert abs(1 * (w2 * b1 + 1 * b2) - true) < 1e-12
