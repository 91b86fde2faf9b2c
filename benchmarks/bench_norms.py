"""Benchmark: the conv layers' operator norms of ``symspec audit --norm spectral`` beside the standard
methods, written here independently, on the same random layers (nn.Conv2d's init, seed 0, one thread).

    python benchmarks/bench_norms.py

Each figure is compared with the independent methods that compute the same quantity:

* the circular norm on the n×n grid: FFT + batched SVD (Sedghi et al. 2019; the kernel on the grid, ``fft2``,
  ``svdvals`` of every frequency's channel matrix, float32) and Gram iteration (Delattre et al. 2023) on the
  same matrices;
* the zero-padded layer's interval: an upper bound by FFT + SVD on the (n+2)×(n+2) grid (the zero-padded
  layer is a compression of the circular one there) and a lower bound by power iteration (50 steps from a
  random start) on the real zero-padded layer; its width is printed beside symspec's.

symspec's own rows: ``norm_circular`` (exact), ``norm_zero_pad`` (its default slack 1e-3 where it needs the
continuum certificate), the continuum certificate alone at 1e-3 (no independent method certifies the
continuum), and everything the audit computes for the layer at its default ``--norm-tol``.  Prints values,
seconds and ratios measured in this run (no thresholds asserted).
"""

from __future__ import annotations

import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from symspec.audit import norms

LAYERS = [(64, 32), (128, 64), (512, 16)]  # channels in = out, grid; kernel 3, padding 1


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def spectrum(w: torch.Tensor, n: int) -> torch.Tensor:
    """(n², D, C) complex64: the DFT of the kernel placed on the n×n grid."""
    D, C, K, _ = w.shape
    grid = torch.zeros(D, C, n, n)
    grid[..., :K, :K] = w
    return torch.fft.fft2(grid).permute(2, 3, 0, 1).reshape(n * n, D, C)


def fft_svd(w, n, block=64):
    T = spectrum(w, n)
    return max(float(torch.linalg.svdvals(T[i : i + block])[:, 0].max()) for i in range(0, len(T), block))


def gram_iteration(w, n, steps=6, block=64):
    T = spectrum(w, n)
    best = 0.0
    for i in range(0, len(T), block):
        G = T[i : i + block]  # σ1(T)^(2^t) = σ1(A_t), A_{t+1} = A_tᴴ A_t, kept as exp(log_scale) · G
        log_scale = torch.zeros(len(G))
        for t in range(steps):
            f = torch.linalg.matrix_norm(G).clamp_min(1e-300)
            G = G / f[:, None, None]
            log_scale = 2 * (log_scale + torch.log(f))
            G = G.mH @ G
        bound = torch.exp((log_scale + torch.log(torch.linalg.matrix_norm(G))) / 2**steps)
        best = max(best, float(bound.max()))
    return best


def power_iteration(w, n, steps=50):
    x = torch.randn(1, w.shape[1], n, n, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        for _ in range(steps):
            x = x / x.norm()
            y = F.conv2d(x, w, padding=1)
            x = F.conv_transpose2d(y, w, padding=1)
        x = x / x.norm()
        return float(F.conv2d(x, w, padding=1).norm())


def interval(lo: float, up: float) -> str:
    return f"[{lo:.5f}, {up:.5f}] w {up / lo - 1:.2%}"


def layer_rows(w: torch.Tensor, n: int) -> list[tuple[str, str, float]]:
    circ, t_circ = timed(lambda: norms.norm_circular(w, (n, n)))
    zero, t_zero = timed(lambda: norms.norm_zero_pad(w, (n, n), (1, 1, 1, 1)))
    sup, t_sup = timed(lambda: norms.continuum_sup(norms.polyphase(w, (n, n)), 1e-3))
    audit, t_audit = timed(lambda: norms.conv_figures(w, (n, n), (1, 1, 1, 1), "constant"))
    fft, t_fft = timed(lambda: fft_svd(w, n))
    gram, t_gram = timed(lambda: gram_iteration(w, n))
    up, t_up = timed(lambda: fft_svd(w, n + 2))
    lo, t_lo = timed(lambda: power_iteration(w, n))
    a = audit.zero_pad
    return [
        ("circular: symspec norm_circular (exact)", f"{circ:.5f}", t_circ),
        ("circular: FFT + batched SVD", f"{fft:.5f}", t_fft),
        ("circular: Gram iteration (upper)", f"{gram:.5f}", t_gram),
        ("circular: symspec / fastest independent", "", t_circ / min(t_fft, t_gram)),
        ("zero pad: symspec norm_zero_pad", interval(zero.lower, zero.upper), t_zero),
        ("zero pad: power it. + FFT/SVD (n+2)", interval(lo, up), t_lo + t_up),
        ("zero pad: symspec / independent", "", t_zero / (t_lo + t_up)),
        ("continuum: symspec certificate 1e-3", interval(sup.lower, sup.upper), t_sup),
        (f"audit: every figure, tol {norms.AUDIT_TOLERANCE:g}", interval(a.lower, a.upper), t_audit),
    ]


def main() -> None:
    torch.set_num_threads(1)
    torch.manual_seed(0)
    print(f"{'layer':18s} {'figure: method':44s} {'value':>30s} {'s or ratio':>10s}")
    for C, n in LAYERS:
        w = nn.Conv2d(C, C, 3, padding=1).weight.detach()
        name = f"{C}->{C} k3 {n}x{n}"
        for label, value, seconds in layer_rows(w, n):
            unit = "x" if "symspec /" in label else "s"
            print(f"{name:18s} {label:44s} {value:>30s} {seconds:9.2f}{unit}", flush=True)


if __name__ == "__main__":
    main()
