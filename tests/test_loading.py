"""What `symspec audit` will run, and a user model as bad input.

The loading rule: only nn.Module classes, functions annotated to return one, functions of a .py file named by
path and module instances are used; everything else is refused before it is called (a marker file proves
nothing ran).  A model that raises, exits, returns no tensor or needs more memory than allowed is one line of
bad input naming it; its prints never reach stdout; extra forward arguments come from --forward-kwargs; the
torchvision guard holds for the Python API in a fresh process.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from torch import nn

from symspec.cli import main

ROOT = Path(__file__).resolve().parent.parent
RULE = "--allow-callable"

MODELS = """
import functools
import sys
import typing
from pathlib import Path
from subprocess import getoutput            # a standard-library function re-exported here

import torch
from torch import nn

MARK = Path({marker!r})


def ran(what):
    with MARK.open("a") as f:
        f.write(what + "\\n")


def unannotated():
    ran("unannotated")
    return nn.Sequential(nn.Upsample(scale_factor=2), nn.Conv2d(2, 2, 3, padding=1))


def to_str(**kw) -> str:
    ran("to_str")
    return "x"


def evil_annotation() -> "__import__('pathlib').Path({marker!r}).write_text('annotation evaluated')":
    ran("evil_annotation")
    return nn.Identity()


def made() -> nn.Sequential:
    return nn.Sequential(nn.Upsample(scale_factor=2), nn.Conv2d(2, 2, 3, padding=1))


def made_str() -> "nn.Module":
    return nn.Sequential(nn.Upsample(scale_factor=2), nn.Conv2d(2, 2, 3, padding=1))


class Caller:
    def __call__(self, **kw):
        ran("Caller")
        return nn.Identity()


caller = Caller()
partial = functools.partial(unannotated)
lam = lambda: ran("lambda") or nn.Identity()  # noqa: E731


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 2, 3, padding=1)

    def forward(self, x):
        return self.conv(x)

    @classmethod
    def unannotated_cm(cls):
        ran("unannotated_cm")
        return cls()

    @classmethod
    def typed_cm(cls) -> typing.Self:
        return cls()


class Stop(BaseException):
    pass


ERRORS = {{"AssertionError": AssertionError("bad config"), "KeyError": KeyError("missing"),
          "AttributeError": AttributeError("no such part"),
          "ZeroDivisionError": ZeroDivisionError("division"), "Stop": Stop("a BaseException subclass"),
          "SystemExit": SystemExit(4), "MemoryError": MemoryError()}}


class InitRaises(nn.Module):
    def __init__(self, kind="AssertionError"):
        super().__init__()
        raise ERRORS[kind]


class ForwardRaises(nn.Module):
    def __init__(self, kind="KeyError", real_only=False):
        super().__init__()
        self.conv = nn.Conv2d(2, 2, 3, padding=1)
        self.kind, self.real_only = kind, real_only

    def forward(self, x):
        y = self.conv(x)
        if not self.real_only or x.device.type != "meta":
            raise ERRORS[self.kind]
        return y


class Inner(nn.Module):
    def forward(self, x):
        return x[{{}}["absent"]]


class RaisesInLayer(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 2, 3, padding=1)
        self.inner = Inner()

    def forward(self, x):
        return self.inner(self.conv(x))


class Returns(nn.Module):
    def __init__(self, kind="none"):
        super().__init__()
        self.conv = nn.Conv2d(2, 2, 3, padding=1)
        self.kind = kind

    def forward(self, x):
        y = self.conv(x)
        return {{"none": None, "int": 3, "empty": y[:, :0], "inf": y / 0.0, "nan": y * float("nan"),
                "long": y.long()}}[self.kind]


class Lazy(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.LazyConv2d(2, 3, padding=1)

    def forward(self, x):
        return self.conv(x)


class Alloc(nn.Module):  # a real allocation failure (on CPU even in the meta probe): malloc of 4 EiB
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 2, 3, padding=1)

    def forward(self, x):
        torch.empty(1 << 62, dtype=torch.uint8)
        return self.conv(x)


