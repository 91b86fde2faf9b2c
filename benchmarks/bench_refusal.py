"""Benchmark: how fast bad input is refused.  Each case runs `python -X importtime -m symspec ...` in a fresh
process and prints its wall time, its exit code and whether torch or SymPy were imported on the way.

    python benchmarks/bench_refusal.py [--repeat N]

A refusal of an option, a claim name or a target's syntax needs neither library, so every case should exit 2
in well under 0.5 s (the interpreter and click alone take about 0.1 s).  The best of N runs is shown
(default 3): a neighbour's load adds noise, never speed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

CASES = {
    "unknown option": ["check", "theorem2", "--kernal", "3"],
    "unknown claim": ["check", "theorm2"],
    "unknown claim (falsify)": ["falsify", "theorm2"],
    "unknown paper.claim": ["check", "odena2016.nope"],
    "missing claim file": ["check", "./missing_claims.py"],
    "--kernel abc": ["check", "theorem2", "--kernel", "abc"],
    "--size 0x4": ["check", "theorem1", "--size", "0x4"],
    "--seed -1": ["check", "theorem2", "--seed", "-1"],
    "--anchor bad choice": ["check", "theorem1", "--anchor", "middle"],
    "option the claim lacks": ["check", "lemma", "--kernel", "3"],
    "--dtype float16": ["check", "theorem2", "--dtype", "float16"],
    "--tol -1": ["check", "theorem2", "--tol", "-1"],
    "--device tpu": ["check", "theorem2", "--device", "tpu"],
    "--at bad": ["check", "theorem2", "--at", "u0"],
    "--perturb unknown": ["check", "theorem2", "--perturb", "nope"],
    "--perturb with all": ["check", "all", "--perturb", "x"],
    "audit nocolon": ["audit", "nocolon"],
    "--plot into /proc": ["experiment", "depth", "--plot", "/proc/symspec-plots"],
    "audit ./missing.py:net": ["audit", "./missing.py:net"],
    "audit ./missing.py": ["audit", "./missing.py"],
    "audit --batch 0": ["audit", "pkg.mod:Net", "--batch", "0"],
    "audit --fail-on noise": ["audit", "pkg.mod:Net", "--fail-on", "noise"],
    "audit --fail-on none,x": ["audit", "pkg.mod:Net", "--fail-on", "none,replicas"],
    "derive unknown layer": ["derive", "convv"],
    "derive --kernel abc": ["derive", "conv", "--kernel", "abc"],
    "experiment unknown": ["experiment", "nonsense"],
    "experiment --size 4": ["experiment", "depth", "--size", "4"],
    "derive --chain warp:3": ["derive", "--chain", "warp:3"],
    "derive --chain conv:x": ["derive", "--chain", "conv:x"],
    "derive --chain dilation=0": ["derive", "--chain", "conv:3:zero:dilation=0"],
    "derive --chain dilation=": ["derive", "--chain", "conv:3:zero:dilation="],
    "derive --chain padding": ["derive", "--chain", "conv:3:wrap"],
    "derive --chain field": ["derive", "--chain", "conv:3:zero:dil=2"],
    "derive --chain ratio": ["derive", "--chain", "conv:3:zero,upsample:nearest:0"],
    "derive --chain empty": ["derive", "--chain", ""],
    "derive --ratio 2x": ["derive", "upsample", "--ratio", "2x"],
    "derive --tol -1": ["derive", "conv", "--tol", "-1"],
    "experiment --images": ["experiment", "depth", "--images", "/nowhere"],
    "experiment --images twice": ["experiment", "learning-order", "--images", "synthetic,synthetic"],
    "ledger --section Z": ["ledger", "--section", "Z"],
    "ledger --section nope": ["ledger", "--section", "nope"],
    "ledger --status nope": ["ledger", "--status", "nope"],
    "ledger --paper nope": ["ledger", "--paper", "nope"],
    "ledger --seed -1": ["ledger", "--seed", "-1"],
    "findings --paper nope": ["findings", "--paper", "nope"],
    "falsify --max-points 0": ["falsify", "theorem2", "--max-points", "0"],
    "falsify --tol -1": ["falsify", "theorem2", "--tol", "-1"],
    "falsify --device tpu": ["falsify", "theorem2", "--device", "tpu"],
}


def heavy_imports(stderr: str) -> list[str]:
    """The top-level packages among torch and sympy that `-X importtime` reports as imported."""
    names = {line.split("|")[-1].strip() for line in stderr.splitlines() if line.startswith("import time:")}
    return [m for m in ("torch", "sympy") if m in names]


def run(args: list[str]) -> tuple[float, int, list[str], str]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "symspec", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    wall = time.perf_counter() - start
    message = [line for line in done.stderr.splitlines() if not line.startswith("import time:")]
    return wall, done.returncode, heavy_imports(done.stderr), (message[-1] if message else "")


def main() -> None:
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3
    baseline = min(run_python() for _ in range(repeat))
    print(f"python -c pass: {baseline:.3f} s (the interpreter's own start-up); best of {repeat} runs a case")
    print(f"{'case':26s} {'wall s':>7s} {'exit':>4s}  {'torch/sympy':11s}  message")
    slow = 0
    for name, args in CASES.items():
        results = [run(args) for _ in range(repeat)]
        wall = min(r[0] for r in results)
        _, code, heavy, message = results[0]
        slow += wall >= 0.5 or bool(heavy) or code != 2
        print(f"{name:26s} {wall:7.3f} {code:4d}  {','.join(heavy) or 'neither':11s}  {message[:70]}")
    print(f"{len(CASES) - slow} of {len(CASES)} cases refused in < 0.5 s, exit 2, neither library imported")


def run_python() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=False)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
