"""Start-up stays instant: --help, --version, list and show import neither torch nor SymPy,
and the catalog they read is exactly what the claim modules declare."""

import json
import subprocess
import sys

import pytest

from symspec import catalog


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["--version"],
        ["list"],
        ["list", "--json"],
        ["show", "theorem2"],
        ["papers"],
        ["show", "odena2016.uneven"],
        ["check", "--help"],
        ["show", "nonsense"],
    ],
)
def test_light_commands_import_neither_torch_nor_sympy(args):
    code = (
        "import sys\nfrom symspec.cli import main\ntry:\n    main(%r)\nexcept SystemExit:\n    pass\n"
        "heavy = sorted(m for m in ('torch', 'sympy') if m in sys.modules)\n"
        "sys.stderr.write('HEAVY=' + ','.join(heavy) + '\\n')" % (args,)
    )
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, timeout=120
    )
    assert "HEAVY=\n" in run.stderr, run.stderr[-500:]
    imported = {
        line.split("|")[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")
    }
    assert "torch" not in imported and "sympy" not in imported


def test_catalog_is_in_sync_with_the_claim_modules():
    """Regenerate with `python3 -m symspec.catalog --write` after changing a claim."""
    stored = json.loads(catalog.PATH.read_text(encoding="utf-8"))
    fresh = catalog.build()
    if (
        stored["sympy"] != fresh["sympy"]
    ):  # pretty-printing may differ between SymPy versions: compare the rest
        for doc in (stored, fresh):
            for entry in doc["claims"]:
                for st in entry["statements"]:
                    st.pop("pretty")
        stored.pop("sympy"), fresh.pop("sympy")
    assert stored == fresh, "symspec/catalog.json is stale: run python3 -m symspec.catalog --write"


def test_unknown_claim_is_one_line_exit_2(run_cli):
    r = run_cli("show", "theorem9")
    assert r.code == 2 and r.err.count("\n") == 1 and "unknown claim 'theorem9'" in r.err
