"""Rich tables and JSON documents from verdicts."""

from __future__ import annotations

import json
import math
from typing import Any, Iterable

import numpy as np
import sympy as sp
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .claims import CONVENTION, FAIL, PASS, PRINTED, SOURCES, UNDEFINED, VARIANT, Claim, Report, Verdict, counts, overall

STYLE = {PASS: "bold green", FAIL: "bold red", UNDEFINED: "bold yellow"}
SOURCE_LABEL = {PRINTED: "printed", VARIANT: "variant", CONVENTION: "convent."}
LABEL = {PASS: "PASS", FAIL: "FAIL", UNDEFINED: "UNDEFINED"}


def make_console(width: int | None = None, plain: bool = False) -> Console:
    if plain:
        return Console(width=width or 120, color_system=None, force_terminal=False, highlight=False,
                       soft_wrap=False, markup=False)
    # markup=False: statements and notes contain brackets ([Eq. 5], [u', v']) that are text, not styles
    console = Console(width=width, highlight=False, markup=False)
    if width is None and not console.is_terminal:
        console = Console(width=140, highlight=False, markup=False)  # pipes and files: one row per line
    return console


# ------------------------------------------------------------------------------------------ values


def fmt(value: Any) -> str:
    """Compact human form: 4 significant digits, complex as a+bi."""
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (complex, np.complexfloating)):
        value = complex(value)
        scale = max(abs(value.real), abs(value.imag))
        if abs(value.imag) <= 1e-12 * scale:  # round-off in a real quantity
            return fmt(value.real)
        if abs(value.real) <= 1e-12 * scale:
            return f"{value.imag:.4g}i"
        return f"{value.real:.4g}{value.imag:+.4g}i"
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if math.isnan(value):
            return "nan"
        return f"{value:.4g}"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, dict):
        return ", ".join(f"{k}={fmt(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(fmt(v) for v in value) + "]"
    return str(value)


