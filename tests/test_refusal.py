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
    (["audit", "pkg.mod:Net", "--fail-on", "bogus"], "--fail-on: unknown condition 'bogus'"),
    (["audit", "pkg.mod:Net", "--fail-on", "none,replicas"], "'none' counts nothing"),
    (["audit", "pkg.mod:Net", "--fail-on", "attenuation>x"], "attenuation: expected a number, got 'x'"),
    (["audit", "pkg.mod:Net", "--norm-tol", "0"], "--norm-tol: expected a number from 0.0001 to 1, got '0'"),
    (["audit", "pkg.mod:Net", "--norm-tol", "2"], "--norm-tol: expected a number from 0.0001 to 1, got '2'"),
    (["audit", "pkg.mod:Net", "--norm-tol", "inf"], "--norm-tol: expected a finite number, got 'inf'"),
    (["audit", "pkg.mod:Net", "--norm-tol", "1e-2x"], "--norm-tol: expected a number, got '1e-2x'"),
    (["derive", "convv"], "unknown layer 'convv'"),
    (["derive"], "derive: name a layer"),
    (["derive", "conv", "--kernel", "abc"], "--kernel: expected an integer, got 'abc'"),
    (["derive", "conv", "--padding", "wrap"], "--padding: 'wrap' is not one of circular"),
    (["derive", "conv", "--mode", "nearest"], "--mode does not apply to layer conv"),
    (["experiment", "nonsense"], "unknown experiment 'nonsense'"),
    (["experiment", "depth", "--size", "4"], "--size: 4 is below the minimum 8"),
    (["experiment", "list", "--device", "tpu"], "--device: 'tpu' is not one of cpu, cuda"),
    (["derive", "--chain", "warp:3"], "--chain: unknown stage 'warp'"),
    (["derive", "--chain", "conv:x"], "--kernel: expected an integer, got 'x'"),
    (["derive", "--chain", "conv:3:zero:dilation=0"], "--dilation: 0 is below the minimum 1"),
    (["derive", "--chain", "conv:3:zero:dilation="], "--dilation: expected an integer, got ''"),
    (["derive", "--chain", "conv:3:wrap"], "--padding: 'wrap' is not one of circular"),
    (["derive", "--chain", "conv:3:zero:dil=2"], "unknown field 'dil'"),
    (["derive", "--chain", "conv:3,,conv:3"], "--chain: empty stage in 'conv:3,,conv:3'"),
    (["derive", "--chain", "conv:3:zero,upsample:nearest:0"], "--ratio: ratios must be positive integers"),
    (["derive", "--chain", "pixelshuffle:9"], "--ratio: 9 is above the maximum 8"),
    (["derive", "--chain", ""], "--chain: give the stages"),
    (["derive", "--chain", "conv:3:zero", "--channels", "0"], "--channels: 0 is below the minimum 1"),
    (
        ["derive", "upsample", "--ratio", "2x"],
        "--ratio: expected a positive integer or two like 2x3, got '2x'",
    ),
    (["derive", "conv", "--tol", "-1"], "--tol: -1.0 is below the minimum 0"),
    (["experiment", "learning-order", "--images", "nope"], "--images: 'nope' is neither a directory"),
    (["experiment", "depth", "--images", "synthetic,lfw,synthetic"], "a source is named twice"),
    (["ledger", "--section", "nope"], "--section: no row in section 'nope' (sections: 1, 3, 3.1, 4.1-4.4"),
    (["ledger", "--section", "9.9", "--quiet"], "--section: no row in section '9.9'"),
    (["ledger", "--status", "nope"], "--status: 'nope' is not one of pass, fail"),
    (["ledger", "--paper", "nope"], "unknown paper 'nope'"),
    (["ledger", "--paper", "nope", "--section", "4"], "unknown paper 'nope'"),
    (["ledger", "--seed", "-1"], "--seed: -1 is below the minimum 0"),
    (["findings", "--paper", "nope"], "unknown paper 'nope'"),
    (["falsify", "theorem2", "--tol", "-1"], "--tol: -1.0 is below the minimum 0"),
    (["falsify", "theorem2", "--device", "tpu"], "--device: 'tpu' is not one of cpu, cuda"),
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
            if p.kind == "choice" and not p.choices:
                continue
            own = preflight.OWN_PARSER.get((p.kind, p.name))
            for value in VALUES:
                raw = {p.name: value, **({"chain": "conv:3:zero"} if name in CHAIN else {})}
                alone = raised(own, value, p.name) if own else raised(p.parse, value)
                assert raised(preflight.derive, name, raw) == alone, (name, raw)
    assert raised(preflight.derive, None, {}) == "derive: name a layer ({}) or give --chain".format(
        ", ".join(sorted(LAYERS))
    )


