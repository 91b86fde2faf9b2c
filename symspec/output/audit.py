"""Renderer of ``symspec audit``: the node table, the findings, the JSON document, the plot and ``--vs``."""

from __future__ import annotations

import io
import math
from collections import Counter
from dataclasses import fields

import numpy as np
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..audit.measure import DB_FLOOR
from ..audit.report import AuditReport
from ..audit.trace import node_name
from ..conditions import describe
from .jsonout import SCHEMA_ID, jsonable
from .norms import lipschitz, print_norms

PATH_WIDTH = 48  # the node column's widest name; a longer one (or a narrower table) elides from the left
NODE_MIN = 14


NONFINITE = "—"


def _db(x) -> str:
    """A figure in dB; None (not applicable) as '-', a non-finite one (zero power, 0/0) as '—' (its reason is
    printed below the table, ``_why``)."""
    if x is None:
        return "-"
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)) or x <= DB_FLOOR + 1:
        return NONFINITE
    return f"{x:.1f}"


def _why(figure: str, x) -> str:
    """Why a figure is not a finite number of dB."""
    if x is None or not isinstance(x, float) or (math.isfinite(x) and x > DB_FLOOR + 1):
        return ""
    reasons = {
        "checkerboard": (
            "a constant input stays constant: no power at the periodic frequencies",
            "the stage's response to a constant input is zero",
        ),
        "replica": ("no energy outside the signal band", "no energy in the signal band either"),
    }
    minus, nan = reasons[figure]
    return minus if not math.isnan(x) and x < 0 else (nan if math.isnan(x) else "no energy at DC")


def _triple(d) -> str:
    return "-" if not d else "/".join(_db(d[k]) for k in ("dc", "mid", "high"))


def _shape(s) -> str:
    return "-" if s is None else "x".join(map(str, s))


def _elide(name: str, width: int = PATH_WIDTH) -> str:
    """A node's name within ``width`` characters, elided from the left (the class and op stay readable)."""
    return name if len(name) <= width else "…" + name[-(width - 1) :]


def verdict_word(hits) -> str:
    return "FINDINGS" if hits else "PASS"


def _replica(r) -> str:
    if not r:
        return "-"
    out = _db(r["level_db"])
    if r.get("at_output_db") is not None:
        out += f"→{_db(r['at_output_db'])}"
    return out


def _checker(r) -> str:
    if not r or r.get("checkerboard_db") is None:
        return "-"
    out = _db(r["checkerboard_db"])
    if r.get("checkerboard_at_output_db") is not None:
        out += f"→{_db(r['checkerboard_at_output_db'])}"
    return out


def _uneven(n) -> str:
    return "-" if n.uneven_overlap is None else ("yes" if n.uneven_overlap else "no")


def shown(report, all_nodes: bool = False):
    """Nodes worth a row: all but plain copies/reshapes and paddings reported by their conv."""
    return [
        n
        for n in report.nodes
        if all_nodes
        or n.op == "input"
        or (n.status != "identity" and not (n.kind == "pad" and n.note.startswith("padding of node")))
    ]


def build_table(report, all_nodes: bool = False, width: int = 200) -> Table:
    """One row per node; at narrow widths the optional columns go first (measured, shapes, ΔA, alias, leak,
    status, replica), never the gains."""
    from .table import Col, _wrap_room, build, fit

    shape = "x".join(map(str, report.input_shape))
    gain_name = "gain dB dc/mid/hi" if report.norm == "mean" else "σmax² dB dc/mid/hi"
    cols = [
        Col("#", "right"),
        Col("node", wrap=True, min_width=NODE_MIN),
        Col("op"),
        Col("status", priority=6),
        Col("out", priority=2),
        Col(gain_name, "right"),
        Col("measured dB", "right", priority=1),
        Col("checker dB", "right", priority=8),
        Col("replica dB", "right", priority=7),
        Col("uneven", priority=1),
        Col("leak dB", "right", priority=5),
        Col("alias", "right", priority=4),
        Col("ΔA pred/meas", "right", priority=3),
    ]
    rows = []
    for n in shown(report, all_nodes):
        gain = n.spectral_db if report.norm == "spectral" and n.spectral_db else n.gain_db
        alias = (
            "-"
            if not n.alias
            else f"{n.alias['factor']}x"
            + (f" {_db(n.alias['level_db'])}" if n.alias.get("level_db") is not None else "")
        )
        att = "-" if n.att_meas_db is None else f"{_db(n.att_pred_db)}/{_db(n.att_meas_db)}"
        rows.append(
            [
                str(n.index),
                node_name(n),
                n.op,
                n.status,
                _shape(n.shape_out),
                _triple(gain),
                _triple(n.measured_db),
                _checker(n.replica),
                _replica(n.replica),
                _uneven(n),
                _db(n.dc_leak_db),
                alias,
                att,
            ]
        )
    room = min(PATH_WIDTH, max(NODE_MIN, _wrap_room(cols, rows, fit(cols, rows, width), width)))
    for row in rows:  # one line per node: the name elided to the room the other columns leave
        row[1] = _elide(row[1], room)
    return build(
        cols, rows, width, title=f"symspec audit {report.target}  (input {shape}, batch {report.batch})"
    )


