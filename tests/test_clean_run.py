"""A passing test run prints no traceback and no warning: the suite's hooks and settings that keep it so."""

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_a_worker_ends_its_session_without_the_cyclic_collector(monkeypatch):
    """After a worker's session, a full collection over the suite's heap (torch, SymPy, every test's objects)
    costs tenths of a second; the teardown triggered several, overran execnet's 5 s grace and drew its SIGINT.
    The hook stops automatic collection there and freezes what is alive: a collection has nothing to walk."""
    import conftest

    junk = [[i] for i in range(300_000)]  # tracked objects, as the suite's heap holds millions
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    conftest.pytest_sessionfinish(None)
    assert gc.isenabled() and gc.get_freeze_count() == 0  # a single process (-n 0) keeps its collector
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    try:
        conftest.pytest_sessionfinish(None)
        assert not gc.isenabled() and gc.get_freeze_count() >= len(junk)
        assert not any(obj is junk for g in range(3) for obj in gc.get_objects(generation=g))
    finally:
        gc.unfreeze()
        gc.enable()


def test_pytest_benchmark_where_installed_does_not_warn_once_per_worker(tmp_path):
    """pytest-benchmark warns in every xdist worker that it is disabled; the suite has no benchmark tests and
    does not load it (pyproject's addopts)."""
    pytest.importorskip("pytest_benchmark")
    (tmp_path / "test_one.py").write_text("def test_one():\n    assert 1 + 1 == 2\n")
    argv = [
        sys.executable,
        "-m",
        "pytest",
        "-c",
        str(ROOT / "pyproject.toml"),
        "--rootdir",
        str(tmp_path),
        "-n",
        "1",
        "-q",
        "-p",
        "no:cacheprovider",
        str(tmp_path / "test_one.py"),
    ]
    run = subprocess.run(
        argv,
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env={**os.environ, "PYTHONWARNINGS": ""},
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "PytestBenchmarkWarning" not in run.stdout + run.stderr
    assert "1 passed" in run.stdout and "warning" not in run.stdout.lower()
