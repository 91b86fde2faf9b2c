"""Benchmark: symspec on a busy machine.  Slowdown of two workloads beside two busy neighbour processes.

    python benchmarks/bench_contention.py [--default-threads]

Runs `symspec check theorem2 --kernel 3` and `symspec falsify all` idle, then again while two neighbour
processes each run a torch matrix-multiply loop (what a laptop running other work, or a shared CI runner,
looks like), and prints the wall times and the slowdown ratio measured in this one run (target <= 3x).
With --default-threads it also runs the loaded case with `--threads <cores>` (torch's default pool size), to
show what symspec's thread choice saves.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

WORKLOADS = {
    "check theorem2 --kernel 3": ["check", "theorem2", "--kernel", "3", "--quiet"],
    "falsify all": ["falsify", "all", "--quiet"],
}
NEIGHBOUR = (
    "import torch\ntorch.set_num_threads({threads})\na = torch.randn(600, 600)\n"
    "while True:\n    a = torch.tanh(a @ a)\n"
)


def run(args, extra=()) -> float:
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "symspec", *extra, *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return time.perf_counter() - start


def neighbours(count: int = 2):
    threads = os.cpu_count() or 2
    procs = [
        subprocess.Popen([sys.executable, "-c", NEIGHBOUR.format(threads=threads)]) for _ in range(count)
    ]
    time.sleep(2.0)  # let them start their loops
    return procs


def main() -> None:
    cores = os.cpu_count() or 1
    compare = "--default-threads" in sys.argv
    idle = {name: run(args) for name, args in WORKLOADS.items()}
    procs = neighbours()
    try:
        loaded = {name: run(args) for name, args in WORKLOADS.items()}
        default = (
            {name: run(args, ("--threads", str(cores))) for name, args in WORKLOADS.items()}
            if compare
            else {}
        )
    finally:
        for p in procs:
            p.kill()
    print(f"{cores} cores; two neighbour processes each running a torch matmul loop on {cores} threads")
    for name in WORKLOADS:
        line = (
            f"{name:28s} idle {idle[name]:6.1f} s   loaded {loaded[name]:6.1f} s   "
            f"slowdown {loaded[name] / idle[name]:4.1f}x (target <= 3x)"
        )
        if name in default:
            line += f"   with --threads {cores}: {default[name]:6.1f} s ({default[name] / idle[name]:4.1f}x)"
        print(line)


if __name__ == "__main__":
    main()
