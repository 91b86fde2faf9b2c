"""symspec audit: findings on real decoders, the numeric cross-check, and one-line errors."""

import json

import numpy as np
import pytest
import torch
from torch import nn

from symspec.audit.analysis import apply_rule, audit, map_module, term_matrices
from symspec.audit.load import load

DCGAN = ("examples.decoders:DCGANGenerator", "64x1x1")
UNET = ("examples.decoders:UNetDecoder", "128x4x4")
VAE = ("examples.decoders:VAEDecoder", "32x1x1")


def run(target, shape, args=None, weights=None):
    module, s = load(target, shape, args, weights)
    return audit(module, s, target)


def test_dcgan_generator_is_flagged_for_replicas():
    result = run(*DCGAN)
    assert set(result.findings["replicas"]) == {"net.0", "net.3", "net.6", "net.9"}
    assert result.findings["dc_boost"] == []
    assert all(la.similarity is not None for la in result.layers)


def test_unet_zero_padding_boosts_dc_and_circular_removes_it():
    zero = run(*UNET)
    assert len(zero.findings["dc_boost"]) == 8  # every padded 3x3 conv
    circular = run(*UNET, args='{"padding_mode": "circular"}')
    assert circular.findings["dc_boost"] == []
    # nearest upsampling's box filter suppresses replicas more at each stage (Thm 4.4 + Dirichlet kernel)
    reps = [la.replicas_db for la in zero.layers if la.op == "Upsample"]
    assert reps == sorted(reps, reverse=True) and reps[0] < 0


def test_vae_names_its_unmapped_layers():
    result = run(*VAE)
    assert result.findings["unmapped"] == ["fc", "unflatten"]
    assert any(w.startswith("fc: Linear is not a spatial") for w in result.warnings)


def test_linear_network_prediction_equals_measurement(tmp_path):
    """Without activations and with circular padding the theory is exact: cosine similarity 1 everywhere."""
    spec = {"input": "4x6x6", "layers": [
        {"type": "conv", "in": 4, "out": 4, "kernel": 3, "padding": 1, "padding_mode": "circular"},
        {"type": "upsample", "mode": "nearest", "ratio": 2},
        {"type": "conv_transpose", "in": 4, "out": 2, "kernel": 4, "stride": 2, "padding": 1},
        {"type": "conv", "in": 2, "out": 2, "kernel": 3, "padding": 1, "padding_mode": "zeros"},
    ]}
    path = tmp_path / "linear.json"
    path.write_text(json.dumps(spec))
    result = run(str(path), None)
    for la in result.layers:
        assert la.similarity > 1 - 1e-9, (la.name, la.similarity)
        assert np.allclose(la.predicted, la.measured, atol=1e-6 * np.abs(la.measured).max())


def test_rules_from_real_modules_reproduce_the_modules():
    torch.manual_seed(0)
    cases = [(nn.Conv2d(3, 4, 3, padding=1, padding_mode="reflect"), (3, 7, 6)),
             (nn.Conv2d(2, 2, 5, stride=2, padding=2), (2, 9, 9)),
             (nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1), (3, 5, 4)),
             (nn.Upsample(scale_factor=3, mode="bilinear", align_corners=False), (2, 4, 5)),
             (nn.AvgPool2d(2), (2, 6, 6)), (nn.PixelShuffle(2), (8, 3, 3)),
             (nn.BatchNorm2d(3).eval(), (3, 4, 4))]
    for module, shape in cases:
        x = torch.randn((2, *shape))
        with torch.no_grad():
            y = module(x)
        treatment, rule, bias, _ = map_module(module, shape, tuple(y.shape[1:]))
        assert treatment == "mapped", module
        H = apply_rule(rule, torch.fft.fft2(x.double()).numpy(), bias, term_matrices(rule))
        np.testing.assert_allclose(H, torch.fft.fft2(y.double()).numpy(), atol=1e-4 * np.abs(H).max())


def test_weights_file_is_used(tmp_path):
    module, _ = load(*UNET, None, None)
    state = module.state_dict()
    state["net.24.weight"].zero_()
    state["net.24.bias"].zero_()
    path = tmp_path / "ckpt.pt"
    torch.save(state, path)
    result = run(*UNET, weights=str(path))
    last = result.layers[-1]
    assert last.gain_db["dc"] <= -299  # a zero kernel transmits nothing