CHAINS = [
    "conv:3:zero",
    "upsample:nearest:2,conv:3:zero",
    "conv2d:3:circular:1:2",
    "conv:3:zero:dilation=2",
    "conv:3:zero:dilation=0",
    "conv:3:zero:dilation=",
    "conv:3:zero:stride=x",
    "conv:x",
    "conv:99:zero",
    "conv:3:wrap",
    "conv:3:dil=2",
    "conv:dilation=2:3",
    "conv:3:zero:1:2:3",
    "conv:3:zero:1:2:dilation=3",
    "conv:3:zero,,conv:3:zero",
    ",conv:3:zero",
    "warp:3",
    "conv-transpose:4:2:1",
    "deconv:4:0",
    "conv-transpose:4:2:-1",
    "upsample:warp:2",
    "upsample:nearest:2x3",
    "upsample:bilinear:2x",
    "upsample:zero:0",
    "upsample:nearest:99",
    "avgpool:2:2",
    "avgpool:2:0",
    "avgpool:abc",
    "subsample:2",
    "subsample:",
    "pixel-shuffle:0",
    "pixel-shuffle:9",
    "pixelshuffle:x",
    "conv:3:zero:stride=2,avgpool:2,subsample:x",
    "conv:40:zero,conv:x",
    "",
]


@pytest.mark.parametrize("text", CHAINS)
def test_chain_refusals_are_the_chain_builders_own(text):
    """A chain the early check refuses is refused by the builder with the same message; a chain refused for
    its syntax or for a field's value alone is refused early (what needs a built stage is the builder's)."""
    from symspec.spectral.ops import derive

    early = raised(preflight.derive, None, {"chain": text})
    try:
        derive("chain", chain=text, size="8x8")
    except SymspecError as exc:
        late = str(exc)
    else:
        late = None
    if early is not None:
        assert early == late
    elif late is not None:
        assert not late.startswith("--chain") and "expected" not in late and "minimum" not in late, late


def test_ledger_sections_are_the_ledgers_own():
    """The sections --section is checked against are the rows' sections (the real selection over the real
    entries decides what is empty); the refusal lists them as the ledger's sections."""
    from types import SimpleNamespace

    from symspec.ledger import select
    from symspec.papers.tang2023.ledger import ENTRIES, SECTIONS

    rows = SimpleNamespace(rows=[SimpleNamespace(entry=e, status="pass") for e in ENTRIES])
    for section in list(SECTIONS) + [
        "4",
        "A",
        "b",
        "§4.1",
        " 3 ",
        "4.",
        "9.9",
        "Z",
        "A.8",
        "nope",
        "",
        "1.1",
    ]:
        early = raised(preflight.ledger, None, section, None)
        assert (early is not None) == (bool(section) and not select(rows, None, section)), section
        if early is not None:
            assert early.startswith(
                f"--section: no row in section {section!r} (sections: 1, 3, 3.1, 4.1-4.4,"
            )
    listed = raised(preflight.ledger, None, "nope", "TANG2023")
    assert listed.endswith("(sections: 1, 3, 3.1, 4.1-4.4, 5.1, 5.2, 6, A.1-A.7, B.1-B.4, C)")
    for paper in ("aitken2017", "odena2016"):  # no ledger: the command says so itself
        assert raised(preflight.ledger, None, "nope", paper) is None


@pytest.mark.parametrize(
    "images",
    ["nope", "synthetic", "synthetic,lfw", "SKIMAGE:gray", "synthetic,synthetic", "", ",synthetic", "tests"],
)
def test_image_sources_are_refused_as_the_experiments_do(images, monkeypatch):
    from symspec.experiments.data import parse_sources

    monkeypatch.chdir(ROOT)
    early = raised(preflight.experiment, "depth", "cpu", images)
    late = raised(parse_sources, images)
    assert early is None or early == late, (early, late)
    assert early is not None or late is None or "scikit-image" in late, (early, late)


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
    assert preflight.DEFAULT_PAPER == registry.DEFAULT_PAPER
    from symspec.ledger import STATUSES

    assert preflight.STATUSES == STATUSES
    assert preflight.PATH_TARGET.pattern == target.PATH_TARGET.pattern
    for name in ("a.json", "a.YAML", "a.yml", "a.py", "a.json.py", "json"):
        assert name.lower().endswith(preflight.SPEC_SUFFIXES) == spec.is_spec(name)


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_a_directory_no_file_can_be_made_in_is_refused_even_for_root():
    """Permission bits say root may write anywhere; /proc takes no new files: the check tries, not infers."""
    from symspec.errors import SymspecError
    from symspec.params import parse_output_dir, parse_output_file

    with pytest.raises(SymspecError, match="cannot write into '/proc'"):
        parse_output_dir("plot", "/proc/symspec-plots")
    with pytest.raises(SymspecError, match="cannot write into '/proc'"):
        parse_output_file("plot", "/proc/symspec.png")


def test_a_writable_directory_is_accepted_and_left_as_it_was(tmp_path):
    from symspec.params import parse_output_file

    assert parse_output_file("plot", str(tmp_path / "a.png")) == str(tmp_path / "a.png")
    assert list(tmp_path.iterdir()) == []
