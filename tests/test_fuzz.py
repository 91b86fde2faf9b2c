"""Fuzzing every command's options against the exit contract.

For each command a table names its options and, for each, a strategy of hostile values (huge, negative, NaN,
infinities, Unicode digits, empty, duplicated parts) mixed with a few valid ones.  Every example runs the real
entry point in-process and must answer 0, 1 or 2 (never 3, a symspec defect), with exactly one ``error:`` line
on stderr when it answers 2, no traceback, within a bounded time.

The default profile (CI) runs a few derandomised examples per command, about 30 s in all on one core.
A longer campaign: ``SYMSPEC_FUZZ=long pytest -n 0 tests/test_fuzz.py``
(200 examples per command, new ones each run).
"""

import contextlib
import io
import os
import time

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from symspec.cli import main

LONG = os.environ.get("SYMSPEC_FUZZ", "").lower() == "long"
PROFILE = settings(
    max_examples=200 if LONG else 6,
    deadline=None,
    derandomize=not LONG,
    suppress_health_check=list(HealthCheck),
)
SECONDS = 60  # CPU seconds of one example (time.process_time), the slowest valid run included

HOSTILE = [
    "-1",
    "0",
    "-0",
    "1e300",
    "-1e300",
    "1e-320",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "³",
    "٣",
    "１",
    "",
    " ",
    "9" * 60,
    str(2**64),
    "2**64",
    "0x10",
    "1_000",
    "1,1,1",
    "abc",
    "None",
    "\x00",
    "é",
    "-",
]
NUMBER = st.one_of(
    st.sampled_from(HOSTILE),
    st.sampled_from(["1", "2", "3"]),
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=True).map(repr),
)
FLOATS = st.one_of(
    NUMBER,
    st.lists(st.sampled_from(["0.1", "1e300", "nan", "", "0.5", "-2"]), min_size=1, max_size=4).map(",".join),
)
SIZE = st.one_of(
    NUMBER,
    st.sampled_from(["4x4", "0x4", "4x0", "-4x4", "4x", "x4", "4x4x4", "4×4", "5000x5000", "3,3", "2x2"]),
)
PAIR = st.one_of(NUMBER, st.sampled_from(["1,1", "1,", ",1", "-1,2", "99,99", "1,1,1", "(1,2)", "1 2"]))
POINT = st.one_of(
    st.sampled_from(
        [
            "u=1,u=2",
            "u=-1",
            "u=999",
            "layer=99",
            "layer=0",
            "u=",
            "=1",
            "u=³",
            "u=1,,v=2",
            "zz=1",
            "u=1",
            "u=0,v=0",
            "d=0",
        ]
    ),
    st.text(max_size=8),
)
CHOICE = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=6))
TEXT = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12))

# command -> (fixed leading arguments, {option: strategy of its values})
COMMANDS = {
    "check theorem1": (
        ["check", "theorem1"],
        {
            "--size": SIZE,
            "--kernel": NUMBER,
            "--channels": NUMBER,
            "--at": POINT,
            "--seed": NUMBER,
            "--tol": NUMBER,
            "--dtype": CHOICE,
            "--anchor": CHOICE,
        },
    ),
    "check theorem2": (
        ["check", "theorem2", "--size", "4x4", "--samples", "200"],
        {
            "--mu": FLOATS,
            "--sigma": FLOATS,
            "--depth": NUMBER,
            "--kernel": NUMBER,
            "--freq": PAIR,
            "--at": POINT,
            "--seed": NUMBER,
        },
    ),
    "check theorem3": (
        ["check", "theorem3", "--size", "4x4", "--to", "6x6", "--samples", "200"],
        {"--a": NUMBER, "--sigma": NUMBER, "--rho": NUMBER, "--input-model": CHOICE, "--at": POINT},
    ),
    "check backprop": (
        ["check", "backprop", "--size", "4x4"],
        {"--lr": NUMBER, "--depth": NUMBER, "--loss": CHOICE, "--at": POINT},
    ),
    "check valid-conv": (
        ["check", "valid-conv", "--size", "6x6"],
        {"--kernel": NUMBER, "--at": POINT, "--channels": NUMBER},
    ),
    "falsify": (
        ["falsify", "lemma"],
        {"--max-points": NUMBER, "--seed": NUMBER, "--tol": NUMBER, "--dtype": CHOICE},
    ),
    "ledger": (["ledger", "--quiet", "--status", "fail"], {"--seed": NUMBER, "--section": TEXT}),
    "derive": (
        ["derive", "conv", "--size", "4x4"],
        {
            "--kernel": NUMBER,
            "--stride": NUMBER,
            "--dilation": NUMBER,
            "--groups": NUMBER,
            "--padding": CHOICE,
            "--seed": NUMBER,
            "--tol": NUMBER,
        },
    ),
    "derive upsample": (
        ["derive", "upsample", "--size", "4x4"],
        {"--ratio": FLOATS, "--mode": CHOICE, "--channels": NUMBER},
    ),
    "experiment": (
        ["experiment", "list"],
        {
            "--size": NUMBER,
            "--channels": NUMBER,
            "--depth": NUMBER,
            "--epochs": NUMBER,
            "--steps": NUMBER,
            "--seed": NUMBER,
            "--images": TEXT,
            "--device": CHOICE,
        },
    ),
    "global": (["list", "--json"], {"--threads": NUMBER}),
}


@st.composite
def argv_for(draw, command: str) -> list[str]:
    """The command with 1-3 of its options, one of them possibly given twice."""
    lead, table = COMMANDS[command]
    names = draw(st.lists(st.sampled_from(sorted(table)), min_size=1, max_size=3))  # repeats: duplicates
    options = [part for name in names for part in (name, draw(table[name]))]
    if command == "global":
        return options + lead
    return lead + options


def invoke(argv: list[str]) -> tuple[int, str, str, float]:
    out, err = io.StringIO(), io.StringIO()
    start = time.process_time()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(argv)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return code, out.getvalue(), err.getvalue(), time.process_time() - start


def holds_contract(argv: list[str]) -> None:
    code, out, err, seconds = invoke(argv)
    assert code in (0, 1, 2), (argv, code, err)
    assert "Traceback" not in err and "Traceback" not in out, (argv, err)
    if code == 2:
        errors = [line for line in err.splitlines() if line.startswith("error: ")]
        assert len(errors) == 1 and err.strip().splitlines()[-1] == errors[0], (argv, err)
    assert seconds < SECONDS, (argv, seconds)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_option_holds_the_exit_contract(command):
    @PROFILE
    @given(argv=argv_for(command))
    def fuzz(argv):
        holds_contract(argv)

    fuzz()


def test_the_contract_check_can_fail(monkeypatch):
    """The oracle itself: a defect (exit 3) fails it; a refusal with its one line passes it."""
    import symspec.catalog

    def broken():
        raise RuntimeError("a defect")

    monkeypatch.setattr(symspec.catalog, "claims", broken)
    with pytest.raises(AssertionError):
        holds_contract(["list"])
    monkeypatch.undo()  # the refusal below reads the catalog too
    code, _, err, _ = invoke(["check", "theorem1", "--size", "0x4"])
    assert code == 2 and err.count("\n") == 1
