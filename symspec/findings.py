"""Findings: the printed statements of a paper that symspec refutes, each computed, never typed.

A finding is the project's most consequential output, so each one here is a *case*: the claim, the parameters
and point of its simplest witness, the row that must FAIL there, and the independent witness test under
``tests/witnesses/`` (which imports nothing from symspec) that reproduces the counterexample from first
principles.  A paper states its cases as data (the ``findings`` of its :class:`symspec.api.Paper`);
``symspec findings`` runs every case and prints the table the README carries; a case whose row no longer
fails, or that is not a ``printed`` row, is reported as such and makes the command exit 3.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .claims import FAIL, PRINTED, Finding, Regimes, Report, Settings, Verdict
from .registry import DEFAULT_PAPER, find_paper, lookup


@dataclass(frozen=True)
class Case:
    """One finding: where to look (claim, parameters, point) and what independent test confirms it."""

    row: str  # the verdict id that must FAIL
    claim: str
    params: dict
    summary: str  # what breaks, in one sentence (the numbers come from the run)
    witness_test: str  # file under tests/witnesses/
    at: dict | None = None
    proof_step: str = ""  # the first proof step that breaks, where known
    formal: str = ""  # id of the formal verification's issue that lists it ("" when new)


@dataclass
class Outcome:
    case: Case
    report: Report
    verdict: Verdict | None = field(default=None)

    @property
    def confirmed(self) -> bool:
        return self.verdict is not None and self.verdict.verdict == FAIL and self.verdict.source == PRINTED

    @property
    def point(self) -> dict[str, str]:
        """The ``check`` options the case runs with (parameters off the claim's defaults, ``--at``)."""
        from .replay import point_of

        return point_of(self.report)

    @property
    def point_id(self) -> str:
        """The row id qualified by that point: ``row@size=8x8; kernel=2`` (``symspec check`` at its defaults
        prints the bare id, for the run at its defaults)."""
        from .replay import point_id

        return point_id(self.case.row, self.point)

    @property
    def replay(self) -> str:
        from .replay import replay_command

        return replay_command(self.report, self.verdict) if self.verdict is not None else ""

    @property
    def finding(self) -> Finding | None:
        """The class, premise link and regime declared beside the row (None: undeclared, class error)."""
        return lookup(self.case.claim).row(self.case.row).finding

    def regime(self) -> tuple[str, str]:
        """(where the statement holds, where it fails): searched where the row declares
        a search, else declared."""
        f = self.finding
        if f is None or f.cls not in ("scope",):
            return "nowhere tested", "at the witness"
        if f.regimes is not None:
            r: Regimes = f.regimes()
            return r.holds, r.fails
        return f.holds, f.fails


def run_case(case: Case, settings: Settings | None = None) -> Outcome:
    """Run the check behind one case (a check that witnesses several findings runs once: Claim.check remembers
    its runs)."""
    import dataclasses

    settings = dataclasses.replace(settings or Settings(), at=case.at)
    report = lookup(case.claim).check(case.params, settings)
    verdict = next((v for v in report.verdicts if v.id == case.row), None)
    return Outcome(case, report, verdict)


def cases(paper: str | None = None) -> tuple[Case, ...]:
    """The finding cases of ``paper`` (the decoder paper by default); empty when it states none."""
    return tuple(find_paper(paper or DEFAULT_PAPER).findings)


def run_all(settings: Settings | None = None, progress=None, paper: str | None = None) -> list[Outcome]:
    outcomes = []
    for case in cases(paper):
        outcomes.append(run_case(case, settings))
        if progress is not None:
            progress()
    return outcomes
