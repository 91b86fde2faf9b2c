"""The audit's verdict counts its findings by default (FINDINGS, exit 1), --fail-on narrows what it counts;
nodes are named by module path and class; a predicted-vs-measured attenuation gap names its likely cause."""

import json
import re

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import symspec
from symspec.audit.findings import GAP_DB, NodeAudit, op_class
from symspec.audit.trace import node_name
from symspec.conditions import FINDING_KINDS, parse_fail_on
from symspec.errors import SymspecError
from symspec.output.audit import shown

YAML = "examples/decoder.yaml"


def test_parse_fail_on_default_narrowing_and_none():
    assert parse_fail_on(None) == [(kind, None) for kind in FINDING_KINDS]
    assert parse_fail_on("none") == parse_fail_on(" None ") == []
    assert parse_fail_on("Replicas, attenuation>30dB,replicas") == [("replicas", None), ("attenuation", 30.0)]
    assert parse_fail_on("dc-boost") == [("dc-leak", None)]
    for bad, fragment in [
        ("", "expected conditions"),
        (" , ", "expected conditions"),
        ("none,replicas", "'none' counts nothing"),
        ("bogus", "unknown condition 'bogus'"),
        ("attenuation<3dB", "expected attenuation>NdB"),
        ("attenuation>nandB", "expected a finite number"),
    ]:
        with pytest.raises(SymspecError, match=re.escape(fragment)):
            parse_fail_on(bad)


class Up(nn.Module):
    """A functional op inside a module's own forward, then a child conv."""

    def __init__(self, c: int):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2))


class Named(nn.Module):
    def __init__(self):
        super().__init__()
        self.decoder = nn.Sequential(nn.ConvTranspose2d(4, 8, 4, 2, 1), nn.ReLU(), Up(8))

    def forward(self, x):
        return self.decoder(x) + 1.0


def test_the_python_report_counts_every_finding_and_narrows_like_the_command():
    torch.manual_seed(0)
    report = symspec.audit(Named(), (4, 8, 8))
    f = report.findings
    expected = [f"{k}: {', '.join(f[k.replace('-', '_')])}" for k in FINDING_KINDS if f[k.replace("-", "_")]]
    assert expected and report.hits() == expected and report.verdict == "findings"
    assert report.hits("none") == []
    absent = [k for k in FINDING_KINDS if not f[k.replace("-", "_")]]
    assert absent and report.hits(",".join(absent)) == []  # narrowed to kinds it does not have: nothing holds
    att = report.attenuation_db
    assert report.hits(f"attenuation>{att - 1:.3f}dB") and not report.hits(f"attenuation>{att + 1:.3f}dB")
    doc = json.loads(report.to_json())
    assert doc["verdict"] == "findings" and doc["fail_on"] == expected
    text = report.table()
    assert text.rstrip().splitlines()[-1].startswith("FINDINGS  ")
    assert [line.split("  finding  ")[1] for line in text.splitlines() if "  finding  " in line] == expected


def test_nodes_are_named_by_module_path_and_class_everywhere():
    torch.manual_seed(0)
    report = symspec.audit(Named(), (4, 8, 8))
    by_op = {n.op: n for n in report.nodes}
    assert node_name(by_op["input"]) == "input"
    assert node_name(by_op["conv_transpose2d"]) == "decoder.0.ConvTranspose2d"  # what the module made
    assert node_name(by_op["relu"]) == "decoder.1.ReLU"
    assert node_name(by_op["interpolate"]) == "decoder.2.Up:interpolate"  # an op in a module's own forward
    assert node_name(by_op["conv2d"]) == "decoder.2.conv.Conv2d"
    assert node_name(by_op["add"]) == "add"  # at the root: the op alone
    up = by_op["conv_transpose2d"]
    assert f"{up.index}:decoder.0.ConvTranspose2d" in report.findings["upsampling"]
    doc = json.loads(report.to_json())
    assert [layer["name"] for layer in doc["layers"]] == [node_name(n) for n in report.nodes]
    wide = report.table(width=200)
    assert any(
        re.match(rf"│\s+{up.index} │ decoder\.0\.ConvTranspose2d\s+│", line) for line in wide.splitlines()
    )
    assert f"  {up.index}:decoder.0.ConvTranspose2d ×2:" in wide  # the upsampler's line
    attribution = next(line for line in wide.splitlines() if line.startswith("measured − predicted ΔA"))
    top = report.findings["attribution"][0]
    assert f"{top['node']} {top['difference_db']:+.1f}" in attribution and ":" in top["node"]
    # a narrow table: each node one row, its name elided from the left with "…" to the node column's width
    narrow = report.table(width=80).splitlines()
    rows = [line for line in narrow if re.match(r"│\s+\d+ │", line)]
    assert len(rows) == len(shown(report))
    cells = [row.split("│")[2].strip() for row in rows]
    width = len(rows[0].split("│")[2]) - 2
    long = [c for c in cells if c.startswith("…")]
    assert long and all(len(c) <= width for c in cells)
    assert any("decoder.0.ConvTranspose2d".endswith(c[1:]) for c in long)


