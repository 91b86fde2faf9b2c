"""The command line through its real entry point: tables, JSON schema, exit codes, one-line errors."""

import pytest
import torch

RESULT_KEYS = {"id", "statement", "kind", "symbolic", "numeric", "error", "tolerance", "verdict", "witness"}


def test_list_shows_every_claim_with_aliases(run_cli):
    r = run_cli("list")
    assert r.code == 0
    for name in (
        "lemma",
        "theorem1",
        "cascade",
        "theorem2",
        "theorem3",
        "theorem4",
        "valid-conv",
        "thm3.2",
        "cor3.3",
    ):
        assert name in r.out


def test_show_prints_statement_latex_hypotheses_and_defaults(run_cli):
    r = run_cli("show", "thm3.2")
    assert r.code == 0
    assert "theorem1" in r.out and "LaTeX:" in r.out and "hypotheses" in r.out
    assert "--kernel" in r.out and "--anchor" in r.out
    assert "\\sum" in r.out  # the transfer as a LaTeX sum


def test_check_json_schema_and_precision(run_cli):
    r = run_cli("check", "theorem1", "--kernel", "4", "--size", "12x10", "--channels", "3", "--json")
    assert r.code == 0
    doc = r.json()
    assert set(doc) >= {"claim", "params", "results", "verdict"}
    assert doc["claim"] == "theorem1" and doc["verdict"] == "pass"
    assert doc["params"]["size"] == "12x10" and doc["params"]["kernel"] == 4
    for row in doc["results"]:
        assert RESULT_KEYS <= set(row)
        assert row["verdict"] in {"pass", "fail", "undefined"}
        assert isinstance(row["symbolic"], list) and len(row["symbolic"]) == 2  # complex as [re, im]
        assert row["error"] < 1e-9


def test_check_table_has_a_row_per_sub_claim_and_summary(run_cli):
    r = run_cli("check", "cascade", "--depth", "2")
    assert r.code == 1  # the proof's last line (p. 14) is a printed proof step that fails
    # inside its own claim's table a row drops the claim's prefix; the witness lines keep the full id
    table = r.out.split("┩")[1].split("└")[0]
    assert "forward" in table and "beta" in table and "proof_line" in table and "cascade." not in table
    assert "cascade.proof_line" in r.out.split("└")[1]
    assert "FAIL  printed 2 pass, 1 fail  (1 claim" in r.out
    r = run_cli("check", "theorem1")
    assert r.code == 0 and "PASS  printed 2 pass  (1 claim" in r.out


def test_perturbed_formula_exits_1_with_witness(run_cli):
    r = run_cli("check", "theorem1", "--perturb", "phase-sign")
    assert r.code == 1
    assert "witness" in r.out and "theorem1.forward" in r.out and "FAIL" in r.out
    doc = run_cli("check", "cascade", "--beta-reading", "last", "--json").json()
    assert doc["verdict"] == "fail"
    failed = [row for row in doc["results"] if row["verdict"] == "fail"]
    assert failed and all(row["witness"]["params"]["beta_reading"] == "last" for row in failed)


def test_undefined_rows_do_not_fail_the_exit_code(run_cli):
    r = run_cli("check", "lemma", "--json")
    assert r.code == 0
    verdicts = {row["id"]: row["verdict"] for row in r.json()["results"]}
    assert verdicts["lemma.closed_form@0/0"] == "undefined"


FINDINGS_AT_DEFAULTS = {
    "cascade.proof_line",
    "theorem2.som_multichannel",
    "theorem2.trend.small_kernel",
    "valid-conv.alpha_closed_form",
    "valid-conv.spectrum_printed_alpha",
    "backprop.eq24[first line]",
    "shift.one_step_zero_loss[(44) as printed]",
    "shift.eq55_chi[φ=(44)]",
    "shift.eq56_norm",
    "shift.eq57_gradient_shift_free",
    "shift.eq12_ratio[Δ=2,0; φ=(44)]",
    "shift.eq12_ratio[Δ=3,0; φ=(44)]",
    "shift.eq12_ratio[Δ=4,0; φ=(44)]",
    "shift.eq48",
    "backprop.p17_gradient_fixed_d",
    "theorem2.weight_cast",  # proof steps the ledger added
    "theorem2.premise_independent_entries",  # the p. 21 premise of Eq. 32
}
CONVENTIONS_AT_DEFAULTS = {
    "backprop.eq5[Wirtinger ∂L/∂h̄]",
    "backprop.eq5[Wirtinger ∂L/∂h]",
    "backprop.mn_steps[M×N-kernel ∂L/∂T̄]",
    "sedghi2019.theorem6-zero-padding",
}  # Thm 6 read for zero padding: outside its scope


