"""Trend experiments of Fig. 4: depth (4a/5), mean (4b), padding (4c), kernel (4d)."""

from __future__ import annotations

import numpy as np

from . import Panel, Result, Row, register
from .common import band_power, conv_net, layer_outputs, p_low, power
from .data import inputs


@register(
    "depth", "Figs. 4a / 5", "log SOM of h(uv) grows roughly linearly with depth; low frequencies grow most"
)
def depth(cfg: dict, progress=None) -> Result:
    size, ch, L = cfg["size"], cfg["channels"], cfg.get("depth") or 50
    x = inputs(cfg, 8, 3)
    net = conv_net([3] + [ch] * L, 3, "zeros", True, mu=0.01, seed=cfg["seed"]).to(x.device)
    outs = layer_outputs(net, x)
    low, high = [], []
    maps = []
    for i, out in enumerate(outs):
        pw = power(out)
        lo, hi = band_power(pw)
        low.append(np.log(lo))
        high.append(np.log(hi))
        if i + 1 in {1, L // 4, L // 2, L} and len(maps) < 4:
            maps.append(Panel(f"layer {i + 1}", pw))
    layers = np.arange(1, len(outs) + 1)
    slope_low, icpt = np.polyfit(layers, low, 1)
    r2 = 1 - np.sum((np.array(low) - (slope_low * layers + icpt)) ** 2) / np.sum(
        (np.array(low) - np.mean(low)) ** 2
    )
    slope_high = np.polyfit(layers, high, 1)[0]
    rows = [
        Row(
            "slope of log SOM (low band) per layer",
            round(float(slope_low), 4),
            "> 0 (grows with depth)",
            slope_low > 0,
        ),
        Row(
            "R² of a straight-line fit of log SOM (low band) vs depth",
            round(float(r2), 4),
            "≈ 1 (roughly linear)",
            r2 > 0.9,
        ),
        Row(
            "slope low band − slope high band",
            round(float(slope_low - slope_high), 4),
            "> 0 (low frequencies grow layer by layer more)",
            slope_low > slope_high,
        ),
    ]
    if progress:
        progress()

    curves = Panel(
        "log SOM of h(uv) by layer",
        curves={"low band": (list(layers), low), "high band": (list(layers), high)},
        xlabel="layer",
        ylabel="log mean |H_uv|²",
    )
    return Result(
        "depth",
        "Figs. 4a / 5",
        {"size": size, "channels": ch, "depth": L},
        rows,
        [curves] + maps,
        f"log SOM vs depth, {L} layers, zero padding, ReLU, weights N(0.01, He)",
        cols=3,
        data={"log_som_low": low, "log_som_high": high},
    )


def _p_low_sweep(
    cfg: dict, name: str, figure: str, cases: list[tuple[str, object]], build, title: str, order: str
) -> Result:
    """Output p_low of one network per case, and whether p_low is monotone in the listed order."""
    import torch

    x = inputs(cfg, 8, 3)
    values, panels = [], []
    with torch.no_grad():
        for label, value in cases:
            pw = power(build(value).to(x.device).eval()(x))
            values.append((label, p_low(pw)))
            panels.append(Panel(f"{label}: p_low = {values[-1][1]:.3f}", pw))
    rows = [Row(f"p_low, {label}", round(val, 4), "", None) for label, val in values]
    ordered = [v for _, v in values]
    pairs = list(zip(ordered, ordered[1:]))
    holds = all(a < b for a, b in pairs) if order == "increasing" else all(a > b for a, b in pairs)
    rows.append(
        Row(f"p_low {order} in the order listed", ", ".join(f"{v:.3f}" for v in ordered), title, holds)
    )
    return Result(name, figure, {"size": cfg["size"], "channels": cfg["channels"]}, rows, panels, title)


@register("mean", "Fig. 4b", "5 layers, 9x9, weights N(μ, 0.01²): a larger mean strengthens low frequencies")
def mean(cfg: dict, progress=None) -> Result:
    ch = cfg["channels"]
    return _p_low_sweep(
        cfg,
        "mean",
        "Fig. 4b",
        [(f"μ={m:g}", m) for m in (0.0, 0.001, 0.01)],
        lambda mu: conv_net([3] + [ch] * 5, 9, "zeros", True, mu=mu, sigma=0.01, seed=cfg["seed"]),
        "larger μ, stronger low frequencies",
        "increasing",
    )


@register(
    "padding",
    "Fig. 4c",
    "5 layers, 7x7: zero padding strengthens low frequencies more than circular; reflect between",
)
def padding(cfg: dict, progress=None) -> Result:
    ch = cfg["channels"]
    return _p_low_sweep(
        cfg,
        "padding",
        "Fig. 4c",
        [("zero", "zeros"), ("reflect", "reflect"), ("circular", "circular")],
        lambda mode: conv_net([3] + [ch] * 4 + [3], 7, mode, True, seed=cfg["seed"]),
        "zero > reflect > circular in low-frequency share",
        "decreasing",
    )


@register("kernel", "Fig. 4d", "kernels 1, 3, 5: a smaller kernel gives a larger p_low (paper's reading)")
def kernel(cfg: dict, progress=None) -> Result:
    ch = cfg["channels"]
    return _p_low_sweep(
        cfg,
        "kernel",
        "Fig. 4d",
        [(f"K={k}", k) for k in (1, 3, 5)],
        lambda k: conv_net([3] + [ch] * 5, k, "zeros", True, seed=cfg["seed"]),
        "smaller kernel, larger p_low",
        "decreasing",
    )
