"""Benchmark: the vectorised full-grid check of theorem1, and its speed-up over a naive per-frequency loop.

    python benchmarks/bench_theorem1.py

Prints figures measured in this run (no thresholds are asserted; the target is < 2 s for the large case).
"""

from __future__ import annotations

import time

import numpy as np
import torch

from symspec.claims import Settings
from symspec.spectral.conv import apply_transfer, transfer_expr, transfer_matrix
from symspec.spectral.dft import M, N, W, c, d, u, v
from symspec.papers.tang2023 import theorem1


def timed(fn, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def naive(weight: np.ndarray, g: np.ndarray, size) -> np.ndarray:
    """Per frequency, per (d, c): substitute into the SymPy expression and evaluate
    (what vectorising avoids)."""
    D, C, K, _ = weight.shape
    expr = transfer_expr(K)
    out = np.zeros((D, *size), complex)
    for uu in range(size[0]):
        for vv in range(size[1]):
            for dd in range(D):
                for cc in range(C):
                    subs = {u: uu, v: vv, M: size[0], N: size[1], d: dd, c: cc}
                    T = complex(
                        expr.subs(subs)
                        .subs({W[dd, cc, t, s]: weight[dd, cc, t, s] for t in range(K) for s in range(K)})
                        .evalf()
                    )
                    out[dd, uu, vv] += T * g[cc, uu, vv]
    return out


def main() -> None:
    torch.set_num_threads(torch.get_num_threads())
    big = {"channels": 64, "size": "64x64", "kernel": 3}
    theorem1.CLAIM.check({"size": "8x8"})  # warm-up (imports, lambdify caches)
    t_big = timed(lambda: theorem1.CLAIM.check(big, Settings()), repeat=3)
    print(
        f"theorem1 full-grid check, 64->64 channels, 64x64, K=3 (forward + independence rows): {t_big:.3f} s "
        f"(target < 2 s)"
    )

    rng = np.random.default_rng(0)
    size, D, C, K = (6, 6), 2, 2, 3
    weight = rng.normal(size=(D, C, K, K))
    g = np.fft.fft2(rng.normal(size=(C, *size)))
    t_vec = timed(lambda: apply_transfer(transfer_matrix(transfer_expr(K), weight, size), g), repeat=5)
    t_naive = timed(lambda: naive(weight, g, size), repeat=1)
    check = np.abs(
        naive(weight, g, size) - apply_transfer(transfer_matrix(transfer_expr(K), weight, size), g)
    ).max()
    print(
        f"small case 2->2 channels, 6x6, K=3: vectorised {t_vec * 1e3:.2f} ms, "
        f"naive per-frequency SymPy loop {t_naive * 1e3:.0f} ms, "
        f"ratio naive/vectorised = {t_naive / t_vec:.0f}x (max difference {check:.1e})"
    )


if __name__ == "__main__":
    main()