def _upsampler_lines(n) -> list[str]:
    r = n.replica
    factor = "×" + "x".join(f"{v:g}" for v in dict.fromkeys(r["factor"]))
    uneven = (
        ""
        if n.uneven_overlap is None
        else ("; uneven overlap (k mod s ≠ 0)" if n.uneven_overlap else "; even overlap")
    )
    head = (
        f"  {n.index}:{node_name(n)} {factor}: checkerboard {_db(r['checkerboard_db'])} → "
        f"{_db(r['checkerboard_at_output_db'])} dB, replica {_db(r['level_db'])} → "
        f"{_db(r['at_output_db'])} dB"
        f"{uneven}; measured replica {_db(r['measured_db'])} dB here, {_db(r['measured_at_output_db'])} dB "
        "at "
        f"the output ({r['note']})"
    )
    lines = [head]
    for figure, key in (
        ("checkerboard", "checkerboard_db"),
        ("checkerboard", "checkerboard_at_output_db"),
        ("replica", "level_db"),
        ("replica", "at_output_db"),
    ):
        why = _why(figure, r[key])
        if why and f"      {NONFINITE} {figure}: {why}" not in lines:
            lines.append(f"      {NONFINITE} {figure}: {why}")
    if r.get("checker_note"):
        lines.append(f"      {r['checker_note']}")
    return lines


def gap_line(gap) -> str:
    """The predicted-vs-measured gap (``findings["gap"]``) in one line, with its likely cause."""
    nodes = ", ".join(f"{g['node']} ({g['kind']}) {g['difference_db']:+.1f}" for g in gap["nodes"])
    cause = gap["cause"]
    if gap["kind"] == "linear":
        cause += f" ({', '.join(gap['unmapped'])})" if gap["unmapped"] else " (none reaches the output)"
    return (
        f"gap: measured − predicted attenuation {gap['difference_db']:+.1f} dB (more than "
        f"{gap['limit_db']:g} dB apart); likely cause: {cause}"
        + (
            f"; largest ΔA differences (dB): {nodes}, {gap['explained_db']:+.1f} of "
            f"{gap['difference_db']:+.1f} together"
            if nodes
            else ""
        )
    )


def summary_lines(report, hits, conditions=None) -> list[str]:
    f = report.findings
    counts = Counter(n.status for n in report.nodes if n.op != "input")
    ops = Counter(
        n.op for n in report.nodes if n.status in ("exact", "measured", "unmapped") and n.op != "input"
    )
    lines = [
        f"nodes: {sum(counts.values())} ({', '.join(f'{v} {k}' for k, v in sorted(counts.items()))}); "
        + ", ".join(f"{v} {k}" for k, v in ops.most_common(8))
    ]
    ups = [n for n in report.nodes if n.replica]
    if ups:
        lines.append(
            f"upsampling nodes: {len(ups)}; checkerboard (constant input: periodic power other than DC "
            f"vs DC) and replica (white input: images of the band vs the band), exact → at the output:"
        )
        for n in ups:
            lines.extend(_upsampler_lines(n))
    else:
        lines.append("upsampling nodes: 0 (no node raises the grid)")
    lines.append(
        f"high-frequency attenuation end to end: predicted {_db(report.attenuation_db)} dB (white input, "
        f"linear path, nonlinear nodes as identity); measured {_db(report.measured_attenuation_db)} dB "
        f"(real module)"
    )
    if f["attribution"]:
        parts = [f"{a['node']} {a['difference_db']:+.1f}" for a in f["attribution"][:5]]
        lines.append("measured − predicted ΔA by node (dB): " + ", ".join(parts))
    if f.get("gap"):
        lines.append(gap_line(f["gap"]))
    for n in report.nodes:
        if n.status == "unmapped":
            side = "" if n.reaches_output else " (a branch that does not reach the output: not a finding)"
            lines.append(f"  unmapped  {n.index}:{node_name(n)}: {n.note}{side}")
    for w in f.get("warnings", []):
        lines.append(f"  warning  {w}")
    lines.append(
        f"findings (above {f['threshold_db']:g} dB at the output): checkerboard {len(f['checkerboard'])}, "
        f"replicas {len(f['replicas'])}, dc-leak {len(f['dc_leak'])}, aliasing {len(f['aliasing'])}, "
        f"unmapped {len(f['unmapped'])}"
    )
    for h in hits:
        lines.append(f"  finding  {h}")
    counted = "" if conditions is None else f"counted: {describe(conditions)}; "
    lines.append(
        verdict_word(hits) + f"  ({counted}{report.seconds.get('trace_s', 0):.2f} s forward pass recorded, "
        f"{report.seconds.get('analysis_s', 0):.2f} s analysis)"
    )
    return lines


