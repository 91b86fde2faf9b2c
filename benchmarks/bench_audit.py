"""Benchmark: wall time of `symspec audit` on the three example decoders (target < 10 s each).

python benchmarks/bench_audit.py
"""

from __future__ import annotations

import subprocess
import sys
import time

CASES = [
    ("examples.decoders:DCGANGenerator", "64x1x1"),
    ("examples.decoders:UNetDecoder", "128x4x4"),
    ("examples.decoders:VAEDecoder", "32x1x1"),
]


def main() -> None:
    for target, shape in CASES:
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "symspec", "audit", target, "--input", shape],
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - start
        print(f"{target:40s} {elapsed:5.2f} s (exit {proc.returncode}; start-up included; target < 10 s)")


if __name__ == "__main__":
    main()
