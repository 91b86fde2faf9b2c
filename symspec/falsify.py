"""Counterexample search: run a claim over a bounded grid of small parameters, simplest first.

Every claim supplies its grid (``Claim.falsify_grid``).  Points are visited in order of size (number of
pixels, then kernel, depth, channels, ...), so the first failure of each sub-claim is its simplest
counterexample, as a minimal falsifying example should read.  Failures of Monte-Carlo rows are confirmed by
an independent re-run (new seed, twice the samples) before they are reported.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from .claims import FAIL, PRINTED, Claim, Settings, Verdict
from .errors import SymspecError


def complexity(point: dict) -> tuple:
    size = point.get("size", (1, 1))
    to = point.get("to", size)
    pixels = size[0] * size[1] if isinstance(size, tuple) else 0
    return (
        pixels,
        to[0] * to[1] if isinstance(to, tuple) else 0,
        point.get("kernel", 0),
        point.get("depth", 0),
        point.get("channels", 0),
        point.get("ratio", 0),
        repr(sorted(point.items())),
    )


@dataclass
class Finding:
    sub_id: str
    counterexample: Verdict | None = None
    params: dict | None = None
    checked: int = 0
    last: Verdict | None = None


@dataclass
class Search:
    claim: str
    searched: int = 0
    skipped: int = 0
    findings: dict[str, Finding] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        """A counterexample to the paper as printed (failing variants and conventions are not findings)."""
        return any(
            f.counterexample is not None and f.counterexample.source == PRINTED
            for f in self.findings.values()
        )


def _confirm(claim: Claim, point: dict, settings: Settings, sub_id: str) -> bool:
    again = dict(point)
    if "samples" in {p.name for p in claim.params}:
        base = point.get("samples") or claim.param("samples").default
        again["samples"] = 2 * int(base)
    report = claim.check(again, dataclasses.replace(settings, seed=settings.seed + 1))
    return any(v.id == sub_id and v.verdict == FAIL for v in report.verdicts)


def search(claim: Claim, settings: Settings, max_points: int | None = None, progress=None) -> Search:
    points = sorted(claim.falsify_grid() if claim.falsify_grid else [{}], key=complexity)
    if max_points is not None:
        points = points[:max_points]
    result = Search(claim=claim.id)
    for point in points:
        try:
            report = claim.check(point, settings)
        except SymspecError:
            result.skipped += 1
            continue
        result.searched += 1
        for v in report.verdicts:
            if v.id.endswith("@0/0"):
                continue
            finding = result.findings.setdefault(v.id, Finding(v.id))
            finding.checked += 1
            finding.last = v
            if finding.counterexample is None and v.verdict == FAIL:
                if v.kind == "moment" and not _confirm(claim, point, settings, v.id):
                    continue
                finding.counterexample = v
                finding.params = report.params
        if progress is not None:
            progress()
    return result
