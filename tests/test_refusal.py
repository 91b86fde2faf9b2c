"""Bad input is refused before torch or SymPy load, and the early refusal says what the full check would say.

The early checks (symspec/preflight.py) read the generated catalog; each is compared here with the real rule
it stands in for (the registry, the claim's parameters, the layer builders, the audit's loader), so that the
two cannot drift apart.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from symspec import preflight
from symspec.errors import SymspecError

ROOT = Path(__file__).resolve().parent.parent

REFUSALS = [  # (argv, fragment of the one-line error)
    (["check", "theorem2", "--kernal", "3"], "No such option '--kernal'"),
    (["check", "theorm2"], "unknown claim 'theorm2'"),
    (["falsify", "theorm2"], "unknown claim 'theorm2'"),
    (["check", "odena2016.nope"], "unknown claim 'odena2016.nope'"),
    (["check", "./missing_claims.py"], "./missing_claims.py: no such claim file"),
    (["check", "theorem2", "--kernel", "abc"], "--kernel: expected an integer, got 'abc'"),
    (["check", "theorem1", "--size", "0x4"], "--size: sizes must be positive, got 0x4"),
    (["check", "theorem2", "--kernel", "0"], "--kernel: 0 is below the minimum"),
    (["check", "theorem2", "--seed", "-1"], "--seed: -1 is below the minimum 0"),
    (["check", "theorem1", "--anchor", "middle"], "--anchor: 'middle' is not one of paper, centered"),
    (["check", "lemma", "--kernel", "3"], "--kernel does not apply to claim lemma"),
    (["check", "all", "--kernel", "x"], "--kernel: expected an integer, got 'x'"),
    (["check", "theorem2", "--dtype", "float16"], "--dtype: 'float16' is not one of float64, float32"),
    (["check", "theorem2", "--tol", "-1"], "--tol: -1.0 is below the minimum 0"),
    (["check", "theorem2", "--device", "tpu"], "--device: 'tpu' is not one of cpu, cuda"),
    (["check", "theorem2", "--at", "u0"], "--at: expected axis=index pairs"),
    (["check", "theorem2", "--perturb", "nope"], "--perturb: 'nope' is not a perturbation of theorem2"),
    (["check", "all", "--perturb", "x"], "--perturb needs a single claim, not 'all'"),
    (["falsify", "theorem2", "--max-points", "0"], "--max-points: 0 is below the minimum 1"),
    (["audit", "nocolon"], "'nocolon' is neither a spec file nor an import path"),
    (["audit", "./missing.py:net"], "no such Python file './missing.py': a file target is"),
    (["audit", "./missing.py"], "e.g. ./missing.py:Decoder"),
    (["audit", "missing.yaml"], "no such spec file 'missing.yaml'"),
    (["audit", "a b:c"], "'a b' is not a module name"),
    (["audit", "pkg.mod:Net", "--batch", "0"], "--batch: 0 is below the minimum 1"),
    (["audit", "pkg.mod:Net", "--input", "3x4"], "--input: expected CxHxW"),
    (["derive", "convv"], "unknown layer 'convv'"),
    (["derive"], "derive: name a layer"),
    (["derive", "conv", "--kernel", "abc"], "--kernel: expected an integer, got 'abc'"),
    (["derive", "conv", "--padding", "wrap"], "--padding: 'wrap' is not one of circular"),
    (["derive", "conv", "--mode", "nearest"], "--mode does not apply to layer conv"),
    (["experiment", "nonsense"], "unknown experiment 'nonsense'"),
    (["experiment", "depth", "--size", "4"], "--size: 4 is below the minimum 8"),
    (["experiment", "list", "--device", "tpu"], "--device: 'tpu' is not one of cpu, cuda"),
]

PROBE = """import sys
from symspec.cli import main
try:
    main({argv!r})
except SystemExit as exc:
    code = exc.code
