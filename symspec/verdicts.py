"""Verdicts and the only places where PASS / FAIL / UNDEFINED is decided.

* identities: max |symbolic - numeric| over the whole grid, relative to max |numeric|, against a tolerance;
* moments: the largest number of standard errors between formula and Monte-Carlo estimate, against a
  Bonferroni threshold that keeps the false-alarm rate of the whole check below ``FALSE_ALARM``;
* trends: a list of concrete comparisons, each with its two values; the first violated one is the witness.

Every verdict carries its row's provenance (``source``: printed / variant / convention, ``page``,
``equation``), declared once by the claim module (:class:`symspec.claims.Row`) and attached by
:meth:`symspec.claims.Claim.check`.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any, Iterable, Sequence

import numpy as np

PASS, FAIL, UNDEFINED = "pass", "fail", "undefined"
PRINTED, VARIANT, CONVENTION = "printed", "variant", "convention"
ONE_BASED_AXES = ("layer",)  # reported from 1 in witnesses (the paper's numbering), indexed from 0 in arrays

# ``--at``: restrict every comparison of the running check to one point (a witness replay).  Set by
# ``Claim.check`` for the duration of one run; the verdict builders read it.
AT: ContextVar[dict | None] = ContextVar("symspec_at", default=None)
# what the running check offered ``--at``: {axis: {("extent", n) for a grid axis of n points, ("value", text)
# for a comparison's point}}; after the run :func:`check_at` refuses an axis or index that names nothing
AT_SEEN: ContextVar[dict | None] = ContextVar("symspec_at_seen", default=None)
SOURCES = (PRINTED, VARIANT, CONVENTION)
# the class of a failing printed row (declared beside the row; see :class:`symspec.claims.Finding`)
ERROR, PREMISE, SCOPE, TYPO = "error", "premise", "scope", "typo"
FINDING_CLASSES = (ERROR, PREMISE, SCOPE, TYPO)
FALSE_ALARM = 1e-5  # per moment check; the design target is < 1e-4


@dataclass
class Verdict:
    """The outcome of one sub-claim at one parameter point."""

    id: str
    statement: str
    kind: str
    symbolic: Any
    numeric: Any
    error: float
    tolerance: float
    verdict: str
    witness: dict = field(default_factory=dict)
    note: str = ""
    source: str = ""  # printed | variant | convention (from the claim's declared rows)
    page: str = ""
    equation: str = ""
    of: str = ""  # for a proof step: the statement it belongs to
    finding_class: str = ""  # a failing printed row: error | premise | scope | typo (from its declared row)
    premise: str = ""  # finding_class premise: the row id of the premise that fails

    @property
    def failed(self) -> bool:
        return self.verdict == FAIL

    @property
    def finding(self) -> bool:
        """A failure of the paper as printed (what exit code 1 means); a failing variant is a
        symspec defect."""
        return self.verdict == FAIL and self.source == PRINTED


@dataclass
class Settings:
    """How the numeric side runs: dtype, device, seed, tolerance override."""

    dtype: str = "float64"
    device: str = "cpu"
    seed: int = 0
    tol: float | None = None
    at: dict | None = None  # a witness point to replay: {axis: value}, layers numbered from 1

    def identity_tol(self) -> float:
        if self.tol is not None:
            return self.tol
        return 1e-9 if self.dtype == "float64" else 1e-4


def _scalar(x: Any, complex_: bool | None = None) -> Any:
    """A plain Python scalar; complex stays complex when ``complex_`` (the quantity is complex-valued)."""
    if isinstance(x, (complex, np.complexfloating)):
        x = complex(x)
        keep = complex_ if complex_ is not None else abs(x.imag) > 0
        return x if keep else x.real
    if isinstance(x, (np.floating, np.integer)):
        return x.item()
    return x


def point_of(index: Sequence[int], axes: Sequence[str]) -> dict:
    return {name: int(i) for name, i in zip(axes, index)}


def _is_complex(*arrays: np.ndarray) -> bool:
    """A quantity is complex-valued when any of its values (formula or measurement) has an imaginary part."""
    return any(bool(np.any(np.nan_to_num(np.asarray(a).imag) != 0)) for a in arrays if np.iscomplexobj(a))


def at_mask(axes: Sequence[str], shape) -> np.ndarray | None:
    """The points of a grid that ``--at`` names (None: no restriction; axes the point does not name
    are free)."""
    at = AT.get()
    if not at:
        return None
    mask = np.ones(shape, dtype=bool)
    seen = AT_SEEN.get()
    for dim, name in enumerate(axes):
        if seen is not None and dim < len(shape):
            seen.setdefault(name, set()).add(("extent", int(shape[dim])))
        if name in at and dim < len(shape):
            index = int(at[name]) - (1 if name in ONE_BASED_AXES else 0)
            sel = np.arange(shape[dim]) == index
            mask &= sel.reshape([-1 if d == dim else 1 for d in range(len(shape))])
    return mask


def point_matches(point: dict | None) -> bool:
    """Whether a comparison's point is the one ``--at`` names (keys it does not name are free)."""
    at = AT.get()
    if not at or not point:
        return True
    seen = AT_SEEN.get()
    if seen is not None:
        for k, v in point.items():
            seen.setdefault(k, set()).add(("value", str(v)))
    return all(str(point[k]) == str(v) for k, v in at.items() if k in point)