def test_check_all_reports_every_claim(run_cli):
    r = run_cli("check", "all", "--json")
    doc = r.json()
    claims = {row["id"].split(".")[0] for row in doc["results"]}
    assert {"lemma", "theorem1", "cascade", "theorem2", "theorem3", "theorem4", "valid-conv"} <= claims
    # honest findings at the defaults: conclusion 5 of theorem2 and the printed alpha of Eq. 17 fail
    failing = {row["id"] for row in doc["results"] if row["verdict"] == "fail" and row["source"] == "printed"}
    assert failing == FINDINGS_AT_DEFAULTS
    other = {row["id"] for row in doc["results"] if row["verdict"] == "fail" and row["source"] != "printed"}
    assert other == CONVENTIONS_AT_DEFAULTS  # no variant fails; conventions are not findings
    assert (
        doc["counts"]["printed"]["fail"] == len(FINDINGS_AT_DEFAULTS)
        and doc["counts"]["variant"]["fail"] == 0
    )
    assert r.code == 1


@pytest.mark.parametrize(
    "args,fragment",
    [
        (("check", "theorem1", "--kernel", "9", "--size", "8x8"), "K=9 is larger than the 8x8 map"),
        (("check", "theorem1", "--size", "0x4"), "sizes must be positive"),
        (("check", "theorem1", "--size", "-3x4"), "sizes must be positive"),
        (("check", "theorem1", "--size", "12by10"), "expected a size like 12x10"),
        (("check", "theorem9"), "unknown claim 'theorem9'"),
        (("check", "theorem1", "--anchor", "centered", "--kernel", "4"), "centered needs an odd kernel"),
        (("check", "theorem1", "--anchor", "middle"), "'middle' is not one of"),
        (("check", "theorem4", "--ratio", "1.5"), "--ratio: expected an integer, got '1.5'"),
        (("check", "theorem3", "--size", "8x8", "--to", "6x6"), "--to: 6x6 is smaller than --size 8x8"),
        (("check", "theorem3", "--rho", "0.3"), "--rho applies only to --input-model correlated"),
        (("check", "theorem2", "--mu", "0.1,0.2", "--depth", "3"), "expected 1 or 3 values"),
        (("check", "theorem2", "--freq", "9,0", "--size", "8x8"), "outside the 8x8 frequency grid"),
        (("check", "theorem1", "--ratio", "2"), "--ratio does not apply to claim theorem1"),
        (("check", "theorem1", "--size", "5000x5000"), "above the maximum 4096"),
        (("check", "theorem1", "--size", "2000x2000", "--channels", "100"), "exceed the limit"),
        (("check", "theorem1", "--dtype", "float16"), "'float16' is not one of"),
        (("check", "theorem1", "--seed", "-1"), "--seed"),
        (("check", "theorem1", "--no-such-option"), "No such option"),
        (("check", "theorem1", "--perturb", "nonsense"), "not a perturbation of theorem1"),
        (("show", "nothing"), "unknown claim"),
        (("check", "lemma", "--terms", "4096", "--oversample", "64"), "exceed the limit"),
        (("check", "theorem2", "--size", "64x64", "--samples", "2000000"), "operations exceed the limit"),
        (("check", "theorem3", "--size", "256x256", "--to", "512x512"), "exceed the limit"),
        (("check", "shift", "--depth", "2", "--size", "128x128"), "real optimisation for L > 1 is limited"),
        (("falsify", "theorem1", "--max-points", "0"), "--max-points"),
    ],
)
def test_bad_input_is_one_line_exit_2(run_cli, args, fragment):
    r = run_cli(*args)
    assert r.code == 2, (r.out, r.err)
    lines = [line for line in r.err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), r.err
    assert fragment in lines[0]
    assert "Traceback" not in r.err + r.out


