"""Renderer of ``symspec findings``: the table, the README's Markdown block and the JSON document."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from ..claims import FAIL, Verdict
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


def verdict_line(outcomes) -> str:
    """``findings --quiet``: FAIL when every finding is confirmed (the paper as printed fails, exit 1), DEFECT when
    a case no longer fails at its witness (exit 3)."""
    confirmed = sum(o.confirmed for o in outcomes)
    head = "FAIL" if confirmed == len(outcomes) else "DEFECT"
    return f"{head}  findings: {confirmed} of {len(outcomes)} confirmed at their witnesses"
