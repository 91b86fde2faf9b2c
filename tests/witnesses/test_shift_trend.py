"""Witness: the conclusion of Thm 4.5 (ICML p. 7) — "a smaller shift needs a larger weight change" — fails on
an 8x8 map, from first principles (numpy only).

Setting: one single-channel circular convolution that is the identity (kernel e_00), so T(u,v) = Σ_{t,s<K}
w_ts e^{+i2π(ut/M+vs/N)} = 1 everywhere.  Target: T(f1) = 1 − A, T(f2) = 1 + conj(A), A = α e^{iφ},
φ from Eq. 44, recomputed for every shift: φ = ((K−1)(u2−u1)/M + (K−1)(v2−v1)/N)·π/2.  The smallest real
kernel change reaching the target is a least-squares problem in the K² real weights
(real and imaginary parts at f1 and f2).
Witness: 8x8, K = 3, α = 0.5, f1 = (2,2), f2 = f1 + (Δ, 0): ‖ΔW‖ = 0.6104, 0.3018, 0.3991 for Δ = 1, 2, 3 (all
with φ < π/2): the larger shift Δ = 3 needs a larger change than Δ = 2.
"""

import math

import numpy as np

M = N = 8
K = 3
ALPHA = 0.5
F1 = (2, 2)


def min_norm(delta):
    f2 = (F1[0] + delta, F1[1])
    phi = ((K - 1) * delta / M) * math.pi / 2
    A = ALPHA * complex(math.cos(phi), math.sin(phi))
    t, s = np.meshgrid(np.arange(K), np.arange(K), indexing="ij")
    rows = np.stack([np.exp(2j * np.pi * (f[0] * t / M + f[1] * s / N)).ravel() for f in (F1, f2)])
    rhs = np.array([-A, np.conj(A)])  # ΔT(f1) = −A, ΔT(f2) = conj(A)
    system = np.concatenate([rows.real, rows.imag])
    w, *_ = np.linalg.lstsq(system, np.concatenate([rhs.real, rhs.imag]), rcond=None)
    assert np.abs(system @ w - np.concatenate([rhs.real, rhs.imag])).max() < 1e-12  # reached exactly
    return float(np.linalg.norm(w)), phi


def test_a_larger_shift_can_need_a_larger_weight_change():
    norms = [min_norm(d) for d in (1, 2, 3)]
    assert all(phi < math.pi / 2 for _, phi in norms)
    (n1, _), (n2, _), (n3, _) = norms
    assert abs(n1 - 0.6104) < 1e-3 and abs(n2 - 0.3018) < 1e-3 and abs(n3 - 0.3991) < 1e-3
    assert n3 > n2  # printed: a smaller shift needs a larger ‖ΔW‖, so ‖ΔW‖ should fall from Δ = 2 to Δ = 3
