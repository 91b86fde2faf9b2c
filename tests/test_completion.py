"""Shell completion (click's): the bash script is generated, and completing a partial command offers the commands."""

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
