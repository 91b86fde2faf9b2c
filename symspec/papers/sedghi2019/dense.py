"""The dense matrix of a real torch convolution layer (its Jacobian) and the layer itself.

Sedghi et al.'s convolution: ``out[d, i, j] = Σ_{c,p,q} K[d, c, p, q] · x[c, (i + p) mod n, (j + q) mod n]``,
i.e. torch's cross-correlation after circular padding at the end of each axis.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def circular_conv(kernel: torch.Tensor):
    k = kernel.shape[-1]
    return lambda x: F.conv2d(F.pad(x[None], (0, k - 1, 0, k - 1), mode="circular"), kernel)[0]


def zero_padded_conv(kernel: torch.Tensor):
    """The same kernel with zero padding (torch's default 'same' layer for odd k, end-padded for even k)."""
    k = kernel.shape[-1]
    return lambda x: F.conv2d(F.pad(x[None], ((k - 1) // 2, k // 2, (k - 1) // 2, k // 2)), kernel)[0]


def jacobian(layer, channels: int, size: int, dtype) -> torch.Tensor:
    """The (C·n·n) x (C·n·n) matrix of a linear layer, by autograd."""
    x = torch.zeros(channels, size, size, dtype=dtype)
    rows = torch.autograd.functional.jacobian(layer, x)
    return rows.reshape(-1, channels * size * size)


def singular_values(matrix: torch.Tensor) -> torch.Tensor:
    return torch.linalg.svdvals(matrix)
