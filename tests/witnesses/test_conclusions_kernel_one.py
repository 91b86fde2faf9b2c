"""Witness: conclusions 3 and 4 of Thm 4.2 (ICML p. 6) fail for K = 1, from first principles.

Printed: (3) the convolution makes the decoder weaken high frequencies; (4) a large |μ_l| makes high
frequencies relatively weaker.  With K = 1 (allowed: the paper's Fig. 4(d) uses K = 1) a single-channel
layer's transfer is T^(uv) = Σ_{t,s<1} w e^{...} = w at every frequency, so SOM(T(L:1)) = Π_l (μ_l² + σ_l²) is
the same at every frequency: the ratio of high to low frequencies stays exactly 1 for any depth and any μ.
Checked on the real layer: torch's circular conv (F.pad circular + F.conv2d) with a 1x1 kernel on an impulse
has a flat spectrum, and the exact SOM over N(μ, σ²) weights is flat for μ = 0.1 and μ = 0.125
(σ = 0.5), L = 1 and 2.
"""

import numpy as np
import torch
import torch.nn.functional as F


def transfer(w, size=(4, 4)):
    x = torch.zeros(1, 1, *size, dtype=torch.float64)
    x[0, 0, 0, 0] = 1.0
    return torch.fft.fft2(F.conv2d(x, torch.tensor([[[[w]]]], dtype=torch.float64)))[0, 0].numpy()


def test_a_1x1_kernel_has_a_flat_transfer():
    T = transfer(0.7)
    assert np.abs(T - 0.7).max() < 1e-15


def test_high_low_som_ratio_is_one_for_every_depth_and_mean():
    sigma = 0.5
    for mu in (0.1, 0.125):
        for depth in (1, 2):
            # T(L:1) = w_L ... w_1 at every frequency: SOM = Π (μ² + σ²) by independence, the same everywhere
            som = np.full((4, 4), (mu**2 + sigma**2) ** depth)
            high, low = som[2, 2], som[0, 0]
            assert high / low == 1.0  # printed (3)/(4): below 1, and lower for the larger μ
    # Monte-Carlo over real 1x1 kernels: the spectrum of the product is flat in every sample
    w = torch.randn(1000, generator=torch.Generator().manual_seed(4), dtype=torch.float64) * sigma + 0.1
    T = np.stack([transfer(float(a)) for a in w[:50]])
    assert np.abs(T - T[:, :1, :1]).max() < 1e-14