def jsonable(value: Any) -> Any:
    """Complex numbers as [re, im]; numpy scalars and arrays as plain JSON; NaN/inf as strings."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, (complex, np.complexfloating)):
        value = complex(value)
        return [jsonable(value.real), jsonable(value.imag)]
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    return value


def verdict_dict(v: Verdict) -> dict:
    return {
        "id": v.id,
        "statement": v.statement,
        "kind": v.kind,
        "symbolic": jsonable(v.symbolic),
        "numeric": jsonable(v.numeric),
        "error": jsonable(v.error),
        "tolerance": jsonable(v.tolerance),
        "verdict": v.verdict,
        "source": v.source,
        "page": v.page,
        "equation": v.equation,
        "proof_step_of": v.of,
        "witness": jsonable(v.witness),
        "note": v.note,
    }


def settings_dict(report: Report) -> dict:
    s = report.settings
    return {"seed": s.seed, "dtype": s.dtype, "device": s.device, "tol": s.tol}


def report_params(report: Report) -> dict:
    from .theorems import lookup
    from .theorems.common import shown_params

    sizes = tuple(p.name for p in lookup(report.claim).params if p.kind == "size")
    return shown_params(report.params, sizes=sizes)


def reports_json(reports: list[Report], claim: str, extra: dict | None = None) -> str:
    verdicts = [v for r in reports for v in r.verdicts]
    if len(reports) == 1:
        params = report_params(reports[0])
    else:
        params = {r.claim: report_params(r) for r in reports}
    doc = {
        "claim": claim,
        "params": jsonable(params),
        "settings": settings_dict(reports[0]) if reports else {},
        "results": [{**verdict_dict(v), **({"replay": replay_command(r, v)} if v.verdict == FAIL else {})}
                    for r in reports for v in r.verdicts],
        "verdict": overall(verdicts),
        "counts": counts(verdicts),
    }
    if any(r.perturb for r in reports):
        doc["perturbation"] = next(r.perturb for r in reports if r.perturb)
    if extra:
        doc.update(jsonable(extra))
    return json.dumps(doc, indent=2)


# ------------------------------------------------------------------------------------------ tables


def verdict_text(state: str) -> Text:
    return Text(LABEL.get(state, state.upper()), style=STYLE.get(state, ""))


def error_text(v: Verdict) -> str:
    if v.kind == "moment" and v.verdict != UNDEFINED:
        return f"{fmt(v.error)} SE"
    return fmt(v.error)


def tol_text(v: Verdict) -> str:
    if v.kind == "moment":
        return f"{v.tolerance:.2f} SE"
    if v.kind == "trend":
        return "direction"
    return fmt(v.tolerance)


def check_table(verdicts: list[Verdict], title: str) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column("sub-claim", no_wrap=True)
    table.add_column("kind")
    table.add_column("source")
    table.add_column("symbolic", justify="right", overflow="fold")
    table.add_column("numeric", justify="right", overflow="fold")
    table.add_column("error", justify="right")
    table.add_column("tol", justify="right")
    table.add_column("verdict")
    for v in verdicts:
        table.add_row(v.id, v.kind, SOURCE_LABEL.get(v.source, v.source), fmt(v.symbolic), fmt(v.numeric), error_text(v), tol_text(v),
                      verdict_text(v.verdict))
    return table


def provenance(v: Verdict) -> str:
    """'p. 13, Eq. 17 (closed form of α)' for a printed row; the row kind otherwise."""
    where = ", ".join(x for x in (f"p. {v.page}" if v.page else "", v.equation) if x)
    if v.of:
        where += f"; a proof step of {v.of}"
    if v.source == PRINTED:
        return where
    return f"{v.source}" + (f" of {where}" if where else "")


def option_value(value: Any) -> str:
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(x, int) for x in value):
        return f"{value[0]},{value[1]}"
    if isinstance(value, (tuple, list)):
        return ",".join(f"{x:g}" if isinstance(x, float) else str(x) for x in value)
    if isinstance(value, float):
        return f"{value:.17g}"
    return str(value)


def replay_command(report: Report, v: Verdict) -> str:
    """The command line that replays ``v``'s witness: its parameters, seed, dtype and --at point."""
    from .theorems import lookup

    claim = lookup(report.claim)
    params, at = report.replay(v)
    args = [f"symspec check {report.claim}"]
    for p in claim.params:
        value = params.get(p.name)
        if value is None or value == p.default:
            continue
        text = f"{value[0]}x{value[1]}" if p.kind == "size" else option_value(value)
        args.append(f"--{p.name.replace('_', '-')} {text}")
    s = report.settings
    if s.seed:
        args.append(f"--seed {s.seed}")
    if s.dtype != "float64":
        args.append(f"--dtype {s.dtype}")
    if s.tol is not None:
        args.append(f"--tol {s.tol:g}")
    if report.perturb:
        args.append(f"--perturb {report.perturb}")
    if at:
        args.append("--at " + ",".join(f"{k}={val}" for k, val in at.items()))
    return " ".join(a if "'" not in a else a.replace("--at ", "--at \"", 1) + '"' for a in args)


def witness_line(v: Verdict) -> str:
    w = dict(v.witness)
    params = w.pop("params", {})
    parts = [f"{k}={fmt(val)}" for k, val in w.items()]
    return f"{v.id} ({provenance(v)}): {'; '.join(parts)}  [params: {fmt(params)}]"


def print_reports(console: Console, reports: list[Report], verbose: bool = False) -> None:
    for report in reports:
        title = f"{report.claim}  ({fmt(report_params(report))})"
        if report.perturb:
            title += f"  [perturbed formula: {report.perturb}]"
        console.print(check_table(report.verdicts, title))
        flagged = [v for v in report.verdicts if v.verdict != PASS]
        for v in flagged:
            label = ("witness" if v.source == PRINTED else v.source) if v.verdict == FAIL else "undefined"
            console.print(Text(f"  {label}  ", style=STYLE[v.verdict]) + Text(witness_line(v)))
            if v.note:
                console.print(f"           {v.note}")
            if v.verdict == FAIL:
                console.print(f"           replay: {replay_command(report, v)}")
        if verbose:
            for v in report.verdicts:
                if v.verdict == PASS and v.note:
                    console.print(f"  note  {v.id}: {v.note}")
    verdicts = [v for r in reports for v in r.verdicts]
    state = overall(verdicts)
    seed = reports[0].settings.seed if reports else 0
    dtype = reports[0].settings.dtype if reports else "float64"
    line = Text(f"{LABEL[state]}", style=STYLE[state])
    line += Text(f"  {summary_counts(verdicts)}"
                 f"  ({len(reports)} claim{'s' if len(reports) != 1 else ''}, seed {seed}, {dtype})")
    console.print(line)