sys.stderr.write("EXIT=%s HEAVY=%s\\n" % (code, ",".join(m for m in ("torch", "sympy") if m in sys.modules)))
"""


@pytest.mark.parametrize("argv,fragment", REFUSALS, ids=[" ".join(a) for a, _ in REFUSALS])
def test_refused_with_one_line_before_torch_or_sympy_load(argv, fragment, tmp_path):
    run = subprocess.run(
        [sys.executable, "-c", PROBE.format(argv=argv)],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    *message, verdict = run.stderr.splitlines()
    assert verdict == "EXIT=2 HEAVY=", run.stderr[-800:]
    assert len(message) == 1 and message[0].startswith("error: ") and fragment in message[0], message


def raised(call, *args, **kwargs) -> str | None:
    """The message of the SymspecError that ``call(*args, **kwargs)`` raises, or None."""
    try:
        call(*args, **kwargs)
    except SymspecError as exc:
        return str(exc)
    return None


CLAIM_NAMES = [
    "theorm2",
    "all",
    "tang2023",
    "odena2016",
    "thm2",
    "THEOREM2",
    "odena2016.uneven",
    "odena2016.nope",
    "tang2023.theorem2",
    "tang2023.thm2",
    "sedghi2019.sedghi",
    "sedghi",
    "nope.theorem2",
    "",
]


@pytest.mark.parametrize("name", CLAIM_NAMES)
def test_claim_names_resolve_as_the_registry_does(name):
    from symspec import registry

    early = raised(preflight.claim_entries, name)
    try:
        expected = [c.id for c in registry.select(name)[1]]
    except SymspecError as exc:
        assert early == str(exc)
        return
    assert early is None and [e["id"] for e in preflight.claim_entries(name)] == expected


VALUES = [
    "abc",
    "0",
    "-1",
    "1",
    "3",
    "0x4",
    "4x0",
    "9" * 50,
    "1e400",
    "nan",
    "0.5",
    "2,2",
    "paper",
    "middle",
    "x",
]


def test_claim_option_refusals_are_the_claims_own():
    """Wherever the early check refuses a value, the claim refuses it with the same message; the early check
    refuses every value that the parameter alone refuses (cross-parameter rules are left to the claim)."""
    from symspec import registry

    compared = 0
    for claim in registry.all_claims():
        for p in claim.params:
            for value in VALUES:
                early = raised(preflight.check, claim.id, {p.name: value})
                own = raised(p.parse, value)
                assert early == own, (claim.id, p.name, value)
                if early is not None:
                    assert raised(claim.resolve, {p.name: value}) == early
                    compared += 1
    assert compared > 100


def test_perturbation_names_are_the_claims_own():
    from symspec import registry

    for claim in registry.all_claims():
        for name in claim.perturbations:
            assert raised(preflight.check, claim.id, {}, perturb=name) is None
        early = raised(preflight.check, claim.id, {}, perturb="nope")
        assert early is not None and early == raised(claim.check, {}, perturb="nope")


def test_layer_option_refusals_are_the_layers_own():
    from symspec.spectral.ops import ALIASES, LAYERS, derive

    names = sorted(LAYERS) + sorted(ALIASES) + ["warp", "Conv_Transpose"]
    CHAIN = {"chain"} | {a for a, layer in ALIASES.items() if layer == "chain"}  # a chain needs its stages
    options = ["size", "kernel", "padding", "stride", "dilation", "groups", "mode", "ratio", "channels"]
    compared = 0
    for name in names:
        for option in options:
            for value in VALUES:
                raw = {option: value, **({"chain": "conv:3:zero"} if name in CHAIN else {})}
                early = raised(preflight.derive, name, raw)
                if early is not None:
                    assert raised(derive, name, **raw) == early, (name, raw)
                    compared += 1
    assert compared > 200
    for name, build in LAYERS.items():  # and every value a layer's parameter refuses alone is refused early
        for p in sys.modules[build.__module__].SPEC.values():
            if (p.kind, p.name) in preflight.OWN_PARSER or p.kind == "choice" and not p.choices:
                continue
            for value in VALUES:
                raw = {p.name: value, **({"chain": "conv:3:zero"} if name in CHAIN else {})}
                assert raised(preflight.derive, name, raw) == raised(p.parse, value), (name, raw)
    assert raised(preflight.derive, None, {}) == "derive: name a layer ({}) or give --chain".format(
        ", ".join(sorted(LAYERS))
    )


def test_unknown_experiment_is_refused_as_the_experiments_do():
    from symspec.experiments import all_experiments, select

    assert raised(preflight.experiment, "warp", "cpu") == raised(select, "warp")
    for name in list(all_experiments()) + ["all", "list", "ALL"]:
        assert raised(preflight.experiment, name, "cpu") is None


@pytest.mark.parametrize(
    "target,hint",
    [
        ("nocolon", ""),
        ("missing.yaml", ""),
        ("..hm:x", ""),
        ("a b:c", ""),
        ("examples.decoders:", ""),
        ("examples.decoders:1a", ""),
        ("./missing.py:net", ": a file target is"),
        ("examples/decoders.py", " like package.module:Decoder or ./decoders.py:Decoder"),
    ],
)
def test_audit_target_refusals_agree_with_the_loader(target, hint, monkeypatch):
    """The loader refuses each of these too, with the same message, or (hint) one the early check improves:
    the loader's own words up to the hint, then how to write a file target."""
    from symspec.audit.load import load

    monkeypatch.chdir(ROOT)
    early = raised(preflight.audit_target, target)
    late = raised(load, target, "3x4x4", None, None)
    assert late is not None
    if not hint:
        assert early == late
    else:
        head = late.split(hint)[0] if hint in late else late
        assert early.startswith(head) and early != late and ".py:Decoder" in early, (early, late)


def test_audit_targets_the_loader_accepts_pass_the_early_check(monkeypatch):
    monkeypatch.chdir(ROOT)
    for target in [
        "examples/decoder.yaml",
        "examples/decoders.py:UNetDecoder",
        "./examples/decoders.py:make",
        "examples.decoders:UNetDecoder",
        "torch.nn:Conv2d",
        "pkg.mod:Net.from_config",
    ]:
        assert raised(preflight.audit_target, target) is None, target


def test_the_early_checks_share_the_real_constants():
    from symspec import registry
    from symspec.audit import spec, target
    from symspec.numeric.layers import DTYPES

    assert preflight.DTYPES == tuple(DTYPES)
    assert preflight.GROUP == registry.GROUP
    assert preflight.PATH_TARGET.pattern == target.PATH_TARGET.pattern
    for name in ("a.json", "a.YAML", "a.yml", "a.py", "a.json.py", "json"):
        assert name.lower().endswith(preflight.SPEC_SUFFIXES) == spec.is_spec(name)
