"""Benchmark: the conv layers' operator norms of ``symspec audit --norm spectral`` beside the standard
methods, written here independently, on the same random layers (nn.Conv2d's init, seed 0, one thread).

    python benchmarks/bench_norms.py

* FFT + batched SVD (Sedghi et al. 2019): the kernel on the grid, ``fft2``, ``svdvals`` of every frequency's
  channel matrix (all n² of them, float32): the circular norm.
* Gram iteration (Delattre et al. 2023) on the same per-frequency matrices:
  an upper bound on the circular norm.
* power iteration (50 steps from a random start) on the real zero-padded layer: a lower bound on its norm.

Prints values, seconds and ratios measured in this run (no thresholds asserted).
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


def main() -> None:
    torch.set_num_threads(1)
    torch.manual_seed(0)
    print(f"{'layer':22s} {'method':34s} {'value':>10s} {'s':>7s}  ratio to symspec circular")
    for C, n in LAYERS:
        w = nn.Conv2d(C, C, 3, padding=1).weight.detach()
        name = f"{C}->{C} k3 {n}x{n}"
        circ, t_circ = timed(lambda: norms.norm_circular(w, (n, n)))
        zero, t_zero = timed(lambda: norms.norm_zero_pad(w, (n, n), (1, 1, 1, 1)))
        sup, t_sup = timed(lambda: norms.continuum_sup(norms.polyphase(w, (n, n)), 1e-3))
        rows = [
            ("symspec norm_circular (exact)", f"{circ:.5f}", t_circ),
            ("symspec norm_zero_pad [lo, up]", f"[{zero.lower:.5f}, {zero.upper:.5f}]", t_zero),
            ("symspec continuum cert. 1e-3 [lo, up]", f"[{sup.lower:.5f}, {sup.upper:.5f}]", t_sup),
        ]
        for label, fn in [
            ("FFT + batched SVD (circular)", fft_svd),
            ("Gram iteration (circular, upper)", gram_iteration),
            ("power iteration (zero-pad, lower)", power_iteration),
        ]:
            value, seconds = timed(lambda: fn(w, n))
            rows.append((label, f"{value:.5f}", seconds))
        for label, value, seconds in rows:
            print(f"{name:22s} {label:38s} {value:>10s} {seconds:7.2f}  {seconds / t_circ:5.2f}x", flush=True)
        fastest = min(seconds for _, _, seconds in rows[3:5])  # the independent upper-bound methods
        print(f"{name:22s} symspec certificate / fastest independent upper bound: {t_sup / fastest:.2f}x")


if __name__ == "__main__":
    main()
