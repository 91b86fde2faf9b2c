"""The public claim API: state a paper's claim in a few lines and get check, falsify, witnesses, perturbation
tests and JSON from the engine.

    >>> from symspec import Paper, claim
    >>> paper = Paper("mypaper", title="...", authors=("A. Author",), venue="arXiv", year=2024)
    >>> @claim(paper, "dft", page="2", equation="Eq. 1", statement=<SymPy expression>,
    ...        params={"size": (8, 1, 64)}, axes={"u": "size"}, inputs=lambda r: {"x": r.randn(r.size)})
    ... def measured(r):
    ...     return torch.fft.fft(r.x)

The *statement* is a SymPy expression over the parameters (symbols named like them), the grid ``axes`` and
data arrays (``IndexedBase`` objects named like the keys that ``inputs`` returns).  The engine evaluates it
on the grid (the printed side); the decorated function runs the real torch layers on the same data (the
numeric side).  Perturbations are generated from the statement (every integer symbol off by one, ``i`` to
``-i``) unless the claim computes its printed side itself (``printed=``) and names its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product
from typing import Any, Callable

from .claims import Claim, Param, Row, Settings, guard_size, identity_verdicts
from .errors import SymspecError
from .verdicts import CONVENTION, PRINTED, SOURCES, VARIANT  # noqa: F401  (re-exported row kinds)

GRID_POINTS = 48  # the default falsification grid's size


@dataclass
class Paper:
    """One paper: its metadata and its claims (``claims`` fills as claim modules are imported).

    ``short_names``: claim ids are the bare names (the decoder paper's historical ids); otherwise a claim of
    paper ``p`` named ``n`` has id ``p.n``."""

    id: str
    title: str
    authors: tuple[str, ...]
    venue: str
    year: int
    pages: str = ""
    url: str = ""
    claims: list = field(default_factory=list)
    short_names: bool = False
    ledger: Any = None  # a symspec.ledger.PaperLedger: its equations and what checks each (None: no ledger)
    # symspec.findings.Case records: its printed statements that fail, with witness tests
    findings: tuple = ()

    def claim(self, name: str, **spec):
        return claim(self, name, **spec)

    def qualified(self, name: str) -> str:
        return name if self.short_names else f"{self.id}.{name}"

    def metadata(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "authors": list(self.authors),
            "venue": self.venue,
            "year": self.year,
            "pages": self.pages,
            "url": self.url,
        }


class Run:
    """What a claim's functions receive: the parameters and the drawn data as attributes (``r.size``,
    ``r.x``), seeded Gaussian draws (``r.randn(3, 4)``), the dtype and device of the numeric side."""

    def __init__(self, values: dict, settings: Settings):
        self.values, self.settings, self.data = dict(values), settings, {}
        self._gen = None

    def __getattr__(self, name: str):
        values, data = self.__dict__.get("values", {}), self.__dict__.get("data", {})
        if name in data:
            return data[name]
        if name in values:
            return values[name]
        raise AttributeError(name)

    def __getitem__(self, name: str):
        return getattr(self, name)

    @property
    def dtype(self):
        from .numeric.layers import torch_dtype

        return torch_dtype(self.settings.dtype)

    @property
    def device(self):
        from .numeric.layers import torch_device

        return torch_device(self.settings.device)

    def randn(self, *shape: int):
        """Standard Gaussian draws from the run's seeded CPU generator (float64), cast to the run's dtype."""
        import torch

        from .numeric.layers import generator

        if self._gen is None:
            self._gen = generator(self.settings.seed)
        guard_size("tensor " + "x".join(map(str, shape)), int(torch.Size(shape).numel()))
        return torch.randn(shape, generator=self._gen, dtype=torch.float64).to(
            dtype=self.dtype, device=self.device
        )


def _param(name: str, spec) -> Param:
    if isinstance(spec, Param):
        return spec
    default, low, high, *rest = spec
    help_ = rest[0] if rest else f"{name} ({low} to {high})"
    kind = "float" if isinstance(default, float) else "int"
    return Param(name, kind, default, help_, minimum=low, maximum=high)


def _numpy(x):
    import numpy as np

    if hasattr(x, "detach"):
        x = x.detach().cpu()
        x = x.resolve_conj().numpy() if x.is_complex() else x.double().numpy()
    return np.asarray(x)


INTEGER_FUNCTIONS = {
    "floor": lambda a: __import__("numpy").floor(a).astype("int64"),
    "ceiling": lambda a: __import__("numpy").ceil(a).astype("int64"),
}


def evaluate(expr, run: Run, axes: dict) -> "Any":
    """The statement on the grid of ``axes`` (numpy broadcasting), with parameters and data bound by name."""
    import numpy as np
    import sympy as sp

    names = list(axes)
    ranges = [axis_range(axes[a], run) for a in names]
    extents = [len(r) for r in ranges]
    guard_size("statement grid " + "x".join(map(str, extents)), int(np.prod(extents, dtype=np.int64)))
    grids = {
        a: np.asarray(r).reshape([-1 if i == k else 1 for i in range(len(names))])
        for k, (a, r) in enumerate(zip(names, ranges))
    }
    bases = sorted({i.base.label.name for i in expr.atoms(sp.Indexed)})
    scalars = sorted(s.name for s in expr.free_symbols if isinstance(s, sp.Symbol) and s.name not in bases)
    env = {}
    for name in scalars:
        if name in grids:
            env[name] = grids[name]
        elif name in run.values:
            env[name] = run.values[name]
        else:
            raise SymspecError(f"statement symbol {name!r} is neither a parameter nor an axis")
    for name in bases:
        env[name] = _numpy(run.data[name])
    order = scalars + bases
    fn = sp.lambdify(
        [sp.Symbol(n) if n in scalars else sp.IndexedBase(n) for n in order],
        expr,
        modules=[INTEGER_FUNCTIONS, "numpy"],
    )
    try:
        out = np.asarray(fn(*(env[n] for n in order)))
    except IndexError:  # the statement reads past its data (an index off by one): no value anywhere
        out = np.full(tuple(extents), np.nan)
    return np.broadcast_to(out, tuple(extents)).copy() if names else out


def axis_range(spec, run: Run) -> range:
    """An axis: an extent (``"size"``: 0 .. size-1, an int, or a function of the run) or ``(first, last)``."""
    if isinstance(spec, tuple):
        first, last = (_extent(x, run) for x in spec)
        return range(first, last + 1)
    return range(_extent(spec, run))


def _extent(spec, run: Run) -> int:
    if callable(spec):
        return int(spec(run))
    if isinstance(spec, str):
        return int(run.values[spec])
    return int(spec)


def off_by_one(expr, names) -> dict:
    """The statement with each integer symbol ``n`` of ``names`` replaced by ``n + 1``, and ``i`` by
    ``-i``."""
    import sympy as sp

    out = {}
    for s in sorted(expr.free_symbols, key=lambda s: s.name):
        if isinstance(s, sp.Symbol) and s.name in names:
            out[f"{s.name}+1"] = expr.xreplace({s: s + 1})
    if expr.has(sp.I):
        out["conjugate"] = expr.xreplace({sp.I: -sp.I})
    return out


def claim(
    paper: Paper,
    name: str,
    *,
    statement,
    page: str = "",
    equation: str = "",
    source: str = PRINTED,
    params: dict | None = None,
    axes: dict | None = None,
    inputs: Callable | None = None,
    printed: Callable | None = None,
    then: Callable | None = None,
    compare: str = "identity",
    perturbations: dict | None = None,
    title: str = "",
    summary: str = "",
    hypotheses=(),
    aliases=(),
    notes: str = "",
    tol: float | None = None,
    grid: Callable | None = None,
    validate: Callable | None = None,
    display=None,
    auto_perturb: bool = True,
):
    """Decorator: the decorated function is the numeric side (``measure(r)`` returns a tensor or array on the
    statement's grid); returns the :class:`~symspec.claims.Claim`, registered on ``paper``.

    ``statement``: SymPy expression (or a callable returning one) of the printed formula; ``printed(r)``
    replaces its evaluation when the printed side needs more than an expression (``r.statement`` holds the
    possibly perturbed expression); ``then(values, r)`` post-processes the evaluated statement (e.g. the
    singular values of per-frequency matrices).  ``auto_perturb=False`` keeps only the named
    ``perturbations`` (e.g. where an index off by one leaves its array).  ``compare``: ``identity`` (point by
    point over ``axes``) or ``multiset`` (sorted values, e.g. a spectrum).  ``source``: printed, variant or
    convention."""
    if source not in SOURCES:
        raise ValueError(f"claim {name}: source {source!r} is not one of {SOURCES}")
    if compare not in ("identity", "multiset"):
        raise ValueError(f"claim {name}: compare {compare!r} is not identity or multiset")
    params = {k: _param(k, v) for k, v in (params or {}).items()}
    axes = dict(axes or {})
    cid = paper.qualified(name)
    text = _Text(name, page, equation, source, title, summary, hypotheses, aliases, notes, display)

    def decorate(measure: Callable) -> Claim:
        state = _Spec(cid, statement, axes, inputs, printed, then, compare, measure, tol)
        perturbed = dict(perturbations or {})
        if printed is None and auto_perturb:
            auto = off_by_one(state.expr(), set(params) | set(axes))
            perturbed = {**{k: v for k, v in auto.items()}, **perturbed}
        table = {k: _override(v) for k, v in perturbed.items()}
        return _register(paper, state, text, params, table, grid, validate)

    return decorate


@dataclass
class _Text:
    """What a claim of :func:`claim` says about itself: its name, reference, kind of row and prose."""

    name: str
    page: str
    equation: str
    source: str
    title: str
    summary: str
    hypotheses: Any
    aliases: Any
    notes: str
    display: Any


def _register(paper: Paper, state: _Spec, text: _Text, params: dict, table: dict, grid, validate) -> Claim:
    """The :class:`~symspec.claims.Claim` of ``state``, appended to ``paper``'s claims."""
    cid, name, source = state.id, text.name, text.source
    formulas = {"statement": state.statement_fn, "printed": state.printed}
    row = Row(cid, source, text.page, text.equation, "", text.notes if source != PRINTED else "")
    c = Claim(
        id=cid,
        aliases=tuple(text.aliases),
        title=text.title or name,
        source=_reference(paper, text.page, text.equation),
        kind="identity",
        summary=text.summary or text.title or name,
        statements=lambda: [(name, text.display if text.display is not None else state.expr())],
        hypotheses=tuple(text.hypotheses),
        params=tuple(params.values()),
        run=state.run,
        formulas=formulas,
        perturbations=table,
        falsify_grid=grid or (lambda: default_grid(tuple(params.values()))),
        validate=validate,
        notes=text.notes,
        rows=(row,),
        paper=paper.id,
    )
    paper.claims.append(c)
    return c


def _override(spec) -> dict:
    """A perturbation: a replacement statement (an expression) or a replacement printed side (a callable)."""
    if callable(spec) and not hasattr(spec, "free_symbols"):
        return {"printed": spec}
    return {"statement": lambda: spec}


def _reference(paper: Paper, page: str, equation: str) -> str:
    authors = paper.authors[0].split()[-1] + (
        " et al."
        if len(paper.authors) > 2
        else f" & {paper.authors[1].split()[-1]}"
        if len(paper.authors) == 2
        else ""
    )
    where = ", ".join(x for x in (f"p. {page}" if page and page[0].isdigit() else page, equation) if x)
    return f"{authors} {paper.year}" + (f", {where}" if where else "")


def default_grid(params: tuple[Param, ...]) -> list[dict]:
    """Small values of every integer parameter (its minimum up), at most ``GRID_POINTS`` points."""
    axes = []
    for p in params:
        if p.kind == "int" and p.minimum is not None:
            top = int(p.maximum) if p.maximum is not None else int(p.minimum) + 3
            axes.append([(p.name, v) for v in range(int(p.minimum), min(top, int(p.minimum) + 3) + 1)])
        else:
            axes.append([(p.name, p.default)])
    points = [dict(combo) for combo in product(*axes)]
    return points[:GRID_POINTS]


@dataclass
class _Spec:
    id: str
    statement: Any
    axes: dict
    inputs: Callable | None
    printed: Callable | None
    then: Callable | None
    compare: str
    measure: Callable
    tol: float | None

    def expr(self):
        return (
            self.statement()
            if callable(self.statement) and not hasattr(self.statement, "free_symbols")
            else self.statement
        )

    def statement_fn(self):
        return self.expr()

    def run(self, values: dict, settings: Settings, formulas: dict) -> list:
        import numpy as np

        r = Run(values, settings)
        r.data = dict(self.inputs(r)) if self.inputs else {}
        r.statement = formulas["statement"]()
        if formulas.get("printed") is not None:
            expected = _numpy(formulas["printed"](r))
        else:
            expected = evaluate(r.statement, r, self.axes)
            if self.then is not None:
                expected = _numpy(self.then(expected, r))
        measured = _numpy(self.measure(r))
        tol = self.tol if self.tol is not None and settings.tol is None else settings.identity_tol()
        shown = {
            k: (f"{v[0]}x{v[1]}" if isinstance(v, tuple) and len(v) == 2 else v) for k, v in values.items()
        }
        if self.compare == "multiset":
            expected, measured = (np.sort(np.real(np.ravel(a)))[::-1] for a in (expected, measured))
            axes = ("rank",)
        else:
            axes = tuple(self.axes) or tuple(f"i{k}" for k in range(np.ndim(measured)))
        if np.shape(expected) != np.shape(measured):
            raise SymspecError(
                f"{self.id}: the printed side has shape {np.shape(expected)}, the torch side "
                f"{np.shape(measured)} (at {shown})"
            )
        statement = _one_line(r.statement)
        verdicts = identity_verdicts(self.id, statement, expected, measured, axes, shown, tol)
        if self.compare == "identity":
            firsts = {a: axis_range(spec, r).start for a, spec in self.axes.items()}
            for v in verdicts:
                point = v.witness.get("point") or {}
                for a in point:
                    point[a] += firsts.get(a, 0)
        return verdicts


def _one_line(expr) -> str:
    text = str(expr)
    return text if len(text) <= 100 else text[:97] + "..."
