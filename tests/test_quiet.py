"""`--quiet` on every command that takes a while: one line, its verdict agreeing with the exit code,
its counts agreeing with the same command's --json document."""

import re
from collections import Counter

import pytest


def one_line(r, width: int = 80, fail: str = "FAIL") -> str:
    lines = r.out.splitlines()
    assert len(lines) == 1 and len(lines[0]) <= width, r.out
    assert lines[0].startswith(f"{fail}  " if r.code == 1 else "PASS  "), (r.code, lines[0])
    return lines[0]


def test_check_quiet_is_one_line_at_any_width_with_the_json_counts(run_cli, monkeypatch):
    """check's counts can be longer than the terminal: the line is never wrapped (scripts read one line)."""
    monkeypatch.setenv("COLUMNS", "60")
    line = one_line(run_cli("check", "valid-conv", "-q"), width=200)
    doc = run_cli("check", "valid-conv", "--json").json()
    printed = doc["counts"]["printed"]
    assert line.split("  ")[1].startswith(f"printed {printed['pass']} pass")
    assert f"{printed['fail']} fail" in line if printed["fail"] else " fail" not in line.split(";")[0]


def test_falsify_and_findings_quiet_lines(run_cli):
    line = one_line(run_cli("falsify", "valid-conv", "--max-points", "6", "-q"))
    rows = run_cli("falsify", "valid-conv", "--max-points", "6", "--json").json()["results"]
    found = sum(r["verdict"] == "fail" and r["source"] == "printed" for r in rows)
    assert f"falsify: {found} printed sub-claims with a counterexample" in line and found == 1
    r = run_cli("findings", "-q")
    total = len(run_cli("findings", "--json").json()["results"])
    assert r.code == 0  # every finding reproduces: the command did its job
    assert one_line(r) == f"PASS  findings: {total} of {total} confirmed at their witnesses"


def test_ledger_quiet_counts_are_the_rows_statuses(run_cli):
    line = one_line(run_cli("ledger", "-q"))
    rows = run_cli("ledger", "--json").json()["rows"]
    statuses = Counter(row["status"] for row in rows)
    shown = {name: int(n) for n, name in re.findall(r"(\d+) ([a-z ]+?)(?:,|$)", line.split(": ", 1)[1])}
    assert shown == {k.replace("-", " ").replace("_", " "): v for k, v in statuses.items()}


@pytest.mark.parametrize(
    "args", [("upsample", "--mode", "nearest"), ("conv", "--kernel", "3", "--padding", "zero")]
)
def test_derive_quiet_reports_the_validation(run_cli, args):
    line = one_line(run_cli("derive", *args, "-q"))
    validation = run_cli("derive", *args, "--json").json()["results"][0]["validation"]
    assert f"derive {args[0]}:" in line and f"over {validation['entries']} entries" in line


def test_audit_quiet_counts_the_findings_and_fails_on_request(run_cli):
    target = ("examples.decoders:DCGANGenerator", "--input", "64x1x1")
    line = one_line(run_cli("audit", *target, "-q", "--fail-on", "replicas"), fail="FINDINGS")
    findings = run_cli("audit", *target, "--json").json()["findings"]
    assert f"replicas {len(findings['replicas'])}," in line and len(findings["replicas"]) == 3
    assert line.startswith("FINDINGS  ")  # by default every finding at the output counts
    assert one_line(run_cli("audit", *target, "-q"), fail="FINDINGS").startswith("FINDINGS  ")
    # narrowed to a kind it does not have (DCGAN's transposed convs are unpadded), or to none: PASS, exit 0
    assert findings["dc_leak"] == []
    assert one_line(run_cli("audit", *target, "-q", "--fail-on", "dc-leak")).startswith("PASS  ")
    assert one_line(run_cli("audit", *target, "-q", "--fail-on", "none")).startswith("PASS  ")


def test_experiment_quiet_tallies_each_source(run_cli):
    r = run_cli("experiment", "padding", "--images", "synthetic", "-q")
    line = one_line(r)
    doc = run_cli("experiment", "padding", "--images", "synthetic", "--json").json()
    tested = [row["verdict"] for row in doc["results"] if row["verdict"] is not None]
    assert f"synthetic {tested.count('pass')} of {len(tested)}" in line
