"""One id, one meaning: a ledger row evaluated at a point other than `symspec check`'s defaults names that
point (``row@size=...``), links to the check row it corresponds to (``check_id``, and what check prints for it
at its defaults), and carries a replay command that reproduces its status; the same for `symspec findings`."""

import io
import json
import shlex

import pytest
from rich.console import Console

from symspec.findings import cases, run_case
from symspec.ledger import build
from symspec.output.findings import finding_rows
from symspec.output.ledger import ledger_json, print_ledger
from symspec.registry import lookup

# cheap claims only (theorem1, theorem3, lemma, valid-conv): rows decided at check's defaults and elsewhere
KEYS = ("Eq. 3", "Eq. 9", "Eq. 13", "Eq. 17", "Eq. 35")


@pytest.fixture(scope="module")
def ledger():
    return build(keys=KEYS)


@pytest.fixture(scope="module")
def rows(ledger):
    return json.loads(ledger_json(ledger, ledger.rows, {}))["rows"]


@pytest.fixture(scope="module")
def table(ledger):
    out = io.StringIO()
    print_ledger(Console(file=out, width=200, color_system=None), ledger, ledger.rows)
    return "".join(out.getvalue().split())  # the table wraps ids at spaces: compare without whitespace


def evaluations(row: dict) -> list[dict]:
    """Every evaluation a ledger JSON row names: its deciding one and those of its related rows."""
    own = [{k: row[k] for k in ("check_id", "point", "point_id", "check_status")} | {"status": row["status"]}]
    return [e for e in own if e["check_id"]] + [r["check"] for r in row["related"]]


def printed_by_check(run_cli, claim: str) -> dict:
    """{id: verdict} that `symspec check CLAIM` prints at its defaults."""
    res = run_cli("check", claim, "--json")
    assert res.code in (0, 1), res.err
    return {r["id"]: r["verdict"] for r in res.json()["results"]}


def at_defaults(hit) -> bool:
    """Whether a ledger run is the run `symspec check` makes by default: the same parameters, no --at."""
    return hit.report.params == lookup(hit.claim).check({}).params and not hit.report.settings.at


def test_a_point_off_check_defaults_is_named_and_linked(ledger, rows, table, run_cli):
    by_claim = {c: printed_by_check(run_cli, c) for c in {h.claim for r in ledger.rows for h in r.hits}}
    seen = {"off": 0, "at": 0}
    for r, data in zip(ledger.rows, rows):
        claim = r.hits[0].claim
        check = by_claim[claim]
        for ev in evaluations(data):
            off = bool(ev["point"])
            seen["off" if off else "at"] += 1
            if off:
                # a different point: a different id, which check does not print, and the table shows it
                assert ev["point_id"] != ev["check_id"] and ev["point_id"].startswith(ev["check_id"] + "@")
                assert ev["point_id"] not in check, ev
                assert ev["check_status"] == check.get(ev["check_id"], ""), ev
                assert "".join(ev["point_id"].split()) in table, ev["point_id"]
            else:  # check's defaults: the very row check prints, with the same status
                assert ev["point_id"] == ev["check_id"] and check.get(ev["check_id"]) == ev["status"], ev
        # the point is empty exactly when the deciding run is check's default run (computed from the run)
        deciding = [h for h in r.hits if h.verdict.id == data["check_id"] and h.verdict.verdict == r.status]
        assert any(at_defaults(h) == (not data["point"]) for h in deciding), data["id"]
    assert seen["off"] and seen["at"]  # the subset has both kinds


def test_an_off_default_row_that_disagrees_with_check_shows_the_link(rows, run_cli):
    # a row FAIL at a grid point where check at its defaults prints the same id PASS (Eq. 9, theorem3)
    moved = [r for r in rows if r["point"] and r["check_status"] and r["check_status"] != r["status"]]
    assert moved, "the subset has a row whose grid status differs from check's"
    row = moved[0]
    assert printed_by_check(run_cli, row["claim"][0])[row["check_id"]] == row["check_status"]
    assert row["witness"]["point_id"] == row["point_id"]


def test_the_replay_command_reproduces_the_ledger_status(rows, run_cli):
    row = next(r for r in rows if r["point"] and r["status"] == "fail")
    argv = shlex.split(row["replay"])
    assert argv[:2] == ["symspec", "check"]
    res = run_cli(*argv[1:], "--json")
    replayed = {v["id"]: v["verdict"] for v in res.json()["results"]}
    assert replayed[row["check_id"]] == row["status"]
    for name, value in row["point"].items():  # the command names the point
        if name != "at":
            assert f"--{name.replace('_', '-')} {value}" in row["replay"]


def test_findings_rows_name_their_point(run_cli):
    case = next(c for c in cases() if c.claim == "theorem3")
    outcome = run_case(case)
    (row,) = finding_rows([outcome])
    assert row["check_id"] == case.row
    default_params = lookup(case.claim).check({}).params
    off = outcome.report.params != default_params or bool(case.at)
    assert off and row["point"] and row["point_id"] != case.row
    assert row["point_id"].startswith(case.row + "@")
    res = run_cli(*shlex.split(row["replay"])[1:], "--json")
    assert {v["id"]: v["verdict"] for v in res.json()["results"]}[case.row] == "fail"
