"""A claim file's own parameters are `check` options (parsed and bounded by its Params, shown by --help and
`show`, carried into replay commands), and `check all` ends with a per-paper table that the JSON rows add up
to."""

import re
import shlex
from pathlib import Path

import numpy as np
import pytest

from symspec import catalog, registry

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "examples" / "my_claim.py")
SOURCES = ("printed", "variant", "convention")
STATES = ("pass", "fail", "undefined")


def value(x):
    """A JSON number ([re, im] for a complex one) as a Python complex."""
    return complex(*x) if isinstance(x, list) else complex(x)


# ------------------------------------------------------------------------------------ claim-file options


def test_a_claim_file_parameter_set_from_the_command_line_changes_the_row(run_cli):
    """At one frequency u, the shift theorem says X_s[u] = X[u] exp(-2 pi i u s / size): the row at --shift 5
    is the row at the default shift 3 times exp(-2 pi i u (5 - 3) / 8) (the same seed: the same x)."""
    base = run_cli("check", EXAMPLE, "--at", "u=1", "--json")
    moved = run_cli("check", EXAMPLE, "--shift", "5", "--at", "u=1", "--json")
    assert base.code == 0 and moved.code == 0, base.err + moved.err
    doc0, doc5 = base.json(), moved.json()
    assert doc0["params"] == {"size": 8, "shift": 3} and doc5["params"] == {"size": 8, "shift": 5}
    (row0,), (row5,) = doc0["results"], doc5["results"]
    assert row5["witness"]["params"] == {"size": 8, "shift": 5} and row5["verdict"] == "pass"
    phase = np.exp(-2j * np.pi * 1 * (5 - 3) / 8)
    assert abs(value(row5["numeric"]) - value(row0["numeric"]) * phase) < 1e-12
    assert abs(value(row5["symbolic"]) - value(row0["symbolic"]) * phase) < 1e-12
    assert abs(value(row5["numeric"]) - value(row0["numeric"])) > 1e-3  # the option reached the run
    text = run_cli("check", EXAMPLE, "--shift", "5", "--size", "16")
    assert text.code == 0 and "shift-note.shift  (size=16, shift=5)" in text.out, text.out + text.err


def test_a_claim_file_option_may_come_before_the_file(run_cli):
    r = run_cli("check", "-q", "--shift=6", "--size", "12", EXAMPLE, "--json")
    assert r.code == 0 and r.json()["params"] == {"size": 12, "shift": 6}, r.out + r.err


@pytest.mark.parametrize(
    "args, message",
    [
        (["--shift", "65"], "--shift: 65 is above the maximum 64"),
        (["--shift", "-1"], "--shift: -1 is below the minimum 0"),
        (["--shift", "2.5"], "--shift: expected an integer, got '2.5'"),
        (["--size", "0"], "--size: 0 is below the minimum 1"),
        (["--kernel", "3"], "No such option '--kernel'"),
        (["--shfit", "5"], "No such option '--shfit'"),
    ],
)
def test_a_bad_or_unknown_claim_file_option_exits_2_naming_it(run_cli, args, message):
    r = run_cli("check", EXAMPLE, *args)
    assert r.code == 2 and r.out == "" and r.err.count("\n") == 1 and message in r.err, r.err


def test_a_file_with_two_claims_gives_each_its_own_parameters(run_cli, tmp_path):
    """`--gain` reaches only the claim that declares it; its own bounds (here 1 to 4) refuse 5."""
    path = tmp_path / "two_claims.py"
    path.write_text(
        "import sympy as sp\nimport torch\nfrom symspec import Paper, claim\n"
        'paper = Paper("two-note", title="t", authors=("A. Reader",), venue="notes", year=2024)\n'
        'n, g, u = sp.symbols("n gain u", integer=True)\nx = sp.IndexedBase("x")\n'
        '@claim(paper, "scaled", page="1", equation="Eq. 1", statement=g * x[u], params={"n": (4, 1, 9), '
        '"gain": (2, 1, 4)}, axes={"u": "n"}, inputs=lambda r: {"x": r.randn(r.n)})\n'
        "def scaled(r):\n    return r.gain * r.x\n"
        '@claim(paper, "same", page="1", equation="Eq. 2", statement=x[u], params={"n": (4, 1, 9)}, '
        'axes={"u": "n"}, inputs=lambda r: {"x": r.randn(r.n)})\n'
        "def same(r):\n    return r.x\n"
    )
    r = run_cli("check", path, "--gain", "3", "--n", "5", "--json")
    assert r.code == 0, r.err
    assert r.json()["params"] == {"two-note.scaled": {"n": 5, "gain": 3}, "two-note.same": {"n": 5}}
    bad = run_cli("check", path, "--gain", "5")
    assert bad.code == 2 and "--gain: 5 is above the maximum 4" in bad.err
    shown = run_cli("check", path, "--help")
    assert shown.code == 0 and re.search(r"--gain TEXT +gain \(1 to 4\) \[two-note.scaled\]", shown.out)
    assert re.search(r"--n TEXT +n \(1 to 9\) \[two-note.scaled, two-note.same\]", shown.out)