LEGEND = (
    "gain: exact mean-power gain for a white input (per pixel); measured: S_out/S_in in the real pass; "
    "checker: constant-input periodic power vs DC, exact → at the output; replica: images of the signal band "
    "vs the band (white input), exact → at the output; uneven: k mod s ≠ 0; leak: padding's "
    "low-band leakage of a constant input vs DC; ΔA: change of low/high-band attenuation, predicted/measured"
)


def print_audit(console: Console, report, hits, all_nodes: bool = False, conditions=None) -> None:
    console.print(build_table(report, all_nodes, console.width))
    console.print(Text(LEGEND))
    print_norms(console, report)  # --norm spectral: the conv layers' operator norms
    for line in summary_lines(report, hits, conditions):
        console.print(Text(line))


def table_text(report, width: int = 160, all_nodes: bool = False) -> str:
    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system=None, highlight=False, markup=False, emoji=False)
    print_audit(console, report, report.hits(), all_nodes)
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"


def _clean(x):
    """Zero power (the dB floor of ``audit.measure.db``) as -inf, which the shared JSON layer writes "-inf"
    like every other command's infinities; None stays null (not applicable)."""
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    if isinstance(x, (np.floating, float)):
        v = float(x)
        return float("-inf") if v <= DB_FLOOR + 1 else v
    if isinstance(x, np.integer):
        return int(x)
    return x


def audit_dict(report, hits, conditions=None) -> dict:
    nodes = [
        {
            "index": n.index,
            "name": node_name(n),
            "op": n.op,
            "path": n.path,
            "module": n.module,
            "status": n.status,
            "kind": n.kind,
            "inputs": n.inputs,
            "shape_in": n.shape_in,
            "shape_out": n.shape_out,
            "rule": n.rule,
            "note": n.note,
            "gain_db": n.gain_db,
            "spectral_db": n.spectral_db,
            "measured_db": n.measured_db,
            "replica": n.replica,
            "checkerboard_db": n.checkerboard_db,
            "replica_db": n.replica_db,
            "uneven_overlap": n.uneven_overlap,
            "reaches_output": n.reaches_output,
            "warning": n.warning or None,
            "dc_leak_db": n.dc_leak_db,
            "alias": n.alias,
            "attenuation_predicted_db": n.att_pred_db,
            "attenuation_measured_db": n.att_meas_db,
            "attribution_db": n.attribution_db,
            "prediction_restarted": n.restarted,
            "norms": n.norms,
        }
        for n in report.nodes
    ]
    params = {
        "target": report.target,
        "input": list(report.input_shape),
        "batch": report.batch,
        "norm": report.norm,
    }
    return _clean(
        {
            "schema": SCHEMA_ID,
            "command": "audit",
            "params": params,
            **params,
            "layers": nodes,
            "findings": report.findings,
            "attenuation_db": report.attenuation_db,
            "measured_attenuation_db": report.measured_attenuation_db,
            "seconds": report.seconds,
            "fail_on": hits,
            **({} if conditions is None else {"counted": describe(conditions)}),
            "verdict": "findings" if hits else "pass",
            **({"lipschitz": lipschitz(report.nodes)} if report.norm == "spectral" else {}),
        }
    )


