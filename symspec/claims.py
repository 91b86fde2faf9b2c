"""Claims: one result of the paper stated as printed, its rows (sub-claims with their provenance), the run.

A :class:`Claim` states one result of the paper *as printed* (SymPy builders in ``formulas``), declares its
parameters and its rows, and owns a ``run`` procedure that substitutes the parameters, runs the real torch
layers (``symspec.numeric``) and returns one :class:`Verdict` per sub-claim.  Parameter parsing lives in
:mod:`symspec.params`, the verdict builders in :mod:`symspec.verdicts`; both are re-exported here.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from .errors import SymspecError
from .params import (
    MAX_GRID_ELEMENTS,
    MAX_WORK,
    Param,
    guard_size,
    guard_work,
    parse_floats,  # noqa: F401
    parse_pair,
    parse_size,
)
from .verdicts import (
    AT,
    AT_SEEN,
    CONVENTION,
    ERROR,
    FAIL,
    FINDING_CLASSES,
    PREMISE,
    SCOPE,
    TYPO,  # noqa: F401
    FALSE_ALARM,
    PASS,
    PRINTED,
    SOURCES,
    UNDEFINED,
    VARIANT,
    Comparison,
    Settings,
    Verdict,  # noqa: F401
    bonferroni_z,
    check_at,
    identity_verdicts,
    moment_verdicts,
    number_from_one,
    point_of,
    trend_verdict,
    undefined_verdict,
)


Formulas = dict[str, Callable[..., Any]]
MEMO = 32  # runs remembered per claim


@dataclass(frozen=True)
class Finding:
    """What a failure of a printed row means, declared beside the row (data about the paper, not engine code).

    ``cls``: ``error`` (false where its premises hold), ``premise`` (a premise fails; ``premise`` is that
    premise's own row id), ``scope`` (true in a regime, false outside; ``holds`` and ``fails`` name both,
    or ``regimes`` searches a grid and returns them), ``typo`` (a printing slip; ``intent`` is the row of its
    evident intent, which holds where this one fails).  ``readings``: for a statement the paper leaves
    ambiguous, the row ids of the readings checked beside it.
    """

    cls: str
    premise: str = ""
    holds: str = ""
    fails: str = ""
    intent: str = ""
    regimes: Callable[[], "Regimes"] | None = field(default=None, compare=False)
    readings: tuple[str, ...] = ()

    def __post_init__(self):
        if self.cls not in FINDING_CLASSES:
            raise ValueError(f"finding class {self.cls!r} is not one of {FINDING_CLASSES}")
        need = {PREMISE: self.premise, TYPO: self.intent, SCOPE: (self.holds and self.fails) or self.regimes}
        if self.cls in need and not need[self.cls]:
            raise ValueError(
                f"a {self.cls} finding needs its "
                + {PREMISE: "premise row", TYPO: "intent row", SCOPE: "regimes"}[self.cls]
            )


@dataclass(frozen=True)
class Regimes:
    """A searched grid: the regime where a statement holds and where it fails
    (one line each), and the table."""

    holds: str
    fails: str
    axes: tuple[str, ...]
    table: tuple[tuple, ...]  # (axis values..., "holds" | "fails")
    witness: dict | None = None  # the fairest failing point: inside the paper's own setting where possible

    @classmethod
    def search(
        cls,
        axes: tuple[str, ...],
        points: list[tuple],
        holds: Callable[[tuple], bool],
        setting: Callable[[tuple], bool] = lambda p: True,
    ) -> "Regimes":
        """Evaluate ``holds`` at every point and describe the result: the axis values at which every point
        fails (``K = 1``), the rest as where it holds (or how often it fails there).  The witness is the first
        failing point inside the paper's ``setting``, else the first failing point."""
        table = tuple((*p, "holds" if holds(p) else "fails") for p in points)
        failing = [t[:-1] for t in table if t[-1] == "fails"]
        always = [
            (i, x)
            for i, name in enumerate(axes)
            for x in dict.fromkeys(p[i] for p in points)
            if all(t[-1] == "fails" for t in table if t[i] == x)
        ]
        rest = [t for t in table if not any(t[i] == x for i, x in always)]
        cond = " or ".join(f"{axes[i]} = {x:g}" for i, x in always)
        if not failing:
            return cls(f"every tested point ({len(table)})", "nowhere tested", axes, table)
        if len(failing) == len(table):
            return cls(
                "nowhere tested",
                f"every tested point ({len(table)})",
                axes,
                table,
                dict(zip(axes, next((p for p in failing if setting(p)), failing[0]))),
            )
        rest_fail = [t[:-1] for t in rest if t[-1] == "fails"]
        holds_text = (
            f"every other tested point ({len(rest)})"
            if not rest_fail
            else f"{len(rest) - len(rest_fail)} of {len(rest)} {'other ' if always else ''}tested points"
        )
        example = ", ".join(f"{a}={x:g}" for a, x in zip(axes, rest_fail[0])) if rest_fail else ""
        fails_text = "; ".join(
            x
            for x in (
                cond,
                f"{len(rest_fail)} {'other ' if always else ''}points (e.g. {example})" if rest_fail else "",
            )
            if x
        )
        # the fairest witness: in the paper's setting and outside the trivial all-fail values, where possible
        fair = next((p for p in rest_fail if setting(p)), None) or next(
            (p for p in failing if setting(p)), failing[0]
        )
        return cls(holds_text, fails_text, axes, table, dict(zip(axes, fair)))