def summary_counts(verdicts) -> str:
    """'printed 30 pass, 5 fail, 8 undefined; variant 4 pass; convention 1 pass, 3 fail' (empty kinds left out)."""
    parts = []
    for source, c in counts(verdicts).items():
        shown = [f"{c[state]} {state}" for state in (PASS, FAIL, UNDEFINED) if c[state]]
        if shown:
            parts.append(f"{source} {', '.join(shown)}")
    return "; ".join(parts) or "no rows"


def list_table(claims: list[Claim]) -> Table:
    table = Table(title="symspec claims", title_justify="left")
    table.add_column("id", no_wrap=True)
    table.add_column("aliases", overflow="fold")
    table.add_column("source", overflow="fold")
    table.add_column("kind")
    table.add_column("statement", overflow="fold")
    for claim in claims:
        table.add_row(claim.id, ", ".join(claim.aliases), claim.source, claim.kind, claim.summary)
    return table


def print_show(console: Console, claim: Claim) -> None:
    console.print(Text(f"{claim.id} — {claim.title}", style="bold"))
    console.print(f"source: {claim.source}    aliases: {', '.join(claim.aliases)}    kind: {claim.kind}")
    console.print(f"\n{claim.summary}\n")
    console.print(Text("statement, as printed", style="bold"))
    for label, expr in claim.statements():
        console.print(f"[{label}]")
        console.print(sp.pretty(expr, use_unicode=True, wrap_line=False))
        console.print(f"LaTeX: {sp.latex(expr)}\n")
    console.print(Text("hypotheses", style="bold"))
    for h in claim.hypotheses:
        console.print(f"  - {h}")
    table = Table(title="parameters", title_justify="left")
    table.add_column("option", no_wrap=True)
    table.add_column("default")
    table.add_column("meaning", overflow="fold")
    for p in claim.params:
        table.add_row("--" + p.name.replace("_", "-"), p.show_default(), p.help)
    console.print(table)
    if claim.perturbations:
        console.print("perturbations (--perturb, each must make the check FAIL): "
                      + ", ".join(sorted(claim.perturbations)))
    if claim.notes:
        console.print(Text("\nnotes", style="bold"))
        console.print(claim.notes)


# ------------------------------------------------------------------------------------------ falsify


def falsify_results(searches) -> list[dict]:
    from .theorems import lookup
    from .theorems.common import shown_params

    rows = []
    for search in searches:
        for finding in search.findings.values():
            if finding.counterexample is not None:
                row = verdict_dict(finding.counterexample)
                sizes = tuple(p.name for p in lookup(search.claim).params if p.kind == "size")
                row["witness"]["params"] = jsonable(shown_params(finding.params, sizes=sizes))
                row["note"] = f"simplest counterexample among {search.searched} points searched"
            else:
                last = finding.last
                row = {"id": finding.sub_id, "statement": last.statement if last else "", "kind": last.kind if last else "",
                       "symbolic": None, "numeric": None, "error": None, "tolerance": None,
                       "verdict": PASS if last is None or last.verdict != UNDEFINED else UNDEFINED,
                       "source": last.source if last else "", "page": last.page if last else "",
                       "equation": last.equation if last else "", "proof_step_of": last.of if last else "",
                       "witness": {}, "note": f"no counterexample in {finding.checked} points"}
            row["claim"] = search.claim
            rows.append(row)
    return rows


def falsify_json(searches, name: str) -> str:
    rows = falsify_results(searches)
    doc = {"claim": name, "params": {}, "results": rows,
           "verdict": FAIL if any(r["verdict"] == FAIL and r["source"] == PRINTED for r in rows) else PASS,
           "searched": sum(s.searched for s in searches)}
    return json.dumps(jsonable(doc), indent=2)


