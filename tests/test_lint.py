"""The house style is checked, not hoped for: `ruff check` (pycodestyle and pyflakes,
configured in pyproject.toml) and `ruff format --check` pass on the whole repository."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def ruff() -> list[str]:
    beside = Path(sys.executable).with_name("ruff")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("ruff")
    if found is None:
        pytest.skip("ruff is not installed (install.sh --test installs it)")
    return [found]


@pytest.mark.parametrize("args", [["check", "."], ["format", "--check", "."]], ids=["check", "format"])
def test_ruff_is_clean(args):
    run = subprocess.run(ruff() + args, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


def test_the_lint_can_fail(tmp_path):
    """The same configuration refuses an unused import and a line past the limit."""
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n" + "x = '" + "y" * 130 + "'\n")
    run = subprocess.run(
        ruff() + ["check", "--config", str(ROOT / "pyproject.toml"), str(bad)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 1 and "F401" in run.stdout and "E501" in run.stdout
