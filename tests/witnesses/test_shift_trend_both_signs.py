"""Witness: the conclusion of Thm 4.5 (p. 7) -- "a smaller shift needs a larger weight change" -- under both
signs of φ (numpy only).  Eq. 44 prints φ = ((K−1)(u2−u1)/M + (K−1)(v2−v1)/N)·π/2;
Eq. 55's reality condition needs −φ.

One single-channel circular convolution that is the identity; target ΔT(f1) = −A,
ΔT(f2) = conj(A), A = α e^{iφ}.
The smallest real kernel change reaching it is a least-squares problem in the K² real weights.
With −φ the trend holds at 8x8, K = 3 for shifts 1 → 2 → 3 (0.8571 → 0.4205 → 0.3495) and fails at larger
shifts: at 16x16, K = 5 the minimum is at shift 5 (0.1800), then 0.1944 → 0.2200.
With φ as printed it already fails at 8x8, K = 3 (shift 2 → 3: 0.3018 → 0.3991).
"""

import math

import numpy as np

ALPHA = 0.5
F1 = (2, 2)


def min_norm(size, K, delta, sign):
    M, N = size
    f2 = (F1[0] + delta, F1[1])
    phi = sign * ((K - 1) * delta / M) * math.pi / 2
    A = ALPHA * complex(math.cos(phi), math.sin(phi))
    t, s = np.meshgrid(np.arange(K), np.arange(K), indexing="ij")
    rows = np.stack([np.exp(2j * np.pi * (f[0] * t / M + f[1] * s / N)).ravel() for f in (F1, f2)])
    rhs = np.array([-A, np.conj(A)])
    system = np.concatenate([rows.real, rows.imag])
    target = np.concatenate([rhs.real, rhs.imag])
    w, *_ = np.linalg.lstsq(system, target, rcond=None)
    assert np.abs(system @ w - target).max() < 1e-12
    return float(np.linalg.norm(w))


def test_with_minus_phi_the_trend_holds_at_8x8_k3_up_to_shift_3():
    n = [min_norm((8, 8), 3, d, -1) for d in (1, 2, 3)]
    assert np.allclose(n, [0.8571, 0.4205, 0.3495], atol=1e-4)
    assert n[0] > n[1] > n[2]  # a smaller shift needs a larger change: holds


def test_with_phi_as_printed_the_trend_fails_at_8x8_k3():
    n2, n3 = min_norm((8, 8), 3, 2, 1), min_norm((8, 8), 3, 3, 1)
    assert abs(n2 - 0.3018) < 1e-4 and abs(n3 - 0.3991) < 1e-4 and n3 > n2


def test_with_minus_phi_the_trend_fails_past_shift_5_at_16x16_k5():
    n = [min_norm((16, 16), 5, d, -1) for d in range(1, 8)]
    assert int(np.argmin(n)) + 1 == 5
    assert np.allclose(n[4:7], [0.1800, 0.1944, 0.2200], atol=1e-4)
    assert n[4] < n[5] < n[6]
