"""A check that cannot fail is a defect: every perturbation of a printed formula must produce a FAIL with a
witness, and every sub-claim must be made to fail by some perturbation (or fail already, honestly)."""

import pytest

from symspec.claims import FAIL
from symspec.papers.tang2023 import all_claims

FAST = {"theorem2": {"size": "8x8", "samples": 4000}, "theorem3": {"samples": 6000}}
EXTRA_RUNS = {"theorem2": [{"channels": 2, "size": "6x6", "samples": 4000}]}
CASES = [(c, name) for c in all_claims() for name in sorted(c.perturbations)]


def params_for(claim, name=None):
    params = dict(FAST.get(claim.id, {}))
    if name is not None:
        params.update(claim.perturb_at.get(name, {}))
    return params


@pytest.mark.parametrize("claim,name", CASES, ids=[f"{c.id}:{n}" for c, n in CASES])
def test_perturbation_fails_with_witness(claim, name):
    base = {v.id: v.verdict for v in claim.check(params_for(claim, name)).verdicts}
    report = claim.check(params_for(claim, name), perturb=name)
    # detected = a row that fails under the perturbation and did not fail as printed
    failed = [v for v in report.verdicts if v.verdict == FAIL and base.get(v.id) != FAIL]
    assert failed, f"{claim.id}: perturbation {name} was not detected"
    for v in failed:
        assert v.witness.get("params"), v.id
        assert len(v.witness) >= 2, v.id  # parameters plus where and what was compared


@pytest.mark.parametrize("claim", all_claims(), ids=lambda c: c.id)
def test_every_sub_claim_can_fail(claim):
    runs = [params_for(claim)] + EXTRA_RUNS.get(claim.id, [])
    ids, failing = set(), set()
    for params in runs:
        base = claim.check(params)
        ids |= {v.id for v in base.verdicts if not v.id.endswith("@0/0")}
        failing |= {v.id for v in base.verdicts if v.verdict == FAIL}
    for name in claim.perturbations:
        for params in runs:
            merged = {**params, **claim.perturb_at.get(name, {})}
            report = claim.check(merged, perturb=name)
            failing |= {v.id for v in report.verdicts if v.verdict == FAIL}
    assert ids - failing == set(), f"sub-claims no perturbation can fail: {sorted(ids - failing)}"


def test_remembered_runs_are_keyed_by_perturbation_and_settings_and_not_shared_by_reference():
    """Claim.check remembers runs; a perturbed run, another seed or another point is a different run, and a
    caller changing a returned report does not change what the next caller gets."""
    from symspec.claims import Settings

    claim = next(c for c in all_claims() if c.id == "valid-conv")
    name = sorted(claim.perturbations)[0]
    printed = claim.check(params_for(claim, name))
    perturbed = claim.check(params_for(claim, name), perturb=name)
    assert [v.verdict for v in printed.verdicts] != [v.verdict for v in perturbed.verdicts]
    printed.verdicts[0].verdict = "tampered"
    again = claim.check(params_for(claim, name))
    assert again.verdicts[0].verdict != "tampered"
    assert [v.verdict for v in again.verdicts[1:]] == [v.verdict for v in printed.verdicts[1:]]
    other_seed = claim.check(params_for(claim, name), Settings(seed=1))
    assert other_seed.settings.seed == 1 and again.settings.seed == 0
