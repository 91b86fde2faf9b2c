"""Renderer of ``symspec audit --norm spectral``'s operator norms: one row per conv layer and the Lipschitz
product (the figures themselves are ``symspec.audit.norms``)."""

from __future__ import annotations

import math
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..audit.norms import lipschitz
from ..audit.trace import node_name

__all__ = ["lipschitz", "norms_table", "lipschitz_line", "print_norms"]

LEGEND = (
    "circular: the exact operator norm (ℓ2) of the layer on its map grid with circular padding ([lower, "
    "upper] on a large grid: σ_max at frequencies of the grid, the continuum certificate); zero-pad: a "
    "certified interval for the real zero-padded layer (lower: Lanczos on the layer itself, on a crop of a "
    "large map; upper: the circular norm on the grid enlarged by the padding, or on a large grid the "
    "continuum certificate, which bounds every grid; reflect and replicate padding: the same column holds "
    "[Lanczos on the layer, ‖P‖ × the valid conv's bound on the padded map], ‖P‖ = √(the most copies of one "
    "pixel)); bound: the upper bound the Lipschitz product uses; intervals are rounded outwards"
)


def _value(x) -> str:
    return "-" if x is None else f"{x:.6g}"


def _outward(lower: float, upper: float) -> str:
    """``[lower, upper]`` to 6 decimals rounded outwards (the printed interval still encloses the value)."""
    if not (math.isfinite(lower) and math.isfinite(upper)):
        return f"[{lower:.6f}, {upper:.6f}]"
    q = Decimal("1e-6")
    lo = Decimal(lower).quantize(q, rounding=ROUND_FLOOR)
    hi = Decimal(upper).quantize(q, rounding=ROUND_CEILING)
    return f"[{lo}, {hi}]"


def _circular(norms) -> str:
    b = norms.get("circular_bounds")
    return _value(norms["circular"]) if b is None else _outward(b[0], b[1])


def _interval(z) -> str:
    return "-" if z is None else _outward(z["lower"], z["upper"])


def _width(z) -> str:
    return "-" if z is None or z["upper"] <= 0 else f"{100 * z['width'] / z['upper']:.2g}%"


def _path(n, width: int = 34) -> str:
    p = node_name(n)
    return p if len(p) <= width else "…" + p[-(width - 1) :]


def _shape(s) -> str:
    return "-" if s is None else "x".join(map(str, s))


def norms_table(report, width: int = 200) -> Table:
    from .table import Col, build

    cols = [
        Col("#", "right"),
        Col("node", wrap=True, min_width=14),
        Col("op"),
        Col("in", priority=2),
        Col("circular", "right"),
        Col("zero-pad [lower, upper]", "right"),
        Col("width", "right", priority=1),
        Col("bound", "right"),
        Col("note", wrap=True, priority=3),
    ]
    rows = [
        [
            str(n.index),
            _path(n),
            n.op,
            _shape(n.shape_in),
            _circular(n.norms),
            _interval(n.norms["zero_pad"]),
            _width(n.norms["zero_pad"]),
            _value(n.norms["bound"]),
            "; ".join(
                x
                for x in (
                    n.norms["note"] or n.norms["padding"],
                    n.norms["zero_pad"] and n.norms["zero_pad"].get("method"),
                )
                if x
            ),
        ]
        for n in report.nodes
        if n.norms is not None
    ]
    return build(cols, rows, width, title="operator norms (ℓ2 → ℓ2) of the conv layers")


def lipschitz_line(report) -> str:
    lip = lipschitz(report.nodes)
    if lip is None:
        return "Lipschitz bound: no conv layer"
    if lip["bound"] is None:
        return f"Lipschitz bound: none (no proven bound for {', '.join(lip['missing'])})"
    line = (
        f"Lipschitz bound: {lip['bound']:.6g} = the product over {lip['layers']} conv layers of their "
        "bounds: "
        f"{lip['assumes']}"
    )
    if lip["not_covered"]:
        others = ", ".join(f"{v} {k}" for k, v in lip["not_covered"].items())
        line += f"; not a bound on this decoder, whose graph also has {others}, which it does not cover"
    return line


def print_norms(console: Console, report) -> None:
    if not any(n.norms is not None for n in report.nodes):
        return
    console.print(norms_table(report, console.width))
    console.print(Text(LEGEND))
    console.print(Text(lipschitz_line(report)))
