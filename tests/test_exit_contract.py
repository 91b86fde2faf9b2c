"""The exit contract on hostile input and hostile environments: 2 with one line naming the option and the
value (and the allowed range for numbers), never 0 for bad input, never 3 ("internal error") for bad input,
130 on Ctrl-C without a traceback, and output that survives the encoding, a closed pipe,
a full disk and a file-size limit."""

import json
import os
import resource
import signal
import stat
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import numpy as np
import pytest

SYMSPEC = [sys.executable, "-m", "symspec"]
ENV = {**os.environ, "OMP_NUM_THREADS": "1", "COLUMNS": "80"}


def one_error_line(result, *fragments):
    assert result.code == 2, (result.code, result.out[-300:], result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    assert "Traceback" not in result.err
    return lines[0]


def run(*args, env=None, **kwargs):
    return subprocess.run(
        [*SYMSPEC, *map(str, args)], capture_output=True, env={**ENV, **(env or {})}, timeout=120, **kwargs
    )


# ------------------------------------------------------------------------------------------- --at points


@pytest.mark.parametrize(
    "claim, at, fragments",
    [
        ("valid-conv", "u'=0,v'=2,u=999,v=3", ["--at", "u=999", "0..7"]),  # an 8x8 map: u in 0..7
        ("theorem1", "u=1,u=2", ["--at", "'u'", "twice", "u=1,u=2"]),
        ("theorem1", "u=-1", ["--at", "u=-1", "0..7"]),
        ("theorem1", "w=1", ["--at", "'w'", "not an axis"]),
        ("backprop", "layer=99", ["--at", "layer=99", "1..3"]),  # three layers, numbered from 1
    ],
)
def test_at_points_outside_the_grid_are_refused(run_cli, claim, at, fragments):
    one_error_line(run_cli("check", claim, "--at", at), *fragments)


def test_at_points_inside_the_grid_still_replay(run_cli):
    assert run_cli("check", "theorem1", "--at", "u=7,v=0").code == 0
    assert run_cli("check", "backprop", "--at", "layer=3", "--json").code in (0, 1)


# ------------------------------------------------------------------------------------ numbers and ranges


@pytest.mark.parametrize(
    "argv, fragments",
    [
        (["check", "theorem2", "--mu", "1e300"], ["--mu", "1e+300", "1e+75"]),
        (["check", "theorem2", "--sigma", "1e200"], ["--sigma", "1e+200", "0 to 1e+75"]),
        (["check", "theorem3", "--a", "1e200"], ["--a", "1e+200", "1e+75"]),
        (["check", "theorem2", "--mu", "0.1,1e300"], ["--mu", "1e+300"]),
        (["ledger", "--seed", str(2**64)], ["--seed", "18446744073709551616", str(2**63 - 1)]),
        (["check", "theorem1", "--seed", "-1"], ["--seed", "-1", "minimum 0"]),
        (["--threads", "³", "list"], ["--threads", "'³'", "1 to 1024"]),
        (["--threads", "0", "list"], ["--threads", "'0'"]),
        (["experiment", "list", "--size", "abc"], ["--size", "'abc'"]),
        (["experiment", "learning-order", "--epochs", "10000"], ["--epochs", "10000", "maximum 500"]),
        (["experiment", "shift", "--steps", "100000"], ["--steps", "100000", "maximum 10000"]),
    ],
)
def test_numbers_outside_their_range_are_one_line_with_the_range(run_cli, argv, fragments):
    one_error_line(run_cli(*argv), *fragments)


def test_the_magnitude_bound_is_what_float64_carries():
    """|x|^4 summed over the largest grid must stay finite: 1e75 does, ten times more does not."""
    from symspec.params import MAX_GRID_ELEMENTS, MAX_MAGNITUDE

    top = np.float64(MAX_MAGNITUDE)
    with np.errstate(over="raise"):
        assert np.isfinite(top**4 * MAX_GRID_ELEMENTS)
        with pytest.raises(FloatingPointError):
            (top * 10) ** 4 * np.float64(MAX_GRID_ELEMENTS)


@pytest.mark.parametrize(
    "argv", [["check", "theorem2", "--mu", "1e20"], ["check", "theorem2", "--mu", "10", "--depth", "64"]]
)
def test_values_that_overflow_on_the_way_are_bad_input_not_findings(run_cli, argv):
    """In range one by one, but their product over the layers overflows float64: before, rows computed from
    infinities were reported as FAILs of the paper (exit 1)."""
    one_error_line(run_cli(*argv), "theorem2", "overflow float64", argv[3])


def test_fail_on_messages_keep_the_users_spelling(run_cli):
    one_error_line(run_cli("audit", "x:y", "--fail-on", "attenuation<30dB"), "'attenuation<30dB'")


@pytest.mark.parametrize("value", ["³", "abc", "0"])
def test_an_unusable_thread_variable_is_ignored_with_a_warning(value):
    result = run("list", "--json", env={"OMP_NUM_THREADS": value})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["command"] == "list"
    err = result.stderr.decode()
    assert err.count("\n") == 1 and "warning: ignoring OMP_NUM_THREADS" in err and repr(value) in err


# ---------------------------------------------------------------------------------- the output survives


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize("argv", [["list"], ["show", "theorem1"], ["check", "theorem1"], ["derive", "conv"]])
def test_a_stream_that_cannot_encode_the_symbols_gets_ascii(encoding, argv):
    result = run(*argv, env={"PYTHONIOENCODING": encoding})
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode(encoding)  # decodable: nothing was cut halfway
    assert result.stderr == b""
    if argv[0] in ("list", "check"):
        assert "+---" in text and "━" not in text  # rich's ASCII borders
        widths = {len(line) for line in text.splitlines() if line.startswith("|")}
        assert len(widths) == 1, widths  # the columns still line up


def test_json_on_an_ascii_stream_is_the_same_document():
    plain = run("check", "theorem1", "--json", env={"PYTHONIOENCODING": "utf-8"})
    ascii_ = run("check", "theorem1", "--json", env={"PYTHONIOENCODING": "ascii"})
    assert ascii_.returncode == plain.returncode == 0
    assert ascii_.stdout.isascii() and json.loads(ascii_.stdout) == json.loads(plain.stdout)


def test_a_closed_pipe_ends_quietly():
    proc = subprocess.Popen(
        [*SYMSPEC, "check", "all"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV
    )
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 141 and err == b""  # 128 + SIGPIPE, as a shell reports it


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_disk_is_one_line_and_a_non_zero_exit():
    with open("/dev/full", "w") as full:
        result = subprocess.run([*SYMSPEC, "list"], stdout=full, stderr=subprocess.PIPE, env=ENV, timeout=60)
    assert result.returncode == 2
    assert result.stderr.decode().splitlines() == ["error: cannot write the output: No space left on device"]


SPEC = {"input": "1x8x8", "layers": [{"type": "conv", "in": 1, "out": 2, "kernel": 3}]}
MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF-", "svg": b"<?xml"}


@pytest.mark.parametrize("fmt", sorted(MAGIC))
def test_plot_writes_the_format_its_suffix_names(run_cli, tmp_path, fmt):
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(SPEC))
    out = tmp_path / f"fig.{fmt.upper() if fmt == 'pdf' else fmt}"
    assert run_cli("audit", spec, "--plot", out, "--quiet").code == 0
    data = out.read_bytes()
    assert data.startswith(MAGIC[fmt]) and (fmt != "svg" or b"<svg" in data[:1000])


def test_plot_refuses_an_unknown_suffix(run_cli, tmp_path):
    one_error_line(run_cli("audit", "x:y", "--plot", tmp_path / "fig.jpg"), "'", "fig.jpg", ".png", ".svg")


def test_plot_past_the_file_size_limit_is_one_line(tmp_path):
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(SPEC))

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    result = run("audit", spec, "--plot", tmp_path / "fig.png", "--quiet", preexec_fn=limit)
    assert result.returncode == 2
    assert result.stderr.decode().splitlines() == [
        f"error: --plot: cannot write {tmp_path / 'fig.png'}: File too large"
    ]
    assert not any(p.name.startswith(".fig.png") for p in tmp_path.iterdir())  # no temporary file left


