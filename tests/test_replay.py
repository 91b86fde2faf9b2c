"""Every witness is replayable: its parameters and point, passed back to ``check``,
reproduce its two values."""

import numpy as np
import pytest

from symspec.claims import FAIL, PASS, Settings
from symspec.papers.tang2023 import all_claims
from symspec.registry import lookup

RUNS = [(c.id, {}) for c in all_claims()] + [
    ("theorem3", {"input_model": "correlated", "rho": "0.5"}),
    ("cascade", {"beta_reading": "last"}),
    ("backprop", {"depth": 2, "size": "5x4", "kernel": 2}),
    ("theorem2", {"freq": "3,2", "size": "8x8", "samples": 2000}),
]


def same(a, b):
    if isinstance(a, str) or isinstance(b, str) or a is None or b is None:
        return a == b
    return np.allclose(np.asarray(a, dtype=complex), np.asarray(b, dtype=complex), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("claim_id,params", RUNS, ids=[f"{c}-{i}" for i, (c, _) in enumerate(RUNS)])
def test_every_flagged_witness_replays_to_the_same_values(claim_id, params):
    claim = lookup(claim_id)
    report = claim.check(params)
    flagged = [v for v in report.verdicts if v.verdict != PASS]
    for v in flagged:
        values, at = report.replay(v)
        again = {w.id: w for w in claim.check(values, Settings(at=at)).verdicts}
        assert v.id in again, (v.id, at)
        w = again[v.id]
        assert w.verdict == v.verdict, (v.id, at)
        assert same(w.symbolic, v.symbolic) and same(w.numeric, v.numeric), (
            v.id,
            v.symbolic,
            w.symbolic,
            v.numeric,
            w.numeric,
        )
        if isinstance(v.witness.get("point"), dict):
            assert w.witness["point"] == v.witness["point"]


def test_at_restricts_the_comparison_to_the_named_point():
    claim = lookup("valid-conv")
    full = {v.id: v for v in claim.check({}).verdicts}
    assert full["valid-conv.alpha_closed_form"].verdict == FAIL
    # at a point where the printed α happens to be right, the row passes
    at_dc = {v.id: v for v in claim.check({}, Settings(at={"u'": 1, "v'": 1, "u": 1, "v": 1})).verdicts}
    row = at_dc.get("valid-conv.alpha_closed_form")
    assert row is not None and row.witness["point"] == {"u'": 1, "v'": 1, "u": 1, "v": 1}
