"""Shell completion (click's): the bash script is generated, and completing a partial
command offers the commands."""

import os
import shutil
import subprocess

import pytest

SYMSPEC = shutil.which("symspec")


@pytest.mark.skipif(SYMSPEC is None, reason="the symspec console script is not installed")
def test_bash_completion_script_and_candidates():
    env = {**os.environ, "_SYMSPEC_COMPLETE": "bash_source"}
    script = subprocess.run([SYMSPEC], env=env, capture_output=True, text=True, timeout=60).stdout
    assert "complete -o nosort -F _symspec_completion symspec" in script
    env = {**os.environ, "_SYMSPEC_COMPLETE": "bash_complete", "COMP_WORDS": "symspec ch", "COMP_CWORD": "1"}
    out = subprocess.run([SYMSPEC], env=env, capture_output=True, text=True, timeout=60).stdout
    assert "plain,check" in out.splitlines()
    env["COMP_WORDS"], env["COMP_CWORD"] = "symspec check theorem2 --ker", "3"
    out = subprocess.run([SYMSPEC], env=env, capture_output=True, text=True, timeout=60).stdout
    assert "plain,--kernel" in out.splitlines()


@pytest.mark.skipif(SYMSPEC is None, reason="the symspec console script is not installed")
@pytest.mark.parametrize(
    "shell,marker", [("zsh", "#compdef symspec"), ("fish", "complete --no-files --command symspec")]
)
def test_zsh_and_fish_scripts_are_generated(shell, marker):
    """The README's zsh and fish lines produce their scripts (the shells themselves
    are not installed here)."""
    env = {**os.environ, "_SYMSPEC_COMPLETE": f"{shell}_source"}
    script = subprocess.run([SYMSPEC], env=env, capture_output=True, text=True, timeout=60).stdout
    assert marker in script
