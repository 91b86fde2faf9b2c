"""Networks and spectra shared by the experiments (figures are drawn by ``symspec.output.experiment``)."""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from ..spectral.dft import bands


def conv_net(
    channels: list[int],
    kernel: int,
    padding_mode: str = "zeros",
    relu: bool = True,
    mu: float | None = None,
    sigma: float | None = None,
    bias: bool = True,
    seed: int = 0,
) -> nn.Sequential:
    """Same-size conv layers (odd kernel, symmetric padding), ReLU between them; weights N(mu, sigma²) when
    given, He-normal otherwise; seeded."""
    torch.manual_seed(seed)
    layers: list[nn.Module] = []
    for i, (c_in, c_out) in enumerate(zip(channels[:-1], channels[1:])):
        conv = nn.Conv2d(c_in, c_out, kernel, padding=kernel // 2, padding_mode=padding_mode, bias=bias)
        with torch.no_grad():
            std = sigma if sigma is not None else math.sqrt(2.0 / (c_in * kernel * kernel))
            conv.weight.normal_(mu or 0.0, std)
            if bias:
                conv.bias.zero_()
        layers.append(conv)
        if relu and i < len(channels) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def layer_outputs(net: nn.Sequential, x: torch.Tensor) -> list[torch.Tensor]:
    """The output of every layer block: a conv followed by its ReLU when it has one."""
    mods = list(net)
    outs = []
    with torch.no_grad():
        for i, module in enumerate(mods):
            x = module(x)
            block_ends = isinstance(module, nn.ReLU) or not (
                i + 1 < len(mods) and isinstance(mods[i + 1], nn.ReLU)
            )
            if block_ends:
                outs.append(x)
    return outs


def power(x: torch.Tensor) -> np.ndarray:
    """Mean |H_uv|² over batch and channels: (M, N)."""
    return (torch.fft.fft2(x.double()).abs() ** 2).mean(dim=(0, 1)).cpu().numpy()


def p_low(pw: np.ndarray) -> float:
    """The paper's p_low (Fig. 4d): share of power in
    Omega_low = {u < M/8 or u >= 7M/8} x {v < N/8 or v >= 7N/8}."""
    M, N = pw.shape
    u = np.arange(M)
    v = np.arange(N)
    lu = (u < M / 8) | (u >= 7 * M / 8)
    lv = (v < N / 8) | (v >= 7 * N / 8)
    return float(pw[np.ix_(lu, lv)].sum() / pw.sum())


def band_power(pw: np.ndarray) -> tuple[float, float]:
    low, high = bands(*pw.shape)
    return float(pw[low].mean()), float(pw[high].mean())