def print_falsify(console: Console, searches) -> None:
    rows = falsify_results(searches)
    table = Table(title="symspec falsify: simplest counterexample per sub-claim", title_justify="left")
    table.add_column("sub-claim", no_wrap=True)
    table.add_column("result")
    table.add_column("simplest counterexample", overflow="fold")
    table.add_column("symbolic vs numeric", overflow="fold")
    for row in rows:
        if row["verdict"] == FAIL:
            w = dict(row["witness"])
            params = w.pop("params", {})
            point = w.get("point") or w.get("comparison") or ""
            result = verdict_text(FAIL)
            if row["source"] != PRINTED:
                result += Text(f" ({SOURCE_LABEL.get(row['source'], row['source'])})")
            table.add_row(row["id"], result, f"{fmt(params)}; at {fmt(point)}",
                          f"{fmt(w.get('symbolic', w.get('before')))} vs {fmt(w.get('numeric', w.get('after')))}")
        else:
            table.add_row(row["id"], Text("none found", style="green"), row["note"], "")
    console.print(table)
    total = sum(s.searched for s in searches)
    found = sum(r["verdict"] == FAIL and r["source"] == PRINTED for r in rows)
    style = STYLE[FAIL] if found else STYLE[PASS]
    other = sum(r["verdict"] == FAIL and r["source"] != PRINTED for r in rows)
    tail = f" (and {other} variant/convention row(s), not findings)" if other else ""
    console.print(Text(f"{found} printed sub-claim(s) with a counterexample{tail}; {total} parameter points searched",
                       style=style))


# ------------------------------------------------------------------------------------------ derive


def derivation_json(result, validation) -> str:
    rule = result.rule
    doc = {
        "layer": rule.layer,
        "params": jsonable(rule.params),
        "input_shape": list(rule.in_shape),
        "output_shape": list(rule.out_shape),
        "formula": str(result.expr),
        "latex": result.latex,
        "srepr": sp.srepr(result.expr),
        "transfer": None if rule.transfer is None else {"formula": str(rule.transfer), "srepr": sp.srepr(rule.transfer)},
        "terms": [{"label": label, "formula": str(e), "srepr": sp.srepr(e)} for label, e in rule.axis_rules()],
        "reading": rule.reading,
        "validation": jsonable(validation.as_dict()),
        "verdict": validation.verdict,
    }
    return json.dumps(doc, indent=2)


def print_derivation(console: Console, result, validation, as_latex: bool = False) -> None:
    rule = result.rule
    from .theorems.common import shown_params

    shown = shown_params({k: (tuple(v) if isinstance(v, list) else v) for k, v in rule.params.items() if k != "seed"},
                         sizes=("size", "ratio"))
    console.print(Text(f"{rule.layer}  ({fmt(shown)})", style="bold"))
    console.print(f"shape {rule.in_shape} → {rule.out_shape}")
    console.print(Text(rule.reading, style="italic"))
    console.print()
    console.print(sp.pretty(result.expr, use_unicode=True, wrap_line=False))
    if rule.transfer is not None:
        console.print("\nT(u',v') =")
        console.print(sp.pretty(rule.transfer, use_unicode=True, wrap_line=False))
    console.print()
    for label, expr in rule.axis_rules():
        console.print(Text(f"{label} =", style="bold"))
        console.print(sp.pretty(expr, use_unicode=True, wrap_line=False))
    if as_latex:
        console.print(Text("\nLaTeX", style="bold"))
        console.print(result.latex)
    table = Table(title="validation against the torch layer", title_justify="left")
    for col in ("entries of Φ", "max rel. error", "tol", "0/0 taken as limits", "verdict"):
        table.add_column(col, justify="right")
    table.add_row(str(validation.entries), fmt(validation.max_error), fmt(validation.tolerance),
                  str(validation.limits_used), verdict_text(validation.verdict))
    console.print(table)
    if validation.verdict != PASS:
        console.print(Text("  witness  ", style=STYLE[FAIL]) + Text(fmt(validation.witness)))


# ------------------------------------------------------------------------------------------ audit


def _db(x) -> str:
    if x is None:
        return "-"
    return "-inf" if x <= -299 else f"{x:.1f}"


def audit_dict(result, hits) -> dict:
    layers = []
    for la in result.layers:
        layers.append({
            "index": la.index, "name": la.name, "op": la.op, "treatment": la.treatment,
            "shape_in": list(la.shape_in), "shape_out": list(la.shape_out),
            "gain_db": {k: (None if v <= -299 else v) for k, v in la.gain_db.items()},
            "replicas_db": None if la.replicas_db is None or la.replicas_db <= -299 else la.replicas_db,
            "dc_boost_db": la.dc_boost_db, "aliasing": la.aliasing, "similarity": la.similarity,
            "prediction_restarted": la.restarted, "note": la.note,
        })
    return jsonable({
        "target": result.target, "input": list(result.input_shape), "layers": layers,
        "attenuation_db": result.attenuation_db, "measured_attenuation_db": result.measured_attenuation_db,
        "findings": result.findings, "warnings": result.warnings, "fail_on": hits,
        "verdict": FAIL if hits else PASS,
    })


