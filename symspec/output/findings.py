"""Renderer of ``symspec findings``: the table, the README's Markdown block and the JSON document."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from ..claims import FAIL, PASS, Verdict
from ..replay import report_params
from .format import fmt
from .jsonout import document
from .style import verdict_text
from .table import Col, build as build_table


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
        # the label is the parameters the row's values were computed from (its witness),
        # not the run's defaults
        params = dict(v.witness.get("params") or {}) if v is not None else dict(report_params(o.report))
        holds, fails = o.regime()
        where = ", ".join(f"{k}={val}" for k, val in (c.at or {}).items())
        printed_value, true_value = finding_values(v) if v is not None else ("-", "-")
        rows.append(
            {
                "row": c.row,
                "check_id": c.row,
                "point": o.point,
                "point_id": o.point_id,
                "replay": o.replay,
                "claim": c.claim,
                "page": v.page if v else "",
                "equation": v.equation if v else "",
                "summary": c.summary,
                "params": params,
                "at": c.at,
                "witness": {"params": params, "point": c.at or {}},
                "witness_text": fmt(params) + (f"; at {where}" if where else ""),
                "printed": printed_value,
                "true": true_value,
                "verdict": v.verdict if v else "missing",
                "source": v.source if v else "",
                "confirmed": o.confirmed,
                "proof_step": c.proof_step or v.of if v else "",
                "witness_test": f"tests/witnesses/{c.witness_test}",
                "formal_issue": c.formal or "new",
                "finding_class": v.finding_class if v else "",
                "premise": v.premise if v else "",
                "intent": o.finding.intent if o.finding else "",
                "holds": holds,
                "fails": fails,
                "readings": list(o.finding.readings) if o.finding else [],
            }
        )
    return rows


def md_cell(text: str) -> str:
    return str(text).replace("|", "\\|")


CLASS_ORDER = ("error", "premise", "scope", "typo")


def link_text(r: dict) -> str:
    """What the class points to: the premise row that fails, the row of the evident intent, or the regime."""
    if r["finding_class"] == "premise":
        return f"premise {r['premise']} fails"
    if r["finding_class"] == "typo" and r["intent"]:
        return f"intent {r['intent']} holds"
    if r["finding_class"] == "scope":
        return f"holds: {r['holds']}; fails: {r['fails']}"
    return ""


def by_class(rows: list[dict]) -> list[dict]:
    return sorted(
        rows,
        key=lambda r: (
            CLASS_ORDER.index(r["finding_class"]) if r["finding_class"] in CLASS_ORDER else len(CLASS_ORDER)
        ),
    )


def findings_markdown(outcomes) -> str:
    lines = [
        "| class | finding | claim, page | witness | printed | true | holds in | first broken step | "
        "witness test |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in by_class(finding_rows(outcomes)):
        status = "" if r["confirmed"] else f" **(not confirmed: {r['verdict']})**"
        new = " (new)" if r["formal_issue"] == "new" else ""
        link = link_text(r) if r["finding_class"] != "scope" else f"fails: {r['fails']}"
        cells = [
            r["finding_class"],
            f"{r['summary']}{new}{status}" + (f" ({link})" if link else ""),
            f"`{r['claim']}` p. {r['page']}, {r['equation']}",
            r["witness_text"],
            r["printed"],
            r["true"],
            r["holds"],
            r["proof_step"] or "-",
            f"`{r['witness_test']}`",
        ]
        lines.append("| " + " | ".join(md_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def findings_json(outcomes) -> str:
    rows = finding_rows(outcomes)
    return document("findings", {}, PASS if all(r["confirmed"] for r in rows) else "error", rows=rows)


def print_findings(console: Console, outcomes) -> None:
    console.print(
        Text(
            "symspec findings: printed statements that fail, each with an independent witness test",
            style="bold",
        )
    )
    cols = [Col("#", "right"), Col("row", wrap=True, min_width=30), Col("class"), Col("page"), Col("status")]
    rows, details = [], []
    for i, r in enumerate(by_class(finding_rows(outcomes)), 1):
        status = (
            verdict_text(FAIL)
            if r["confirmed"]
            else Text(f"NOT CONFIRMED ({r['verdict']})", style="bold yellow")
        )
        # the id and, on the next line, the point it fails at (check at its defaults prints the bare id)
        shown = r["row"] + ("\n" + r["point_id"][len(r["row"]) :] if r["point"] else "")
        rows.append([str(i), shown, r["finding_class"], f"p. {r['page']}", status])
        details.append((i, r))
    console.print(build_table(cols, rows, console.width))
    for i, r in details:  # the long text, one labelled line each, wrapped by the console
        console.print(Text(f"{i}. {r['row']} ({r['finding_class']}, p. {r['page']})", style="bold"))
        for label, key in (
            ("printed", "printed"),
            ("true", "true"),
            ("witness", "witness_text"),
            ("replay", "replay"),
            ("holds", "holds"),
        ):
            console.print(Text(f"   {label}: {r[key]}"))
        if r["finding_class"] == "scope":
            console.print(Text(f"   fails: {r['fails']}"))
        elif link_text(r):
            console.print(Text(f"   {link_text(r)}"))
        for reading in r["readings"]:
            console.print(Text(f"   other reading: {reading}"))


def verdict_line(outcomes) -> str:
    """``findings --quiet``: PASS when every finding reproduces at its witness (exit 0), DEFECT when a case no
    longer fails there (exit 3)."""
    confirmed = sum(o.confirmed for o in outcomes)
    head = "PASS" if confirmed == len(outcomes) else "DEFECT"
    return f"{head}  findings: {confirmed} of {len(outcomes)} confirmed at their witnesses"
