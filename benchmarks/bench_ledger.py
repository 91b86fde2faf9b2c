"""Benchmark: wall time of `symspec ledger` against `symspec check all`, measured in the same run (target: the
whole ledger < 120 s on 2 cores).

    python benchmarks/bench_ledger.py

Each command runs in a fresh interpreter (start-up included), one after the other, so both see the same
machine load; the ledger also reports how many distinct claim runs it made
(each (claim, parameters, point) runs once).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def timed(args: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")}
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "symspec", *args], capture_output=True, text=True, env=env)
    return time.perf_counter() - start, proc


def main() -> None:
    check_s, check = timed(["check", "all", "--json"])
    ledger_s, ledger = timed(["ledger", "--json"])
    doc = json.loads(ledger.stdout)
    counts = ", ".join(f"{k} {v}" for k, v in doc["counts_by_status"].items())
    print(
        f"symspec check all      {check_s:6.1f} s (exit {check.returncode}; "
        f"{len(json.loads(check.stdout)['results'])} rows at the defaults)"
    )
    print(
        f"symspec ledger         {ledger_s:6.1f} s (exit {ledger.returncode}; {len(doc['rows'])} rows: "
        f"{counts}; {doc['claim_runs']} claim runs, {doc['seconds']:.1f} s of checks; target < 120 s)"
    )
    print(f"ledger / check all     {ledger_s / check_s:6.2f}")


if __name__ == "__main__":
    main()