def print_audit(console: Console, result, hits) -> None:
    shape = "x".join(map(str, result.input_shape))
    table = Table(title=f"symspec audit {result.target}  (input {shape})", title_justify="left")
    for col, just in (("#", "right"), ("layer", "left"), ("op", "left"), ("shape in → out", "left"),
                      ("gain dB DC/mid/high", "right"), ("replicas dB", "right"), ("DC boost dB", "right"),
                      ("alias", "right"), ("cos sim", "right")):
        table.add_column(col, justify=just, no_wrap=col in ("layer", "shape in → out"))
    for la in result.layers:
        shapes = f"{'x'.join(map(str, la.shape_in))} → {'x'.join(map(str, la.shape_out))}"
        gains = "/".join(_db(la.gain_db[k]) for k in ("dc", "mid", "high")) if la.gain_db else la.treatment
        sim = "-" if la.similarity is None or np.isnan(la.similarity) else f"{la.similarity:.3f}" + ("*" if la.restarted else "")
        table.add_row(str(la.index), la.name, la.op, shapes, gains, _db(la.replicas_db), _db(la.dc_boost_db),
                      f"{la.aliasing}x" if la.aliasing > 1 else "-", sim)
    console.print(table)
    console.print(f"high-frequency attenuation (low-band / high-band power at the output): predicted "
                  f"{result.attenuation_db:.1f} dB for a white input through the mapped layers; measured "
                  f"{result.measured_attenuation_db:.1f} dB through the real module")
    console.print("cos sim: predicted (activations ignored) vs measured output magnitude spectra, input propagated "
                  "from the network's input" + ("; * = restarted from the layer's real input" if any(la.restarted for la in result.layers) else ""))
    for w in result.warnings:
        console.print(Text("  warning  ", style="bold yellow") + Text(w))
    for h in hits:
        console.print(Text("  fail-on  ", style=STYLE[FAIL]) + Text(h))
    state = FAIL if hits else PASS
    console.print(Text(LABEL[state], style=STYLE[state]) + Text(
        f"  findings: replicas {len(result.findings['replicas'])}, dc-boost {len(result.findings['dc_boost'])}, "
        f"aliasing {len(result.findings['aliasing'])}, unmapped {len(result.findings['unmapped'])}"))