@dataclass(frozen=True)
class Row:
    """One sub-claim's provenance, declared once by its claim module.

    ``source``: ``printed`` (the paper's statement or proof step as printed, with ``page`` and ``equation``),
    ``variant`` (a correction or scoped form symspec proposes; a failing variant is a defect of symspec) or
    ``convention`` (the same statement under another reading than the one the paper states).  ``of`` names
    the statement a proof step belongs to (empty for a statement).  Verdict ids map back to their row with
    any ``[...]`` qualifier and the ``@0/0`` suffix removed.
    """

    id: str
    source: str
    page: str = ""
    equation: str = ""
    of: str = ""
    note: str = ""
    finding: Finding | None = None  # a printed row that fails: what its failure means

    def __post_init__(self):
        if self.finding is not None and self.source != PRINTED:
            raise ValueError(f"row {self.id}: only a printed row is a finding about the paper")
        if self.source not in SOURCES:
            raise ValueError(f"row {self.id}: source {self.source!r} is not one of {SOURCES}")
        if self.source == PRINTED and not (self.page and self.equation):
            raise ValueError(f"row {self.id}: a printed row needs its page and equation")


def printed(
    id: str, page: str, equation: str, of: str = "", note: str = "", finding: Finding | None = None
) -> Row:
    return Row(id, PRINTED, page, equation, of, note, finding)


def variant(id: str, note: str = "", page: str = "", equation: str = "") -> Row:
    return Row(id, VARIANT, page, equation, "", note)


def convention(id: str, page: str, equation: str, note: str = "") -> Row:
    return Row(id, CONVENTION, page, equation, "", note)


def row_key(verdict_id: str) -> list[str]:
    """Candidate row ids for a verdict id, most specific first."""
    base = verdict_id[:-4] if verdict_id.endswith("@0/0") else verdict_id
    keys = [base]
    if "[" in base:
        keys.append(base[: base.index("[")])
    return keys


