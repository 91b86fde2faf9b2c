"""Files symspec writes are replaced atomically: an interrupted write leaves the old
file, never half of one."""

import pytest

from symspec.output import atomic_write


def test_interrupted_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "figure.png"
    target.write_bytes(b"old")

    def broken(tmp):
        with open(tmp, "wb") as f:
            f.write(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, broken)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["figure.png"]  # no temporary file left behind
    atomic_write(target, lambda tmp: open(tmp, "wb").write(b"new"))
    assert target.read_bytes() == b"new"


def test_a_narrow_table_names_the_columns_it_hid():
    from rich.console import Console

    from symspec.output.table import Col, build

    cols = [
        Col("id", wrap=True, min_width=6),
        Col("a", priority=1),
        Col("bbbbbbbbbb", "right", priority=2),
        Col("verdict"),
    ]
    rows = [["x" * 30, "y" * 20, "1.234567", "PASS"]]
    console = Console(width=40, record=True, color_system=None)
    console.print(build(cols, rows, 40))
    out = " ".join(console.export_text().split())
    assert "hidden at 40 columns: a (--wide shows them)" in out
    console = Console(width=200, record=True, color_system=None)
    console.print(build(cols, rows, 200))
    assert "hidden" not in console.export_text()


def test_check_all_says_what_fail_means_and_where_to_look(run_cli):
    r = run_cli("check", "theorem3", "--input-model", "correlated", "--rho", "0.5", "--samples", "2000")
    assert r.code == 1
    assert "symspec findings" in r.out and "printed statement" in r.out and "(a paper as printed)" in r.out
    q = run_cli(
        "check", "theorem3", "--input-model", "correlated", "--rho", "0.5", "--samples", "2000", "--quiet"
    )
    assert len(q.out.strip().splitlines()) == 1


def test_perturbed_rows_count_under_their_own_name(run_cli):
    r = run_cli("check", "theorem1", "--perturb", "phase-sign", "--quiet")
    assert r.code == 1 and "perturbed formula (phase-sign): perturbed-printed" in r.out
    assert "a paper as printed" not in run_cli("check", "theorem1", "--perturb", "phase-sign").out


def test_falsify_prints_complex_numbers_as_in_every_other_table(run_cli):
    r = run_cli("falsify", "valid-conv", "--max-points", "6")
    assert "[-0.25, " not in r.out and "-0.25 vs 0" in r.out
    doc = run_cli("falsify", "valid-conv", "--max-points", "6", "--json").json()
    failing = next(row for row in doc["results"] if row["verdict"] == "fail")
    assert isinstance(failing["symbolic"], list)  # JSON keeps [re, im]


def test_identifiers_break_only_after_separators_and_lose_their_claim_prefix(run_cli, monkeypatch):
    from symspec.output.format import break_identifier

    assert break_identifier("eq8_definition.otherwise_zero", 16) == "eq8_definition.\notherwise_zero"
    assert break_identifier("short", 16) == "short"
    assert break_identifier("averyveryverylongword", 5) == "averyveryverylongword"  # never cut inside
    monkeypatch.setenv("COLUMNS", "80")
    out = run_cli("check", "theorem3", "--input-model", "correlated", "--rho", "0.5", "--samples", "2000").out
    table = out.split("┩")[1].split("└")[0]
    cells = [line.split("│")[1].strip() for line in table.splitlines() if line.startswith("│")]
    ids = []
    for cell in cells:  # a row's id continues on the next line when its cell ended in a separator
        if ids and ids[-1][-1:] in "._@-/" and cell:
            ids[-1] += cell
        elif cell:
            ids.append(cell)
    assert "exact_vs_montecarlo" in ids and "som_difference" in ids
    assert not any(i.startswith("theorem3.") for i in ids)