def _allowed(axis: str, offers: set) -> str:
    base = 1 if axis in ONE_BASED_AXES else 0
    extents = [n for kind, n in offers if kind == "extent"]
    ranges = [f"{base}..{max(extents) - 1 + base}"] if extents else []
    values = sorted({v for kind, v in offers if kind == "value"}, key=lambda v: (len(v), v))
    return ", ".join(ranges + values[:12] + (["…"] if len(values) > 12 else []))


def check_at(claim: str, at: dict, seen: dict) -> None:
    """Refuse a ``--at`` point that names an axis the check has not, or an index outside every grid of
    that axis (it would select nothing, and the run would report only the rows that do not depend on it)."""
    from .errors import SymspecError

    for axis, value in at.items():
        if axis not in seen:
            raise SymspecError(
                f"--at: {axis!r} is not an axis of {claim} (axes: {', '.join(sorted(seen)) or 'none'})"
            )
        base = 1 if axis in ONE_BASED_AXES else 0
        offers = seen[axis]
        inside = any(kind == "extent" and base <= int(value) < n + base for kind, n in offers)
        if not inside and ("value", str(value)) not in offers:
            raise SymspecError(
                f"--at: {axis}={value} is outside the {claim} grid (allowed {axis}: {_allowed(axis, offers)})"
            )


def first_worst(score: np.ndarray) -> tuple:
    """The witness: the first grid point (in index order) whose score is within round-off (relative 1e-9)
    of the largest.  Ties are common (conjugate-symmetric frequencies fail alike) and must not be broken by
    the last bit of a library's arithmetic, or a witness would change between releases of numpy or torch."""
    top = float(np.max(score))
    if not np.isfinite(top) or top <= 0:
        return np.unravel_index(int(np.argmax(score)), score.shape)
    return np.unravel_index(int(np.argmax(score >= top * (1 - 1e-9))), score.shape)


def _masks(undefined, exclude, shape, axes=()):
    """(undefined, defined) boolean masks; excluded points, and points ``--at`` leaves out, are neither."""
    undefined = np.zeros(shape, dtype=bool) if undefined is None else np.broadcast_to(undefined, shape)
    exclude = np.zeros(shape, dtype=bool) if exclude is None else np.broadcast_to(exclude, shape)
    chosen = at_mask(axes, shape)
    if chosen is not None:
        exclude = exclude | ~chosen
    return undefined & ~exclude, ~undefined & ~exclude


@dataclass
class Sides:
    """The two sides of an identity broadcast onto one grid, its axes, the size its errors are relative to
    and whether the values are reported as complex numbers."""

    symbolic: np.ndarray
    numeric: np.ndarray
    axes: Sequence[str]
    scale: float
    cx: bool


