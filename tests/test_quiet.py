"""`--quiet` on every command that takes a while: one line, its verdict agreeing with the exit code, its counts
agreeing with the same command's --json document."""

import re
from collections import Counter

import pytest


def one_line(r) -> str:
    lines = r.out.splitlines()
    assert len(lines) == 1 and len(lines[0]) <= 80, r.out
    assert lines[0].startswith("FAIL  " if r.code == 1 else "PASS  "), (r.code, lines[0])
    return lines[0]


def test_ledger_quiet_counts_are_the_rows_statuses(run_cli):
    line = one_line(run_cli("ledger", "-q"))
    rows = run_cli("ledger", "--json").json()["rows"]
    statuses = Counter(row["status"] for row in rows)
    shown = {name: int(n) for n, name in re.findall(r"(\d+) ([a-z ]+?)(?:,|$)", line.split(": ", 1)[1])}
    assert shown == {k.replace("-", " ").replace("_", " "): v for k, v in statuses.items()}


@pytest.mark.parametrize("args", [("upsample", "--mode", "nearest"), ("conv", "--kernel", "3", "--padding", "zero")])
def test_derive_quiet_reports_the_validation(run_cli, args):
    line = one_line(run_cli("derive", *args, "-q"))
    validation = run_cli("derive", *args, "--json").json()["results"][0]["validation"]
    assert f"derive {args[0]}:" in line and f"over {validation['entries']} entries" in line


def test_audit_quiet_counts_the_findings_and_fails_on_request(run_cli):
    target = ("examples.decoders:DCGANGenerator", "--input", "64x1x1")
    line = one_line(run_cli("audit", *target, "-q", "--fail-on", "replicas"))
    findings = run_cli("audit", *target, "--json").json()["findings"]
    assert f"replicas {len(findings['replicas'])}," in line and len(findings["replicas"]) == 3
    assert one_line(run_cli("audit", *target, "-q")).startswith("PASS  ")


def test_experiment_quiet_tallies_each_source(run_cli):
    r = run_cli("experiment", "padding", "--images", "synthetic", "-q")
    line = one_line(r)
    doc = run_cli("experiment", "padding", "--images", "synthetic", "--json").json()
    tested = [row["verdict"] for row in doc["results"] if row["verdict"] is not None]
    assert f"synthetic {tested.count('pass')} of {len(tested)}" in line