def test_cli_audit_json_fail_on_and_plot(run_cli, tmp_path):
    r = run_cli("audit", *DCGAN[:1], "--input", DCGAN[1], "--json", "--fail-on", "replicas")
    assert r.code == 1
    doc = r.json()
    assert doc["verdict"] == "fail" and doc["fail_on"] and len(doc["layers"]) == 11
    assert {"gain_db", "replicas_db", "dc_boost_db", "aliasing", "similarity"} <= set(doc["layers"][0])
    r = run_cli("audit", UNET[0], "--input", UNET[1], "--fail-on", "attenuation>30dB")
    assert r.code == 1 and "high-frequency attenuation" in r.out
    r = run_cli("audit", UNET[0], "--input", UNET[1], "--fail-on", "attenuation>90dB")
    assert r.code == 0
    png = tmp_path / "spectra.png"
    r = run_cli("audit", "examples/decoder.yaml", "--plot", str(png))
    assert r.code == 0 and png.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("args,fragment", [
    (("audit", "examples.nothing:Decoder", "--input", "3x4x4"), "cannot import 'examples.nothing'"),
    (("audit", "examples.decoders:Missing", "--input", "3x4x4"), "has no attribute 'Missing'"),
    (("audit", "examples.decoders:UNetDecoder", "--input", "3x4x4"), "the module rejects this shape"),
    (("audit", "examples.decoders:UNetDecoder", "--input", "3x4"), "expected CxHxW"),
    (("audit", "examples.decoders:UNetDecoder"), "give the input shape"),
    (("audit", "examples.decoders:UNetDecoder", "--input", "128x4x4", "--args", "{bad"), "--args: malformed JSON"),
    (("audit", "examples.decoders:UNetDecoder", "--input", "128x4x4", "--args", '{"nope": 1}'), "failed"),
    (("audit", "examples.decoders:UNetDecoder", "--input", "128x4x4", "--fail-on", "noise"), "unknown condition"),
    (("audit", "examples.decoders:UNetDecoder", "--input", "128x4x4", "--weights", "nowhere.pt"), "no such file"),
    (("audit", "missing.yaml"), "no such spec file"),
    (("audit", "examples/decoders.py"), "neither a spec file nor an import path"),
])
def test_audit_bad_input_is_one_line_exit_2(run_cli, args, fragment):
    r = run_cli(*args)
    assert r.code == 2, (r.out, r.err)
    lines = [line for line in r.err.splitlines() if line.strip()]
    assert len(lines) == 1 and fragment in lines[0], r.err


@pytest.mark.parametrize("content,fragment", [
    ('{"layers": [{"type": "conv", "in": 3}]', "malformed JSON"),
    ('{"layers": [{"type": "warp"}]}', "unknown layer type 'warp'"),
    ('{"layers": [{"type": "conv", "in": 3, "out": 4}]}', "needs 'kernel'"),
    ('{"layers": [{"type": "conv", "in": 3, "out": 4, "kernel": -1}]}', "non-negative integer"),
    ('{"layers": [{"type": "relu", "colour": 1}]}', "unknown key 'colour'"),
    ('{"input": "3x8x8", "layers": [{"type": "conv", "in": 4, "out": 4, "kernel": 3}]}', "rejects this shape"),
    ('[1, 2]', "non-empty 'layers' list"),
])
def test_malformed_specs(run_cli, tmp_path, content, fragment):
    path = tmp_path / "spec.json"
    path.write_text(content)
    r = run_cli("audit", str(path), "--input", "3x8x8") if '"input"' not in content else run_cli("audit", str(path))
    assert r.code == 2, (r.out, r.err)
    assert fragment in r.err and len(r.err.strip().splitlines()) == 1


def test_malformed_yaml_and_state_dict_mismatch(run_cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("layers: [ {type: conv\n")
    r = run_cli("audit", str(bad), "--input", "3x8x8")
    assert r.code == 2 and "malformed YAML" in r.err
    ckpt = tmp_path / "wrong.pt"
    torch.save({"weight": torch.zeros(3)}, ckpt)
    r = run_cli("audit", UNET[0], "--input", UNET[1], "--weights", str(ckpt))
    assert r.code == 2 and "does not match the module" in r.err
