"""A failing `variant` row is a defect of symspec, never a finding: over every claim's falsification grid
(small sizes, K = 1 and K = M, 0/0 points, one-axis shifts, correlated inputs) no variant row may fail."""

import pytest

from symspec.claims import FAIL, VARIANT, Settings
from symspec.papers.tang2023 import all_claims


@pytest.mark.slow
@pytest.mark.parametrize("claim", all_claims(), ids=lambda c: c.id)
def test_no_variant_row_fails_anywhere_on_the_falsification_grid(claim):
    bad = []
    for point in claim.falsify_grid() if claim.falsify_grid else [{}]:
        try:
            report = claim.check(point, Settings())
        except Exception as exc:  # a grid point the claim refuses is not a variant failure
            if type(exc).__name__ != "SymspecError":
                raise
            continue
        bad += [
            (v.id, point, v.symbolic, v.numeric)
            for v in report.verdicts
            if v.source == VARIANT and v.verdict == FAIL
        ]
    assert not bad, bad[:3]
