"""The ledger: every numbered equation of a paper and every stated conclusion without a number, each with a
status **computed** by running the checks that cover it -- never typed.

* ``PASS`` / ``FAIL`` / ``UNDEFINED``: the ``printed`` claim rows that check the entry, run at the claim's
  defaults and at a small grid of edge cases (even and odd sizes, K = 1 and K = M, 0/0 points, one-axis
  shifts, the formal verification's witnesses); FAIL when any of them fails (with its witness), else UNDEFINED
  when a printed quotient is 0/0 somewhere on the grid (the finite sum is shown), else PASS.
* ``DEFINITION``: nothing to check; the entry says what it defines and which check uses it.
* ``NOT CHECKABLE``: the reason, and the nearest check symspec does run (with its computed status).

Each claim run is cached per (claim, parameters, point), so the ledger runs every distinct check once.  A
paper states its entries, parameter grids, proof chains and formal-verification issues as data (a
:class:`PaperLedger`, the ``ledger`` of its :class:`symspec.api.Paper`); this module only computes, and
:mod:`symspec.output.ledger` renders.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Callable

from .claims import FAIL, PASS, PRINTED, UNDEFINED, Report, Settings, Verdict
from .errors import SymspecDefect, SymspecError
from .params import in_section

DEFINITION, NOT_CHECKABLE = "definition", "not checkable"
STATUSES = (PASS, FAIL, UNDEFINED, DEFINITION, NOT_CHECKABLE)
KINDS = ("definition", "identity", "moment", "trend", "proof-step", "interpretation")


@dataclass(frozen=True)
class Check:
    """Claim rows that check an entry: ``rows`` are declared row ids of ``claim``; ``grid`` the parameter sets
    (None:
    the claim's ledger grid); ``at`` maps the resolved parameters to a point to compare at (``--at``)."""

    claim: str
    rows: tuple[str, ...]
    grid: tuple[dict, ...] | None = None
    at: Callable[[dict], dict] | None = None


@dataclass(frozen=True)
class Entry:
    """One ledger row: a numbered equation or a stated conclusion, with what checks it."""

    key: str  # "Eq. 13", or a short label for an un-numbered statement
    page: str
    section: str
    kind: str
    statement: str
    checks: tuple[Check, ...] = ()
    of: str = ""  # a proof step: the key of the statement it belongs to
    defines: str = ""  # DEFINITION: what it defines and which check uses it
    reason: str = ""  # NOT CHECKABLE: why
    nearest: tuple[Check, ...] = ()  # NOT CHECKABLE: the nearest check symspec runs
    nearest_text: str = ""  # ... or a command that comes nearest (experiments)
    related: tuple[Check, ...] = ()  # variant / convention rows shown beside it (not counted)
    note: str = ""

    @property
    def equation(self) -> int | None:
        return int(self.key[4:]) if self.key.startswith("Eq. ") and self.key[4:].isdigit() else None


@dataclass(frozen=True)
class Chain:
    """A proof: the statements it leads to and its steps, in the paper's order (ledger keys)."""

    name: str
    statements: tuple[str, ...]  # the statement keys the steps lead to
    steps: tuple[str, ...]  # ledger keys in the order of the proof


@dataclass(frozen=True)
class Reproduce:
    """symspec's own run at a formal issue's witness: the claim, the verdict row to show, its parameters and
    the
    point to compare at (None: the row's own point)."""

    claim: str
    row: str
    params: dict
    point: dict | None = None


@dataclass(frozen=True)
class Issue:
    """One issue of the formal verification (``Archwindos/lean4interactions``,
    corpus/public/reader/icml2023-decoder/
    issues.json; ids without their ``decoder-issue-`` prefix): its pages, classification and fact as the
    repository states them, the ledger rows it concerns, and the statuses its account implies for some of
    them."""

    id: str
    pages: str
    classification: str
    fact: str
    keys: tuple[str, ...]
    expect: dict = field(default_factory=dict)  # key -> statuses consistent with the repository's account
    zero_over_zero: bool = False  # the repository's point is a 0/0 quotient: every mapped row must show one
    reproduce: Reproduce | None = None  # symspec's run at the issue's witness
    note: str = ""


@dataclass(frozen=True)
class PaperLedger:
    """A paper's ledger as data: its title line, sections (in the paper's order), per-claim parameter grids,
    entries, proof chains and the formal verification's issues (empty where there is none)."""

    title: str
    sections: dict[str, str]
    grids: dict[str, tuple[dict, ...]]
    entries: tuple[Entry, ...]
    chains: tuple[Chain, ...] = ()
    formal: tuple[Issue, ...] = ()


# ------------------------------------------------------------------------------------------ running


@dataclass
class Hit:
    """One printed verdict that checks an entry, with the run it came from."""

    claim: str
    params: dict  # the parameters as given (the grid point)
    at: dict | None
    report: Report
    verdict: Verdict


@dataclass
class LedgerRow:
    entry: Entry
    status: str
    hits: list[Hit] = field(default_factory=list)
    check: dict = field(default_factory=dict)  # the evaluation that decides the status (see evaluation())
    witness: dict = field(default_factory=dict)
    fails_at: list[dict] = field(default_factory=list)  # every grid point where a check fails
    related: list[dict] = field(default_factory=list)
    nearest: list[dict] = field(default_factory=list)
    of_status: str = ""

    @property
    def counts(self) -> dict:
        out = {PASS: 0, FAIL: 0, UNDEFINED: 0}
        for h in self.hits:
            out[h.verdict.verdict] += 1
        return out


@dataclass
class Ledger:
    rows: list[LedgerRow]
    chains: list[dict]
    formal: list[dict]
    unlisted: list[str]  # FAIL rows the formal verification does not list
    seconds: float
    runs: int  # distinct claim runs
    paper: str = ""
    title: str = ""
    sections: dict[str, str] = field(default_factory=dict)

    def section_order(self, section: str) -> int:
        return list(self.sections).index(section)

    def counts(self) -> dict:
        out = {s: 0 for s in STATUSES}
        for r in self.rows:
            out[r.status] += 1
        return out

    def row(self, key: str) -> LedgerRow:
        for r in self.rows:
            if r.entry.key == key:
                return r
        raise KeyError(key)


class Runner:
    """Runs claims once per (claim, parameters, point); ``perturb`` maps a claim id to a perturbation name."""

    def __init__(self, grids: dict, settings: Settings | None = None, perturb: dict | None = None):
        self.grids = grids
        self.settings = settings or Settings()
        self.perturb = dict(perturb or {})
        self.cache: dict = {}

    def defaults(self, claim_id: str) -> Report:
        """The claim's run at ``symspec check``'s defaults: no parameter, no ``--at`` point."""
        return self.run(claim_id, {}, None)[0]

    def run(self, claim_id: str, params: dict, at_fn) -> tuple[Report, dict | None]:
        import dataclasses

        from .registry import lookup

        claim = lookup(claim_id)
        at = at_fn(claim.resolve(params)) if at_fn else None
        key = (claim_id, json.dumps(params, sort_keys=True), json.dumps(at, sort_keys=True))
        if key not in self.cache:
            settings = dataclasses.replace(self.settings, at=at)
            self.cache[key] = claim.check(params, settings, perturb=self.perturb.get(claim_id))
        return self.cache[key], at

    def hits(self, check: Check, sources=(PRINTED,)) -> list[Hit]:
        from .registry import lookup

        claim = lookup(check.claim)
        out = []
        for params in check.grid if check.grid is not None else self.grids[check.claim]:
            report, at = self.run(check.claim, params, check.at)
            for v in report.verdicts:
                if claim.row(v.id).id in check.rows and v.source in sources:
                    out.append(Hit(check.claim, params, at, report, v))
        return out


def evaluation(h: Hit, runner: Runner) -> dict:
    """One verdict the ledger ran, named as ``symspec check`` names it: ``check_id`` (the id ``check``
    prints), ``point`` (the ``check`` options it ran with; empty at ``check``'s defaults), ``point_id`` (the
    id qualified by that point: ``row@size=8x8;kernel=2``), its ``status``, the ``replay`` command that
    reproduces it, and ``check_status``: what ``symspec check`` at its defaults prints for ``check_id``
    ("" where it prints no such row)."""
    from .replay import point_id, point_of, replay_command

    v = h.verdict
    point = point_of(h.report)
    at_defaults = (
        v if not point else next((d for d in runner.defaults(h.claim).verdicts if d.id == v.id), None)
    )
    return {
        "check_id": v.id,
        "point": point,
        "point_id": point_id(v.id, point),
        "status": v.verdict,
        "replay": replay_command(h.report, v),
        "check_status": at_defaults.verdict if at_defaults is not None else "",
    }


def _deciding(hits: list[Hit], status: str) -> Hit:
    """The hit that shows ``status``: the first with that verdict, at ``check``'s defaults where one is."""
    from .replay import point_of

    showing = [h for h in hits if h.verdict.verdict == status] or hits
    return next((h for h in showing if not point_of(h.report)), showing[0]) if status == PASS else showing[0]


def _point_text(h: Hit) -> dict:
    from .output.format import fmt
    from .replay import point_id, point_of, replay_command

    v = h.verdict
    w = {
        "claim": h.claim,
        "row": v.id,
        "params": _shown(h.report),
        "point": v.witness.get("point"),
        "point_id": point_id(v.id, point_of(h.report)),
    }
    if v.kind == "trend":
        w.update(
            {
                "printed": v.statement,
                "true": f"{v.witness.get('comparison', '')}: {fmt(v.witness.get('before'))}"
                f" → {fmt(v.witness.get('after'))}",
            }
        )
    elif v.verdict == UNDEFINED:
        w.update(
            {
                "printed": v.symbolic,
                "finite_sum": v.witness.get("finite_sum", v.witness.get("numeric")),
                "true": v.numeric,
            }
        )
    else:
        w.update({"printed": v.symbolic, "true": v.numeric})
    w["replay"] = replay_command(h.report, v)
    if v.finding_class:
        w["finding_class"] = v.finding_class
        if v.premise:
            w["premise"] = v.premise
    return w


def _shown(report: Report) -> dict:
    from .replay import report_params

    return dict(report_params(report))


def _status(hits: list[Hit]) -> str:
    states = [h.verdict.verdict for h in hits]
    if FAIL in states:
        return FAIL
    if UNDEFINED in states:
        return UNDEFINED
    return PASS


def evaluate(entry: Entry, runner: Runner) -> LedgerRow:
    if entry.defines:
        return LedgerRow(entry, DEFINITION)
    if entry.reason:
        row = LedgerRow(entry, NOT_CHECKABLE)
        for check in entry.nearest:
            hits = runner.hits(check)
            status = _status(hits) if hits else "not run"
            row.nearest.append(
                {
                    "claim": check.claim,
                    "rows": list(check.rows),
                    "status": status,
                    **({"check": evaluation(_deciding(hits, status), runner)} if hits else {}),
                }
            )
        return row
    hits = [h for check in entry.checks for h in runner.hits(check)]
    if not hits:
        raise SymspecDefect(f"ledger {entry.key}: no printed verdict from {[c.rows for c in entry.checks]}")
    row = LedgerRow(entry, _status(hits), hits)
    row.check = evaluation(_deciding(hits, row.status), runner)
    shown = next((h for h in hits if h.verdict.verdict == row.status), None)
    if row.status in (FAIL, UNDEFINED) and shown is not None:
        row.witness = _point_text(shown)
    failing = []
    for h in hits:
        if h.verdict.verdict == FAIL and (h.params, h.verdict.id) not in [
            (f["params"], f["row"]) for f in failing
        ]:
            e = evaluation(h, runner)
            failing.append({"params": h.params, "row": h.verdict.id, "point_id": e["point_id"]})
    row.fails_at = failing
    related = [h for check in entry.related for h in runner.hits(check, sources=("variant", "convention"))]
    row.related = _collapse(related, runner)
    return row


def _collapse(related: list[Hit], runner: Runner) -> list[dict]:
    """One entry per related row: FAIL if it fails anywhere on the grid, else UNDEFINED/PASS as for a ledger
    row, with the evaluation that shows that status."""
    out: dict[str, list[Hit]] = {}
    for h in related:
        out.setdefault(h.verdict.id.removesuffix("@0/0"), []).append(h)
    rows = []
    for name, hits in out.items():
        states = [h.verdict.verdict for h in hits]
        status = FAIL if FAIL in states else PASS if PASS in states else UNDEFINED
        rows.append(
            {
                "row": name,
                "source": hits[0].verdict.source,
                "status": status,
                "check": evaluation(_deciding(hits, status), runner),
            }
        )
    return rows


def _chains(rows: dict[str, LedgerRow], chains: tuple[Chain, ...]) -> list[dict]:
    """Per proof: each step's status, the first step that fails, and -- where a statement fails -- the steps
    that
    have no check at that statement's witness parameters (outside the hypothesis their own print
    annotates)."""
    out = []
    for chain in chains:
        first = next((k for k in chain.steps if rows[k].status == FAIL), None)
        failing = next((h for k in chain.statements for h in rows[k].hits if h.verdict.verdict == FAIL), None)
        unchecked = []
        if failing is not None:
            unchecked = [
                k
                for k in chain.steps
                if rows[k].hits
                and not any(h.claim == failing.claim and h.params == failing.params for h in rows[k].hits)
            ]
        out.append(
            {
                "chain": chain.name,
                "statements": {k: rows[k].status for k in chain.statements},
                "steps": {k: rows[k].status for k in chain.steps},
                "first_broken_step": first,
                "witness": rows[first].witness if first else {},
                "statement_witness": _shown(failing.report) if failing else {},
                "steps_not_checked_at_statement_witness": unchecked,
            }
        )
    return out


def _reproduce(issue: Issue, runner: Runner) -> dict:
    """symspec's own run at the issue's witness parameters (and point), with the printed and the true
    value."""
    if issue.reproduce is None:
        return {}
    claim_id, verdict_id, params, point = (
        issue.reproduce.claim,
        issue.reproduce.row,
        issue.reproduce.params,
        issue.reproduce.point,
    )
    report, at = runner.run(claim_id, params, (lambda _values: point) if point else None)
    verdict = next((v for v in report.verdicts if v.id == verdict_id), None)
    if verdict is None:
        raise SymspecDefect(f"ledger --formal {issue.id}: {verdict_id} not reported at {params}")
    return {
        **_point_text(Hit(claim_id, params, at, report, verdict)),
        "status": verdict.verdict,
        "given": params,
    }


def _formal(
    rows: dict[str, LedgerRow], runner: Runner, issues: tuple[Issue, ...]
) -> tuple[list[dict], list[str]]:
    out, mapped = [], set()
    for issue in issues:
        mapped.update(issue.keys)
        statuses = {k: rows[k].status for k in issue.keys}
        disagree = [
            f"{k}: symspec {statuses[k].upper()}, the repository's account implies "
            f"{' or '.join(sorted(s.upper() for s in want))}"
            for k, want in issue.expect.items()
            if statuses[k] not in want
        ]
        if issue.zero_over_zero:
            disagree += [
                f"{k}: no 0/0 point on symspec's grid"
                for k in issue.keys
                if not any(h.verdict.verdict == UNDEFINED for h in rows[k].hits)
            ]
        beyond = [
            k
            for k in issue.keys
            if k not in issue.expect and statuses[k] == FAIL and not issue.zero_over_zero
        ]
        out.append(
            {
                "id": issue.id,
                "pages": issue.pages,
                "classification": issue.classification,
                "fact": issue.fact,
                "rows": statuses,
                "agrees": not disagree,
                "disagreements": disagree,
                "symspec_also_fails": beyond,
                "witnesses": {k: rows[k].witness for k in issue.keys if rows[k].witness},
                "reproduced": _reproduce(issue, runner),
                "note": issue.note,
            }
        )
    unlisted = [r.entry.key for r in rows.values() if r.status == FAIL and r.entry.key not in mapped]
    return out, unlisted


_CACHE: dict = {}


def paper_ledger(paper: str | None = None) -> tuple[str, PaperLedger]:
    """A paper's id and its ledger data (the decoder paper by default); refused when the paper states none."""
    from .registry import DEFAULT_PAPER, find_paper

    found = find_paper(paper or DEFAULT_PAPER)
    if found.ledger is None:
        raise SymspecError(f"paper {found.id!r} states no ledger")
    return found.id, found.ledger


def build(
    settings: Settings | None = None,
    perturb: dict | None = None,
    keys: tuple[str, ...] | None = None,
    paper: str | None = None,
) -> Ledger:
    """Run every check the ledger of ``paper`` (the decoder paper by default) needs, once each, and compute
    every
    row's status.

    ``perturb`` ({claim id: perturbation}) runs those claims with a perturbed formula; ``keys`` restricts the
    ledger to some entries (chains and the formal cross-reference then cover only complete data: tests use
    it)."""
    paper, data = paper_ledger(paper)
    cache_key = (repr(settings), json.dumps(perturb, sort_keys=True), keys, paper)
    if cache_key in _CACHE:
        return _CACHE[cache_key]
    start = time.perf_counter()
    runner = Runner(data.grids, settings, perturb)
    entries = [e for e in data.entries if keys is None or e.key in keys]
    rows = {e.key: evaluate(e, runner) for e in entries}
    for r in rows.values():
        if r.entry.of and r.entry.of in rows:
            r.of_status = rows[r.entry.of].status
    chains, formal, unlisted = (
        ([], [], [])
        if keys is not None
        else (_chains(rows, data.chains), *_formal(rows, runner, data.formal))
    )
    ledger = Ledger(
        list(rows.values()),
        chains,
        formal,
        unlisted,
        time.perf_counter() - start,
        len(runner.cache),
        paper,
        data.title,
        data.sections,
    )
    _CACHE[cache_key] = ledger
    return ledger


def select(ledger: Ledger, status: str | None = None, section: str | None = None) -> list[LedgerRow]:
    """Rows whose status is ``status`` (any spelling: fail, FAIL, not-checkable) and whose section is
    ``section``
    or a subsection of it (``4`` keeps 4.1-4.4, ``A`` every appendix A section)."""
    rows = ledger.rows
    if status:
        want = status.strip().lower().replace("-", " ").replace("_", " ")
        rows = [r for r in rows if r.status == want]
    if section:
        rows = [r for r in rows if in_section(r.entry.section, section)]
    return rows
