"""Findings: every failing printed row carries a class that a recomputation confirms, its regime and readings,
and a witness label computed from the values its numbers came from."""

from fractions import Fraction

import pytest

from symspec.claims import FINDING_CLASSES, Settings
from symspec.findings import run_all, run_case
from symspec.papers.tang2023.findings import CASES
from symspec.registry import lookup


@pytest.fixture(scope="module")
def outcomes():
    return run_all()


def by_row(outcomes, row):
    return next(o for o in outcomes if o.case.row == row)


def row_of(report, row_id):
    return next(v for v in report.verdicts if v.id == row_id)


def test_every_finding_is_confirmed_and_classed(outcomes):
    for o in outcomes:
        assert o.confirmed, o.case.row
        assert o.verdict.finding_class in FINDING_CLASSES, o.case.row
        declared = lookup(o.case.claim).row(o.case.row).finding
        assert o.verdict.finding_class == (declared.cls if declared else "error")


def test_premise_class_recomputed_for_eq32(outcomes):
    o = by_row(outcomes, "theorem2.som_multichannel")
    assert (
        o.verdict.finding_class == "premise" and o.verdict.premise == "theorem2.premise_independent_entries"
    )
    premise, under = (
        row_of(o.report, r)
        for r in ("theorem2.premise_independent_entries", "theorem2.som_multichannel.under_premise")
    )
    assert premise.verdict == "fail" and under.verdict == "pass"
    # independent: K = 1, C = 2, μ = 1, σ² = 1/4; a column p of W2 W1 has E p² = 41/8, E p_0 p_1 = 9/2 (not 4)
    som, cross, s2 = Fraction(41, 8), Fraction(9, 2), Fraction(1, 4)
    true, under_premise = (s2 * 2 * som + 2 * som + 2 * x for x in (cross, Fraction(4)))
    assert o.verdict.symbolic == pytest.approx(float(under_premise)) == 20.8125
    assert o.verdict.numeric == pytest.approx(float(true)) == 21.8125
    assert premise.symbolic == pytest.approx(4.0) and premise.numeric == pytest.approx(4.5)
    control = lookup("theorem2").check(
        {"size": "4x4", "kernel": 1, "depth": 2, "channels": 2, "mu": "1", "sigma": "0.5", "samples": 2000},
        Settings(at={"u": 0, "v": 0}),
    )
    assert {
        v.id: v.verdict
        for v in control.verdicts
        if v.id in ("theorem2.som_multichannel", "theorem2.premise_independent_entries")
    } == {"theorem2.som_multichannel": "pass", "theorem2.premise_independent_entries": "pass"}
    assert row_of(control, "theorem2.som_multichannel").numeric == pytest.approx(5.125)


def test_typo_class_recomputed_the_intent_holds_where_the_slip_fails(outcomes):
    typos = [o for o in outcomes if o.verdict.finding_class == "typo"]
    assert len(typos) >= 4
    for o in typos:
        intent = [v for v in o.report.verdicts if v.id == o.finding.intent]
        assert intent and all(v.verdict == "pass" for v in intent), o.case.row


def test_scope_class_recomputed_conclusions_3_and_4_hold_at_k3():
    report = lookup("theorem2").check({"kernel": 3, "depth": 3, "channels": 1, "samples": 200})
    verdicts = {v.id: v.verdict for v in report.verdicts}
    assert (
        verdicts["theorem2.trend.high_weakened"] == "pass"
        and verdicts["theorem2.trend.mu_relative"] == "pass"
    )
    one = lookup("theorem2").check({"size": "4x4", "kernel": 1, "depth": 1, "channels": 1, "samples": 200})
    assert {v.id: v.verdict for v in one.verdicts}["theorem2.trend.high_weakened"] == "fail"


