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
from .params import (MAX_GRID_ELEMENTS, MAX_WORK, Param, guard_size, guard_work, parse_floats,  # noqa: F401
                     parse_pair, parse_size)
from .verdicts import (AT, AT_SEEN, CONVENTION, FAIL, FALSE_ALARM, PASS, PRINTED, SOURCES, UNDEFINED, VARIANT, Comparison, Settings, Verdict,  # noqa: F401
                       bonferroni_z, check_at, identity_verdicts, moment_verdicts, number_from_one, point_of,
                       trend_verdict, undefined_verdict)



Formulas = dict[str, Callable[..., Any]]
MEMO = 32  # runs remembered per claim


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

    def __post_init__(self):
        if self.source not in SOURCES:
            raise ValueError(f"row {self.id}: source {self.source!r} is not one of {SOURCES}")
        if self.source == PRINTED and not (self.page and self.equation):
            raise ValueError(f"row {self.id}: a printed row needs its page and equation")


def printed(id: str, page: str, equation: str, of: str = "", note: str = "") -> Row:
    return Row(id, PRINTED, page, equation, of, note)


def variant(id: str, note: str = "", page: str = "", equation: str = "") -> Row:
    return Row(id, VARIANT, page, equation, "", note)


def convention(id: str, page: str, equation: str, note: str = "") -> Row:
    return Row(id, CONVENTION, page, equation, "", note)


def row_key(verdict_id: str) -> list[str]:
    """Candidate row ids for a verdict id, most specific first."""
    base = verdict_id[:-4] if verdict_id.endswith("@0/0") else verdict_id
    keys = [base]
    if "[" in base:
        keys.append(base[:base.index("[")])
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
    # the last MEMO runs of this claim object: a run is a pure function of its resolved parameters, settings
    # (seed and --at included) and perturbation, so `ledger`, `findings` and `falsify` run each distinct check once
    _memo: OrderedDict = field(default_factory=OrderedDict, init=False, repr=False, compare=False)

    def row(self, verdict_id: str) -> Row:
        table = {r.id: r for r in self.rows}
        for key in row_key(verdict_id):
            if key in table:
                return table[key]
        raise KeyError(f"{self.id}: verdict {verdict_id!r} has no declared row (declare it in the claim's ROWS)")

    def attach(self, verdicts: list[Verdict]) -> list[Verdict]:
        """Give every verdict its row's source, page and equation (a verdict without a row is a defect)."""
        for v in verdicts:
            r = self.row(v.id)
            v.source, v.page, v.equation, v.of = r.source, r.page, r.equation, r.of
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

    def check(self, raw: dict | None = None, settings: Settings | None = None,
              perturb: str | None = None) -> "Report":
        settings = settings or Settings()
        values = self.resolve(raw)
        formulas = dict(self.formulas)
        if perturb is not None:
            if perturb not in self.perturbations:
                known = ", ".join(sorted(self.perturbations)) or "none"
                raise SymspecError(f"--perturb: {perturb!r} is not a perturbation of {self.id} (known: {known})")
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
        report = Report(claim=self.id, params=values, settings=settings, verdicts=verdicts, perturb=perturb)
        self._memo[key] = copy.deepcopy(report)
        while len(self._memo) > MEMO:
            self._memo.popitem(last=False)
        return report


    def run_finite(self, values: dict, settings: Settings, formulas: Formulas, raw: dict | None) -> list[Verdict]:
        """``run``, refusing parameters whose values overflow float64 on the way (a product of large means over
        many layers, say) instead of reporting rows computed from infinities: exit 2 naming the parameters."""
        try:
            with np.errstate(over="raise"):
                return self.run(values, settings, formulas)
        except (FloatingPointError, OverflowError) as exc:
            given = ", ".join(f"--{k.replace('_', '-')} {v}" for k, v in (raw or {}).items() if v is not None)
            raise SymspecError(f"{self.id}: {given or 'the defaults'} overflow float64 in the check ({exc}); "
                               f"choose smaller magnitudes, fewer layers or smaller sizes") from None


@dataclass
class Report:
    claim: str
    params: dict
    settings: Settings
    verdicts: list[Verdict]
    perturb: str | None = None

    @property
    def verdict(self) -> str:
        return overall(self.verdicts)

    @property
    def findings(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.finding]

    def replay(self, verdict: Verdict) -> tuple[dict, dict | None]:
        """(parameters, --at point) that reproduce ``verdict``'s two values when passed back to ``check``."""
        point = verdict.witness.get("point")
        at = dict(point) if isinstance(point, dict) and all(isinstance(x, int) for x in point.values()) else None
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


