"""Unit-kernel responses of the real layer: the input of the
exact moment engine (:mod:`symspec.numeric.moments`).

A single-channel layer's transfer is linear in its K*K weights: ``T(u,v) = sum_ts w_ts A_ts(u,v)`` where
``A_ts`` is the spectrum of the torch layer's output for the unit kernel e_ts and an impulse input.
"""

from __future__ import annotations

import numpy as np
import torch

from .layers import conv_paper, impulse, spectrum


def kernel_basis_spectra(kernel: int, size: tuple[int, int], dtype=torch.float64, device="cpu") -> np.ndarray:
    """(K*K, M, N): spectrum of the torch conv (paper anchor) with each unit kernel, impulse input."""
    basis = torch.eye(kernel * kernel, dtype=dtype, device=device).reshape(kernel * kernel, 1, kernel, kernel)
    x = impulse((1, 1, *size), dtype, device)
    return spectrum(conv_paper(x, basis)[0])
