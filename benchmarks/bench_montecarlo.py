"""Benchmark: Monte-Carlo throughput of real torch networks, and the default theorem2 command.

    python benchmarks/bench_montecarlo.py

Prints networks per second at K=3, 32x32, L=4 (single channel, float64) and the wall time of
`symspec check theorem2 --kernel 3` (the whole command, start-up included; target < 10 s).
"""

from __future__ import annotations

import subprocess
import sys
import time

import torch

from symspec.numeric.montecarlo import Moments, sample_transfers


def main() -> None:
    gen = torch.Generator().manual_seed(0)
    count = 8192
    start = time.perf_counter()
    acc = Moments()
    for T in sample_transfers(count, [1] * 5, 3, (32, 32), [0.1] * 4, [0.5] * 4, gen, torch.float64, "cpu"):
        acc.add(T)
    elapsed = time.perf_counter() - start
    print(
        f"Monte-Carlo: {count} networks (K=3, 32x32, L=4, float64) in {elapsed:.2f} s = "
        f"{count / elapsed:,.0f} networks/s (sampling, conv, fft and moment sums)"
    )
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "symspec", "check", "theorem2", "--kernel", "3"],
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr.strip()
    print(
        f"`symspec check theorem2 --kernel 3`: {elapsed:.2f} s wall, exit {proc.returncode} "
        f"(target < 10 s): {last}"
    )


if __name__ == "__main__":
    main()