def test_scope_regimes_are_searched_and_name_both(outcomes):
    holds, fails = by_row(outcomes, "theorem2.trend.high_weakened").regime()
    assert holds.startswith("every other tested point") and fails == "K = 1 or μ = 0"
    holds, fails = by_row(outcomes, "theorem2.trend.mu_relative").regime()
    assert holds.startswith("every other tested point") and fails == "K = 1"
    # the shown witness of conclusion 3 is in the paper's setting (K = 3, μ = 0 as in Fig. 4b), not K = 1
    assert by_row(outcomes, "theorem2.trend.high_weakened").verdict.witness["params"]["kernel"] == 3


def test_conclusion_5_both_readings(outcomes):
    o = by_row(outcomes, "theorem2.trend.small_kernel")
    other = row_of(o.report, "theorem2.trend.small_kernel[total variance fixed]")
    assert o.verdict.verdict == "fail" and other.verdict == "pass" and other.source == "convention"
    assert (o.verdict.symbolic, o.verdict.numeric) == pytest.approx((0.5206, 0.4258), abs=1e-4)
    assert o.finding.readings == ("theorem2.trend.small_kernel[total variance fixed]",)


def test_shift_trend_under_both_signs(outcomes):
    o = by_row(outcomes, "shift.trend.smaller_shift_harder")
    minus = row_of(o.report, "shift.trend.smaller_shift_harder[φ=-(44)]")
    norms = [s["min_norm"] for s in minus.witness["sweep"]]
    assert norms[1:3] == pytest.approx([0.4205, 0.3495], abs=1e-4) and norms[0] > norms[1] > norms[2]
    printed = [s["min_norm"] for s in o.verdict.witness["sweep"]]
    assert printed[1:3] == pytest.approx([0.3018, 0.3991], abs=1e-4)


def test_every_witness_label_replays_its_numbers(outcomes):
    """The label is the parameters the numbers were computed from: checking at the label
    gives the same values."""
    for o in outcomes:
        label = o.verdict.witness["params"]
        again = run_case(type(o.case)(o.case.row, o.case.claim, dict(label), "", "", at=o.case.at))
        assert again.verdict is not None, o.case.row
        assert (again.verdict.symbolic, again.verdict.numeric) == (o.verdict.symbolic, o.verdict.numeric), (
            o.case.row
        )
    for o in outcomes:  # the trend rows of theorem2 are single-channel, whatever --channels says
        if o.case.row.startswith("theorem2.trend."):
            assert o.verdict.witness["params"]["channels"] == 1, o.case.row


def test_json_and_table(run_cli):
    doc = run_cli("findings", "--json").json()
    classes = {r["row"]: r["finding_class"] for r in doc["results"]}
    assert classes["theorem2.som_multichannel"] == "premise" and set(classes.values()) <= set(FINDING_CLASSES)
    assert all(r["holds"] for r in doc["results"])
    check = run_cli(
        "check",
        "theorem2",
        "--size",
        "4x4",
        "--kernel",
        "1",
        "--depth",
        "3",
        "--mu",
        "1",
        "--sigma",
        "0.5",
        "--samples",
        "2000",
        "--json",
    ).json()
    row = next(r for r in check["results"] if r["id"] == "theorem2.som_multichannel")
    assert row["finding_class"] == "premise" and row["premise"] == "theorem2.premise_independent_entries"


def test_findings_by_paper(run_cli):
    """--paper tang2023 runs the default cases; a paper without findings says so in one line (exit 0);
    an unknown paper is refused (exit 2, one line naming it)."""
    from symspec import registry

    named = run_cli("findings", "--paper", "tang2023", "--json")
    assert named.code == 0 and [r["row"] for r in named.json()["results"]] == [c.row for c in CASES]
    assert registry.builtin("tang2023").findings == CASES
    for pid in ("odena2016", "sedghi2019", "aitken2017"):
        assert registry.builtin(pid).findings == ()
        r = run_cli("findings", "--paper", pid)
        assert r.code == 0 and r.out.count("\n") == 1 and f"{pid} states no findings" in r.out, r.out
    r = run_cli("findings", "--paper", "nosuch", "-q")
    assert r.code == 2 and r.err.count("\n") == 1 and "'nosuch'" in r.err and not r.out
