"""Benchmark: the README's test command on a busy machine.

    python benchmarks/bench_tests.py [--serial] [--workers N,M,...]

Runs `python3 -m pytest -q` (the suite as CI runs it, after `bash install.sh --test`) idle, then beside two
neighbour processes each running a torch matrix-multiply loop on every core (see bench_contention.py), and
prints both wall times and their ratio, measured in this one run (target: loaded < 5 min on 2 cores).  With
--serial it also runs the loaded case in one process (`-n 0`), to show what the worker processes save; with
--workers it runs idle and loaded once per worker count (`-n N`) instead of the configured default.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_contention import neighbours  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def suite(extra=()) -> tuple[float, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = run.stdout.strip().splitlines()
    return time.perf_counter() - start, lines[-1] if lines else f"exit {run.returncode}"


def main() -> None:
    cores = os.cpu_count() or 1
    variants = [("default", ())]
    if "--workers" in sys.argv:
        counts = sys.argv[sys.argv.index("--workers") + 1].split(",")
        variants = [(f"-n {n}", ("-n", n)) for n in counts]
    idle = {name: suite(extra) for name, extra in variants}
    procs = neighbours()
    try:
        loaded = {name: suite(extra) for name, extra in variants}
        serial = suite(("-n", "0")) if "--serial" in sys.argv else None
    finally:
        for p in procs:
            p.kill()
    print(f"{cores} cores; two neighbour processes each running a torch matmul loop on {cores} threads")
    for name, _ in variants:
        (t_idle, _), (t_loaded, s_loaded) = idle[name], loaded[name]
        print(
            f"{name:8s} idle {t_idle:6.1f} s   loaded {t_loaded:6.1f} s   ratio {t_loaded / t_idle:4.1f}x "
            f"(target: loaded under 300 s)   {s_loaded}"
        )
    if serial:
        print(f"loaded, one process (-n 0)  {serial[0]:6.1f} s   {serial[1]}")


if __name__ == "__main__":
    main()
