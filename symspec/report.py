"""Rich tables and JSON documents from verdicts."""

from __future__ import annotations

import sympy as sp
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .output.console import make_console  # noqa: F401  (re-exported for the renderers below)
from .output.format import fmt, option_value  # noqa: F401  (re-exported)
from .output.jsonout import document, jsonable
from .output.table import Col, build as build_table
from .replay import replay_command, report_params  # noqa: F401  (re-exported)

from .claims import CONVENTION, FAIL, PASS, PRINTED, UNDEFINED, VARIANT, Claim, Report, Verdict, counts, overall

STYLE = {PASS: "bold green", FAIL: "bold red", UNDEFINED: "bold yellow"}
SOURCE_LABEL = {PRINTED: "printed", VARIANT: "variant", CONVENTION: "convent."}
LABEL = {PASS: "PASS", FAIL: "FAIL", UNDEFINED: "UNDEFINED"}


# ------------------------------------------------------------------------------------------ values


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


def reports_json(reports: list[Report], claim: str, extra: dict | None = None) -> str:
    verdicts = [v for r in reports for v in r.verdicts]
    if len(reports) == 1:
        params = report_params(reports[0])
    else:
        params = {r.claim: report_params(r) for r in reports}
    results = [{**verdict_dict(v), **({"replay": replay_command(r, v)} if v.verdict == FAIL else {})}
               for r in reports for v in r.verdicts]
    more = {"claim": claim, "settings": settings_dict(reports[0]) if reports else {}, "counts": counts(verdicts)}
    if any(r.perturb for r in reports):
        more["perturbation"] = next(r.perturb for r in reports if r.perturb)
    return document("check", params, overall(verdicts), rows=results, **more, **(extra or {}))


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


NARROW = 110  # below this width the source column shows one letter (legend under the table)
SOURCE_LETTER = {PRINTED: "P", VARIANT: "V", CONVENTION: "C"}
SOURCE_LEGEND = "src: P printed (the paper as printed), V variant (symspec's correction), C convention"


def check_table(verdicts: list[Verdict], width: int) -> Table:
    narrow = width < NARROW
    cols = [Col("sub-claim", wrap=True, min_width=22), Col("kind", priority=1),
            Col("src") if narrow else Col("source"), Col("symbolic", "right"), Col("numeric", "right"),
            Col("error", "right", priority=4), Col("tol", "right", priority=2), Col("verdict")]
    label = SOURCE_LETTER if narrow else SOURCE_LABEL
    rows = [[v.id, v.kind, label.get(v.source, v.source), fmt(v.symbolic), fmt(v.numeric), error_text(v),
             tol_text(v), verdict_text(v.verdict)] for v in verdicts]
    return build_table(cols, rows, width)


def provenance(v: Verdict) -> str:
    """'p. 13, Eq. 17 (closed form of α)' for a printed row; the row kind otherwise."""
    where = ", ".join(x for x in (f"p. {v.page}" if v.page else "", v.equation) if x)
    if v.of:
        where += f"; a proof step of {v.of}"
    if v.source == PRINTED:
        return where
    return f"{v.source}" + (f" of {where}" if where else "")


def witness_line(v: Verdict) -> str:
    w = dict(v.witness)
    params = w.pop("params", {})
    parts = [f"{k}={fmt(val)}" for k, val in w.items()]
    return f"{v.id} ({provenance(v)}): {'; '.join(parts)}  [params: {fmt(params)}]"


def print_reports(console: Console, reports: list[Report], verbose: bool = False, quiet: bool = False) -> None:
    for report in [] if quiet else reports:
        title = f"{report.claim}  ({fmt(report_params(report))})"
        if report.perturb:
            title += f"  [perturbed formula: {report.perturb}]"
        console.print(Text(title))
        console.print(check_table(report.verdicts, console.width))
        if console.width < NARROW:
            console.print(Text(SOURCE_LEGEND, style="dim"))
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
    verdict = FAIL if any(r["verdict"] == FAIL and r["source"] == PRINTED for r in rows) else PASS
    return document("falsify", {}, verdict, rows=rows, claim=name, searched=sum(s.searched for s in searches))


def print_falsify(console: Console, searches, quiet: bool = False) -> None:
    rows = falsify_results(searches)
    if quiet:
        return print_falsify_summary(console, searches, rows)
    console.print(Text("symspec falsify: simplest counterexample per sub-claim", style="bold"))
    cols = [Col("sub-claim", wrap=True, min_width=20), Col("result"), Col("simplest counterexample", wrap=True,
                                                                              min_width=20),
            Col("symbolic vs numeric", wrap=True, min_width=12)]
    table_rows = []
    for row in rows:
        if row["verdict"] == FAIL:
            w = dict(row["witness"])
            params = w.pop("params", {})
            point = w.get("point") or w.get("comparison") or ""
            result = verdict_text(FAIL)
            if row["source"] != PRINTED:
                result += Text(f" ({SOURCE_LABEL.get(row['source'], row['source'])})")
            table_rows.append([row["id"], result, f"{fmt(params)}; at {fmt(point)}",
                               f"{fmt(w.get('symbolic', w.get('before')))} vs {fmt(w.get('numeric', w.get('after')))}"])
        else:
            table_rows.append([row["id"], Text("none found", style="green"), row["note"], ""])
    console.print(build_table(cols, table_rows, console.width))
    print_falsify_summary(console, searches, rows)


def print_falsify_summary(console: Console, searches, rows) -> None:
    total = sum(s.searched for s in searches)
    found = sum(r["verdict"] == FAIL and r["source"] == PRINTED for r in rows)
    style = STYLE[FAIL] if found else STYLE[PASS]
    other = sum(r["verdict"] == FAIL and r["source"] != PRINTED for r in rows)
    tail = f" (and {other} variant/convention row(s), not findings)" if other else ""
    console.print(Text(f"{found} printed sub-claim(s) with a counterexample{tail}; {total} parameter points searched",
                       style=style))


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
            "summary": c.summary, "params": params, "at": c.at, "witness": {"params": params, "point": c.at or {}},
            "witness_text": fmt(params) + (f"; at {where}" if where else ""),
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
        cells = [f"{r['summary']}{new}{status}", f"`{r['claim']}` p. {r['page']}, {r['equation']}", r["witness_text"],
                 r["printed"], r["true"], r["proof_step"] or "-", f"`{r['witness_test']}`"]
        lines.append("| " + " | ".join(md_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def findings_json(outcomes) -> str:
    rows = finding_rows(outcomes)
    return document("findings", {}, FAIL if all(r["confirmed"] for r in rows) else "error", rows=rows)


def print_findings(console: Console, outcomes) -> None:
    console.print(Text("symspec findings: printed statements that fail, each with an independent witness test",
                       style="bold"))
    cols = [Col("row", wrap=True, min_width=18), Col("page"), Col("witness", wrap=True, priority=1, min_width=16),
            Col("printed", "right", wrap=True, min_width=10), Col("true", "right", wrap=True, min_width=10),
            Col("status")]
    rows = []
    for r in finding_rows(outcomes):
        status = verdict_text(FAIL) if r["confirmed"] else Text(f"NOT CONFIRMED ({r['verdict']})", style="bold yellow")
        rows.append([r["row"], f"p. {r['page']}", r["witness_text"], r["printed"], r["true"], status])
    console.print(build_table(cols, rows, console.width))