def plot_audit(result, path: str) -> None:
    """Per-layer predicted and measured magnitude spectra as heatmaps (low frequencies centred)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        from .errors import SymspecError

        raise SymspecError("--plot needs matplotlib (pip install matplotlib)") from None
    shown = [la for la in result.layers if la.rule is not None and la.predicted is not None and la.op != "BatchNorm2d"]
    if len(shown) > 12:  # keep the figure readable: evenly spaced layers, always the last
        picks = sorted({round(i * (len(shown) - 1) / 11) for i in range(12)})
        shown = [shown[i] for i in picks]
    if not shown:
        from .errors import SymspecError

        raise SymspecError("--plot: no mapped spatial layers to draw")
    cols = len(shown)
    fig, axes = plt.subplots(2, cols, figsize=(1.9 * cols, 4.2), squeeze=False)
    for j, la in enumerate(shown):
        mags = [np.fft.fftshift(np.log10(np.abs(spec).mean(axis=(0, 1)) + 1e-12)) for spec in (la.predicted, la.measured)]
        lo, hi = min(m.min() for m in mags), max(m.max() for m in mags)  # one colour scale per layer
        for i, (label, mag) in enumerate(zip(("predicted", "measured"), mags)):
            ax = axes[i, j]
            ax.imshow(mag, cmap="magma", vmin=lo, vmax=hi)
            ax.set_xticks([])
            ax.set_yticks([])
            if i == 0:
                ax.set_title(f"{la.name}\n{la.op}", fontsize=7)
            if j == 0:
                ax.set_ylabel(label, fontsize=8)
    fig.suptitle(f"{result.target}: log magnitude spectra per layer (low frequencies centred)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ------------------------------------------------------------------------------------------ experiments


def print_experiment_list(experiments) -> Table:
    table = Table(title="symspec experiments", title_justify="left")
    table.add_column("name", no_wrap=True)
    table.add_column("paper figure")
    table.add_column("what it shows", overflow="fold")
    for exp in experiments.values():
        table.add_row(exp.name, exp.figure, exp.summary)
    return table


def experiment_dict(result, cfg, written) -> dict:
    return jsonable({
        "experiment": result.name, "figure": result.figure, "seed": cfg["seed"],
        "params": result.params, "images": cfg.get("images") or "synthetic power-law (1/f²)",
        "rows": [{"quantity": r.quantity, "value": r.value, "expectation": r.expectation,
                  "verdict": None if r.holds is None else (PASS if r.holds else FAIL), "detail": r.detail}
                 for r in result.rows],
        "figures": written,
    })


def print_experiment(console: Console, result, cfg, written) -> None:
    source = cfg.get("images") or "synthetic power-law images"
    table = Table(title=f"experiment {result.name} ({result.figure})  seed {cfg['seed']}, {source}, {fmt(result.params)}",
                  title_justify="left")
    table.add_column("measured quantity", overflow="fold")
    table.add_column("value", justify="right", overflow="fold")
    table.add_column("paper's expectation", overflow="fold")
    table.add_column("on this run")
    for r in result.rows:
        verdict = Text("-") if r.holds is None else Text("holds" if r.holds else "does not hold",
                                                            style=STYLE[PASS if r.holds else FAIL])
        table.add_row(r.quantity + (f" ({r.detail})" if r.detail else ""), fmt(r.value), r.expectation, verdict)
    console.print(table)
    for path in written:
        console.print(f"wrote {path}")


# ------------------------------------------------------------------------------------------ findings


def finding_values(v: Verdict) -> tuple[str, str]:
    """(printed, true) as a reader compares them: formula vs measurement, or the claimed vs the seen trend."""
    if v.kind == "trend":
        w = v.witness
        return v.statement, f"{w.get('comparison', '')}: {fmt(w.get('before'))} → {fmt(w.get('after'))}"
    return fmt(v.symbolic), fmt(v.numeric)


def finding_rows(outcomes) -> list[dict]:
    rows = []
    for o in outcomes:
        c, v = o.case, o.verdict
        params = dict(report_params(o.report))
        where = ", ".join(f"{k}={val}" for k, val in (c.at or {}).items())
        printed_value, true_value = finding_values(v) if v is not None else ("-", "-")
        rows.append({
            "row": c.row, "claim": c.claim, "page": v.page if v else "", "equation": v.equation if v else "",
            "summary": c.summary, "params": params, "at": c.at, "witness": fmt(params) + (f"; at {where}" if where else ""),
            "printed": printed_value, "true": true_value, "verdict": v.verdict if v else "missing",
            "source": v.source if v else "", "confirmed": o.confirmed, "proof_step": c.proof_step or v.of if v else "",
            "witness_test": f"tests/witnesses/{c.witness_test}", "formal_issue": c.formal or "new",
        })
    return rows


def md_cell(text: str) -> str:
    return str(text).replace("|", "\\|")


def findings_markdown(outcomes) -> str:
    lines = ["| finding | claim, page | witness | printed | true | first broken step | witness test |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in finding_rows(outcomes):
        status = "" if r["confirmed"] else f" **(not confirmed: {r['verdict']})**"
        new = " (new)" if r["formal_issue"] == "new" else ""
        cells = [f"{r['summary']}{new}{status}", f"`{r['claim']}` p. {r['page']}, {r['equation']}", r["witness"],
                 r["printed"], r["true"], r["proof_step"] or "-", f"`{r['witness_test']}`"]
        lines.append("| " + " | ".join(md_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def findings_json(outcomes) -> str:
    rows = finding_rows(outcomes)
    doc = {"command": "findings", "results": rows,
           "verdict": FAIL if all(r["confirmed"] for r in rows) else "error"}
    return json.dumps(jsonable(doc), indent=2)


def print_findings(console: Console, outcomes) -> None:
    table = Table(title="symspec findings: printed statements that fail, each with an independent witness test",
                  title_justify="left")
    table.add_column("row", no_wrap=True)
    table.add_column("page")
    table.add_column("witness", overflow="fold")
    table.add_column("printed", justify="right", overflow="fold")
    table.add_column("true", justify="right", overflow="fold")
    table.add_column("status")
    for r in finding_rows(outcomes):
        status = verdict_text(FAIL) if r["confirmed"] else Text(f"NOT CONFIRMED ({r['verdict']})", style="bold yellow")
        table.add_row(r["row"], f"p. {r['page']}", r["witness"], r["printed"], r["true"], status)
    console.print(table)