# ---------------------------------------------------------------------------------------- image folders


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png(width: int, height: int, extra: bytes = b"") -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (width + 1) * min(height, 4))
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + extra
        + png_chunk(b"IDAT", rows)
        + png_chunk(b"IEND", b"")
    )


@pytest.fixture
def folder(tmp_path):
    pytest.importorskip("PIL")
    from PIL import Image

    rng = np.random.default_rng(0)
    Image.fromarray((rng.random((40, 40)) * 255).astype(np.uint8)).save(tmp_path / "ok.png")
    return tmp_path


def test_a_fifo_in_an_image_folder_is_skipped_never_opened(folder):
    os.mkfifo(folder / "pipe.png")
    assert stat.S_ISFIFO(os.stat(folder / "pipe.png").st_mode)
    start = time.monotonic()
    result = run("experiment", "mean", "--images", folder, "--size", "16", "--quiet")
    assert time.monotonic() - start < 100 and result.returncode in (0, 1), result.stderr
    err = result.stderr.decode()
    assert err.count("\n") == 1 and "skipped 1 entry that is not a regular file" in err and "pipe.png" in err


def test_a_fifo_named_directly_is_refused(run_cli, tmp_path):
    os.mkfifo(tmp_path / "pipe.png")
    one_error_line(run_cli("experiment", "mean", "--images", tmp_path / "pipe.png"), "--images", "pipe.png")