class Printer(nn.Module):
    def __init__(self):
        super().__init__()
        print("building the printer")
        self.conv = nn.Conv2d(2, 2, 3, padding=1)

    def forward(self, x):
        print("forward of the printer", tuple(x.shape))
        sys.stdout.write("{{not json\\n")
        return self.conv(nn.functional.interpolate(x, scale_factor=2.0))


class Timed(nn.Module):
    seen = []

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 2, 3, padding=1)

    def forward(self, x, t, *, context):
        Timed.seen.append((t, context))
        return self.conv(x) * float(t) + context.mean()
"""


class Outcome:
    def __init__(self, code, out, err):
        self.code, self.out, self.err = code, out, err
        self.lines = [line for line in err.splitlines() if line.strip()]


def invoke(*argv) -> Outcome:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main([str(a) for a in argv])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return Outcome(code, out.getvalue(), err.getvalue())


def refused(*argv, fragments=()) -> Outcome:
    r = invoke(*argv)
    assert r.code == 2, (argv, r.code, r.out[-300:], r.err[-800:])
    assert len(r.lines) == 1 and r.lines[0].startswith("error: "), (argv, r.err[-800:])
    assert "Traceback" not in r.err + r.out
    for fragment in fragments:
        assert fragment in r.lines[0], (fragment, r.lines[0])
    return r


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    d = tmp_path_factory.mktemp("loading")
    marker = d / "MARKER"
    (d / "ld_models.py").write_text(MODELS.format(marker=str(marker)))
    (d / "ld_file.py").write_text(MODELS.format(marker=str(marker)))  # loaded by path only
    sys.path.append(str(d))
    yield d, marker
    sys.path.remove(str(d))


@pytest.fixture
def marker(models):
    d, mark = models
    if mark.exists():
        mark.unlink()
    yield mark
    if mark.exists():
        mark.unlink()


# ------------------------------------------------------------------------------------------- the rule


@pytest.mark.parametrize(
    "target,args",
    [
        ("pickle:loads", '{"data": "x"}'),
        ("os:system", '{"command": "touch MARKER"}'),
        ("shutil:rmtree", '{"path": "/nonexistent"}'),
        ("builtins:eval", '{"source": "1"}'),
        ("subprocess:run", '{"args": ["true"]}'),
        ("io:open", '{"file": "x"}'),
    ],
)
def test_standard_library_callables_are_refused_before_import(models, marker, target, args):
    r = refused("audit", target, "--input", "2x4x4", "--args", args, fragments=[target.partition(":")[0]])
    assert "part of Python" in r.lines[0]
    assert not marker.exists()


@pytest.mark.parametrize(
    "target,what",
    [
        ("ld_models:unannotated", "not annotated to return an nn.Module"),
        ("ld_models:to_str", "annotated to return 'str'"),
        ("ld_models:evil_annotation", 'annotated to return "__import__'),
        ("ld_models:caller", "a Caller, not a class or a function"),
        ("ld_models:partial", "a partial"),
        ("ld_models:lam", "not annotated"),
        ("ld_models:getoutput", "a function from 'subprocess'"),
        ("ld_models:Net.unannotated_cm", "not annotated"),
        ("ld_models:MARK", "not a module class or factory"),
        ("torch.hub:load", "a function of torch"),
        ("./ld_file.py:getoutput", "not one defined in that file"),
    ],
)
def test_callables_outside_the_rule_are_refused_naming_rule(models, marker, monkeypatch, target, what):
    monkeypatch.chdir(models[0])
    r = refused("audit", target, "--input", "2x4x4", fragments=[target, what])
    if target != "ld_models:MARK":
        assert RULE in r.lines[0]
    assert not marker.exists(), marker.read_text()


def test_a_pickle_reader_never_unpickles(models, marker, tmp_path):
    """pandas:read_pickle on a file whose payload creates the marker: refused before the call (the payload
    works: plain pickle.loads runs it)."""
    pytest.importorskip("pandas")

    class Payload:
        def __reduce__(self):
            return open, (str(marker), "w")

    evil = tmp_path / "evil.pkl"
    evil.write_bytes(pickle.dumps(Payload()))
    refused(
        "audit",
        "pandas:read_pickle",
        "--input",
        "2x4x4",
        "--args",
        json.dumps({"filepath_or_buffer": str(evil)}),
        fragments=["pandas:read_pickle", RULE],
    )
    assert not marker.exists()
    pickle.loads(evil.read_bytes())
    assert marker.exists()


@pytest.mark.parametrize(
    "target",
    [
        "ld_models:Net",
        "ld_models:made",
        "ld_models:made_str",
        "ld_models:Net.typed_cm",
        "./ld_file.py:unannotated",
        "{dir}/ld_file.py:unannotated",
        "ld_file.py:Net",
        "torchvision.models:resnet18",
    ],
)
def test_modules_annotated_factories_and_files_named_by_path_run(models, marker, monkeypatch, target):
    monkeypatch.chdir(models[0])
    shape = "3x8x8" if "resnet" in target else "2x4x4"
    r = invoke("audit", target.format(dir=models[0]), "--input", shape, "-q")
    assert r.code in (0, 1) and r.out.startswith(("PASS", "FINDINGS")), r.err[-800:]
    ran = marker.read_text().split() if marker.exists() else []
    assert ran == (["unannotated"] if "unannotated" in target else [])


def test_allow_callable_opts_in(models, marker):
    refused("audit", "ld_models:unannotated", "--input", "2x4x4", fragments=[RULE])
    assert not marker.exists()
    r = invoke("audit", "ld_models:unannotated", "--input", "2x4x4", "--allow-callable", "-q")
    assert r.code in (0, 1) and r.out.startswith(("PASS", "FINDINGS")), r.err[-500:]
    assert marker.read_text().split() == ["unannotated"]


# ------------------------------------------------------------------------------------------ weights


def test_weights_with_complex_values_or_non_string_keys_are_refused_by_name(models, tmp_path):
    from symspec.audit.load import load

    module, _ = load("ld_models:Net", "2x4x4", None, None)
    state = module.state_dict()
    complex_state = {**state, "conv.weight": state["conv.weight"].to(torch.complex64)}
    torch.save(complex_state, tmp_path / "complex.pt")
    refused(
        "audit",
        "ld_models:Net",
        "--input",
        "2x4x4",
        "--weights",
        tmp_path / "complex.pt",
        fragments=["complex tensor", "'conv.weight'"],
    )
    torch.save({0: state["conv.weight"], "conv.bias": state["conv.bias"]}, tmp_path / "intkeys.pt")
    refused(
        "audit",
        "ld_models:Net",
        "--input",
        "2x4x4",
        "--weights",
        tmp_path / "intkeys.pt",
        fragments=["key 0 of type int"],
    )
    torch.load(tmp_path / "intkeys.pt", weights_only=True)  # the file itself is a valid weights-only file


def test_safetensors_size_is_checked_before_reading(models, tmp_path):
    from safetensors.torch import save_file

    from symspec.audit.load import load

    module, _ = load("ld_models:Net", "2x4x4", None, None)
    weights = sum(t.numel() * t.element_size() for t in module.state_dict().values())
    big = tmp_path / "sparse.safetensors"
    save_file({k: v.contiguous() for k, v in module.state_dict().items()}, big)
    with big.open("r+b") as f:  # a sparse 10 GB tail: nothing is written, and nothing may be read
        f.truncate(10 * 2**30)
    r = refused("audit", "ld_models:Net", "--input", "2x4x4", "--weights", big, fragments=["far more than"])
    assert f"{10 * 2**30:,} bytes" in r.lines[0] and weights < 1 << 20
    lying = tmp_path / "header.safetensors"
    lying.write_bytes((1 << 40).to_bytes(8, "little") + b"{}")
    refused("audit", "ld_models:Net", "--input", "2x4x4", "--weights", lying, fragments=["header length"])


# ------------------------------------------------------------------------------------ the model as input

KINDS = ["AssertionError", "KeyError", "AttributeError", "ZeroDivisionError", "Stop"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_constructor_that_raises_is_bad_input(models, kind):
    refused(
        "audit",
        "ld_models:InitRaises",
        "--input",
        "2x4x4",
        "--args",
        json.dumps({"kind": kind}),
        fragments=["ld_models:InitRaises", f"failed: {kind}"],
    )


@pytest.mark.parametrize("real_only", [False, True])
@pytest.mark.parametrize("kind", KINDS)
def test_a_forward_that_raises_is_bad_input_naming_model_and_type(models, kind, real_only):
    r = refused(
        "audit",
        "ld_models:ForwardRaises",
        "--input",
        "2x4x4",
        "--args",
        json.dumps({"kind": kind, "real_only": real_only}),
        fragments=["ld_models:ForwardRaises", f"raised {kind}"],
    )
    assert "rejects this shape" not in r.lines[0]


def test_the_failing_layer_is_named(models):
    refused(
        "audit",
        "ld_models:RaisesInLayer",
        "--input",
        "2x4x4",
        fragments=["raised KeyError: 'absent'", "in layer inner (Inner)"],
    )


def test_sys_exit_during_the_real_forward_is_bad_input(models):
    refused(
        "audit",
        "ld_models:ForwardRaises",
        "--input",
        "2x4x4",
        "--args",
        '{"kind": "SystemExit", "real_only": true}',
        fragments=["ForwardRaises", "called sys.exit(4)"],
    )


@pytest.mark.parametrize(
    "kind,fragment",
    [
        ("none", "returned None, not a tensor"),
        ("int", "returned int, not a tensor"),
        ("empty", "returned an empty tensor of shape (2, 0, 4, 4)"),
        ("long", "not a floating one"),
        ("inf", "holds 64 NaN or infinite values of 64"),
        ("nan", "holds 64 NaN or infinite values of 64"),
    ],
)
def test_outputs_that_are_not_a_finite_tensor_are_bad_input(models, kind, fragment):
    refused(
        "audit",
        "ld_models:Returns",
        "--input",
        "2x4x4",
        "--args",
        json.dumps({"kind": kind}),
        fragments=["ld_models:Returns", fragment],
    )


def test_lazy_modules_are_refused_by_name(models):
    refused("audit", "ld_models:Lazy", "--input", "2x4x4", fragments=["'conv.weight' is uninitialised"])
    import symspec

    from symspec.errors import SymspecError

    with pytest.raises(SymspecError, match="uninitialised"):
        symspec.audit(nn.LazyConv2d(2, 3), (2, 4, 4))


def test_a_kernel_larger_than_the_map_names_the_layer_and_sizes(tmp_path):
    spec = tmp_path / "k.json"
    layer = {"type": "conv", "in": 2, "out": 2, "kernel": 5}
    spec.write_text(json.dumps({"input": "2x3x3", "layers": [layer]}))
    with pytest.raises(RuntimeError, match="Kernel size can't be greater"):  # what torch itself says
        nn.Conv2d(2, 2, 5)(torch.zeros(1, 2, 3, 3))
    refused(
        "audit",
        spec,
        fragments=["layer 0 (Conv2d) has a 5x5 kernel, larger than its 3x3 input map", "rejects this shape"],
    )


def test_out_of_memory_says_so_with_the_size(models):
    with pytest.raises(RuntimeError, match="can't allocate memory"):  # a real failure of torch's allocator
        torch.empty(1 << 62, dtype=torch.uint8)
    refused(
        "audit",
        "ld_models:Alloc",
        "--input",
        "2x4x4",
        fragments=["out of memory (an allocation of 4294967296.00 GiB failed)"],
    )
    refused(
        "audit",
        "ld_models:InitRaises",
        "--input",
        "2x4x4",
        "--args",
        '{"kind": "MemoryError"}',
        fragments=["out of memory"],
    )
    refused(
        "audit",
        "ld_models:ForwardRaises",
        "--input",
        "2x4x4",
        "--args",
        '{"kind": "MemoryError"}',
        fragments=["ForwardRaises", "out of memory"],
    )


def test_memory_is_estimated_before_the_trace_and_bounded_by_max_memory(models):
    """The estimate covers the largest tensor the real forward pass makes (measured here with hooks) and the
    column buffer of a CPU convolution, stays within a small factor of all of them, and a --max-memory below
    it refuses with the estimate."""
    from symspec.audit.forward import OVERHEAD, guard_forward

    model = nn.Sequential(nn.Conv2d(4, 64, 3, padding=1), nn.ReLU(), nn.Conv2d(64, 4, 3, padding=1))
    sizes = []
    for layer in model:
        layer.register_forward_hook(lambda m, i, o: sizes.append(o.numel() * o.element_size()))
    x = torch.randn(2, 4, 64, 64)
    with torch.no_grad():
        model(x)
    weights = sum(p.numel() * p.element_size() for p in model.parameters())
    everything = weights + x.numel() * 4 + sum(sizes)
    estimate = guard_forward("m", model, (4, 64, 64), 2)
    im2col = 64 * 3 * 3 * 64 * 64 * 4  # the second convolution's column buffer for one sample, on CPU
    assert max(sizes) + weights + im2col <= estimate, (estimate, sizes)
    assert estimate <= 3 * (everything + im2col) + OVERHEAD, (estimate, sizes)
    from symspec.errors import SymspecError

    with pytest.raises(SymspecError, match=r"needs about [\d.]+ MiB .* more than --max-memory 1\.0 MiB"):
        guard_forward("m", model, (4, 64, 64), 2, max_memory=1 << 20)
    assert guard_forward("m", model, (4, 64, 64), 2, max_memory=10 * everything + OVERHEAD) == estimate
    refused(
        "audit",
        "examples.decoders:UNetDecoder",
        "--input",
        "128x4x4",
        "--max-memory",
        "1M",
        fragments=["needs about", "more than --max-memory 1.0 MiB"],
    )


@pytest.mark.parametrize(
    "raw,fragment",
    [
        ("4Q", "expected a size like 4G"),
        ("0", "between 1M"),
        ("-1G", "expected a size"),
        ("1e400", "expected a size"),
    ],
)
def test_max_memory_values(raw, fragment):
    refused(
        "audit",
        "examples.decoders:UNetDecoder",
        "--input",
        "128x4x4",
        "--max-memory",
        raw,
        fragments=["--max-memory", fragment],
    )
    from symspec.audit.arguments import parse_memory

    assert parse_memory("512M") == 512 * 2**20 and parse_memory("1.5GiB") == 3 * 2**29
    with open("/proc/meminfo") as f:
        available = next(int(line.split()[1]) * 1024 for line in f if line.startswith("MemAvailable:"))
    assert 0.4 * available <= parse_memory(None) <= 0.6 * available


def test_usage_mistakes_are_refused(models):
    spec = str(ROOT / "examples" / "decoder.yaml")
    refused("audit", spec, "--args", '{"ch": 4}', fragments=["--args", "layer spec"])
    refused(
        "audit",
        "examples.decoders:UNetDecoder",
        "--input",
        "128x4x4",
        "--vs-args",
        '{"ch": 4}',
        fragments=["--vs-args: give --vs"],
    )
    refused(
        "audit",
        "examples.decoders:UNetDecoder",
        "--input",
        "128x4x4",
        "--args",
        '{"ch": 0}',
        fragments=["'net.1.weight' has shape (0, 0, 3, 3)"],
    )


# ---------------------------------------------------------------------------------- stdout, one document


def test_model_prints_go_to_stderr_and_json_stays_one_document(models):
    r = invoke("audit", "ld_models:Printer", "--input", "2x4x4", "--json")
    assert r.code in (0, 1), r.err[-500:]
    doc = json.loads(r.out)
    assert doc and "building the printer" in r.err and "forward of the printer" in r.err
    assert "{not json" in r.err


def test_the_python_api_leaves_stdout_alone(models, capsys):
    import symspec

    from ld_models import Printer

    capsys.readouterr()
    saved = sys.stdout
    symspec.audit(Printer(), (2, 4, 4))
    assert sys.stdout is saved
    out = capsys.readouterr().out
    assert "forward of the printer (2, 2, 4, 4)" in out  # the user's own prints, where the user put them


# -------------------------------------------------------------------------------- extra forward inputs


def test_forward_kwargs_reach_the_forward_pass(models):
    from ld_models import Timed

    refused("audit", "ld_models:Timed", "--input", "2x4x4", fragments=["needs 't'", "--forward-kwargs"])
    Timed.seen.clear()
    r = invoke(
        "audit",
        "ld_models:Timed",
        "--input",
        "2x4x4",
        "--seed",
        "5",
        "--forward-kwargs",
        '{"t": 3, "context": "Bx7x6"}',
        "-q",
    )
    assert r.code in (0, 1), r.err[-500:]
    t, context = Timed.seen[-1]
    expected = torch.randn((2, 7, 6), generator=torch.Generator().manual_seed(6))  # seed + 1, batch 2
    assert t == 3 and torch.equal(context, expected)
    refused(
        "audit",
        "ld_models:Timed",
        "--input",
        "2x4x4",
        "--forward-kwargs",
        '{"t": 1}',
        fragments=["needs 'context'"],
    )
    refused(
        "audit", "ld_models:Timed", "--input", "2x4x4", "--forward-kwargs", "[1]", fragments=["JSON object"]
    )
    refused(
        "audit",
        "ld_models:Timed",
        "--input",
        "2x4x4",
        "--forward-kwargs",
        '{"t": 1, "context": "0x3"}',
        fragments=["positive sizes"],
    )


def test_forward_kwargs_in_the_python_api_take_tensors(models):
    import symspec
    from ld_models import Timed

    model = Timed()
    context = torch.full((1, 3), 2.0)
    Timed.seen.clear()
    report = symspec.audit(model, (2, 4, 4), forward_kwargs={"t": 2.0, "context": context})
    assert Timed.seen[-1][1] is context and report.nodes
    from symspec.errors import SymspecError

    with pytest.raises(SymspecError, match="needs 'context'"):
        symspec.audit(model, (2, 4, 4), forward_kwargs={"t": 2.0})


DIFFUSERS = {
    "sample_size": 8,
    "in_channels": 2,
    "out_channels": 2,
    "block_out_channels": [8, 16],
    "layers_per_block": 1,
    "norm_num_groups": 4,
}


def test_diffusers_unets_from_the_command_line():
    pytest.importorskip("diffusers")
    unet = json.dumps(
        {
            **DIFFUSERS,
            "down_block_types": ["DownBlock2D", "DownBlock2D"],
            "up_block_types": ["UpBlock2D", "UpBlock2D"],
        }
    )
    refused(
        "audit",
        "diffusers:UNet2DModel",
        "--input",
        "2x8x8",
        "--args",
        unet,
        fragments=["needs 'timestep'", "--forward-kwargs"],
    )
    r = invoke(
        "audit",
        "diffusers:UNet2DModel",
        "--input",
        "2x8x8",
        "--args",
        unet,
        "--forward-kwargs",
        '{"timestep": 10}',
        "--json",
    )
    assert r.code in (0, 1) and json.loads(r.out), r.err[-500:]
    cond = json.dumps(
        {
            **DIFFUSERS,
            "cross_attention_dim": 12,
            "attention_head_dim": 4,
            "down_block_types": ["CrossAttnDownBlock2D", "DownBlock2D"],
            "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D"],
        }
    )
    refused(
        "audit",
        "diffusers:UNet2DConditionModel",
        "--input",
        "2x8x8",
        "--args",
        cond,
        "--forward-kwargs",
        '{"timestep": 10}',
        fragments=["needs 'encoder_hidden_states'"],
    )
    r = invoke(
        "audit",
        "diffusers:UNet2DConditionModel",
        "--input",
        "2x8x8",
        "--args",
        cond,
        "--forward-kwargs",
        '{"timestep": 10, "encoder_hidden_states": "Bx7x12"}',
        "-q",
    )
    assert r.code in (0, 1) and r.out.startswith(("PASS", "FINDINGS")), r.err[-500:]


# ------------------------------------------------------------------------------- the torchvision guard

GUARD_ORDERS = {  # each in a fresh process; ARGS: a tiny diffusers UNet2DModel
    "symspec first": "import symspec\nassert 'torch' not in sys.modules, 'import symspec imported torch'\n"
    "import diffusers\nmodel = diffusers.UNet2DModel(**ARGS)",
    "diffusers first": "import diffusers\nimport symspec\nmodel = diffusers.UNet2DModel(**ARGS)",
    "smp after symspec": "import symspec\nimport segmentation_models_pytorch\nimport diffusers\n"
    "model = diffusers.UNet2DModel(**ARGS)",
}


@pytest.mark.parametrize("order", sorted(GUARD_ORDERS))
def test_the_torchvision_guard_holds_for_the_python_api(order):
    pytest.importorskip("diffusers")
    args = {
        **DIFFUSERS,
        "down_block_types": ["DownBlock2D", "DownBlock2D"],
        "up_block_types": ["UpBlock2D", "UpBlock2D"],
    }
    code = (
        f"import sys\nARGS = {args!r}\n{GUARD_ORDERS[order]}\n"
        "report = symspec.audit(model, (2, 8, 8), forward=lambda m, x: m(x, 10).sample)\n"
        "print('nodes', len(report.nodes))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    assert run.returncode == 0 and "nodes " in run.stdout, run.stderr[-1500:]


def plain_torchvision_fails() -> bool:
    run = subprocess.run(
        [sys.executable, "-c", "import torchvision"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    return run.returncode != 0 and "torchvision::nms does not exist" in run.stderr


def test_plain_torchvision_state_is_what_the_guard_is_for():
    """Record which environment the guard test ran in: here a plain `import torchvision` either fails with the
    known error (the guard is needed) or works (the guard must then change nothing)."""
    pytest.importorskip("torchvision")
    failing = plain_torchvision_fails()
    code = "import symspec, torchvision; print(torchvision.ops.nms.__module__)"
    run = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    assert run.returncode == 0 and "torchvision" in run.stdout, (failing, run.stderr[-1000:])


def test_option_mistakes_are_refused_before_torch_is_imported():
    cases = [
        ["--vs-args", '{"ch": 4}'],
        ["--max-memory", "4Q"],
        ["--forward-kwargs", "[1]"],
        ["--forward-kwargs", '{"t": "0x3"}'],
    ]
    code = (
        "import json, sys\nfrom symspec.cli import main\nout = []\n"
        "for extra in json.loads(sys.argv[1]):\n    try:\n"
        "        main(['audit', 'examples.decoders:UNetDecoder', '--input', '128x4x4', *extra])\n"
        "    except SystemExit as exc:\n        out.append(exc.code)\n"
        "print(json.dumps([out, 'torch' in sys.modules]))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, json.dumps(cases)], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    codes, torch_loaded = json.loads(run.stdout.strip().splitlines()[-1])
    assert codes == [2] * len(cases) and not torch_loaded, run.stderr[-800:]
    assert len([line for line in run.stderr.splitlines() if line.startswith("error: ")]) == len(cases)
