"""The claim catalog: everything `list`, `show`, `--help` and option parsing need, without torch or SymPy.

The catalog is generated from the claim modules (``python3 -m symspec.catalog --write``) into ``catalog.json``
beside this file; a test regenerates it and fails when the two differ, so it cannot drift from the claims.
Reading it costs a JSON parse, which keeps ``symspec --help`` and ``symspec list`` instant.
"""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path

from .errors import SymspecError

PATH = Path(__file__).with_name("catalog.json")


def build() -> dict:
    """The catalog from the claim modules themselves (imports torch and SymPy)."""
    import sympy as sp

    from .registry import builtin, builtin_ids

    papers = [builtin(i) for i in builtin_ids()]
    claims = [claim_entry(c) for p in papers for c in p.claims]
    return {
        "sympy": sp.__version__,
        "papers": [paper_entry(p) for p in papers],
        "claims": claims,
        "layers": layer_entries(),
        "experiments": experiment_names(),
        "ledger_sections": {p.id: ledger_sections(p.ledger) for p in papers if p.ledger is not None},
    }


def claim_entry(c) -> dict:
    """A claim's catalog entry (what `show` prints): also the entry of a claim from outside the catalog."""
    import sympy as sp

    from .registry import paper_of

    return {
        "id": c.id,
        "paper": paper_of(c),
        "aliases": list(c.aliases),
        "title": c.title,
        "source": c.source,
        "kind": c.kind,
        "summary": c.summary,
        "hypotheses": list(c.hypotheses),
        "notes": c.notes,
        "params": [
            {
                "name": p.name,
                "kind": p.kind,
                "default": p.show_default(),
                "help": p.help,
                **param_entry(p),
            }
            for p in c.params
        ],
        "perturbations": sorted(c.perturbations),
        "statements": [
            {
                "label": label,
                "pretty": sp.pretty(expr, use_unicode=True, wrap_line=True, num_columns=78),
                "latex": sp.latex(expr),
            }
            for label, expr in c.statements()
        ],
        "rows": [
            {
                "id": r.id,
                "source": r.source,
                "page": r.page,
                "equation": r.equation,
                "of": r.of,
                "note": r.note,
            }
            for r in c.rows
        ],
    }


def param_entry(p) -> dict:
    """What refusing a bad value needs before any import: kind, bounds and choices."""
    return {
        "name": p.name,
        "kind": p.kind,
        "choices": list(p.choices),
        "minimum": p.minimum,
        "maximum": p.maximum,
    }


def layer_entries() -> list[dict]:
    """The layers of `symspec derive`: name, aliases and the parameters of each rule builder (its SPEC)."""
    from .spectral.ops import ALIASES, LAYERS, names

    return [
        {
            "name": name,
            "aliases": sorted(a for a, target in ALIASES.items() if target == name),
            "params": [param_entry(p) for p in sys.modules[LAYERS[name].__module__].SPEC.values()],
        }
        for name in names()
    ]


def experiment_names() -> list[str]:
    """The experiments of `symspec experiment`, in their registration order."""
    from .experiments import all_experiments

    return list(all_experiments())


def ledger_sections(data) -> list[str]:
    """The sections a paper's ledger has rows in (what `symspec ledger --section` selects from), in the
    paper's order."""
    used = {e.section for e in data.entries}
    return [s for s in data.sections if s in used] + sorted(used - set(data.sections))


def layers() -> list[dict]:
    return load()["layers"]


def experiments() -> list[str]:
    return load()["experiments"]


def paper_entry(paper) -> dict:
    """A paper's metadata with its counts: claims, rows by kind, ledger entries and finding cases."""
    rows = [r.source for c in paper.claims for r in c.rows]
    return {
        **paper.metadata(),
        "short_names": paper.short_names,
        "claims": len(paper.claims),
        "rows": {kind: rows.count(kind) for kind in ("printed", "variant", "convention")},
        "ledger": len(paper.ledger.entries) if paper.ledger is not None else 0,
        "findings": len(paper.findings),
    }


def papers() -> list[dict]:
    return load()["papers"]


def sections(paper_id: str) -> list[str]:
    """The ledger sections of a shipped paper (by id); empty when it states no ledger."""
    return load()["ledger_sections"].get(paper_id, [])


def paper(name: str) -> dict:
    """A shipped paper's catalog entry by id (case-insensitive)."""
    key = str(name).strip().lower()
    for entry in papers():
        if entry["id"] == key:
            return entry
    raise SymspecError(f"unknown paper {name!r} (known: {', '.join(p['id'] for p in papers())})")


@lru_cache(maxsize=1)
def load() -> dict:
    try:
        return json.loads(PATH.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # a source checkout without the generated file: build it on the fly
        return build()


def claims() -> list[dict]:
    return load()["claims"]


def lookup(name: str) -> dict:
    """A claim's catalog entry by id or alias (case-insensitive)."""
    key = str(name).strip().lower()
    for entry in claims():
        if key == entry["id"] or key in entry["aliases"]:
            return entry
    head, _, rest = key.partition(".")
    short = {p["id"] for p in papers() if p["short_names"]}
    if rest and head in short:  # <paper>.<claim> for a paper whose claims keep their short ids
        for entry in claims():
            if entry["paper"] == head and (rest == entry["id"] or rest in entry["aliases"]):
                return entry
    known = ", ".join(e["id"] for e in claims())
    raise SymspecError(f"unknown claim {name!r} (known: {known}; aliases in `symspec list`)")


def options() -> dict[str, dict[str, list[str]]]:
    """{parameter name: {help text: [claim ids]}} over every claim (the `check` options)."""
    seen: dict[str, dict[str, list[str]]] = {}
    for entry in claims():
        for p in entry["params"]:
            seen.setdefault(p["name"], {}).setdefault(p["help"], []).append(entry["id"])
    return seen


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    text = json.dumps(build(), indent=1, ensure_ascii=False) + "\n"
    if argv == ["--write"]:
        PATH.write_text(text, encoding="utf-8")
        print(f"wrote {PATH}")
        return 0
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