@pytest.mark.skipif(torch.cuda.is_available(), reason="machine has CUDA")
def test_cuda_without_a_device_is_a_clean_error(run_cli):
    r = run_cli("check", "theorem1", "--device", "cuda")
    assert r.code == 2 and "no CUDA device" in r.err


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_matches_cpu(run_cli):
    for claim in ("theorem1", "cascade", "theorem4", "valid-conv"):
        doc = run_cli("check", claim, "--device", "cuda", "--json").json()
        assert doc["verdict"] in {"pass", "fail"}
        cpu = run_cli("check", claim, "--json").json()
        assert [r["verdict"] for r in doc["results"]] == [r["verdict"] for r in cpu["results"]]


def test_falsify_reports_the_simplest_counterexample(run_cli):
    r = run_cli("falsify", "valid-conv", "--json")
    assert r.code == 1
    doc = r.json()
    assert doc["searched"] > 0
    rows = {row["id"]: row for row in doc["results"]}
    alpha = rows["valid-conv.alpha_closed_form"]
    assert alpha["verdict"] == "fail"
    assert alpha["witness"]["params"] == {"size": "2x2", "kernel": 1, "channels": 1}  # smallest first
    assert rows["valid-conv.spectrum"]["verdict"] == "pass"
    assert rows["valid-conv.spectrum"]["note"].startswith("no counterexample in")


def test_falsify_without_counterexample_exits_0(run_cli):
    r = run_cli("falsify", "theorem1", "--max-points", "12")
    assert (
        r.code == 0 and "0 printed sub-claim(s) with a counterexample; 12 parameter points searched" in r.out
    )
    doc = run_cli("falsify", "theorem1", "--max-points", "12", "--json").json()
    notes = {row["id"]: row["note"] for row in doc["results"]}
    assert notes["theorem1.forward"] == "no counterexample in 7 points"  # paper anchor: 7 of the 12 points


def test_derive_cli_json_and_exit_codes(run_cli):
    r = run_cli("derive", "upsample", "--mode", "nearest", "--ratio", "2", "--json")
    assert r.code == 0
    doc = r.json()
    assert doc["schema"] == "symspec/1" and doc["command"] == "derive" and doc["verdict"] == "pass"
    rule = doc["results"][0]
    assert rule["validation"]["max_error"] < 1e-9
    assert rule["srepr"].startswith("Equality(") and rule["terms"] and "box filter" in rule["reading"]
    r = run_cli("derive", "conv", "--kernel", "3", "--padding", "zero", "--latex")
    assert r.code == 0 and "LaTeX" in r.out and "PASS" in r.out
    r = run_cli("derive", "--chain", "upsample:nearest:2,conv:3:zero", "--size", "4x4")
    assert r.code == 0 and "chain" in r.out


@pytest.mark.parametrize(
    "args,fragment",
    [
        (("derive", "conv", "--kernel", "9"), "larger than the 8x8 map"),
        (("derive", "warp"), "unknown layer 'warp'"),
        (("derive", "upsample", "--ratio", "1.5"), "--ratio"),
        (("derive", "conv", "--mode", "nearest"), "--mode does not apply to layer conv"),
        (("derive", "conv", "--groups", "2", "--in-channels", "3"), "--groups"),
        (("derive", "--chain", "upsample:nearest:2,warp:3"), "unknown stage 'warp'"),
        (("derive",), "name a layer"),
        (
            ("derive", "conv", "--size", "64x64", "--in-channels", "16", "--out-channels", "16"),
            "validation needs at most",
        ),
    ],
)
def test_derive_bad_input_is_one_line_exit_2(run_cli, args, fragment):
    r = run_cli(*args)
    assert r.code == 2, r.err
    lines = [line for line in r.err.splitlines() if line.strip()]
    assert len(lines) == 1 and fragment in lines[0]