@dataclass
class Claim:
    """One result of the paper, stated as printed, with the procedure that checks it."""

    id: str
    aliases: tuple[str, ...]
    title: str
    source: str
    kind: str
    summary: str
    statements: Callable[[], list[tuple[str, Any]]]
    hypotheses: tuple[str, ...]
    params: tuple[Param, ...]
    run: Callable[[dict, Settings, Formulas], list[Verdict]]
    formulas: Formulas
    perturbations: dict[str, Formulas] = field(default_factory=dict)
    falsify_grid: Callable[[], list[dict]] | None = None
    validate: Callable[[dict], None] | None = None
    perturb_at: dict[str, dict] = field(default_factory=dict)  # parameters where a perturbation must show
    notes: str = ""
    rows: tuple[Row, ...] = ()
    paper: str = ""  # the id of the paper stating it (filled by the registry, or by symspec.api.claim)
    # the last MEMO runs of this claim object: a run is a pure function of its resolved parameters, settings
    # (seed and --at included) and perturbation, so `ledger`, `findings` and `falsify` run
    # each distinct check once
    _memo: OrderedDict = field(default_factory=OrderedDict, init=False, repr=False, compare=False)

    def row(self, verdict_id: str) -> Row:
        table = {r.id: r for r in self.rows}
        for key in row_key(verdict_id):
            if key in table:
                return table[key]
        raise KeyError(
            f"{self.id}: verdict {verdict_id!r} has no declared row (declare it in the claim's ROWS)"
        )

    def attach(self, verdicts: list[Verdict]) -> list[Verdict]:
        """Give every verdict its row's source, page and equation (a verdict without a row is a defect)."""
        for v in verdicts:
            r = self.row(v.id)
            v.source, v.page, v.equation, v.of = r.source, r.page, r.equation, r.of
            if v.finding:  # undeclared: the statement is false where its premises hold
                v.finding_class = r.finding.cls if r.finding else ERROR
                v.premise = r.finding.premise if r.finding else ""
        return verdicts

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    def resolve(self, raw: dict | None = None) -> dict:
        """Parse and validate raw parameter values (strings or typed); unknown names are errors."""
        raw = dict(raw or {})
        names = {p.name for p in self.params}
        unknown = [k for k, v in raw.items() if k not in names and v is not None]
        if unknown:
            flag = unknown[0].replace("_", "-")
            raise SymspecError(f"--{flag} does not apply to claim {self.id}")
        values = {p.name: p.parse(raw.get(p.name)) for p in self.params}
        if self.validate is not None:
            self.validate(values)
        return values

    def check(
        self, raw: dict | None = None, settings: Settings | None = None, perturb: str | None = None
    ) -> "Report":
        settings = settings or Settings()
        values = self.resolve(raw)
        formulas = dict(self.formulas)
        if perturb is not None:
            if perturb not in self.perturbations:
                known = ", ".join(sorted(self.perturbations)) or "none"
                raise SymspecError(
                    f"--perturb: {perturb!r} is not a perturbation of {self.id} (known: {known})"
                )
            formulas.update(self.perturbations[perturb])
        key = (repr(values), repr(settings), perturb)
        if key in self._memo:
            self._memo.move_to_end(key)
            return copy.deepcopy(self._memo[key])
        token, seen = AT.set(settings.at), AT_SEEN.set({})
        try:
            verdicts = self.attach(self.run_finite(values, settings, formulas, raw))
            if settings.at:
                check_at(self.id, settings.at, AT_SEEN.get())
        finally:
            AT.reset(token)
            AT_SEEN.reset(seen)
        report = Report(
            claim=self.id,
            params=values,
            settings=settings,
            verdicts=verdicts,
            perturb=perturb,
            paper=self.paper,
        )
        self._memo[key] = copy.deepcopy(report)
        while len(self._memo) > MEMO:
            self._memo.popitem(last=False)
        return report

    def run_finite(
        self, values: dict, settings: Settings, formulas: Formulas, raw: dict | None
    ) -> list[Verdict]:
        """``run``, refusing parameters whose values overflow float64 on the way (a product of large means
        over many layers, say) instead of reporting rows computed from infinities:
        exit 2 naming the parameters."""
        try:
            with np.errstate(over="raise"):
                return self.run(values, settings, formulas)
        except (FloatingPointError, OverflowError) as exc:
            given = ", ".join(f"--{k.replace('_', '-')} {v}" for k, v in (raw or {}).items() if v is not None)
            raise SymspecError(
                f"{self.id}: {given or 'the defaults'} overflow float64 in the check ({exc}); "
                f"choose smaller magnitudes, fewer layers or smaller sizes"
            ) from None


@dataclass
class Report:
    claim: str
    params: dict
    settings: Settings
    verdicts: list[Verdict]
    perturb: str | None = None
    paper: str = ""  # the id of the paper whose claim this is (the claim's own ``paper``)

    @property
    def verdict(self) -> str:
        return overall(self.verdicts)

    @property
    def findings(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.finding]

    def replay(self, verdict: Verdict) -> tuple[dict, dict | None]:
        """(parameters, --at point) that reproduce ``verdict``'s two values when passed back to ``check``."""
        point = verdict.witness.get("point")
        at = (
            dict(point)
            if isinstance(point, dict) and all(isinstance(x, int) for x in point.values())
            else None
        )
        return dict(self.params), at


def overall(verdicts) -> str:
    """FAIL when a printed row fails; PASS when something passed; UNDEFINED when only 0/0 rows remain.

    A failing ``variant`` or ``convention`` row does not make the paper wrong; see :func:`counts`."""
    verdicts = list(verdicts)
    if any(v.finding for v in verdicts):
        return FAIL
    states = {v.verdict for v in verdicts}
    if PASS in states or FAIL in states or not states:
        return PASS
    return UNDEFINED


def counts(verdicts) -> dict:
    """{source: {pass, fail, undefined}} over the three row kinds."""
    out = {s: {PASS: 0, FAIL: 0, UNDEFINED: 0} for s in SOURCES}
    for v in verdicts:
        out.setdefault(v.source or VARIANT, {PASS: 0, FAIL: 0, UNDEFINED: 0})[v.verdict] += 1
    return out
