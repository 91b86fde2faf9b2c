"""Experiments where the theory predicts the spectrum itself: cascade-fit
(Fig. 3) and upsampling (Figs. 1b/8)."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from ..spectral.conv import beta_value, centered_phase, chain_transfer, transfer_expr, transfer_matrix
from ..spectral.dft import M as M_sym, N as N_sym, evaluate, grid, u, v
from . import Panel, Result, Row, register
from .common import conv_net, power
from .data import inputs


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a.ravel(), b.ravel()
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def predicted_spectrum(net, x: torch.Tensor) -> np.ndarray:
    """Cor 3.3 with torch's centred anchor: h = T(L:1) g + δ β, activations ignored
    (numpy, every frequency)."""
    convs = [m for m in net if isinstance(m, torch.nn.Conv2d)]
    size = tuple(x.shape[-2:])
    uu, vv = grid(*size)
    Ts, biases = [], []
    for conv in convs:
        K = conv.kernel_size[0]
        T = transfer_matrix(transfer_expr(K), conv.weight.detach().double().numpy(), size)
        T = T * evaluate(centered_phase(K // 2), [u, v, M_sym, N_sym], [uu, vv, *size], size)
        Ts.append(T)
        biases.append(conv.bias.detach().double().numpy())
    T_all = chain_transfer(Ts)
    g = torch.fft.fft2(x.double()).numpy()
    h = np.einsum("dcuv,bcuv->bduv", T_all, g)
    h[:, :, 0, 0] += beta_value([T[:, :, 0, 0] for T in Ts], biases, size[0] * size[1], "whole")
    return h


@register(
    "cascade-fit",
    "Fig. 3 / Cor 3.3",
    "predicted vs measured output spectra of a 10-layer 3x3 network, 3 variants",
)
def cascade_fit(cfg: dict, progress=None) -> Result:
    size, ch, depth = cfg["size"], cfg["channels"], cfg.get("depth") or 10
    x = inputs(cfg, 8, 3).cpu()  # the closed-form prediction is evaluated in numpy on the CPU
    variants = [
        ("zero padding + ReLU", "zeros", True),
        ("zero padding, no ReLU", "zeros", False),
        ("circular padding, no ReLU", "circular", False),
    ]
    rows, panels = [], []
    for label, mode, relu in variants:
        net = conv_net([3] + [ch] * depth, 3, mode, relu, seed=cfg["seed"]).double()
        for conv in net:
            if isinstance(conv, torch.nn.Conv2d):
                torch.nn.init.normal_(
                    conv.bias, 0.0, 0.1, generator=torch.Generator().manual_seed(cfg["seed"])
                )
        with torch.no_grad():
            measured = torch.fft.fft2(net(x.double())).abs().numpy()
        predicted = np.abs(predicted_spectrum(net, x))
        sim = cosine(predicted.mean(0), measured.mean(0))
        rows.append(
            Row(
                f"cosine similarity, {label}",
                round(sim, 4),
                "> 0.8 (paper)",
                sim > 0.8,
                "exact theory: 1" if not relu and mode == "circular" else "",
            )
        )
        panels += [
            Panel(f"{label}: predicted (Cor 3.3)", predicted.mean((0, 1)) ** 2),
            Panel(f"{label}: measured (cos {sim:.3f})", measured.mean((0, 1)) ** 2),
        ]
        if progress:
            progress()
    return Result(
        "cascade-fit",
        "Fig. 3",
        {"size": size, "channels": ch, "depth": depth},
        rows,
        panels,
        f"Cor 3.3: predicted vs measured output spectra, {depth} layers, {ch} channels, 3x3",
        cols=2,
    )


@register(
    "upsampling",
    "Figs. 1b / 8 / Thm 4.4",
    "cascaded zero-insertion upsampling repeats the DC component on a grid",
)
def upsampling(cfg: dict, progress=None) -> Result:
    base = max(cfg["size"] // 8, 2)
    x = (
        inputs({**cfg, "size": base, "device": "cpu"}, 4, 1) + 1.5
    )  # a strong DC component, as in natural images
    stages = 3
    panels = [Panel(f"input {base}x{base}", power(x))]
    y = x.double()
    rows = []
    for stage in range(1, stages + 1):
        kernel = torch.ones(1, 1, 1, 1, dtype=y.dtype)
        y = F.conv_transpose2d(y, kernel, stride=2, output_padding=1)
        pw = power(y)
        size = y.shape[-1]
        copies = (size // base) ** 2
        top = np.argsort(pw.ravel())[::-1][:copies]
        on_grid = sum(1 for k in top if all(c % base == 0 for c in np.unravel_index(k, pw.shape)))
        rows.append(
            Row(
                f"stage {stage} ({size}x{size}): strongest {copies} frequencies on the DC grid "
                f"(multiples of {base})",
                f"{on_grid}/{copies}",
                "all (DC repeats)",
                on_grid == copies,
            )
        )
        panels.append(Panel(f"after {stage} zero insertion(s), {size}x{size}", pw))
        if progress:
            progress()
    z = F.conv2d(F.pad(y, (1, 1, 1, 1)), torch.ones(1, 1, 3, 3, dtype=y.dtype) / 9)
    pw = power(z)
    grid_mask = np.zeros(pw.shape, bool)
    grid_mask[::base, ::base] = True
    share = float(pw[grid_mask].sum() / pw.sum())
    rows.append(
        Row(
            "after a 3x3 box conv: share of power on the DC grid",
            round(share, 4),
            f"the repeats propagate (> 2x the grid's share of frequencies, {grid_mask.mean():.3f})",
            share > 2 * grid_mask.mean(),
        )
    )
    panels.append(Panel("then a 3x3 box conv", pw))
    return Result(
        "upsampling",
        "Figs. 1b / 8",
        {"image_size": base, "stages": stages},
        rows,
        panels,
        "Thm 4.4: cascaded zero insertion repeats the strong DC component on a grid",
        cols=3,
    )
