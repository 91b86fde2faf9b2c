"""Renderer of ``symspec check``: the verdict table, witnesses with their replay
commands, the JSON document."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..claims import CONVENTION, FAIL, PASS, PRINTED, UNDEFINED, VARIANT, Report, Verdict, counts, overall
from ..replay import replay_command, report_params
from .format import fmt
from .jsonout import document, jsonable
from .style import LABEL, SOURCE_LABEL, STYLE, verdict_text
from .table import Col, build as build_table


# ------------------------------------------------------------------------------------------ values


def verdict_dict(v: Verdict, raw: bool = False) -> dict:
    """A verdict as a JSON row; ``raw`` keeps the witness's values as Python numbers (for renderers, so that a
    complex number prints as a+bi there and as [re, im] only in JSON)."""
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
        "finding_class": v.finding_class,
        "premise": v.premise,
        "witness": dict(v.witness) if raw else jsonable(v.witness),
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
    results = [
        {
            **verdict_dict(v),
            "paper": r.paper,
            **({"replay": replay_command(r, v)} if v.verdict == FAIL else {}),
        }
        for r in reports
        for v in r.verdicts
    ]
    more = {
        "claim": claim,
        "settings": settings_dict(reports[0]) if reports else {},
        "counts": counts(verdicts),
    }
    if any(r.perturb for r in reports):
        more["perturbation"] = next(r.perturb for r in reports if r.perturb)
    return document("check", params, overall(verdicts), rows=results, **more, **(extra or {}))


# ------------------------------------------------------------------------------------------ tables


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


def short_id(sub_id: str, claim: str | None) -> str:
    """A sub-claim's id inside its own claim's table: without the claim's prefix
    (the table's title names it)."""
    prefix = f"{claim}." if claim else ""
    return (
        sub_id[len(prefix) :]
        if prefix and sub_id.startswith(prefix) and len(sub_id) > len(prefix)
        else sub_id
    )


def check_table(verdicts: list[Verdict], width: int, claim: str | None = None) -> Table:
    narrow = width < NARROW
    cols = [
        Col("sub-claim", wrap=True, min_width=22, identifier=True),
        Col("kind", priority=1),
        Col("src") if narrow else Col("source"),
        Col("symbolic", "right"),
        Col("numeric", "right"),
        Col("error", "right", priority=4),
        Col("tol", "right", priority=2),
        Col("verdict"),
    ]
    label = SOURCE_LETTER if narrow else SOURCE_LABEL
    ids = [short_id(v.id, claim) for v in verdicts]
    rows = [
        [
            i,
            v.kind,
            label.get(v.source, v.source),
            fmt(v.symbolic),
            fmt(v.numeric),
            error_text(v),
            tol_text(v),
            verdict_text(v.verdict),
        ]
        for i, v in zip(ids, verdicts)
    ]
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
    return f"{v.id} ({provenance(v)}{class_text(v)}): {'; '.join(parts)}  [params: {fmt(params)}]"


def class_text(v: Verdict) -> str:
    """'; class premise: theorem2.premise_independent_entries fails' for a finding, '' otherwise."""
    if not v.finding_class:
        return ""
    return f"; class {v.finding_class}" + (f": {v.premise} fails" if v.premise else "")


def print_reports(
    console: Console, reports: list[Report], verbose: bool = False, quiet: bool = False
) -> None:
    for report in [] if quiet else reports:
        title = f"{report.claim}  ({fmt(report_params(report))})"
        if report.perturb:
            title += f"  [perturbed formula: {report.perturb}]"
        console.print(Text(title))
        console.print(check_table(report.verdicts, console.width, report.claim))
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
    if not quiet and len({r.paper for r in reports}) > 1:
        console.print(paper_table(reports, console.width))
    verdicts = [v for r in reports for v in r.verdicts]
    state = overall(verdicts)
    seed = reports[0].settings.seed if reports else 0
    dtype = reports[0].settings.dtype if reports else "float64"
    line = Text(f"{LABEL[state]}", style=STYLE[state])
    counted = summary_counts(verdicts)
    if reports and all(
        r.perturb for r in reports
    ):  # rows of a deliberately wrong formula: not the paper's rows
        counted = f"perturbed formula ({reports[0].perturb}): " + counted.replace(
            "printed ", "perturbed-printed "
        )
    line += Text(
        f"  {counted}  ({len(reports)} claim{'s' if len(reports) != 1 else ''}, seed {seed}, {dtype})"
    )
    console.print(line, soft_wrap=quiet)  # --quiet: one line whatever the width, for scripts
    if not quiet and not (reports and all(r.perturb for r in reports)):
        for sentence in next_steps(verdicts):
            console.print(Text(sentence, style="dim"))


def by_paper(reports: list[Report]) -> dict[str, list[Report]]:
    """The reports grouped by the paper each carries, in their order."""
    out: dict[str, list[Report]] = {}
    for r in reports:
        out.setdefault(r.paper, []).append(r)
    return out


def paper_table(reports: list[Report], width: int) -> Table:
    """One row per paper: its claims, its rows of each kind as pass/fail/undefined, and its verdict."""
    cols = [Col("paper", wrap=True, min_width=10, identifier=True), Col("claims", "right")]
    cols += [Col(source, "right") for source in (PRINTED, VARIANT, CONVENTION)] + [Col("verdict")]
    rows = []
    for paper, group in by_paper(reports).items():
        verdicts = [v for r in group for v in r.verdicts]
        c = counts(verdicts)
        triples = [
            "/".join(str(c[source][state]) for state in (PASS, FAIL, UNDEFINED))
            if any(c[source].values())
            else "-"
            for source in (PRINTED, VARIANT, CONVENTION)
        ]
        rows.append([paper or "-", len(group), *triples, verdict_text(overall(verdicts))])
    return build_table(cols, rows, width, title="by paper (rows: pass/fail/undefined)")


def next_steps(verdicts) -> list[str]:
    """What the verdict line means and where to look next (after the table, never in --quiet or --json)."""
    c = counts(verdicts)
    out = []
    printed_fail = c.get(PRINTED, {}).get(FAIL, 0)
    if printed_fail:
        out.append(
            f"FAIL here means {printed_fail} printed statement{'s' if printed_fail != 1 else ''} "
            f"(a paper as printed) fail{'s' if printed_fail == 1 else ''} at these parameters, each "
            f"with a witness above; `symspec findings` shows every finding with its class and its "
            f"independent witness test."
        )
    if c.get(VARIANT, {}).get(FAIL, 0):
        out.append("A failing variant row is a defect of symspec, not of the paper: please report it.")
    if c.get(PRINTED, {}).get(UNDEFINED, 0) and not printed_fail:
        out.append(
            "UNDEFINED rows are printed quotients that read 0/0 at these parameters; the finite sum is shown."
        )
    return out


def summary_counts(verdicts) -> str:
    """'printed 30 pass, 5 fail, 8 undefined; variant 4 pass; convention 1 pass, 3 fail'
    (empty kinds left out)."""
    parts = []
    for source, c in counts(verdicts).items():
        shown = [f"{c[state]} {state}" for state in (PASS, FAIL, UNDEFINED) if c[state]]
        if shown:
            parts.append(f"{source} {', '.join(shown)}")
    return "; ".join(parts) or "no rows"