def test_help_and_show_name_the_claim_file_parameters(run_cli):
    r = run_cli("check", EXAMPLE, "--help")
    assert r.code == 0
    assert re.search(r"--shift TEXT +shift \(0 to 64\) \[shift-note.shift\] +\[default: 3\]", r.out), r.out
    assert "--kernel" not in r.out  # the built-in claims' options do not apply to the file
    assert "shift-note" not in run_cli("check", "--help").out
    shown = run_cli("show", EXAMPLE)
    assert shown.code == 0, shown.err
    rows = {m[0]: m[1] for m in re.findall(r"│ (--[a-z-]+) +│ (\S+) +│", shown.out)}
    assert rows == {"--size": "8", "--shift": "3"}


def test_the_replay_of_a_claim_file_row_names_the_file_and_its_options(run_cli):
    r = run_cli("check", EXAMPLE, "--shift", "5", "--perturb", "shift+1", "--json")
    assert r.code == 1, r.err
    (row,) = r.json()["results"]
    argv = shlex.split(row["replay"])
    assert argv[:3] == ["symspec", "check", EXAMPLE] and argv[argv.index("--shift") + 1] == "5"
    again = run_cli(*argv[1:], "--json")
    assert again.code == 1, again.err
    (same,) = again.json()["results"]
    assert same["symbolic"] == row["symbolic"] and same["numeric"] == row["numeric"]
    assert again.json()["params"] == {"size": 8, "shift": 5}


# ------------------------------------------------------------------------------------ check all, by paper


def table_rows(out: str) -> dict[str, list[str]]:
    """The per-paper table's rows of `check all`: {paper: [claims, printed, variant, convention, verdict]}."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("by paper"))
    rows = {}
    for line in lines[start + 4 :]:
        if not line.startswith("│"):
            break
        cells = [c.strip() for c in line.strip("│").split("│")]
        rows[cells[0]] = cells[1:]
    return rows


def tally(rows: list[dict]) -> dict:
    out = {s: dict.fromkeys(STATES, 0) for s in SOURCES}
    for row in rows:
        out[row["source"]][row["verdict"]] += 1
    return out


def test_check_all_per_paper_table_adds_up_to_the_json_rows(run_cli):
    doc = run_cli("check", "all", "--json").json()
    text = run_cli("check", "all")  # the same runs again (each claim remembers its last runs)
    assert all(len(line) <= 80 for line in text.out.splitlines())
    papers = list(dict.fromkeys(row["paper"] for row in doc["results"]))  # files loaded in this process too
    assert papers[: len(catalog.papers())] == [p["id"] for p in catalog.papers()]
    by_paper = {p: [row for row in doc["results"] if row["paper"] == p] for p in papers}
    total = {
        s: {state: sum(tally(rows)[s][state] for rows in by_paper.values()) for state in STATES}
        for s in SOURCES
    }
    assert total == doc["counts"] == tally(doc["results"])
    table = table_rows(text.out)
    assert list(table) == papers
    for p, rows in by_paper.items():
        alone = run_cli("check", p, "--json").json()["results"]  # the paper checked by itself
        assert [r["id"] for r in alone] == [r["id"] for r in rows] and {r["paper"] for r in alone} == {p}
        c = tally(rows)
        claims, *triples, verdict = table[p]
        assert int(claims) == len(registry.all_claims(p))
        for source, cell in zip(SOURCES, triples):
            want = "/".join(str(c[source][s]) for s in STATES) if any(c[source].values()) else "-"
            assert cell == want, (p, source)
        assert verdict == ("FAIL" if c["printed"]["fail"] else "PASS")
    # the verdict line below the table counts every paper together
    assert f"printed {total['printed']['pass']} pass, {total['printed']['fail']} fail" in text.out


def test_one_paper_prints_no_per_paper_table(run_cli):
    r = run_cli("check", "odena2016")
    assert r.code == 0 and "by paper" not in r.out


def test_a_claim_outside_the_catalog_named_by_id_takes_its_own_options(run_cli):
    """Claims the catalog does not hold (an entry-point paper's, or a file's loaded in this process) are named
    by id; their options are their own parameters, as for the file."""
    assert run_cli("check", EXAMPLE, "-q").code == 0  # loads the file's paper into this process
    r = run_cli("check", "shift-note.shift", "--shift", "7", "--json")
    assert r.code == 0 and r.json()["params"] == {"size": 8, "shift": 7}, r.err
    bad = run_cli("check", "shift-note", "--shift", "70")
    assert bad.code == 2 and "--shift: 70 is above the maximum 64" in bad.err
