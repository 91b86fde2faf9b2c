"""Claims, their parameters and the verdicts that compare a printed formula with a torch run.

A :class:`Claim` states one result of the paper *as printed* (SymPy builders in ``formulas``), declares its
parameters, and owns a ``run`` procedure that substitutes the parameters, runs the real torch layers
(``symspec.numeric``) and returns one :class:`Verdict` per sub-claim.  The comparison helpers here are the
only places where PASS / FAIL / UNDEFINED is decided, so every claim is judged by the same rules:

* identities: max |symbolic - numeric| over the whole grid, relative to max |numeric|, against a tolerance;
* moments: the largest number of standard errors between formula and Monte-Carlo estimate, against a
  Bonferroni threshold that keeps the false-alarm rate of the whole check below ``FALSE_ALARM``;
* trends: a list of concrete comparisons, each with its two values; the first violated one is the witness.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from .errors import SymspecError

PASS, FAIL, UNDEFINED = "pass", "fail", "undefined"
FALSE_ALARM = 1e-5  # per moment check; the design target is < 1e-4
MAX_GRID_ELEMENTS = 120_000_000  # complex entries one check may hold at once (about 2 GB of complex128)


# --------------------------------------------------------------------------------------------- params


def _parse_int(name: str, raw: Any) -> int:
    if isinstance(raw, bool):
        raise SymspecError(f"--{name}: expected an integer, got {raw!r}")
    if isinstance(raw, (int, np.integer)):
        return int(raw)
    text = str(raw).strip()
    if not re.fullmatch(r"[+-]?\d+", text):
        raise SymspecError(f"--{name}: expected an integer, got {raw!r}")
    return int(text)


def _parse_float(name: str, raw: Any) -> float:
    if isinstance(raw, (int, float, np.floating)) and not isinstance(raw, bool):
        value = float(raw)
    else:
        try:
            value = float(str(raw).strip())
        except ValueError:
            raise SymspecError(f"--{name}: expected a number, got {raw!r}") from None
    if not math.isfinite(value):
        raise SymspecError(f"--{name}: expected a finite number, got {raw!r}")
    return value


def parse_size(name: str, raw: Any) -> tuple[int, int]:
    """``"12x10"`` -> (12, 10); ``"8"`` -> (8, 8)."""
    if isinstance(raw, (tuple, list)) and len(raw) == 2:
        m, n = (_parse_int(name, r) for r in raw)
    else:
        text = str(raw).strip().lower()
        match = re.fullmatch(r"([+-]?\d+)(?:\s*[x×,]\s*([+-]?\d+))?", text)
        if not match:
            raise SymspecError(f"--{name}: expected a size like 12x10 or 8, got {raw!r}")
        m = int(match.group(1))
        n = int(match.group(2)) if match.group(2) is not None else m
    if m <= 0 or n <= 0:
        raise SymspecError(f"--{name}: sizes must be positive, got {m}x{n}")
    return m, n


def parse_pair(name: str, raw: Any) -> tuple[int, int]:
    """``"3,4"`` -> (3, 4) (a frequency or an index pair, may be zero)."""
    if isinstance(raw, (tuple, list)) and len(raw) == 2:
        return tuple(_parse_int(name, r) for r in raw)  # type: ignore[return-value]
    text = str(raw).strip()
    match = re.fullmatch(r"\(?\s*([+-]?\d+)\s*[, ]\s*([+-]?\d+)\s*\)?", text)
    if not match:
        raise SymspecError(f"--{name}: expected two integers like 3,4, got {raw!r}")
    return int(match.group(1)), int(match.group(2))


def parse_floats(name: str, raw: Any) -> tuple[float, ...]:
    if isinstance(raw, (tuple, list)):
        return tuple(_parse_float(name, r) for r in raw)
    parts = [p for p in str(raw).split(",")]
    if not parts or any(not p.strip() for p in parts):
        raise SymspecError(f"--{name}: expected a number or a comma list, got {raw!r}")
    return tuple(_parse_float(name, p) for p in parts)


@dataclass(frozen=True)
class Param:
    """A typed, validated parameter of a claim.  ``kind``: int, float, floats, size, pair, choice."""

    name: str
    kind: str
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()

    def parse(self, raw: Any) -> Any:
        if raw is None:
            return self.default
        name = self.name.replace("_", "-")
        if self.kind == "int":
            value = _parse_int(name, raw)
            self._bounds(name, value)
            return value
        if self.kind == "float":
            value = _parse_float(name, raw)
            self._bounds(name, value)
            return value
        if self.kind == "floats":
            values = parse_floats(name, raw)
            for value in values:
                self._bounds(name, value)
            return values
        if self.kind == "size":
            value = parse_size(name, raw)
            for part in value:
                self._bounds(name, part)
            return value
        if self.kind == "pair":
            value = parse_pair(name, raw)
            return value
        if self.kind == "choice":
            text = str(raw).strip().lower()
            if text not in self.choices:
                raise SymspecError(f"--{name}: {raw!r} is not one of {', '.join(self.choices)}")
            return text
        raise AssertionError(self.kind)

    def _bounds(self, name: str, value: float) -> None:
        if self.minimum is not None and value < self.minimum:
            raise SymspecError(f"--{name}: {value} is below the minimum {self.minimum:g}")
        if self.maximum is not None and value > self.maximum:
            raise SymspecError(f"--{name}: {value} is above the maximum {self.maximum:g}")

    def show_default(self) -> str:
        if self.default is None:
            return "-"
        if self.kind == "size":
            return f"{self.default[0]}x{self.default[1]}"
        if self.kind == "pair":
            return f"{self.default[0]},{self.default[1]}"
        if self.kind == "floats":
            return ",".join(f"{v:g}" for v in self.default)
        return str(self.default)


# --------------------------------------------------------------------------------------------- verdicts


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

    @property
    def failed(self) -> bool:
        return self.verdict == FAIL


@dataclass
class Settings:
    """How the numeric side runs: dtype, device, seed, tolerance override."""

    dtype: str = "float64"
    device: str = "cpu"
    seed: int = 0
    tol: float | None = None

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


def _masks(undefined, exclude, shape):
    """(undefined, defined) boolean masks; excluded points are neither."""
    undefined = np.zeros(shape, dtype=bool) if undefined is None else np.broadcast_to(undefined, shape)
    exclude = np.zeros(shape, dtype=bool) if exclude is None else np.broadcast_to(exclude, shape)
    return undefined & ~exclude, ~undefined & ~exclude


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
) -> list[Verdict]:
    """Compare an exact identity at every grid point (except ``exclude``d ones, which the claim does not cover).

    ``symbolic`` is the printed formula evaluated on the grid; where ``undefined`` is True the printed
    quotient is 0/0 and ``limit`` (the finite-sum value) is reported instead in a separate UNDEFINED row.
    """
    symbolic = np.asarray(symbolic, dtype=np.complex128)
    numeric = np.asarray(numeric, dtype=np.complex128)
    symbolic, numeric = np.broadcast_arrays(symbolic, numeric)
    undefined, defined = _masks(undefined, exclude, symbolic.shape)
    scale = float(np.abs(numeric).max()) if numeric.size else 0.0
    scale = scale if scale > 0 else 1.0
    cx = _is_complex(symbolic, numeric)
    verdicts: list[Verdict] = []
    if defined.any():
        diff = np.where(defined, np.abs(symbolic - numeric), -1.0)
        diff = np.where(np.isnan(diff), np.inf, diff)
        worst = np.unravel_index(int(np.argmax(diff)), diff.shape)
        error = float(diff[worst]) / scale
        verdict = PASS if error <= tol else FAIL
        count = int(defined.sum())
        extra = f"max over {count} grid points, relative to max|numeric| = {scale:.4g}"
        verdicts.append(
            Verdict(
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
                    "point": point_of(worst, axes),
                    "symbolic": _scalar(symbolic[worst], cx),
                    "numeric": _scalar(numeric[worst], cx),
                },
                note="; ".join(x for x in (note, extra) if x),
            )
        )
    if undefined.any():
        verdicts.append(undefined_verdict(sub_id, statement, "identity", numeric, axes, params, undefined,
                                          limit, tol, scale))
    return verdicts


def undefined_verdict(sub_id, statement, kind, numeric, axes, params, undefined, limit, tol, scale=1.0,
                      numeric_se=None) -> Verdict:
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
        witness={"params": params, "point": point_of(idx, axes), "symbolic": "0/0", "finite_sum": lim,
                 "numeric": num},
        note=note,
    )


def bonferroni_z(n_tests: int, alpha: float = FALSE_ALARM) -> float:
    """Two-sided z threshold so that n_tests Gaussian comparisons together false-alarm with prob < alpha."""
    n_tests = max(int(n_tests), 1)
    return NormalDist().inv_cdf(1.0 - alpha / (2.0 * n_tests))


def moment_verdicts(
    sub_id: str,
    statement: str,
    formula: np.ndarray,
    estimate: np.ndarray,
    se: np.ndarray,
    axes: Sequence[str],
    params: dict,
    rel_floor: float = 0.01,
    undefined: np.ndarray | None = None,
    limit: np.ndarray | None = None,
    n_samples: int | None = None,
    note: str = "",
    exclude: np.ndarray | None = None,
) -> list[Verdict]:
    """Compare a moment formula with a Monte-Carlo estimate at every grid point.

    For complex quantities ``se`` must be complex: real part = SE of the real part, imag = SE of the imag.
    The score at a point is (|difference| - rel_floor * |formula|) / SE, maximised over points and over
    real/imaginary parts; the verdict is PASS when that score is below the Bonferroni threshold.
    """
    formula = np.asarray(formula, dtype=np.complex128)
    estimate = np.asarray(estimate, dtype=np.complex128)
    se = np.asarray(se, dtype=np.complex128)
    formula, estimate, se = np.broadcast_arrays(formula, estimate, se)
    undefined, defined = _masks(undefined, exclude, formula.shape)
    is_complex = _is_complex(formula, estimate)
    parts = [(formula.real, estimate.real, se.real)]
    if is_complex:
        parts.append((formula.imag, estimate.imag, se.imag))
    n_tests = int(defined.sum()) * len(parts)
    z_thr = bonferroni_z(n_tests)
    # allowance: a relative floor, plus round-off relative to the largest value on the grid (a part that is
    # exactly zero in every sample, e.g. Im T where T is real, has SE 0 and a formula off by 1e-17)
    roundoff = 1e-9 * max(float(np.nanmax(np.abs(formula), initial=0.0)), float(np.nanmax(np.abs(estimate), initial=0.0)))
    floor = rel_floor * np.abs(formula) + roundoff
    score = np.full(formula.shape, -np.inf)
    for f, e, s in parts:
        s = np.maximum(s, 1e-300)
        z = (np.abs(f - e) - floor) / s
        z = np.where(np.isnan(z), np.inf, z)
        score = np.maximum(score, z)
    verdicts: list[Verdict] = []
    samples = f"{n_samples} samples; " if n_samples else ""
    if defined.any():
        masked = np.where(defined, score, -np.inf)
        worst = np.unravel_index(int(np.argmax(masked)), masked.shape)
        error = float(max(masked[worst], 0.0))
        verdict = PASS if error <= z_thr else FAIL
        verdicts.append(
            Verdict(
                id=sub_id,
                statement=statement,
                kind="moment",
                symbolic=_scalar(formula[worst], is_complex),
                numeric=_scalar(estimate[worst], is_complex),
                error=error,
                tolerance=z_thr,
                verdict=verdict,
                witness={
                    "params": params,
                    "point": point_of(worst, axes),
                    "symbolic": _scalar(formula[worst], is_complex),
                    "numeric": _scalar(estimate[worst], is_complex),
                    "standard_error": _scalar(se[worst], is_complex),
                },
                note=(note + "; " if note else "") + samples
                + f"error = standard errors apart beyond a {rel_floor:g} relative floor, worst of {n_tests}"
                  f" comparisons; threshold keeps false alarms < {FALSE_ALARM:g}",
            )
        )
    if undefined.any():
        verdicts.append(
            undefined_verdict(sub_id, statement, "moment", estimate, axes, params, undefined, limit, z_thr,
                              numeric_se=None if limit is None else np.abs(se) + rel_floor * np.abs(limit))
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


def trend_verdict(sub_id: str, statement: str, comparisons: Iterable[Comparison], params: dict,
                  note: str = "") -> Verdict:
    comparisons = list(comparisons)
    failing = [c for c in comparisons if not c.holds]
    shown = failing[0] if failing else (comparisons[0] if comparisons else None)

    def gap(c: Comparison) -> float:
        denom = max(abs(c.before), abs(c.after), 1e-300)
        return abs(c.after - c.before) / denom

    error = max((gap(c) for c in failing), default=0.0)
    witness = {"params": params}
    if shown is not None:
        witness.update({"comparison": shown.description, "before": shown.before, "after": shown.after,
                        **({"point": shown.where} if shown.where else {})})
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


# --------------------------------------------------------------------------------------------- claims


Formulas = dict[str, Callable[..., Any]]


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
        verdicts = self.run(values, settings, formulas)
        return Report(claim=self.id, params=values, settings=settings, verdicts=verdicts, perturb=perturb)


@dataclass
class Report:
    claim: str
    params: dict
    settings: Settings
    verdicts: list[Verdict]
    perturb: str | None = None

    @property
    def verdict(self) -> str:
        states = {v.verdict for v in self.verdicts}
        if FAIL in states:
            return FAIL
        if PASS in states:
            return PASS
        return UNDEFINED if states else PASS


MAX_WORK = 2e11  # multiply-adds one check may ask for (minutes on a 2-core CPU)


def guard_work(what: str, operations: float, limit: float = MAX_WORK) -> None:
    """Refuse a request that would run for hours, naming what makes it large."""
    if operations > limit:
        raise SymspecError(f"{what}: about {operations:.1e} operations exceed the limit of {limit:.0e}; "
                           f"choose fewer samples, smaller sizes or fewer layers")


def guard_size(what: str, elements: int, limit: int = MAX_GRID_ELEMENTS) -> None:
    """Refuse a request that would need an absurd amount of memory, naming the size."""
    if elements > limit:
        gib = elements * 16 / 2**30
        raise SymspecError(f"{what}: {elements:,} complex values (~{gib:.1f} GiB) exceed the limit of "
                           f"{limit:,}; choose smaller sizes or fewer channels/samples")


def number_from_one(verdicts: list[Verdict], axis: str) -> list[Verdict]:
    """Report an array axis (e.g. ``layer``) in the paper's 1-based numbering in witnesses."""
    for verdict in verdicts:
        point = verdict.witness.get("point")
        if isinstance(point, dict) and axis in point:
            point[axis] += 1
    return verdicts
