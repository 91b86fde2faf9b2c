"""Printed tables are the product: golden outputs (fixed width, no colour) catch formatting regressions.
Regenerate with SYMSPEC_UPDATE_GOLDEN=1 after an intended change, and review the diff."""

import os
import re
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"
TINY = re.compile(r"\b\d(?:\.\d+)?e-(?:1[0-9]|[2-9]\d)\b")  # round-off sized numbers vary between machines

CASES = {
    "list": ("list",),
    "show_theorem1": ("show", "theorem1"),
    "show_theorem3": ("show", "theorem3"),
    "check_theorem4": ("check", "theorem4", "--size", "4x4"),
    "check_cascade_last": ("check", "cascade", "--beta-reading", "last", "--size", "5x4"),
    "derive_nearest": ("derive", "upsample", "--mode", "nearest", "--ratio", "2", "--size", "4x4"),
    "derive_conv_zero": ("derive", "conv", "--kernel", "3", "--padding", "zero", "--size", "4x4"),
    "check_backprop": ("check", "backprop", "--size", "4x4", "--depth", "2"),
    "check_shift": ("check", "shift", "--size", "6x6", "--sweep", "3"),
    "falsify_valid_conv": ("falsify", "valid-conv", "--max-points", "6"),
    "findings": ("findings",),
    "audit_dcgan": ("audit", "examples.decoders:DCGANGenerator", "--input", "64x1x1"),
    "ledger_section_4_1": ("ledger", "--section", "4.1"),
    "experiment_mean_synthetic": ("experiment", "mean", "--images", "synthetic", "--size", "16"),
}


ZERO = re.compile(
    r"│(\s+)0(\s+)│(\s+\d(?:\.\d+)?e-\d)"
)  # an error of exactly 0 beside its tolerance: round-off too
RULES = re.compile(r"[━─]+")
TIMES = re.compile(r"\b\d+\.\d+ s\b")  # wall times
SPACES = re.compile(r" {2,}")


def normalise(text: str) -> str:
    """Round-off sized numbers vary between machines, and so does the width of the column that shows them:
    compare content, with rules and runs of spaces collapsed (the width limits are asserted separately)."""
    lines = (
        SPACES.sub(
            " ", RULES.sub("─", TIMES.sub("<t> s", TINY.sub("<tiny>", ZERO.sub(r"│\1<tiny>\2│\3", line))))
        ).rstrip()
        for line in text.splitlines()
    )
    return "\n".join(lines) + "\n"


WIDTHS = (80, 120)


def display_width(line: str) -> int:
    from rich.cells import cell_len

    return cell_len(line)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_output(run_cli, monkeypatch, name, width):
    """Piped output honours $COLUMNS: every table fits, with no number or verdict cut (no '…')."""
    monkeypatch.setenv("COLUMNS", str(width))
    r = run_cli(*CASES[name])
    assert r.code in (0, 1), r.err
    lines = r.out.splitlines()
    assert all(display_width(line) <= width for line in lines), max(lines, key=display_width)
    # no number or verdict cut; only a node's name in audit's node column elides from the left, by design
    assert "…" not in re.sub(r"│\s*\d+ │ …[^│]*│", "│", r.out)
    assert all(line == line.rstrip() for line in lines)  # no trailing spaces in pipes
    got = normalise(r.out)
    path = GOLDEN / f"{name}@{width}.out"
    if os.environ.get("SYMSPEC_UPDATE_GOLDEN") or not path.exists():
        from symspec.output import atomic_write

        missing = not path.exists()
        atomic_write(path, lambda tmp: Path(tmp).write_text(got))
        if missing and not os.environ.get("SYMSPEC_UPDATE_GOLDEN"):
            pytest.fail(f"no golden {path.name}: written now from this run; review it and commit it")
    assert got == normalise(path.read_text())  # stored goldens predate later normalisations