def _conv(c_in: int, c_out: int) -> nn.Conv2d:
    return nn.Conv2d(c_in, c_out, 3, padding=1, padding_mode="circular")


class Abs(nn.Module):
    def forward(self, x):
        return x.abs()


def test_a_gap_between_predicted_and_measured_attenuation_names_the_nonlinearity():
    torch.manual_seed(0)
    report = symspec.audit(nn.Sequential(_conv(4, 8), Abs(), _conv(8, 4)), (4, 16, 16))
    difference = report.measured_attenuation_db - report.attenuation_db
    assert difference > GAP_DB  # |x| folds the spectrum: far more low-band power than the linear prediction
    gap = report.findings["gap"]
    assert gap["difference_db"] == pytest.approx(difference) and gap["kind"] == "nonlinearity"
    same_way = [n for n in report.nodes if n.attribution_db is not None and n.attribution_db > 0]
    top = max(same_way, key=lambda n: n.attribution_db)
    assert top.op == "abs" and gap["nodes"][0]["node"] == f"{top.index}:1.Abs:abs"
    assert gap["nodes"][0]["difference_db"] == pytest.approx(top.attribution_db)
    line = next(line for line in report.table(width=400).splitlines() if line.startswith("gap: "))
    assert f"{difference:+.1f} dB" in line and "likely cause: nonlinearity" in line and "1.Abs:abs" in line
    assert json.loads(report.to_json())["findings"]["gap"]["cause"] == "nonlinearity"


def test_a_linear_decoder_has_no_gap_line():
    torch.manual_seed(0)
    report = symspec.audit(nn.Sequential(_conv(4, 8), _conv(8, 4)), (4, 16, 16))
    assert abs(report.measured_attenuation_db - report.attenuation_db) <= GAP_DB
    assert report.findings["gap"] is None and "gap: " not in report.table(width=400)


def _row(op: str, kind: str, status: str = "measured") -> NodeAudit:
    return NodeAudit(1, op, "block", "Block", status, kind, [0], None, None)


def test_op_kinds_of_the_gap():
    assert op_class(_row("group_norm", "norm")) == "normalisation"
    assert op_class(_row("batch_norm", "norm")) == "normalisation"
    assert op_class(_row("softmax", "nonlinear")) == "data-dependent op"
    assert op_class(_row("GDN", "block")) == "data-dependent op"
    assert op_class(_row("Attention", "block")) == "data-dependent op"
    assert op_class(_row("silu", "nonlinear")) == "nonlinearity"
    assert op_class(_row("conv2d", "conv", "exact")) == "linear"


def test_cli_exit_codes_follow_the_findings(run_cli):
    r = run_cli("audit", YAML, "--json")
    doc = r.json()
    kinds = [k for k in FINDING_KINDS if doc["findings"][k.replace("-", "_")]]
    assert kinds and r.code == 1 and doc["verdict"] == "findings" and doc["counted"] == "every finding"
    assert [h.split(":")[0] for h in doc["fail_on"]] == kinds
    quiet = run_cli("audit", YAML, "-q")
    assert quiet.code == 1 and quiet.out.startswith("FINDINGS  audit: ")
    table = run_cli("audit", YAML)
    assert table.code == 1 and "\nFINDINGS  (counted: every finding;" in table.out
    none = run_cli("audit", YAML, "--fail-on", "none", "--json")
    assert none.code == 0 and none.json()["verdict"] == "pass" and none.json()["findings"] == doc["findings"]
    absent = [k for k in FINDING_KINDS if k not in kinds]
    narrowed = run_cli("audit", YAML, "--fail-on", ",".join(absent), "-q")
    assert narrowed.code == 0 and narrowed.out.startswith("PASS  ")
    one = run_cli("audit", YAML, "--fail-on", kinds[0], "--json")
    assert one.code == 1 and [h.split(":")[0] for h in one.json()["fail_on"]] == [kinds[0]]
