"""Exact moments from real layer responses (no closed form involved).

A single-channel layer's transfer is linear in its K*K weights: ``T(u,v) = sum_ts w_ts A_ts(u,v)`` where
``A_ts`` is the spectrum of the torch layer's output for the unit kernel e_ts and an impulse input.  With
weights i.i.d. N(mu, sigma^2): ``E T = mu sum A``, ``E|T|^2 = mu^2 |sum A|^2 + sigma^2 sum |A|^2``, and
independent layers multiply.  Trend claims are judged from these exact values.
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


def layer_mean(A: np.ndarray, mu: float) -> np.ndarray:
    return mu * A.sum(axis=0)


def layer_som(A: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    return mu ** 2 * np.abs(A.sum(axis=0)) ** 2 + sigma ** 2 * (np.abs(A) ** 2).sum(axis=0)


def network_som(A: np.ndarray, mus, sigmas) -> np.ndarray:
    """E|T(L:1)|^2 for independent single-channel layers with the same kernel size."""
    out = np.ones(A.shape[1:])
    for mu, sigma in zip(mus, sigmas):
        out = out * layer_som(A, mu, sigma)
    return out
