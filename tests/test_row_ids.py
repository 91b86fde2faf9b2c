"""Every row id cited anywhere names a declared row: findings cases, premise and intent links, the ledger's
checks and formal reproductions, and the ids the README and the manual cite in backticks (`claim.sub`)."""

import re
from pathlib import Path

import pytest

from symspec import registry
from symspec.claims import row_key

ROOT = Path(__file__).resolve().parent.parent
CLAIMS = {c.id: c for c in registry.all_claims()}


def owner(row_id: str):
    """The claim a row id belongs to: the longest claim id that is the id or its prefix
    before '.', '[' or '@'."""
    found = [cid for cid in CLAIMS if row_id == cid or any(row_id.startswith(cid + s) for s in ".[@")]
    return CLAIMS[max(found, key=len)] if found else None


def missing(row_id: str) -> bool:
    claim = owner(row_id)
    if claim is None:
        return True
    declared = {r.id for r in claim.rows}
    return not any(key in declared for key in row_key(row_id))


def test_the_resolver_can_fail():
    assert not missing("theorem2.trend.K") and not missing("shift.eq12_ratio[Δ=2,0; φ=(44)]")
    assert missing("theorem2.trend.no_such_row") and missing("nosuch.row") and missing("lemma.closed_forms")


def test_findings_cases_cite_rows_of_their_claim():
    for paper in registry.all_papers():
        for case in paper.findings:
            assert not missing(case.row), case.row
            assert owner(case.row) is registry.lookup(case.claim), case.row


def test_premise_and_intent_links_name_declared_rows():
    links = [
        (c.id, r.id, link)
        for c in CLAIMS.values()
        for r in c.rows
        if r.finding
        for link in (r.finding.premise, r.finding.intent)
        if link
    ]
    assert links  # the decoder paper links premises (Eq. 32) and intents (typos)
    assert [x for x in links if missing(x[2])] == []


def test_ledger_checks_and_reproductions_name_declared_rows():
    for paper in registry.all_papers():
        data = paper.ledger
        if data is None:
            continue
        keys = {e.key for e in data.entries}
        cited = [
            (e.key, r)
            for e in data.entries
            for check in (*e.checks, *e.related, *e.nearest)
            for r in check.rows
        ]
        cited += [(i.id, i.reproduce.row) for i in data.formal if i.reproduce is not None]
        assert [x for x in cited if missing(x[1])] == []
        steps = {k for ch in data.chains for k in (*ch.statements, *ch.steps)} | {
            k for i in data.formal for k in i.keys
        }
        assert steps <= keys, sorted(steps - keys)


DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
HEADS = {cid.split(".")[0] for cid in CLAIMS}


def cited_in_docs() -> list[tuple[str, str]]:
    out = []
    for path in DOCS:
        for token in re.findall(r"`([^`\s]+)`", path.read_text(encoding="utf-8")):
            if re.fullmatch(r"[a-z][a-z0-9-]*\.[^\s]+", token) and token.split(".")[0] in HEADS:
                out.append((path.name, token))
    return out


@pytest.mark.parametrize("doc,row_id", cited_in_docs())
def test_ids_cited_in_the_docs_exist(doc, row_id):
    assert row_id in CLAIMS or not missing(row_id), f"{doc} cites `{row_id}`, which no claim declares"