def identity_verdicts(
    sub_id: str,
    statement: str,
    symbolic: np.ndarray,
    numeric: np.ndarray,
    axes: Sequence[str],
    params: dict,
    tol: float,
    undefined: np.ndarray | None = None,
    limit: np.ndarray | None = None,
    note: str = "",
    exclude: np.ndarray | None = None,
    scale: float | None = None,
) -> list[Verdict]:
    """Compare an exact identity at every grid point (except ``exclude``d ones, which the claim does
    not cover).

    Errors are relative to max |numeric|, or to ``scale`` when that is larger (the natural size of the
    quantity, for a quantity that is zero up to round-off at these parameters).

    ``symbolic`` is the printed formula evaluated on the grid; where ``undefined`` is True the printed
    quotient is 0/0 and ``limit`` (the finite-sum value) is reported instead in a separate UNDEFINED row.
    """
    symbolic = np.asarray(symbolic, dtype=np.complex128)
    numeric = np.asarray(numeric, dtype=np.complex128)
    symbolic, numeric = np.broadcast_arrays(symbolic, numeric)
    undefined, defined = _masks(undefined, exclude, symbolic.shape, axes)
    scale = max(float(np.abs(numeric).max()) if numeric.size else 0.0, float(scale or 0.0))
    scale = scale if scale > 0 else 1.0
    sides = Sides(symbolic, numeric, axes, scale, _is_complex(symbolic, numeric))
    verdicts: list[Verdict] = []
    if defined.any():
        verdicts.append(worst_point_verdict(sub_id, statement, sides, defined, params, tol, note))
    if undefined.any():
        verdicts.append(
            undefined_verdict(
                sub_id, statement, "identity", numeric, axes, params, undefined, limit, tol, scale
            )
        )
    return verdicts


def worst_point_verdict(
    sub_id: str, statement: str, sides: Sides, defined: np.ndarray, params: dict, tol: float, note: str
) -> Verdict:
    """The identity's row: its largest relative error over the ``defined`` points, at the first worst one."""
    symbolic, numeric, scale, cx = sides.symbolic, sides.numeric, sides.scale, sides.cx
    diff = np.where(defined, np.abs(symbolic - numeric), -1.0)
    diff = np.where(np.isnan(diff), np.inf, diff)
    worst = first_worst(diff)
    error = float(diff[worst]) / scale
    verdict = PASS if error <= tol else FAIL
    count = int(defined.sum())
    extra = f"max over {count} grid points, relative to max|numeric| = {scale:.4g}"
    return Verdict(
        id=sub_id,
        statement=statement,
        kind="identity",
        symbolic=_scalar(symbolic[worst], cx),
        numeric=_scalar(numeric[worst], cx),
        error=error,
        tolerance=tol,
        verdict=verdict,
        witness={
            "params": params,
            "point": point_of(worst, sides.axes),
            "symbolic": _scalar(symbolic[worst], cx),
            "numeric": _scalar(numeric[worst], cx),
        },
        note="; ".join(x for x in (note, extra) if x),
    )


