"""Renderer of ``symspec falsify``: the counterexample per sub-claim, simplest first, and its JSON."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from ..claims import FAIL, PASS, PRINTED, UNDEFINED
from .format import fmt
from .jsonout import document, jsonable
from .check import verdict_dict
from .style import SOURCE_LABEL, STYLE, verdict_text
from .table import Col, build as build_table


# ------------------------------------------------------------------------------------------ falsify


def falsify_results(searches, raw: bool = False) -> list[dict]:
    from ..registry import lookup
    from ..params import shown_params

    rows = []
    for search in searches:
        for finding in search.findings.values():
            if finding.counterexample is not None:
                row = verdict_dict(finding.counterexample, raw=raw)
                sizes = tuple(p.name for p in lookup(search.claim).params if p.kind == "size")
                row["witness"]["params"] = jsonable(shown_params(finding.params, sizes=sizes))
                row["note"] = f"simplest counterexample among {search.searched} points searched"
            else:
                last = finding.last
                row = {
                    "id": finding.sub_id,
                    "statement": last.statement if last else "",
                    "kind": last.kind if last else "",
                    "symbolic": None,
                    "numeric": None,
                    "error": None,
                    "tolerance": None,
                    "verdict": PASS if last is None or last.verdict != UNDEFINED else UNDEFINED,
                    "source": last.source if last else "",
                    "page": last.page if last else "",
                    "equation": last.equation if last else "",
                    "proof_step_of": last.of if last else "",
                    "witness": {},
                    "note": f"no counterexample in {finding.checked} points",
                }
            row["claim"] = search.claim
            rows.append(row)
    return rows


def tally(searches, rows) -> tuple[int, int, int]:
    """(printed sub-claims with a counterexample, failing variant/convention
    rows, parameter points searched)."""
    found = sum(r["verdict"] == FAIL and r["source"] == PRINTED for r in rows)
    other = sum(r["verdict"] == FAIL and r["source"] != PRINTED for r in rows)
    return found, other, sum(s.searched for s in searches)


def falsify_json(searches, name: str) -> str:
    rows = falsify_results(searches)
    verdict = FAIL if tally(searches, rows)[0] else PASS
    return document("falsify", {}, verdict, rows=rows, claim=name, searched=sum(s.searched for s in searches))


def verdict_line(searches) -> str:
    """``falsify --quiet``: FAIL when a printed sub-claim has a counterexample (the exit code's reason)."""
    found, other, total = tally(searches, falsify_results(searches))
    return (
        f"{'FAIL' if found else 'PASS'}  falsify: {found} printed sub-claims with a counterexample"
        + (f" (+{other} other)" if other else "")
        + f"; {total} points"
    )


def print_falsify(console: Console, searches, quiet: bool = False) -> None:
    if quiet:
        return console.print(verdict_line(searches), soft_wrap=True, highlight=False)
    rows = falsify_results(searches, raw=True)
    console.print(Text("symspec falsify: simplest counterexample per sub-claim", style="bold"))
    cols = [
        Col("sub-claim", wrap=True, min_width=20, identifier=True),
        Col("result"),
        Col("simplest counterexample", wrap=True, min_width=20),
        Col("symbolic vs numeric", wrap=True, min_width=12),
    ]
    table_rows = []
    for row in rows:
        if row["verdict"] == FAIL:
            w = dict(row["witness"])
            params = w.pop("params", {})
            point = w.get("point") or w.get("comparison") or ""
            result = verdict_text(FAIL)
            if row["source"] != PRINTED:
                result += Text(f" ({SOURCE_LABEL.get(row['source'], row['source'])})")
            table_rows.append(
                [
                    row["id"],
                    result,
                    f"{fmt(params)}; at {fmt(point)}",
                    f"{fmt(w.get('symbolic', w.get('before')))} vs {fmt(w.get('numeric', w.get('after')))}",
                ]
            )
        else:
            table_rows.append([row["id"], Text("none found", style="green"), row["note"], ""])
    console.print(build_table(cols, table_rows, console.width))
    print_falsify_summary(console, searches, rows)


def print_falsify_summary(console: Console, searches, rows) -> None:
    found, other, total = tally(searches, rows)
    style = STYLE[FAIL] if found else STYLE[PASS]
    tail = f" (and {other} variant/convention row(s), not findings)" if other else ""
    console.print(
        Text(
            f"{found} printed sub-claim(s) with a counterexample{tail}; {total} parameter points searched",
            style=style,
        )
    )
