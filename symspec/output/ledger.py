"""Rendering of ``symspec ledger``: an 80-column table grouped by section, JSON rows, Markdown, and the formal
verification's cross-reference.  Nothing here runs a check: :mod:`symspec.ledger` computes every status."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..claims import FAIL, PASS, UNDEFINED
from ..ledger import DEFINITION, NOT_CHECKABLE, STATUSES, Ledger, LedgerRow
from .format import fmt
from .jsonout import document

LABEL = {
    PASS: "PASS",
    FAIL: "FAIL",
    UNDEFINED: "UNDEFINED",
    DEFINITION: "DEFINITION",
    NOT_CHECKABLE: "NOT CHECKABLE",
}
STYLE = {
    PASS: "bold green",
    FAIL: "bold red",
    UNDEFINED: "bold yellow",
    DEFINITION: "cyan",
    NOT_CHECKABLE: "magenta",
}
KIND = {
    "definition": "defn.",
    "identity": "ident.",
    "moment": "moment",
    "trend": "trend",
    "proof-step": "proof",
    "interpretation": "interp.",
}


def counts_line(ledger: Ledger) -> str:
    c = ledger.counts()
    numbered = sum(1 for r in ledger.rows if r.entry.equation is not None)
    return (
        f"{len(ledger.rows)} rows ({numbered} numbered equations, {len(ledger.rows) - numbered} stated "
        f"conclusions): " + " · ".join(f"{LABEL[s]} {c[s]}" for s in STATUSES)
    )


def verdict_line(ledger: Ledger) -> str:
    """``ledger --quiet``: FAIL when a row fails (the exit code's reason), then the counts."""
    failed = any(r.status == "fail" for r in ledger.rows)
    c = ledger.counts()
    return f"{'FAIL' if failed else 'PASS'}  ledger: " + ", ".join(f"{c[s]} {s}" for s in STATUSES)


def checked_by(row: LedgerRow) -> str:
    """'theorem2: trend.mu, trend.R' (the claim rows that decide the status)."""
    parts = []
    for check in row.entry.checks:
        names = ", ".join(
            r[len(check.claim) + 1 :] if r.startswith(check.claim + ".") else r for r in check.rows
        )
        parts.append(f"{check.claim}: {names}")
    return "; ".join(parts)


def given(params: dict) -> str:
    """A grid point as given ('defaults' for none); Monte-Carlo sample counts are left out (they decide no
    row)."""
    shown = {k: v for k, v in params.items() if k != "samples"}
    return ", ".join(f"{k}={v}" for k, v in shown.items()) or "defaults"


def witness_text(row: LedgerRow) -> str:
    """Where the status was decided: parameters (as given: 'defaults' or the grid point), point, printed and
    true."""
    w = row.witness
    if not w:
        return ""
    where = given(row.fails_at[0]["params"]) if row.status == FAIL and row.fails_at else given(_given_of(row))
    point = w.get("point")
    at = f" at {fmt(point)}" if isinstance(point, dict) and point else ""
    if row.status == UNDEFINED:
        return f"0/0 ({where}{at}); finite sum {fmt(w.get('finite_sum'))}"
    if isinstance(w.get("true"), str) and "→" in w["true"]:  # a trend: the comparison that breaks
        return f"{where}{at}: {w['true']}"
    return f"{where}{at}: printed {fmt(w.get('printed'))}, true {fmt(w.get('true'))}"


def _given_of(row: LedgerRow) -> dict:
    hit = next((h for h in row.hits if h.verdict.id == row.witness.get("row")), None)
    return hit.params if hit else {}


def evaluated_text(ev: dict) -> str:
    """The id a status belongs to, qualified by its point where that is not ``check``'s defaults:
    ``row@size=8x8; kernel=2 FAIL (check at its defaults: PASS)``."""
    return f"{ev['point_id']} {LABEL[ev['status']]}" + defaults_text(ev)


def defaults_text(ev: dict) -> str:
    """What ``symspec check`` prints for the same id at its defaults, where that differs."""
    if not ev["point"] or not ev["check_status"] or ev["check_status"] == ev["status"]:
        return ""
    return f" (check at its defaults: {LABEL[ev['check_status']]})"


def detail_lines(row: LedgerRow) -> list[str]:
    e = row.entry
    lines = []
    if row.status == DEFINITION:
        lines.append("defines " + e.defines)
    elif row.status == NOT_CHECKABLE:
        lines.append("why: " + e.reason)
        near = [
            evaluated_text(n["check"]) if "check" in n else f"{', '.join(n['rows'])} {n['status']}"
            for n in row.nearest
        ]
        if e.nearest_text:
            near.append(f"`{e.nearest_text}`")
        if near:
            lines.append("nearest: " + "; ".join(near))
    else:
        c = row.counts
        lines.append(f"by {checked_by(row)} ({c[PASS]} pass, {c[FAIL]} fail, {c[UNDEFINED]} 0/0)")
        if row.witness:
            lines.append(("witness: " if row.status == FAIL else "") + witness_text(row))
            lines.append(f"id: {row.check['point_id']}{defaults_text(row.check)}")
            lines.append(f"replay: {row.check['replay']}")
            if row.witness.get("finding_class"):
                lines.append(
                    f"class: {row.witness['finding_class']}"
                    + (f" (premise {row.witness['premise']} fails)" if row.witness.get("premise") else "")
                )
        others = (
            sorted({given(f["params"]) for f in row.fails_at} - {given(row.fails_at[0]["params"])})
            if row.fails_at
            else []
        )
        if others:
            lines.append("also fails at: " + "; ".join(others))
    if e.of:
        lines.append(f"step of {e.of}" + (f" ({LABEL[row.of_status]})" if row.of_status else ""))
    if e.note:
        lines.append("note: " + e.note)
    if row.related:
        lines.append(
            "beside it: " + ", ".join(f"{evaluated_text(r['check'])} ({r['source']})" for r in row.related)
        )
    return lines


def print_ledger(console: Console, ledger: Ledger, rows: list[LedgerRow], brief: bool = False) -> None:
    console.print(Text("symspec ledger", style="bold"), Text(f"— {ledger.title}"))
    console.print(counts_line(ledger) + f"  ({ledger.seconds:.1f} s, {ledger.runs} claim runs)")
    width = max(console.width, 60)
    for section in sorted({r.entry.section for r in rows}, key=ledger.section_order):
        table = Table(
            title=f"§{section} {ledger.sections[section]}",
            title_justify="left",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
            width=width,
            show_edge=False,
            title_style="bold",
        )
        table.add_column("eq.", width=11, overflow="fold")
        table.add_column("p.", width=5, no_wrap=True)
        table.add_column("kind", width=7, no_wrap=True)
        table.add_column("status", width=10)
        table.add_column("statement · checked by", overflow="fold", ratio=1)
        for r in (r for r in rows if r.entry.section == section):
            body = Text(r.entry.statement)
            if not brief:
                for line in detail_lines(r):
                    body.append("\n" + line, style="dim" if not line.startswith("witness") else "")
            table.add_row(
                r.entry.key,
                r.entry.page,
                KIND[r.entry.kind],
                Text(LABEL[r.status], style=STYLE[r.status]),
                body,
            )
        console.print(table)
    if ledger.chains:
        console.print(Text("proof chains: the first step that breaks", style="bold"))
        for c in ledger.chains:
            console.print(chain_line(c))


def chain_line(c: dict) -> str:
    states = ", ".join(f"{k} {LABEL[s]}" for k, s in c["statements"].items())
    first = c["first_broken_step"] or "none"
    text = f"  {c['chain']}: statement {states}; first broken step: {first}"
    if c["steps_not_checked_at_statement_witness"]:
        text += (
            f" (not checked at the statement's witness, outside their printed hypothesis: "
            f"{', '.join(c['steps_not_checked_at_statement_witness'])})"
        )
    return text


# ------------------------------------------------------------------------------------------ JSON / Markdown


def row_dict(row: LedgerRow) -> dict:
    e = row.entry
    return {
        "id": e.key,
        "equation": e.key,
        "number": e.equation,
        "page": e.page,
        "section": e.section,
        "kind": e.kind,
        "source": "printed",
        "status": row.status,
        "verdict": row.status,
        "statement": e.statement,
        "claim": sorted({c.claim for c in e.checks}) or sorted({c.claim for c in e.nearest}),
        "checks": [r for c in e.checks for r in c.rows],
        # the evaluation that decides the status, as `symspec check` names it: the id check prints, the
        # point (check options; {} at check's defaults), the id at that point, and what check prints for
        # check_id at its defaults
        "check_id": row.check.get("check_id", ""),
        "point": row.check.get("point", {}),
        "point_id": row.check.get("point_id", ""),
        "check_status": row.check.get("check_status", ""),
        "replay": row.check.get("replay", ""),
        "counts": row.counts if e.checks else {},
        "witness": row.witness,
        "fails_at": row.fails_at,
        "proof_step_of": e.of,
        "of_status": row.of_status,
        "defines": e.defines,
        "reason": e.reason,
        "nearest": row.nearest,
        "nearest_command": e.nearest_text,
        "related": row.related,
        "note": e.note,
    }


def ledger_json(ledger: Ledger, rows: list[LedgerRow], filters: dict) -> str:
    verdict = FAIL if any(r.status == FAIL for r in ledger.rows) else PASS
    return document(
        "ledger",
        filters,
        verdict,
        key="rows",
        rows=[row_dict(r) for r in rows],
        counts_by_status=ledger.counts(),
        chains=ledger.chains,
        seconds=round(ledger.seconds, 2),
        claim_runs=ledger.runs,
    )


def md(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def ledger_markdown(ledger: Ledger, rows: list[LedgerRow]) -> str:
    lines = [
        f"{counts_line(ledger)}.",
        "",
        "| § | eq. | p. | kind | status | statement | checked by | witness, reason or definition |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in sorted(rows, key=lambda r: ledger.section_order(r.entry.section)):
        e = r.entry
        if r.status == DEFINITION:
            last = e.defines
        elif r.status == NOT_CHECKABLE:
            last = e.reason
        else:
            last = witness_text(r) + (defaults_text(r.check) if r.witness else "")
            if e.of:
                last += f" (step of {e.of}: {LABEL[r.of_status]})" if r.of_status else f" (step of {e.of})"
        if e.note:
            last += f"; {e.note}"
        cells = [
            e.section,
            e.key,
            e.page,
            e.kind,
            f"**{LABEL[r.status]}**" if r.status == FAIL else LABEL[r.status],
            e.statement,
            f"`{checked_by(r)}`" if e.checks else "-",
            last or "-",
        ]
        lines.append("| " + " | ".join(md(c) for c in cells) + " |")
    return "\n".join(lines)


def readme_block(ledger: Ledger) -> str:
    """What the README carries between its ledger markers: the counts and the FAIL rows."""
    from ..ledger import select

    return ledger_markdown(ledger, select(ledger, status=FAIL))


# ------------------------------------------------------------------------------------------ --formal


def formal_rows(ledger: Ledger) -> list[dict]:
    out = []
    for i, issue in enumerate(ledger.formal, 1):
        out.append(
            {
                "id": f"decoder-issue-{issue['id']}",
                "number": i,
                "pages": issue["pages"],
                "classification": issue["classification"],
                "fact": issue["fact"],
                "rows": issue["rows"],
                "verdict": "agrees" if issue["agrees"] else "disagrees",
                "disagreements": issue["disagreements"],
                "symspec_also_fails": issue["symspec_also_fails"],
                "witness": issue["witnesses"],
                "reproduced": issue["reproduced"],
                "note": issue["note"],
            }
        )
    return out


def reproduced_text(rep: dict) -> str:
    """symspec's run at the issue's own witness: 'row STATUS (parameters at point): printed X, true Y'."""
    if not rep:
        return ""
    point = rep.get("point")
    at = f" at {fmt(point)}" if isinstance(point, dict) and point else ""
    where = given(rep["given"]) + at
    if isinstance(rep.get("true"), str) and "→" in rep["true"]:
        values = rep["true"]
    elif rep["status"] == UNDEFINED:
        values = f"printed 0/0, finite sum {fmt(rep.get('finite_sum'))}"
    else:
        values = f"printed {fmt(rep.get('printed'))}, true {fmt(rep.get('true'))}"
    return f"{rep['row']} {LABEL[rep['status']]} ({where}): {values}"


def _also(ledger: Ledger, keys) -> str:
    return "; ".join(f"{k} FAIL ({witness_text(ledger.row(k))})" for k in keys)


def print_formal(console: Console, ledger: Ledger) -> None:
    console.print(
        Text("symspec ledger --formal", style="bold"),
        Text(
            "— the formal verification's 16 issues (Archwindos/lean4interactions, icml2023-decoder), "
            "each against symspec's computed rows"
        ),
    )
    for f in formal_rows(ledger):
        console.print(
            Text(f"\n{f['number']:>2}  {f['id']}  (p. {f['pages']}; {f['classification']})", style="bold")
        )
        console.print(f"    fact     {f['fact']}")
        console.print("    symspec  " + " · ".join(f"{k} {LABEL[s]}" for k, s in f["rows"].items()))
        verdict = Text("    verdict  ")
        verdict.append(f["verdict"], style="bold green" if f["verdict"] == "agrees" else "bold red")
        if f["disagreements"]:
            verdict.append(": " + "; ".join(f["disagreements"]))
        console.print(verdict)
        if f["reproduced"]:
            console.print("    rerun    " + reproduced_text(f["reproduced"]))
        if f["symspec_also_fails"]:
            console.print("    beyond   " + _also(ledger, f["symspec_also_fails"]))
        if f["note"]:
            console.print("    note     " + f["note"])
    if ledger.unlisted:
        console.print(Text("\nsymspec FAIL rows the repository's list does not contain", style="bold"))
        for key in ledger.unlisted:
            row = ledger.row(key)
            console.print(f"  {key} (p. {row.entry.page}): {row.entry.statement}; {witness_text(row)}")


def formal_markdown(ledger: Ledger) -> str:
    lines = [
        "| # | issue | pages | repository | symspec's rows | symspec at the issue's witness | verdict |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for f in formal_rows(ledger):
        verdict = f["verdict"] + (": " + "; ".join(f["disagreements"]) if f["disagreements"] else "")
        if f["symspec_also_fails"]:
            verdict += "; beyond it: " + _also(ledger, f["symspec_also_fails"])
        if f["note"]:
            verdict += f" ({f['note']})"
        rows = ", ".join(f"{k} {LABEL[s]}" for k, s in f["rows"].items())
        lines.append(
            "| "
            + " | ".join(
                md(c)
                for c in (
                    f["number"],
                    f"`{f['id']}`",
                    f["pages"],
                    f["classification"],
                    rows,
                    reproduced_text(f["reproduced"]) or "-",
                    verdict,
                )
            )
            + " |"
        )
    if ledger.unlisted:
        lines += [
            "",
            "Not in the repository's list: "
            + "; ".join(
                f"{k} (p. {ledger.row(k).entry.page}): {witness_text(ledger.row(k))}" for k in ledger.unlisted
            )
            + ".",
        ]
    return "\n".join(lines)


def formal_json(ledger: Ledger) -> str:
    verdict = "agrees" if all(f["agrees"] for f in ledger.formal) else "disagrees"
    return document(
        "ledger",
        {"formal": True},
        verdict,
        key="rows",
        rows=formal_rows(ledger),
        not_in_the_list=[{"equation": k, "witness": ledger.row(k).witness} for k in ledger.unlisted],
    )