@pytest.mark.parametrize(
    "name, data, fragment",
    [
        ("bomb.png", png(50000, 50000), "50000"),  # 2.5e9 pixels declared in a file of a few hundred bytes
        (
            "text.png",
            png(4, 4, png_chunk(b"zTXt", b"k\x00\x00" + zlib.compress(b"a" * (20 << 20)))),
            "too large",
        ),
    ],
)
def test_image_bombs_are_refused_naming_the_file(run_cli, folder, name, data, fragment):
    (folder / "ok.png").unlink()
    (folder / name).write_bytes(data)
    one_error_line(run_cli("experiment", "mean", "--images", folder, "--size", "16"), name, fragment)


# --------------------------------------------------------------------------------------------- Ctrl-C


def test_ctrl_c_at_any_moment_of_the_command_is_130_without_a_traceback():
    """From symspec's first import on (the interpreter's own start-up,
    before any symspec code, is Python's)."""
    console_script = Path(sys.executable).with_name("symspec")
    if not console_script.exists():
        pytest.skip("the console script is not installed beside the interpreter")
    probe = (
        "import signal, sys; sys.argv[0] = 'symspec'; import symspec; "
        "print(signal.getsignal(signal.SIGINT).__module__)"
    )  # installed by the package's first lines
    assert (
        subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=ENV).stdout.strip()
        == "symspec.interrupts"
    )
    for delay in (0.05, 0.15, 0.3, 0.6, 1.2):
        # -X importtime reports each import as it completes: the delay counts from the moment symspec's
        # handler module is in, so a busy machine's slow interpreter start-up (Python's, not symspec's) is
        # never what the signal hits
        proc = subprocess.Popen(
            [sys.executable, "-X", "importtime", str(console_script), "check", "theorem2"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=ENV,
        )
        head = []
        while not head or not head[-1].rstrip().endswith(b"symspec.interrupts"):
            line = proc.stderr.readline()
            assert line, b"".join(head)[-400:]
            head.append(line)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        out, rest = proc.communicate(timeout=60)
        err = b"".join(
            line for line in (b"".join(head) + rest).splitlines(True) if b"import time:" not in line
        )
        assert proc.returncode in (130, 1) and b"Traceback" not in err, (delay, proc.returncode, err[-400:])
        if proc.returncode == 130:
            assert err.strip().splitlines()[-1] == b"interrupted: stopped before the end", err


def test_a_base_exception_escaping_a_command_is_one_line(run_cli, monkeypatch):
    import symspec.catalog

    class Escaped(BaseException):
        pass

    def escape():
        raise Escaped("from below")

    monkeypatch.setattr(symspec.catalog, "claims", escape)
    result = run_cli("list")
    assert result.code == 3 and result.err.count("\n") == 1 and "Escaped: from below" in result.err