def undefined_verdict(
    sub_id, statement, kind, numeric, axes, params, undefined, limit, tol, scale=1.0, numeric_se=None
) -> Verdict:
    """An UNDEFINED-AS-PRINTED row: the printed quotient is 0/0; report the finite-sum value."""
    idx = tuple(int(i) for i in np.argwhere(undefined)[0])
    count = int(np.asarray(undefined).sum())
    total = int(np.asarray(undefined).size)
    cx = _is_complex(np.asarray(numeric), *(() if limit is None else (np.asarray(limit),)))
    num = _scalar(np.asarray(numeric)[idx], cx)
    lim = None if limit is None else _scalar(np.broadcast_to(limit, np.shape(undefined))[idx], cx)
    note = f"printed quotient is 0/0 at {count} of {total} points (the witness is the first)"
    error = float("nan")
    if limit is not None:
        lim_all = np.broadcast_to(np.asarray(limit, dtype=np.complex128), np.shape(undefined))
        num_all = np.broadcast_to(np.asarray(numeric, dtype=np.complex128), np.shape(undefined))
        gap = np.abs(lim_all - num_all)[undefined]
        if numeric_se is not None:
            se = np.broadcast_to(np.asarray(numeric_se, dtype=float), np.shape(undefined))[undefined]
            error = float(np.max(gap / np.maximum(se, 1e-300)))
            note += f"; the finite-sum (limit) value agrees with the estimate within {error:.2f} SE"
        else:
            error = float(np.max(gap)) / (scale if scale > 0 else 1.0)
            note += f"; the finite-sum (limit) value matches torch to {error:.1e}"
    return Verdict(
        id=sub_id + "@0/0",
        statement=statement + "  [where the printed quotient is 0/0]",
        kind=kind,
        symbolic="0/0",
        numeric=num,
        error=error,
        tolerance=tol,
        verdict=UNDEFINED,
        witness={
            "params": params,
            "point": point_of(idx, axes),
            "symbolic": "0/0",
            "finite_sum": lim,
            "numeric": num,
        },
        note=note,
    )


def bonferroni_z(n_tests: int, alpha: float = FALSE_ALARM) -> float:
    """Two-sided z threshold so that n_tests Gaussian comparisons together false-alarm with prob < alpha."""
    n_tests = max(int(n_tests), 1)
    return NormalDist().inv_cdf(1.0 - alpha / (2.0 * n_tests))


@dataclass
class MomentGrid:
    """A moment formula against a Monte-Carlo estimate on one grid (``axes``): the three arrays broadcast
    together, and the points compared (``defined``) apart from those where the printed formula is 0/0
    (``undefined``) or that the row leaves out (``exclude``).

    For complex quantities ``se`` must be complex: real part = SE of the real part, imag = SE of the imag."""

    formula: np.ndarray
    estimate: np.ndarray
    se: np.ndarray
    axes: Sequence[str]
    undefined: np.ndarray | None = None
    exclude: np.ndarray | None = None

    def __post_init__(self):
        arrays = (np.asarray(x, dtype=np.complex128) for x in (self.formula, self.estimate, self.se))
        self.formula, self.estimate, self.se = np.broadcast_arrays(*arrays)
        self.undefined, self.defined = _masks(self.undefined, self.exclude, self.formula.shape, self.axes)
        self.is_complex = _is_complex(self.formula, self.estimate)
        self.parts = [(self.formula.real, self.estimate.real, self.se.real)]
        if self.is_complex:
            self.parts.append((self.formula.imag, self.estimate.imag, self.se.imag))

    @property
    def n_tests(self) -> int:
        return int(self.defined.sum()) * len(self.parts)

    def scores(self, rel_floor: float) -> np.ndarray:
        """Per point: (|difference| - allowance) / SE, the worse of the real and imaginary parts.  The
        allowance is a relative floor plus round-off relative to the largest value on the grid (a part that is
        exactly zero in every sample, e.g. Im T where T is real, has SE 0 and a formula off by 1e-17)."""
        roundoff = 1e-9 * max(
            float(np.nanmax(np.abs(self.formula), initial=0.0)),
            float(np.nanmax(np.abs(self.estimate), initial=0.0)),
        )
        floor = rel_floor * np.abs(self.formula) + roundoff
        score = np.full(self.formula.shape, -np.inf)
        for f, e, s in self.parts:
            s = np.maximum(s, 1e-300)
            z = (np.abs(f - e) - floor) / s
            z = np.where(np.isnan(z), np.inf, z)
            score = np.maximum(score, z)
        return score