def verdict_line(reports, hits) -> str:
    """``audit --quiet``: FINDINGS when a counted condition holds (every finding at the output unless
    --fail-on narrows them), else PASS; then the findings counts (A and B with --vs)."""
    keys = ("checkerboard", "replicas", "dc_leak", "aliasing", "unmapped")
    head = verdict_word(any(hits))
    if len(reports) == 1:
        f = reports[0].findings
        return f"{head}  audit: " + ", ".join(f"{k.replace('_', '-')} {len(f[k])}" for k in keys)
    ab = ", ".join(
        f"{label} " + "/".join(str(len(r.findings[k])) for k in keys) for label, r in zip("AB", reports)
    )
    return f"{head}  audit A vs B: {ab} (checkerboard/replicas/dc-leak/aliasing/unmapped)"


class Audit(AuditReport):
    """What ``symspec.audit(module, shape)`` returns: the report with its renderers bound."""

    def table(self, width: int = 160, all_nodes: bool = False) -> str:
        return table_text(self, width=width, all_nodes=all_nodes)

    def to_json(self, hits: list[str] | None = None) -> str:
        """The ``audit --json`` document; ``hits`` default to ``self.hits()`` (every finding counted)."""
        return audit_json([self], [self.hits() if hits is None else hits])

    def plot(self, path: str) -> str:
        plot_audit(self, path)
        return path


def bound(report: AuditReport) -> Audit:
    return Audit(**{f.name: getattr(report, f.name) for f in fields(report)})


def audit_json(reports, hits, conditions=None) -> str:
    """The `audit --json` document (symspec/1); with --vs, the second architecture under "vs"."""
    import json

    doc = audit_dict(reports[0], hits[0], conditions)
    if len(reports) > 1:
        doc["vs"] = audit_dict(reports[1], hits[1], conditions)
        doc["verdict"] = "findings" if any(hits) else "pass"
    return json.dumps(jsonable(doc), indent=2, allow_nan=False)


VS_ROWS = (
    ("nodes", lambda r: str(len([n for n in r.nodes if n.op != "input"]))),
    (
        "exact/measured/unmapped",
        lambda r: f"{r.count(status='exact')} / {r.count(status='measured')} / {r.count(status='unmapped')}",
    ),
    ("upsampling nodes", lambda r: str(len(r.findings["upsampling"]))),
    (
        "strongest replica dB",
        lambda r: _db(
            max(
                (n.replica["level_db"] for n in r.nodes if n.replica and n.replica["level_db"] is not None),
                default=None,
            )
        ),
    ),
    ("replicas at the output", lambda r: str(len(r.findings["replicas"]))),
    ("checkerboard at the output dB", lambda r: _db(r.findings["checkerboard_db"])),
    ("checkerboards at the output", lambda r: str(len(r.findings["checkerboard"]))),
    ("padding leaks > -60 dB", lambda r: str(len(r.findings["dc_leak"]))),
    (
        "strongest leak dB",
        lambda r: _db(max((n.dc_leak_db for n in r.nodes if n.dc_leak_db is not None), default=None)),
    ),
    ("decimating nodes", lambda r: str(len(r.findings["aliasing"]))),
    ("attenuation predicted dB", lambda r: _db(r.attenuation_db)),
    ("attenuation measured dB", lambda r: _db(r.measured_attenuation_db)),
)


def print_vs(console: Console, a, b, hits_a, hits_b) -> None:
    console.print(Text(f"A: {a.target}\nB: {b.target}"))
    table = Table(title="symspec audit A --vs B", title_justify="left")
    table.add_column("finding", no_wrap=True)
    table.add_column("A", justify="right", no_wrap=True)
    table.add_column("B", justify="right", no_wrap=True)
    for name, fn in VS_ROWS:
        table.add_row(name, fn(a), fn(b))
    table.add_row("verdict", verdict_word(hits_a), verdict_word(hits_b))
    console.print(table)
    for label, hits in (("A", hits_a), ("B", hits_b)):
        for h in hits:
            console.print(Text(f"  finding {label}  {h}"))


PLOT_NODES = 8
GAIN_SPAN_DB = 24.0  # a conv's gain varies by a few dB; a wider scale would paint it flat


