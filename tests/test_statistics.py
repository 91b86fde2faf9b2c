"""False alarms of Monte-Carlo checks must be rare by design (Bonferroni at 1e-5 per check).  Slow."""

import pytest

from symspec.claims import FAIL, Settings
from symspec.papers.tang2023 import theorem2, theorem3

pytestmark = pytest.mark.slow


def moment_failures(claim, params, seeds):
    bad = []
    for seed in seeds:
        report = claim.check(params, Settings(seed=seed))
        bad += [(seed, v.id, v.error) for v in report.verdicts if v.kind == "moment" and v.verdict == FAIL]
    return bad


def test_theorem2_moment_checks_do_not_false_alarm():
    params = {"size": "6x6", "samples": 4000, "depth": 2}
    assert moment_failures(theorem2.CLAIM, params, range(40)) == []


def test_theorem2_multichannel_moment_checks_do_not_false_alarm_where_exact():
    params = {
        "size": "4x4",
        "samples": 4000,
        "depth": 2,
        "channels": 2,
    }  # the printed recursion is exact for L = 2
    assert moment_failures(theorem2.CLAIM, params, range(20)) == []


def test_theorem3_iid_moment_checks_do_not_false_alarm():
    params = {"size": "5x4", "to": "7x7", "samples": 4000}
    assert moment_failures(theorem3.CLAIM, params, range(40)) == []


def test_theorem3_correlated_failure_is_reproducible_across_seeds():
    params = {"input_model": "correlated", "rho": "0.3", "samples": 4000}
    for seed in range(5):
        report = theorem3.CLAIM.check(params, Settings(seed=seed))
        assert any(v.id == "theorem3.som_difference" and v.verdict == FAIL for v in report.verdicts)