def _moment_verdict(
    sub_id: str,
    statement: str,
    grid: MomentGrid,
    params: dict,
    rel_floor: float,
    note: str,
    n_samples: int | None,
) -> Verdict:
    """The worst defined point of the grid, judged against the Bonferroni threshold of all its comparisons."""
    masked = np.where(grid.defined, grid.scores(rel_floor), -np.inf)
    worst = first_worst(masked)
    error, z_thr = float(max(masked[worst], 0.0)), bonferroni_z(grid.n_tests)
    symbolic = _scalar(grid.formula[worst], grid.is_complex)
    numeric = _scalar(grid.estimate[worst], grid.is_complex)
    samples = f"{n_samples} samples; " if n_samples else ""
    return Verdict(
        id=sub_id,
        statement=statement,
        kind="moment",
        symbolic=symbolic,
        numeric=numeric,
        error=error,
        tolerance=z_thr,
        verdict=PASS if error <= z_thr else FAIL,
        witness={
            "params": params,
            "point": point_of(worst, grid.axes),
            "symbolic": symbolic,
            "numeric": numeric,
            "standard_error": _scalar(grid.se[worst], grid.is_complex),
        },
        note=(note + "; " if note else "")
        + samples
        + f"error = standard errors apart beyond a {rel_floor:g} relative floor, worst of {grid.n_tests}"
        f" comparisons; threshold keeps false alarms < {FALSE_ALARM:g}",
    )


def moment_verdicts(
    sub_id: str,
    statement: str,
    grid: MomentGrid,
    params: dict,
    rel_floor: float = 0.01,
    limit: np.ndarray | None = None,
    n_samples: int | None = None,
    note: str = "",
) -> list[Verdict]:
    """Compare a moment formula with a Monte-Carlo estimate at every point of ``grid``.

    The score at a point is (|difference| - rel_floor * |formula|) / SE, maximised over points and over
    real/imaginary parts; the verdict is PASS when that score is below the Bonferroni threshold.  Points where
    the printed formula is 0/0 get an UNDEFINED verdict against ``limit``.
    """
    verdicts: list[Verdict] = []
    if grid.defined.any():
        verdicts.append(_moment_verdict(sub_id, statement, grid, params, rel_floor, note, n_samples))
    if grid.undefined.any():
        numeric_se = None if limit is None else np.abs(grid.se) + rel_floor * np.abs(limit)
        verdicts.append(
            undefined_verdict(
                sub_id,
                statement,
                "moment",
                grid.estimate,
                grid.axes,
                params,
                grid.undefined,
                limit,
                bonferroni_z(grid.n_tests),
                numeric_se=numeric_se,
            )
        )
    return verdicts


@dataclass
class Comparison:
    """One concrete instance of a trend: ``holds`` says whether the claimed direction is observed."""

    description: str
    before: float
    after: float
    holds: bool
    where: dict = field(default_factory=dict)


def trend_verdict(
    sub_id: str, statement: str, comparisons: Iterable[Comparison], params: dict, note: str = ""
) -> Verdict:
    comparisons = [c for c in comparisons if point_matches(c.where)]
    failing = [c for c in comparisons if not c.holds]
    shown = failing[0] if failing else (comparisons[0] if comparisons else None)

    def gap(c: Comparison) -> float:
        denom = max(abs(c.before), abs(c.after), 1e-300)
        return abs(c.after - c.before) / denom

    error = max((gap(c) for c in failing), default=0.0)
    witness = {"params": params}
    if shown is not None:
        witness.update(
            {
                "comparison": shown.description,
                "before": shown.before,
                "after": shown.after,
                **({"point": shown.where} if shown.where else {}),
            }
        )
    return Verdict(
        id=sub_id,
        statement=statement,
        kind="trend",
        symbolic=shown.before if shown else None,
        numeric=shown.after if shown else None,
        error=error,
        tolerance=0.0,
        verdict=FAIL if failing else PASS,
        witness=witness,
        note=(note + "; " if note else "")
        + f"{len(comparisons) - len(failing)} of {len(comparisons)} comparisons hold"
        + (f"; violated: {shown.description}" if failing else ""),
    )


def number_from_one(verdicts: list[Verdict], axis: str) -> list[Verdict]:
    """Report an array axis (e.g. ``layer``) in the paper's 1-based numbering in witnesses."""
    for verdict in verdicts:
        point = verdict.witness.get("point")
        if isinstance(point, dict) and axis in point:
            point[axis] += 1
    return verdicts
