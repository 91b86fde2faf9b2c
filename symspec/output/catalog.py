"""Renderers of `symspec list` and `symspec show`: read the claim catalog only (no torch, no SymPy)."""

from __future__ import annotations

import json

from rich.console import Console
from rich.text import Text

from .console import encodes
from .table import Col, build

SOURCE_WORD = {"printed": "printed", "variant": "variant", "convention": "convention"}


def list_table(entries: list[dict], width: int):
    cols = [
        Col("id"),
        Col("aliases", wrap=True, priority=4, min_width=12),
        Col("source", wrap=True, priority=2, min_width=14),
        Col("kind", priority=1),
        Col("statement", wrap=True, min_width=24),
    ]
    rows = [[e["id"], ", ".join(e["aliases"]), e["source"], e["kind"], e["summary"]] for e in entries]
    return build(cols, rows, width)


def list_json(entries: list[dict]) -> str:
    rows = [
        {
            "id": e["id"],
            "aliases": e["aliases"],
            "reference": e["source"],
            "kind": e["kind"],
            "statement": e["summary"],
        }
        for e in entries
    ]
    return json.dumps(
        {"schema": "symspec/1", "command": "list", "params": {}, "results": rows, "verdict": None}, indent=2
    )


def papers_table(papers: list[dict], width: int):
    cols = [
        Col("paper"),
        Col("year"),
        Col("venue", wrap=True, priority=2, min_width=10),
        Col("title", wrap=True, min_width=20),
        Col("claims"),
        Col("rows p/v/c", priority=1),
    ]
    rows = [
        [
            p["id"],
            str(p["year"]),
            p["venue"],
            p["title"],
            str(p["claims"]),
            "/".join(str(p["rows"][k]) for k in ("printed", "variant", "convention")),
        ]
        for p in papers
    ]
    return build(cols, rows, width)


def papers_json(papers: list[dict]) -> str:
    return json.dumps(
        {"schema": "symspec/1", "command": "papers", "params": {}, "results": papers, "verdict": None},
        indent=2,
        ensure_ascii=False,
    )


def print_papers(console: Console, papers: list[dict]) -> None:
    console.print(Text("symspec papers", style="bold"))
    console.print(papers_table(papers, console.width))
    console.print("check one with `symspec check <paper>` or `symspec check <paper>.<claim>`")


def print_list(console: Console, entries: list[dict]) -> None:
    console.print(Text("symspec claims", style="bold"))
    console.print(list_table(entries, console.width))


def print_show(console: Console, entry: dict) -> None:
    console.print(Text(f"{entry['id']} — {entry['title']}", style="bold"))
    console.print(
        f"source: {entry['source']}    aliases: {', '.join(entry['aliases'])}    kind: {entry['kind']}"
    )
    console.print(f"\n{entry['summary']}\n")
    console.print(Text("statement, as printed", style="bold"))
    for st in entry["statements"]:
        console.print(f"[{st['label']}]")
        if st["pretty"].isascii() or encodes(
            console.file
        ):  # else the LaTeX line alone (box art needs Unicode)
            console.print(st["pretty"], overflow="ignore", crop=False)
        console.print(f"LaTeX: {st['latex']}\n")
    console.print(Text("hypotheses", style="bold"))
    for h in entry["hypotheses"]:
        console.print(f"  - {h}")
    console.print(Text("parameters", style="bold"))
    rows = [["--" + p["name"].replace("_", "-"), p["default"], p["help"]] for p in entry["params"]]
    console.print(
        build([Col("option"), Col("default"), Col("meaning", wrap=True, min_width=24)], rows, console.width)
    )
    if entry["rows"]:
        console.print(Text("rows (what each sub-claim checks)", style="bold"))
        rows = []
        for r in entry["rows"]:
            where = ", ".join(x for x in (f"p. {r['page']}" if r["page"] else "", r["equation"]) if x)
            if r["of"]:
                where += f" (proof step of {r['of']})"
            rows.append([r["id"], SOURCE_WORD.get(r["source"], r["source"]), where or r["note"]])
        console.print(
            build(
                [
                    Col("row", wrap=True, min_width=20),
                    Col("source"),
                    Col("page, equation", wrap=True, min_width=20),
                ],
                rows,
                console.width,
            )
        )
    if entry["perturbations"]:
        console.print(
            "perturbations (--perturb, each must make the check FAIL): " + ", ".join(entry["perturbations"])
        )
    if entry["notes"]:
        console.print(Text("\nnotes", style="bold"))
        console.print(entry["notes"])