def plot_audit(report, path: str) -> None:
    """One column per spatial node along the graph (at most PLOT_NODES, evenly spaced, always the output):
    the measured power spectrum (dB, one colour scale for the row), the node's exact gain (dB, its own colour
    scale) and the azimuthally averaged power spectrum, predicted (exact rules from a white input, nonlinear
    nodes as identity) and measured, on one axis.  Frequencies in cycles per pixel, zero frequency centred."""
    from .plots import blank, colour_bar, draw_map, pyplot, relative_db, row_limits, save, to_db

    plt = pyplot()
    nodes = _plotted(report)
    cols = len(nodes)
    fig = plt.figure(figsize=(max(2.2 * cols + 1.2, 6.0), 7.4), layout="constrained")
    axes = fig.subplots(3, cols, squeeze=False)
    levels = [relative_db(n.power) for n in nodes]
    power_lo, power_hi = row_limits(levels)
    gains = [n.gain for n in nodes if n.gain is not None and n.gain.ndim == 2]
    gain_lo, gain_hi = row_limits([to_db(g) for g in gains], span=GAIN_SPAN_DB)
    power_image = gain_image = None
    curves = []
    for j, n in enumerate(nodes):
        label = node_name(n)[-16:]
        axes[0, j].set_title(f"{n.index}: {label}\n{n.op}, {n.power.shape[0]}x{n.power.shape[1]}", fontsize=7)
        power_image = draw_map(axes[0, j], levels[j], power_lo, power_hi, labels=j == 0)
        if n.gain is not None and n.gain.ndim == 2:
            gain_image = draw_map(axes[1, j], to_db(n.gain), gain_lo, gain_hi, cmap="viridis", labels=j == 0)
        else:
            blank(axes[1, j], "no exact rule:\nmeasured node")
        curves += _radial_panel(axes[2, j], n, first=j == 0)
    lo, hi = row_limits(curves, span=80.0)
    for ax in axes[2]:
        ax.set_ylim(lo - 3, hi + 3)
    colour_bar(fig, power_image, axes[0], "measured, dB re. peak")
    if gain_image is not None:
        colour_bar(fig, gain_image, axes[1], "exact gain (dB)")
    fig.suptitle(
        f"{report.target}: measured spectra (dB re. each map's peak), exact gains, and azimuthally averaged "
        f"power per pixel predicted and measured (white input; mean over batch and channels)",
        fontsize=8,
    )
    save(fig, path)


def _plotted(report) -> list:
    """The nodes the plot draws: spatial nodes with a rule or a measurement (no pads, scales, affines or
    biases), at most PLOT_NODES of them evenly spaced, the first and the last always among them."""
    from ..errors import SymspecError

    nodes = [
        n
        for n in report.nodes
        if n.power is not None
        and n.status in ("exact", "measured")
        and n.kind not in ("pad", "scale", "affine", "bias")
    ]
    if not nodes:
        raise SymspecError("--plot: no spatial nodes to draw")
    if len(nodes) > PLOT_NODES:
        picks = sorted({round(i * (len(nodes) - 1) / (PLOT_NODES - 1)) for i in range(PLOT_NODES)})
        nodes = [nodes[i] for i in picks]
    return nodes


def _radial_panel(ax, n, first: bool) -> list:
    """A node's azimuthally averaged power, measured and (where there is one) predicted, on ``ax``; the
    curves drawn, in dB, for the row's common limits."""
    from ..audit.measure import radial_profile
    from .plots import to_db

    radii, measured = radial_profile(n.power)
    ax.plot(radii, to_db(measured), color="C0", lw=1.2, label="measured")
    curves = [to_db(measured)]
    if n.predicted_radial is not None:
        radii_p, predicted = n.predicted_radial
        ax.plot(
            radii_p,
            to_db(predicted),
            color="C1",
            lw=1.2,
            ls="--",
            label="predicted" + (" (restarted)" if n.restarted else ""),
        )
        curves.append(to_db(predicted))
    ax.set_xlim(0, 0.72)
    ax.set_xticks([0, 0.25, 0.5, 0.7])
    ax.tick_params(labelsize=6)
    ax.grid(alpha=0.3)
    ax.set_xlabel("radius (cycles/pixel)", fontsize=6)
    if first:
        ax.set_ylabel("mean power (dB)", fontsize=7)
        ax.legend(fontsize=6, loc="lower left")
    return curves
