"""Hostile and careless input: every command answers one exit-code contract.

0 checked and holds · 1 a printed claim fails or an audit has findings · 2 bad usage or input, one stderr line
naming it · 3 a defect of symspec (never caused by input) · 130 interrupted.  Bad input never
reaches 3 and never exits 0.

The fuzz part draws arguments for every command (sizes, kernels, ratios, chains, thresholds, seeds, paths,
spec files of random structure and encoding, import targets) and asserts the contract; with CI set it replays
a fixed derandomised example set (tests/conftest.py).  The rest covers each class of bad input seen in the
fuzzing campaign, with several members per class, plus what only a fresh process shows:
shadowing of installed packages, and time and memory per hostile case.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import torch
from hypothesis import HealthCheck, given, settings, strategies as st

from symspec.audit.load import MAX_LAYERS, MAX_SPEC_BYTES, load
from symspec.cli import main

ROOT = Path(__file__).resolve().parent.parent
UNET = "examples.decoders:UNetDecoder"
SPEC = str(ROOT / "examples" / "decoder.yaml")
MAX_SECONDS = 30.0  # CPU seconds of one case (time.process_time: a busy neighbour does not inflate it)
TIMINGS: dict[str, tuple[float, str]] = {}  # slowest generated case per command (printed by the summary test)
COUNTS: dict[str, dict[int, int]] = {}  # generated cases per command and exit code


class Outcome:
    def __init__(self, argv, code, out, err, seconds):
        self.argv, self.code, self.out, self.err, self.seconds = argv, code, out, err, seconds

    @property
    def lines(self):
        return [line for line in self.err.splitlines() if line.strip()]


def invoke(*argv) -> Outcome:
    """The real entry point, in process (no start-up cost), with stdout and stderr captured."""
    out, err = io.StringIO(), io.StringIO()
    start = time.process_time()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main([str(a) for a in argv])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return Outcome(argv, code, out.getvalue(), err.getvalue(), time.process_time() - start)


def holds_contract(r: Outcome, allowed=(0, 1, 2)) -> Outcome:
    where = f"symspec {' '.join(map(repr, r.argv))[:300]}\nexit {r.code}\nstderr: {r.err[-800:]}"
    assert r.code in allowed, where
    assert "Traceback" not in r.out + r.err, where
    assert "internal error" not in r.err, where
    if r.code == 2:
        assert len(r.lines) == 1 and r.lines[0].startswith("error: ") and len(r.lines[0]) > 10, where
    assert r.seconds < MAX_SECONDS, where
    return r


def bad_input(*argv, fragment: str = "") -> Outcome:
    r = holds_contract(invoke(*argv), allowed=(2,))
    assert fragment in r.lines[0], (fragment, r.lines[0])
    return r


def record(command: str, r: Outcome) -> None:
    COUNTS.setdefault(command, {}).setdefault(r.code, 0)
    COUNTS[command][r.code] += 1
    if r.seconds > TIMINGS.get(command, (0.0, None))[0]:
        TIMINGS[command] = (r.seconds, " ".join(map(str, r.argv))[:160])


# --------------------------------------------------------------------------------- fixtures: files, modules


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A directory on the import path holding user modules that misbehave, and a marker file that must never
    appear (it would mean a refused callable ran)."""
    d = tmp_path_factory.mktemp("hostile")
    marker = d / "MARKER"
    (d / "hm_raise.py").write_text("raise RuntimeError('boom while importing')\n")
    (d / "hm_exit0.py").write_text("import sys\nsys.exit(0)\n")
    (d / "hm_exit1.py").write_text("raise SystemExit('leaving')\n")
    (d / "hm_syntax.py").write_text("def broken(:\n")
    (d / "hm_gadgets.py").write_text(
        textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from subprocess import getoutput          # a standard-library function re-exported here
        from torch import nn
        MARK = Path({str(marker)!r})

        def touch(**kw) -> str:                  # annotated to return no module
            MARK.write_text("touch ran")
            return "x"

        class NotModule:
            def __init__(self, **kw):
                MARK.write_text("NotModule ran")

        def needs_width(width):
            MARK.write_text("needs_width ran")
            return nn.Identity()

        def exits() -> nn.Module:
            sys.exit(0)

        def raises() -> nn.Module:
            raise ValueError("the factory refuses")

        def returns_int() -> nn.Module:           # annotated, but the value is checked after the call
            return 3

        def tiny() -> nn.Sequential:
            return nn.Sequential(nn.Upsample(scale_factor=2), nn.Conv2d(2, 2, 3, padding=1))

        class Tiny(nn.Module):
            def __init__(self, ch=2):
                super().__init__()
                self.conv = nn.Conv2d(ch, ch, 3, padding=1)

            def forward(self, x):
                return self.conv(x)

            @classmethod
            def from_config(cls, ch=2) -> "Tiny":  # a string annotation, resolved as a name
                return cls(ch)

        instance = Tiny()

        class ExitsInForward(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(2, 2, 1)

            def forward(self, x):
                sys.exit(0)

        class Caches(nn.Module):  # builds a table in its first forward pass: the meta probe must leave none
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(2, 2, 3, padding=1)
                self.table = None

            def forward(self, x):
                if self.table is None:
                    self.table = x.new_ones(x.shape[1:])
                return self.conv(x) * self.table
        """)
    )
    sys.path.append(str(d))
    yield d, marker
    sys.path.remove(str(d))
    assert not marker.exists(), marker.read_text()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("files")
    (d / "folder.json").mkdir()
    os.mkfifo(d / "fifo.yaml")
    os.mkfifo(d / "fifo.pt")
    (d / "empty.yaml").write_text("")
    return d


# ---------------------------------------------------------------------------------------------- strategies
# Values mix plausible ones (so that generated commands reach deep code paths and often succeed) with hostile
# ones (every class the fuzzing campaign found): out-of-range and huge integers, non-finite numbers,
# malformed sizes, control characters, undecodable text.

HUGE = [
    "18446744073709551616",
    "9" * 60,
    "1" * 5000,
    "-1",
    "0",
    "1e3",
    "2.5",
    "nan",
    "inf",
    "-inf",
    "1e400",
    "",
    " ",
    "0x10",
    "½",
    "٣",
    "\udce9",
    "3\n4",
    "--json",
    "\x1b[2J",
]
PLAUSIBLE = [
    "1",
    "2",
    "3",
    "4",
    "2x2",
    "3x3",
    "4x4",
    "3x2",
    "4x3",
    "0.5",
    "0.1",
    "-0.5",
    "1,1",
    "0,1",
    "u=1,v=1",
    "paper",
    "centered",
    "whole",
    "last",
    "iid",
    "correlated",
    "mse",
    "float32",
    "float64",
    "cpu",
    "phase-sign",
    "zero",
    "circular",
    "valid",
    "reflect",
    "nearest",
    "bilinear",
    "100",
]
tricky = st.one_of(
    st.integers(min_value=-2, max_value=9).map(str),
    st.sampled_from(HUGE),
    st.text(max_size=12),
    st.builds(lambda a, b: f"{a}x{b}", st.integers(-1, 9), st.integers(-1, 9)),
    st.builds(lambda a, b: f"{a},{b}", st.integers(-1, 9), st.integers(-1, 9)),
    st.sampled_from(["5000x5000", "65536x65536", "100000", "99999"]),
)
values = st.one_of(st.sampled_from(PLAUSIBLE), st.sampled_from(PLAUSIBLE), tricky)
CLAIMS = [
    "lemma",
    "theorem1",
    "cascade",
    "theorem3",
    "theorem4",
    "valid-conv",
    "backprop",
    "thm3.2",
    "nonsense",
    "all",
    "",
]


def options_of(command: str) -> list[str]:
    from symspec.cli import cli

    return sorted(
        o
        for p in cli.commands[command].params
        if p.param_type_name == "option" and not p.is_flag
        for o in p.opts
        if o.startswith("--")
    )


@st.composite
def argv_for(draw, command: str, first, values=values, max_options: int = 3):
    argv = [command, draw(first)]
    for name in draw(st.lists(st.sampled_from(options_of(command)), max_size=max_options, unique=True)):
        argv += [name, draw(values)]
    return argv


STAGE = st.one_of(
    st.builds(
        lambda k, p, s: f"conv:{k}:{p}:{s}",
        st.integers(-1, 4),
        st.sampled_from(["zero", "circular", "x"]),
        st.integers(0, 3),
    ),
    st.builds(
        lambda m, r: f"upsample:{m}:{r}",
        st.sampled_from(["nearest", "zero", "bilinear", "?"]),
        st.sampled_from(["0", "2", "2x3", "99999x99999", "-1", "a"]),
    ),
    st.builds(lambda r: f"pixel-shuffle:{r}", st.sampled_from(["0", "1", "2", "-3", "abc", "1e9", ""])),
    st.builds(lambda k: f"avgpool:{k}", st.integers(-1, 3)),
    st.builds(lambda s: f"subsample:{s}", st.integers(-1, 3)),
    st.text(max_size=8),
)
CHAIN = st.lists(STAGE, min_size=1, max_size=3).map(",".join)
HOSTILE_VALUES = st.sampled_from(
    [-1, 0, 10**6, 2**70, 1.5, float("nan"), float("inf"), True, None, "3", [3], {"a": 1}, "zeros", "x" * 300]
)


@st.composite
def spec_doc(draw):
    """A layer spec that is valid by construction (channels carried through), then, half the time, one field
    replaced by a hostile value or an unknown key."""
    c = cur = draw(st.integers(1, 3))
    layers = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(
            st.sampled_from(
                [
                    "conv",
                    "conv_transpose",
                    "upsample",
                    "avgpool",
                    "pixel_shuffle",
                    "batchnorm",
                    "relu",
                    "leaky_relu",
                    "gelu",
                    "tanh",
                ]
            )
        )
        if kind in ("conv", "conv_transpose"):
            out = draw(st.integers(1, 3))
            layer = {
                "type": kind,
                "in": cur,
                "out": out,
                "kernel": draw(st.integers(1, 3)),
                "stride": draw(st.integers(1, 2)),
                "padding": draw(st.integers(0, 1)),
            }
            if kind == "conv":
                layer["padding_mode"] = draw(st.sampled_from(["zeros", "circular", "reflect", "replicate"]))
            cur = out
        elif kind == "upsample":
            layer = {
                "type": kind,
                "mode": draw(st.sampled_from(["nearest", "bilinear"])),
                "ratio": draw(st.integers(1, 3)),
            }
        elif kind == "avgpool":
            layer = {"type": kind, "kernel": draw(st.integers(1, 2))}
        elif kind == "pixel_shuffle":
            layer = {"type": kind, "ratio": 1}
        elif kind == "batchnorm":
            layer = {"type": kind, "channels": cur}
        elif kind == "leaky_relu":
            layer = {"type": kind, "slope": draw(st.sampled_from([0.1, 0.2, -1.0]))}
        else:
            layer = {"type": kind}
        layers.append(layer)
    doc = {"input": f"{c}x{draw(st.integers(1, 6))}x{draw(st.integers(1, 6))}", "layers": layers}
    if draw(st.booleans()):
        target = draw(st.sampled_from([doc, *layers]))
        target[draw(st.sampled_from([*target, "colour", "type", "input", "layers"]))] = draw(HOSTILE_VALUES)
    return doc


json_like = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10, 10), st.text(max_size=5)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)
ENCODINGS = st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "latin-1", "utf-16", "cp1252"])


def write_spec(directory: Path, doc, fmt: str, encoding: str) -> Path:
    if fmt == "json":
        text = json.dumps(doc)
    else:
        import yaml

        text = yaml.safe_dump(doc, allow_unicode=True)
    path = directory / f"spec.{fmt}"
    path.write_bytes(text.encode(encoding, errors="replace"))
    return path


# ---------------------------------------------------------------------------------------------------- fuzz

# SYMSPEC_FUZZ_EXAMPLES=2000 for a long local campaign; the default keeps the whole file well under a minute
EXAMPLES = int(os.environ.get("SYMSPEC_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))


@FUZZ
@given(
    argv=argv_for("check", st.sampled_from(CLAIMS), max_options=3),
    flags=st.sets(st.sampled_from(["--json", "--verbose", "--quiet", "--wide"]), max_size=2),
)
def test_fuzz_check(argv, flags):
    record("check", holds_contract(invoke(*argv, *sorted(flags))))


LAYER_OPTIONS = {
    "conv": [
        "--kernel",
        "--padding",
        "--stride",
        "--dilation",
        "--groups",
        "--in-channels",
        "--out-channels",
    ],
    "conv-transpose": [
        "--kernel",
        "--stride",
        "--padding",
        "--output-padding",
        "--dilation",
        "--in-channels",
    ],
    "upsample": ["--mode", "--ratio", "--channels"],
    "avgpool": ["--kernel", "--stride", "--channels"],
    "subsample": ["--stride", "--channels"],
    "pixel-shuffle": ["--ratio", "--channels"],
    "chain": ["--channels"],
    "warp": ["--kernel"],
    "": ["--chain"],
}


@st.composite
def derive_argv(draw):
    """Mostly the options the layer takes (so the rule is built and validated), sometimes any option."""
    layer = draw(st.sampled_from(sorted(LAYER_OPTIONS)))
    argv = ["derive", layer, "--size", draw(st.sampled_from(["2x2", "3x2", "1x1", "4x3", "3x3"]))]
    names = st.one_of(
        st.sampled_from(LAYER_OPTIONS[layer]),
        st.sampled_from(LAYER_OPTIONS[layer]),
        st.sampled_from(options_of("derive")),
    )
    for name in draw(st.lists(names, max_size=3, unique=True)):
        argv += [name, draw(CHAIN if name == "--chain" else values)]
    if layer == "chain":
        argv += ["--chain", draw(CHAIN)]
    return argv + sorted(draw(st.sets(st.sampled_from(["--json", "--latex"]), max_size=1)))


@FUZZ
@given(argv=derive_argv())
def test_fuzz_derive(argv):
    record("derive", holds_contract(invoke(*argv)))


AUDIT_VALUES = st.one_of(
    tricky,
    st.sampled_from(
        [
            '{"ch": 100000}',
            '{"ch": 2}',
            '{"cmd": "touch MARKER"}',
            "[1]",
            "{bad",
            '{"a": NaN}',
            "attenuation>nandB",
            "attenuation>30dB,replicas",
            "replicas,dc-leak,aliasing,unmapped",
            "attenuation>-5dB",
            "replicas,",
            "/nonexistent/dir/x.png",
            "out.txt",
            "spectral",
            "mean",
            "2x4x4",
            "128x4x4",
            "1",
            "2",
            "4G",
            "1M",
            "0.5K",
            '{"t": "Bx3"}',
            '{"t": "0x3"}',
            '{"t": "99999x99999"}',
            '{"timestep": 10}',
        ]
    ),
)


@FUZZ
@given(
    doc=st.one_of(spec_doc(), spec_doc(), json_like),
    fmt=st.sampled_from(["json", "yaml"]),
    encoding=ENCODINGS,
    target=st.one_of(
        st.just("<spec>"),
        st.sampled_from(
            [
                UNET,
                "examples.decoders:VAEDecoder",
                "hm_gadgets:Tiny",
                "hm_gadgets:tiny",
                "subprocess:getoutput",
                "hm_gadgets:touch",
                "hm_gadgets:NotModule",
                "hm_raise:X",
                "hm_exit0:X",
                "..:x",
                "a b:c",
                ":",
                "x:",
                "examples.decoders:1a",
            ]
        ),
    ),
    options=st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "--input",
                    "--args",
                    "--batch",
                    "--seed",
                    "--fail-on",
                    "--plot",
                    "--norm",
                    "--weights",
                    "--vs",
                    "--vs-args",
                    "--forward-kwargs",
                    "--max-memory",
                ]
            ),
            AUDIT_VALUES,
        ),
        max_size=3,
    ),
    flags=st.sets(st.sampled_from(["--json", "--all", "--wide"]), max_size=2),
    plot=st.booleans(),
)
def test_fuzz_audit(hostile, files, doc, fmt, encoding, target, options, flags, plot):
    path = write_spec(files, doc, fmt, encoding)
    argv = ["audit", str(path) if target == "<spec>" else target]
    for name, value in options:
        argv += [name, value]
    if plot:
        argv += ["--plot", str(files / "out.png")]
    record("audit", holds_contract(invoke(*argv, *sorted(flags))))


INVALID_ANYWHERE = [
    "9" * 60,
    "1" * 5000,
    "-1",
    "nan",
    "1e400",
    "",
    " ",
    "\udce9",
    "\x1b[2J",
    "2.5",
    "0x10",
    "/etc/passwd/x",
    "skimage,skimage",
]


@FUZZ
@given(
    name=st.sampled_from(["depth", "mean", "padding", "cascade-fit", "all", "nope", ""]),
    options=st.lists(st.sampled_from(options_of("experiment")), min_size=1, max_size=3, unique=True),
    values=st.lists(st.sampled_from(INVALID_ANYWHERE), min_size=3, max_size=3),
    plot=st.sampled_from(["", "/etc/passwd", "/etc/passwd/x"]),
)
def test_fuzz_experiment(name, options, values, plot):
    # every drawn value is out of range or malformed for any option, so no experiment runs:
    # this covers argument validation (the experiments themselves are tested in test_experiments.py)
    argv = ["experiment", name]
    for option, value in zip(options, values):
        argv += [option, plot if option == "--plot" else value]
    record("experiment", holds_contract(invoke(*argv), allowed=(2,)))


@settings(max_examples=max(EXAMPLES // 2, 1), deadline=None, suppress_health_check=list(HealthCheck))
@given(
    argv=st.one_of(
        argv_for(
            "falsify",
            st.sampled_from(["lemma", "theorem9", "", "valid-conv"]),
            values=st.sampled_from(HUGE + ["1", "2"]),
            max_options=2,
        ),
        st.lists(
            st.sampled_from(
                [
                    "show",
                    "list",
                    "schema",
                    "--threads",
                    "--json",
                    "theorem1",
                    "nope",
                    "-1",
                    "9" * 50,
                    "\udce9",
                    "--",
                    "--help",
                ]
            ),
            max_size=3,
        ),
    )
)
def test_fuzz_other_commands(argv):
    if argv[:1] == ["falsify"] and "--max-points" not in argv:
        argv = argv + ["--max-points", "1"]  # keep a valid search short
    record("other", holds_contract(invoke(*argv)))


# ------------------------------------------------------------------------------------- classes of bad input


@pytest.mark.parametrize(
    "argv,fragment",
    [
        (
            ("check", "theorem1", "--seed", "18446744073709551616"),
            "--seed: 18446744073709551616 is above the maximum",
        ),
        (("check", "theorem1", "--seed", "9" * 5000), "--seed: 999999999999… has more than 40 digits"),
        (("derive", "conv", "--seed", str(2**64)), "--seed"),
        (("audit", SPEC, "--seed", str(2**64)), "--seed"),
        (("experiment", "depth", "--seed", str(2**70)), "--seed"),
        (("falsify", "lemma", "--seed", "-1"), "--seed"),
        (
            ("audit", SPEC, "--fail-on", "attenuation>nandB"),
            "--fail-on attenuation: expected a finite number, got 'nan'",
        ),
        (("audit", SPEC, "--fail-on", "attenuation>infdB"), "finite"),
        (("audit", SPEC, "--fail-on", "attenuation>-inf"), "finite"),
        (("check", "theorem1", "--tol", "nan"), "--tol"),
        (("derive", "--chain", "pixel-shuffle:0"), "--ratio: 0 is below the minimum 1"),
        (("derive", "--chain", "pixel-shuffle:abc"), "--ratio"),
        (("derive", "--chain", "upsample:nearest:99999x99999"), "--ratio: 99999 is above the maximum"),
        (("check", "theorem1", "--size", "1" * 400 + "x3"), "--size"),
        (("check", "theorem1", "--at", "u=" + "9" * 5000), "--at"),
    ],
)
def test_numbers_out_of_every_range_are_one_line(argv, fragment):
    bad_input(*argv, fragment=fragment)


def test_output_paths_are_checked_before_any_work(tmp_path):
    bad_input("audit", SPEC, "--plot", str(tmp_path / "missing" / "a.png"), fragment="does not exist")
    bad_input("audit", SPEC, "--plot", str(tmp_path), fragment="must end in")
    (tmp_path / "d.png").mkdir()
    bad_input("audit", SPEC, "--plot", str(tmp_path / "d.png"), fragment="is a directory")
    bad_input("audit", SPEC, "--plot", str(tmp_path / "a.txt"), fragment="must end in .png")
    (tmp_path / "file").write_text("x")
    bad_input("experiment", "mean", "--plot", str(tmp_path / "file" / "sub"), fragment="is not a directory")


def test_spec_files_are_utf8_bounded_and_safe(tmp_path, files):
    def spec(name, data: bytes):
        (tmp_path / name).write_bytes(data)
        return str(tmp_path / name)

    latin = spec("latin.yaml", "input: 2x4x4\nlayers:\n  - {type: relu}  # café\n".encode("latin-1"))
    bad_input("audit", latin, fragment="not UTF-8 text (byte 0xe9")
    bad_input("audit", spec("utf16.json", '{"layers": []}'.encode("utf-16")), fragment="not UTF-8")
    assert 200_020 < MAX_SPEC_BYTES  # 100,000 levels fit the size limit: the depth bound must catch them
    bad_input(
        "audit",
        spec("deep.json", b'{"layers": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"),
        fragment="nested more than 32 levels deep",
    )
    bad_input(
        "audit", spec("deep2.json", b'{"layers": ' + b"[" * 5000 + b"]" * 5000 + b"}"), fragment="levels deep"
    )
    bad_input("audit", spec("deep.yaml", b"layers: " + b"[" * 5000 + b"]" * 5000), fragment="levels deep")
    laughs = (
        "a: &a [x, x, x, x, x, x, x, x, x]\n"
        + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9))
        + "layers: *j\n"
    )
    bad_input("audit", spec("laughs.yaml", laughs.encode()), fragment="YAML aliases (*a) are not accepted")
    many = "input: 2x4x4\nlayers:\n" + "  - {type: relu}\n" * (MAX_LAYERS + 1)
    bad_input("audit", spec("many.yaml", many.encode()), fragment=f"layers; the limit is {MAX_LAYERS:,}")
    bad_input(
        "audit",
        spec("million.yaml", b"layers:\n" + b"  - {type: relu}\n" * 1_000_000),
        fragment="bytes; the limit is",
    )
    bad_input(
        "audit",
        spec("nan.json", b'{"input": "2x4x4", "layers": [{"type": "leaky_relu", "slope": NaN}]}'),
        fragment="JSON constant NaN",
    )
    bad_input(
        "audit",
        spec("bigint.json", b'{"input": "2x4x4", "layers": [{"type": "relu", "x": ' + b"9" * 5000 + b"}]}"),
        fragment="malformed JSON",
    )
    bad_input(
        "audit",
        spec("bigint.yaml", b"input: 2x4x4\nlayers:\n  - {type: upsample, ratio: " + b"9" * 5000 + b"}\n"),
        fragment="malformed YAML",
    )
    bad_input(
        "audit",
        spec("python.yaml", b"layers: !!python/object/apply:os.system ['touch MARKER']\n"),
        fragment="malformed YAML",
    )
    bad_input(
        "audit",
        spec("keys.yaml", b"input: 2x4x4\nlayers:\n  - {type: relu, 1: 2, x: 3}\n"),
        fragment="unknown key",
    )
    bad_input(
        "audit", spec("shape.yaml", b"input: {c: 1}\nlayers:\n  - {type: relu}\n"), fragment="'input' must be"
    )
    bad_input(
        "audit",
        spec("range.yaml", b"input: 2x4x4\nlayers:\n  - {type: upsample, ratio: 1000}\n"),
        fragment="'ratio' must be between 1 and 64",
    )
    bad_input(
        "audit",
        spec("bias.yaml", b"input: 2x4x4\nlayers:\n  - {type: conv, in: 2, out: 2, kernel: 1, bias: 'no'}\n"),
        fragment="'bias' must be true or false",
    )
    bad_input("audit", str(files / "folder.json"), fragment="is not a regular file")
    bad_input("audit", str(files / "fifo.yaml"), fragment="is not a regular file")  # reading it would block
    bad_input("audit", str(files / "empty.yaml"), fragment="non-empty 'layers' list")
    bad_input("audit", str(tmp_path / "missing.yaml"), fragment="no such spec file")


def test_sizes_whose_product_overflows_memory_are_refused_before_allocating(tmp_path):
    bad_input("audit", UNET, "--input", "128x4x4", "--args", '{"ch": 100000}', fragment="parameters")
    grow = "input: 1x64x64\nlayers:\n" + "  - {type: upsample, ratio: 64}\n" * 3
    (tmp_path / "grow.yaml").write_text(grow)
    bad_input("audit", str(tmp_path / "grow.yaml"), fragment="exceeds the limit")
    work = "input: 64x512x512\nlayers:\n  - {type: conv, in: 64, out: 64, kernel: 1024, padding: 1000}\n"
    (tmp_path / "work.yaml").write_text(work)
    bad_input("audit", str(tmp_path / "work.yaml"), fragment="limit")
    bad_input("audit", UNET, "--input", "65536x65536x65536", fragment="--input")
    bad_input("check", "theorem1", "--size", "4096x4096", "--channels", "64", fragment="exceed the limit")
    bad_input("derive", "conv", "--size", "1024x1024", fragment="validation needs at most")
    bad_input(
        "experiment",
        "depth",
        "--size",
        "256",
        "--channels",
        "256",
        "--depth",
        "200",
        fragment="exceed the limit",
    )


@pytest.mark.parametrize(
    "target,args",
    [
        ("subprocess:getoutput", '{"cmd": "touch MARKER"}'),
        ("os:system", '{"command": "touch MARKER"}'),
        ("builtins:exec", "{}"),
        ("builtins:eval", "{}"),
        ("sys:exit", "{}"),
        ("shutil:rmtree", '{"path": "/nonexistent"}'),
        ("pickle:loads", "{}"),
        ("importlib:import_module", '{"name": "antigravity"}'),
        ("torch:load", '{"f": "x.pt", "weights_only": false}'),
        ("torch.serialization:load", '{"f": "x.pt", "weights_only": false}'),
        ("numpy:load", '{"file": "x.npy", "allow_pickle": true}'),
        ("sympy:sympify", '{"a": "1"}'),
        ("hm_gadgets:getoutput", '{"cmd": "touch MARKER"}'),
        ("hm_gadgets:touch", "{}"),
        ("hm_gadgets:NotModule", "{}"),
        ("hm_gadgets:needs_width", '{"height": 3}'),
        ("hm_gadgets:MARK", "{}"),
        ("hm_gadgets:instance", '{"ch": 3}'),
        ("__main__:main", "{}"),
        ("symspec.cli:main", "{}"),
    ],
)
def test_named_callables_that_are_not_decoders_are_refused_before_running(hostile, target, args):
    d, marker = hostile
    r = bad_input("audit", target, "--input", "2x4x4", "--args", args)
    assert not marker.exists(), marker.read_text()
    assert target.partition(":")[0] in r.lines[0]


@pytest.mark.parametrize(
    "target,fragment",
    [
        ("hm_raise:X", "cannot import 'hm_raise': importing it raised RuntimeError: boom while importing"),
        ("hm_exit0:X", "cannot import 'hm_exit0': importing it called sys.exit(0)"),
        ("hm_exit1:X", "importing it called sys.exit('leaving')"),
        ("hm_syntax:X", "cannot import 'hm_syntax': importing it raised SyntaxError"),
        ("hm_gadgets:exits", "hm_gadgets:exits called sys.exit(0)"),
        ("hm_gadgets:raises", "failed: ValueError: the factory refuses"),
        ("hm_gadgets:returns_int", "returned int, not an nn.Module"),
        ("hm_gadgets:ExitsInForward", "hm_gadgets:ExitsInForward: the module's forward called sys.exit(0)"),
        ("..hm:x", "is not a module name"),
        ("a b:c", "is not a module name"),
        ("hm_gadgets:", "has no attribute ''"),
        ("hm_gadgets:1a", "has no attribute"),
    ],
)
def test_user_modules_that_raise_or_exit_are_bad_input_naming_them(hostile, target, fragment):
    bad_input("audit", target, "--input", "2x4x4", fragment=fragment)


def test_factories_classes_and_classmethods_still_audit(hostile):
    for target, args in [
        ("hm_gadgets:tiny", "{}"),
        ("hm_gadgets:Tiny", '{"ch": 2}'),
        ("hm_gadgets:Tiny.from_config", "{}"),
        ("hm_gadgets:instance", None),
        ("hm_gadgets:Caches", None),
        ("torch.nn:Conv2d", '{"in_channels": 2, "out_channels": 2, "kernel_size": 3}'),
    ]:
        r = holds_contract(
            invoke("audit", target, "--input", "2x4x4", *(["--args", args] if args else [])), allowed=(0, 1)
        )
        # an audit that completes: PASS, or FINDINGS (exit 1) when a finding is at the output (a padded conv)
        assert ("\nFINDINGS  (" in r.out) == (r.code == 1) and ("\nPASS  (" in r.out) == (r.code == 0)


def test_checkpoints_load_without_unpickling_code(tmp_path, files):
    module, _ = load(UNET, "128x4x4", None, None)
    state = module.state_dict()
    torch.save(module, tmp_path / "whole.pt")
    bad_input(
        "audit",
        UNET,
        "--input",
        "128x4x4",
        "--weights",
        str(tmp_path / "whole.pt"),
        fragment="pickles Python objects (examples.decoders.UNetDecoder)",
    )
    torch.save([1, 2], tmp_path / "list.pt")
    bad_input(
        "audit", UNET, "--input", "128x4x4", "--weights", str(tmp_path / "list.pt"), fragment="state dict"
    )
    torch.save({k: 1.0 for k in state}, tmp_path / "floats.pt")
    bad_input(
        "audit", UNET, "--input", "128x4x4", "--weights", str(tmp_path / "floats.pt"), fragment="not a tensor"
    )
    nan = {k: v.clone() for k, v in state.items()}
    nan["net.1.weight"][0, 0, 0, 0] = float("nan")
    torch.save(nan, tmp_path / "nan.pt")
    bad_input(
        "audit", UNET, "--input", "128x4x4", "--weights", str(tmp_path / "nan.pt"), fragment="NaN or infinite"
    )
    (tmp_path / "garbage.pt").write_bytes(os.urandom(4096))
    bad_input(
        "audit", UNET, "--input", "128x4x4", "--weights", str(tmp_path / "garbage.pt"), fragment="cannot read"
    )
    bad_input(
        "audit",
        UNET,
        "--input",
        "128x4x4",
        "--weights",
        str(files / "fifo.pt"),
        fragment="is not a regular file",
    )
    bad_input("audit", UNET, "--input", "128x4x4", "--weights", str(files), fragment="is not a regular file")

    from safetensors.torch import save_file

    good = {k: v.clone().contiguous() for k, v in state.items()}
    good["net.24.weight"].zero_()
    good["net.24.bias"].zero_()
    save_file(good, tmp_path / "good.safetensors")
    r = holds_contract(
        invoke(
            "audit", UNET, "--input", "128x4x4", "--weights", str(tmp_path / "good.safetensors"), "--json"
        ),
        allowed=(0, 1),
    )
    assert json.loads(r.out)
    loaded, _ = load(UNET, "128x4x4", None, str(tmp_path / "good.safetensors"))
    assert float(loaded.state_dict()["net.24.weight"].abs().sum()) == 0.0
    save_file({"weight": torch.zeros(3)}, tmp_path / "other.safetensors")
    bad_input(
        "audit",
        UNET,
        "--input",
        "128x4x4",
        "--weights",
        str(tmp_path / "other.safetensors"),
        fragment="does not match the module: missing",
    )
    (tmp_path / "cut.safetensors").write_bytes((tmp_path / "good.safetensors").read_bytes()[:1000])
    bad_input(
        "audit",
        UNET,
        "--input",
        "128x4x4",
        "--weights",
        str(tmp_path / "cut.safetensors"),
        fragment="cannot read",
    )


def test_defects_exit_3_with_one_line_and_interrupts_130(monkeypatch):
    from symspec.cli import cli

    def crash(**kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(cli.commands["schema"], "callback", crash)
    monkeypatch.delenv("SYMSPEC_DEBUG", raising=False)
    r = invoke("schema")
    assert r.code == 3 and r.lines == [
        "internal error: ZeroDivisionError: a bug (set SYMSPEC_DEBUG=1 for a traceback)"
    ]
    monkeypatch.setenv("SYMSPEC_DEBUG", "1")
    r = invoke("schema")
    assert r.code == 3 and "Traceback" in r.err and r.lines[-1] == "internal error: ZeroDivisionError: a bug"

    def interrupt(**kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli.commands["schema"], "callback", interrupt)
    r = invoke("schema")
    assert r.code == 130 and len(r.lines) == 1 and r.lines[0].startswith("interrupted")


def test_error_lines_are_one_printable_line():
    r = bad_input("check", "theorem1\n\x1b[2Jcleared", fragment="unknown claim")
    assert "\x1b" not in r.err and r.err.count("\n") == 1
    r = bad_input("check", "x" * 20_000, fragment="unknown claim")
    assert len(r.lines[0]) <= 520


# ------------------------------------------------------------------------ what only a fresh process shows


def test_local_files_named_like_dependencies_do_not_shadow_them(tmp_path):
    """A matplotlib.py / torch.py / click.py / numpy.py next to the user's decoder changes nothing symspec
    imports, through the console script and through python -m; the decoder module
    itself is still found there."""
    for name in ("matplotlib", "torch", "click", "numpy", "yaml"):
        (tmp_path / f"{name}.py").write_text(
            f"open({str(tmp_path / ('SHADOWED_' + name))!r}, 'w').close()\n"
            f"raise SystemExit('shadowed {name}')\n"
        )
    (tmp_path / "mydecoder.py").write_text(
        "from torch import nn\n\ndef make() -> nn.Sequential:\n"
        "    return nn.Sequential(nn.Upsample(scale_factor=2), "
        "nn.Conv2d(2, 2, 3, padding=1))\n"
    )
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    env.pop("PYTHONPATH", None)
    script = shutil.which("symspec")
    commands = [[sys.executable, "-m", "symspec"]] + ([[script]] if script else [])
    for prefix, target in [(p, "mydecoder:make") for p in commands] + [(commands[0], "./mydecoder.py:make")]:
        run = subprocess.run(
            prefix + ["audit", target, "--input", "2x4x4", "--plot", "out.png", "--fail-on", "none"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, (prefix, target, run.stderr[-1000:])
        assert (tmp_path / "out.png").read_bytes()[:4] == b"\x89PNG"
        assert not list(tmp_path.glob("SHADOWED_*")), (prefix, run.stderr[-500:])
        (tmp_path / "out.png").unlink()


RESOURCE_CASES = [
    ["audit", "{d}/laughs.yaml"],
    ["audit", "{d}/million.yaml"],
    ["audit", "{d}/deep.json"],
    ["audit", "{d}/grow.yaml"],
    ["audit", UNET, "--input", "128x4x4", "--args", '{"ch": 20000}'],
    ["audit", UNET, "--input", "128x4x4", "--args", '{"ch": 100000000}'],
    ["audit", UNET, "--input", "65536x65536x65536"],
    ["check", "theorem1", "--size", "2000x2000", "--channels", "100"],
    ["check", "theorem2", "--samples", "1000000000000"],
    ["check", "lemma", "--terms", "4096", "--oversample", "64"],
    ["derive", "--chain", "upsample:nearest:32,upsample:nearest:32", "--size", "32x32"],
    ["derive", "conv", "--size", "1024x1024", "--in-channels", "64", "--out-channels", "64"],
    ["experiment", "cascade-fit", "--size", "256", "--channels", "256", "--depth", "200"],
]


def test_hostile_cases_answer_within_30_s_and_2_gb(tmp_path):
    """Each case runs in one fresh process (start-up included in its time); the process's peak memory over all
    of them stays under 2 GB."""
    (tmp_path / "laughs.yaml").write_text(
        "a: &a [x, x, x, x, x, x, x, x, x]\n"
        + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9))
        + "layers: *j\n"
    )
    (tmp_path / "million.yaml").write_bytes(b"layers:\n" + b"  - {type: relu}\n" * 1_000_000)
    (tmp_path / "deep.json").write_bytes(b'{"layers": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    (tmp_path / "grow.yaml").write_text("input: 1x64x64\nlayers:\n" + "  - {type: upsample, ratio: 64}\n" * 3)
    cases = [[arg.replace("{d}", str(tmp_path)) for arg in case] for case in RESOURCE_CASES]
    code = textwrap.dedent("""
        import contextlib, io, json, resource, sys, time
        from symspec.cli import main
        out = []
        for argv in json.loads(sys.argv[1]):
            err = io.StringIO()
            start = time.process_time()
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
                try:
                    main(argv)
                except SystemExit as exc:
                    code = exc.code
            out.append([code, time.process_time() - start, err.getvalue()])
        print(json.dumps({"cases": out, "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
        """)
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-c", code, json.dumps(cases)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    total = time.perf_counter() - start
    assert run.returncode == 0, run.stderr[-2000:]
    doc = json.loads(run.stdout.strip().splitlines()[-1])
    for argv, (code, seconds, err) in zip(cases, doc["cases"]):
        lines = [line for line in err.splitlines() if line.strip()]
        assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), (argv, code, err[-500:])
        assert seconds < MAX_SECONDS, (argv, seconds)
    assert doc["peak_kib"] * 1024 < 2 * 10**9, doc["peak_kib"]
    slowest = max(zip(doc["cases"], cases), key=lambda pair: pair[0][1])
    TIMINGS["resources"] = (slowest[0][1], " ".join(slowest[1])[:160])
    print(f"{len(cases)} hostile cases in {total:.1f} s, peak {doc['peak_kib'] / 1024:.0f} MiB")


def test_zz_summary(capsys):
    """The fuzz suite's closing numbers (run last in this file): the slowest generated case per command."""
    with capsys.disabled():
        for command, (seconds, argv) in sorted(TIMINGS.items()):
            codes = "".join(f"exit {c}: {n}, " for c, n in sorted(COUNTS.get(command, {}).items()))
            shown = argv.encode("utf-8", "backslashreplace").decode(
                "utf-8"
            )  # generated argv may hold surrogates
            print(f"\n  {command}: {codes}slowest {seconds:.2f} s  symspec {shown}", end="")
    assert all(seconds < MAX_SECONDS for seconds, _ in TIMINGS.values())
