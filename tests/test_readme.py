"""The README is part of the product: its set-up commands are what CI runs, and its commands work as shown."""

import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def bash_blocks(text):
    return re.findall(r"```bash\n(.*?)```", text, flags=re.S)


def test_first_screen_has_exactly_the_two_setup_commands():
    first_screen = "\n".join(README.splitlines()[:30])
    blocks = bash_blocks(first_screen)
    assert [b.strip() for b in blocks] == ["bash install.sh && symspec check all",
                                           "bash install.sh --test && python3 -m pytest"]


def test_ci_runs_the_readme_test_command():
    test_command = bash_blocks(README)[1].strip()
    ci = (ROOT / ".ci" / "run").read_text()
    assert test_command in ci.splitlines()


def readme_symspec_commands():
    out = []
    for block in bash_blocks(README):
        for line in block.splitlines():
            line = line.split("  #")[0].strip()
            if line.startswith("symspec "):
                out.append(line)
    return out


@pytest.mark.parametrize("line", readme_symspec_commands())
def test_readme_command_works_as_shown(run_cli, line, tmp_path, monkeypatch):
    # run in a scratch copy of the files the commands read, so that files they write stay out of the tree
    import shutil
    import sys

    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [str(tmp_path)] + [p for p in sys.path if p not in ("", str(ROOT))])
    for name in [m for m in sys.modules if m == "examples" or m.startswith("examples.")]:
        monkeypatch.delitem(sys.modules, name)
    r = run_cli(*shlex.split(line)[1:])
    assert r.code in (0, 1), r.err  # 1 is an honest FAIL verdict; 2 would be a usage error
    assert "Traceback" not in r.out + r.err
