"""symspec audit: the traced graph, exact gains, findings, the CLI and one-line errors."""

import json

import numpy as np
import pytest
import torch
from torch import nn

import symspec
from symspec.audit.load import load
from symspec.audit.measure import conv_gain

DCGAN = ("examples.decoders:DCGANGenerator", "64x1x1")
UNET = ("examples.decoders:UNetDecoder", "128x4x4")
VAE = ("examples.decoders:VAEDecoder", "32x1x1")


def run(target, shape, args=None, weights=None, **kw):
    module, s = load(target, shape, args, weights)
    return symspec.audit(module, s, target=target, **kw)


def node(report, op, k=0):
    return [n for n in report.nodes if n.op == op][k]


def exact_response_db(kernel: np.ndarray, M: int, N: int, u: int, v: int) -> float:
    """|Σ_t w[t] e^{-i2π(u t_h/M + v t_w/N)}|² of a single-channel kernel, in dB (the phase of the taps is
    irrelevant to the power)."""
    K = kernel.shape[0]
    t = np.arange(K)
    phase = np.exp(-2j * np.pi * (u * t[:, None] / M + v * t[None, :] / N))
    return 10 * np.log10(abs((kernel * phase).sum()) ** 2)


@pytest.mark.parametrize("padding_mode", ["zeros", "circular"])
def test_single_conv_gain_is_its_exact_response(padding_mode):
    kernel = np.array([[1.0, 2.0, -1.0], [0.5, 3.0, 0.25], [-2.0, 1.0, 0.5]])
    conv = nn.Conv2d(1, 1, 3, padding=1, padding_mode=padding_mode, bias=False)
    with torch.no_grad():
        conv.weight.copy_(torch.tensor(kernel)[None, None])
    report = symspec.audit(conv, (1, 16, 16))
    row = node(report, "conv2d")
    for key, (u, v) in {"dc": (0, 0), "mid": (4, 4), "high": (8, 8)}.items():
        assert abs(row.gain_db[key] - exact_response_db(kernel, 16, 16, u, v)) < 0.01, key
    assert (row.dc_leak_db is None) == (padding_mode == "circular")
    assert report.count(status="unmapped") == 0


def test_conv_gain_equals_the_explicit_per_frequency_route():
    torch.manual_seed(1)
    w = torch.randn(5, 3, 3, 3, dtype=torch.float64)
    M, N = 7, 6
    g = conv_gain(w, (M, N))
    t = np.arange(3)
    explicit = np.zeros((M, N))
    for u in range(M):
        for v in range(N):
            phase = np.exp(-2j * np.pi * (u * t[:, None] / M + v * t[None, :] / N))
            T = (w.numpy() * phase).sum(axis=(2, 3))  # (D, C)
            explicit[u, v] = (abs(T) ** 2).sum() / 5
    np.testing.assert_allclose(g, explicit, rtol=1e-12, atol=1e-12)


def test_stride_one_transposed_conv_creates_no_replicas_stride_two_does():
    torch.manual_seed(0)
    one = symspec.audit(nn.ConvTranspose2d(4, 4, 3, stride=1, padding=1), (4, 8, 8))
    assert node(one, "conv_transpose2d").replica is None and one.findings["upsampling"] == []
    two = symspec.audit(nn.ConvTranspose2d(4, 4, 4, stride=2, padding=1), (4, 8, 8))
    rep = node(two, "conv_transpose2d").replica
    assert rep is not None and rep["factor"] == [2, 2] and rep["level_db"] is not None


def test_linear_chain_prediction_equals_measurement():
    """Circular convs and nearest upsampling on a white input: the exact rules predict the real spectra."""
    torch.manual_seed(0)
    net = nn.Sequential(
        nn.Conv2d(1, 1, 3, padding=1, padding_mode="circular", bias=False),
        nn.Upsample(scale_factor=2),
        nn.Conv2d(1, 1, 3, padding=1, padding_mode="circular", bias=False),
    )
    report = symspec.audit(net, (1, 16, 16), batch=64)
    for row in report.nodes:
        if row.att_pred_db is not None and row.status == "exact":
            assert abs(row.att_pred_db - row.att_meas_db) < 0.5, row
    assert abs(report.attenuation_db - report.measured_attenuation_db) < 1.0


def test_functional_ops_are_nodes_and_edges():
    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(4, 4, 3, padding=1)

        def forward(self, x):
            y = torch.nn.functional.interpolate(x, scale_factor=2, mode="bilinear", align_corners=True)
            y = y + self.conv(y)
            return torch.cat(
                [y, torch.nn.functional.pixel_shuffle(torch.cat([y] * 4, 1), 2)[..., ::2, ::2]], 1
            )

    report = symspec.audit(Block(), (4, 6, 6))
    ops = [n.op for n in report.nodes]
    assert {"interpolate", "add", "cat", "pixel_shuffle", "getitem"} <= set(ops)
    add = node(report, "add")
    assert len(add.inputs) == 2 and add.inputs[0] == node(report, "interpolate").index
    assert report.count(status="unmapped") == 0
    assert len(report.findings["upsampling"]) == 2 and report.findings["aliasing"]


def test_unet_zero_padding_leaks_and_circular_does_not():
    zero = run(*UNET)
    assert len(zero.findings["dc_leak"]) == 8  # every padded 3x3 conv (the last conv is 1x1)
    circular = run(*UNET, args='{"padding_mode": "circular"}')
    assert circular.findings["dc_leak"] == []
    reps = [n.replica["level_db"] for n in zero.nodes if n.replica]
    assert len(reps) == 4 and reps == sorted(reps, reverse=True) and reps[0] < 0


def test_dcgan_replicas_and_vae_dense_layer():
    dcgan = run(*DCGAN)
    assert (
        len(dcgan.findings["upsampling"]) == 3
    )  # the first transposed conv (1x1 -> 4x4, stride 1) inserts nothing
    # random kernels: nearly flat gain, so the three images of a ×2 stage carry about as
    # much as the band (s² - 1)
    assert all(abs(n.replica["level_db"] - 10 * np.log10(3)) < 1.5 for n in dcgan.nodes if n.replica)
    vae = run(*VAE)
    assert node(vae, "linear").status == "measured" and vae.findings["unmapped"] == []


def test_weights_file_is_used(tmp_path):
    module, _ = load(*UNET, None, None)
    state = module.state_dict()
    state["net.24.weight"].zero_()
    torch.save(state, tmp_path / "ckpt.pt")
    report = run(*UNET, weights=str(tmp_path / "ckpt.pt"))
    assert node(report, "conv2d", -1).gain_db["dc"] <= -299  # a zero kernel transmits nothing
    from safetensors.torch import save_file

    save_file({k: v.contiguous() for k, v in state.items()}, str(tmp_path / "ckpt.safetensors"))
    again = run(*UNET, weights=str(tmp_path / "ckpt.safetensors"))
    assert node(again, "conv2d", -1).gain_db["dc"] <= -299


def test_spectral_norm_option_bounds_the_mean_gain():
    torch.manual_seed(0)
    conv = nn.Conv2d(3, 4, 3, padding=1, padding_mode="circular")
    mean = node(symspec.audit(conv, (3, 8, 8)), "conv2d").gain_db
    spectral = node(symspec.audit(conv, (3, 8, 8), norm="spectral"), "conv2d").spectral_db
    assert all(spectral[k] >= mean[k] - 1e-9 for k in mean)


def test_report_renders_table_json_and_plot(tmp_path):
    report = run(*UNET)
    text = report.table()
    assert "interpolate" in text and "replica" in text and "upsampling nodes: 4" in text
    doc = json.loads(report.to_json())
    assert doc["findings"]["upsampling"] and doc["layers"][1]["replica"]["level_db"] < 0
    # nearest x2 has an exact zero at the highest frequency: zero power is "-inf" dB,
    # as in every other command
    assert doc["layers"][1]["op"] == "interpolate" and doc["layers"][1]["gain_db"]["high"] == "-inf"
    assert doc["layers"][4]["op"] == "relu" and doc["layers"][4]["gain_db"] is None  # not applicable: null
    assert report.plot(str(tmp_path / "a.png")) and (tmp_path / "a.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("M,N", [(8, 8), (7, 7), (4, 12), (9, 6)])
def test_radial_profile_is_the_mean_over_each_ring(M, N):
    """Azimuthal average against a loop over every frequency: radius in cycles per pixel (u above M/2 counts
    as u - M), rings one step 1/max(M, N) wide (a radius of exactly k + 1/2 steps, as 1/6 on a 9x6 grid,
    goes up), the mean of the ring's values."""
    import math

    from symspec.audit.measure import radial_profile

    S = np.random.default_rng(M * N).random((M, N))
    rings: dict[int, list[float]] = {}
    for u in range(M):
        for v in range(N):
            fu = (u if 2 * u < M else u - M) / M
            fv = (v if 2 * v < N else v - N) / N
            ring = math.floor(math.hypot(fu, fv) * max(M, N) + 0.5 + 1e-9)
            rings.setdefault(ring, []).append(S[u, v])
    radii, means = radial_profile(S)
    assert list(np.rint(radii * max(M, N)).astype(int)) == sorted(rings)
    assert np.allclose(means, [np.mean(rings[k]) for k in sorted(rings)], rtol=1e-12)
    assert radii[0] == 0 and means[0] == S[0, 0]


def test_plotted_nodes_carry_predicted_and_measured_azimuthal_averages(tmp_path):
    """The prediction starts white (flat 0 dB) and, where nothing restarts it, follows the exact rules: a
    circular conv's predicted ring averages are the rings of its exact gain applied to a white input."""
    from symspec.audit.measure import radial_profile

    conv = nn.Conv2d(2, 3, 3, padding=1, padding_mode="circular", bias=False)
    report = symspec.audit(nn.Sequential(conv), (2, 8, 8), batch=64)
    first, out = report.nodes[0], node(report, "conv2d")
    assert np.allclose(first.predicted_radial[1], 1.0)
    radii, predicted = out.predicted_radial
    assert np.allclose(predicted, radial_profile(out.gain)[1], rtol=1e-9)
    measured = radial_profile(out.power)[1]
    assert np.allclose(
        measured[:3], predicted[:3], rtol=0.35
    )  # 64 random inputs: a noisy estimate of the same
    assert report.plot(str(tmp_path / "c.png")) and (tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"


def test_a_pad_that_is_also_an_output_keeps_its_own_row_and_prediction():
    """A pad read by a conv is that conv's padding, unless the network also returns it: then it is a node of
    its own, predicted from its input, and the conv still predicts from the pad's input without restarting."""
    import torch.nn.functional as F

    class PadOut(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(2, 2, 3)

        def forward(self, x):
            p = F.pad(x, (1, 1, 1, 1), mode="circular")
            return self.conv(p), p

    report = symspec.audit(PadOut(), (2, 8, 8))
    pad, conv = node(report, "pad"), node(report, "conv2d")
    assert pad.predicted is not None and pad.predicted.shape == (10, 10) and not pad.restarted
    assert conv.predicted_radial is not None and not conv.restarted


def test_cli_audit_json_fail_on_vs_and_plot(run_cli, tmp_path):
    r = run_cli("audit", *DCGAN[:1], "--input", DCGAN[1], "--json", "--fail-on", "replicas")
    assert r.code == 1
    doc = r.json()
    assert doc["verdict"] == "findings" and doc["counted"] == "replicas"
    assert doc["fail_on"] == ["replicas: " + ", ".join(doc["findings"]["replicas"])]
    assert len(doc["findings"]["upsampling"]) == 3
    r = run_cli("audit", UNET[0], "--input", UNET[1], "--fail-on", "attenuation>30dB")
    assert r.code == 1 and "high-frequency attenuation" in r.out
    r = run_cli("audit", UNET[0], "--input", UNET[1], "--fail-on", "attenuation>200dB,unmapped")
    assert r.code == 0, r.out
    vs = ("audit", UNET[0], "--input", UNET[1], "--vs", UNET[0], "--vs-args", '{"padding_mode": "circular"}')
    r = run_cli(*vs, "--json")
    doc = r.json()
    # A (zero padding) leaks DC, B (circular) does not; both keep the nearest upsamplers' replicas
    assert doc["findings"]["dc_leak"] and not doc["vs"]["findings"]["dc_leak"]
    assert doc["vs"]["verdict"] == "findings" and r.code == 1
    r = run_cli(*vs, "--fail-on", "dc-leak")
    assert r.code == 1 and "upsampling nodes" in r.out
    assert [line.split()[1:] for line in r.out.splitlines() if "│ verdict" in line] == [
        ["verdict", "│", "FINDINGS", "│", "PASS", "│"]
    ]
    png = tmp_path / "spectra.png"
    r = run_cli("audit", "examples/decoder.yaml", "--plot", str(png), "--fail-on", "none")
    assert r.code == 0 and png.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize(
    "args,fragment",
    [
        (("audit", "examples.nothing:Decoder", "--input", "3x4x4"), "cannot import 'examples.nothing'"),
        (("audit", "examples.decoders:Missing", "--input", "3x4x4"), "has no attribute 'Missing'"),
        (("audit", "examples.decoders:UNetDecoder", "--input", "3x4x4"), "the module rejects this shape"),
        (("audit", "examples.decoders:UNetDecoder", "--input", "3x4"), "expected CxHxW"),
        (("audit", "examples.decoders:UNetDecoder"), "give the input shape"),
        (
            ("audit", "examples.decoders:UNetDecoder", "--input", "128x4x4", "--args", "{bad"),
            "--args: malformed JSON",
        ),
        (("audit", "examples.decoders:UNetDecoder", "--input", "128x4x4", "--args", '{"nope": 1}'), "failed"),
        (
            ("audit", "examples.decoders:UNetDecoder", "--input", "128x4x4", "--fail-on", "noise"),
            "unknown condition",
        ),
        (
            ("audit", "examples.decoders:UNetDecoder", "--input", "128x4x4", "--weights", "nowhere.pt"),
            "no such file",
        ),
        (("audit", "missing.yaml"), "no such spec file"),
        (("audit", "examples/decoders.py"), "neither a spec file nor an import path"),
    ],
)
def test_audit_bad_input_is_one_line_exit_2(run_cli, args, fragment):
    r = run_cli(*args)
    assert r.code == 2, (r.out, r.err)
    lines = [line for line in r.err.splitlines() if line.strip()]
    assert len(lines) == 1 and fragment in lines[0], r.err


@pytest.mark.parametrize(
    "content,fragment",
    [
        ('{"layers": [{"type": "conv", "in": 3}]', "malformed JSON"),
        ('{"layers": [{"type": "warp"}]}', "unknown layer type 'warp'"),
        ('{"layers": [{"type": "conv", "in": 3, "out": 4}]}', "needs 'kernel'"),
        ('{"layers": [{"type": "conv", "in": 3, "out": 4, "kernel": -1}]}', "non-negative integer"),
        ('{"layers": [{"type": "relu", "colour": 1}]}', "unknown key 'colour'"),
        (
            '{"input": "3x8x8", "layers": [{"type": "conv", "in": 4, "out": 4, "kernel": 3}]}',
            "rejects this shape",
        ),
        ("[1, 2]", "non-empty 'layers' list"),
    ],
)
def test_malformed_specs(run_cli, tmp_path, content, fragment):
    path = tmp_path / "spec.json"
    path.write_text(content)
    r = (
        run_cli("audit", str(path), "--input", "3x8x8")
        if '"input"' not in content
        else run_cli("audit", str(path))
    )
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


def test_readme_python_audit_example_runs(monkeypatch):
    """The manual's `symspec.audit(...)` example, as printed."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    section = (root / "docs" / "auditing.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert blocks, "the audit section has no Python example"
    monkeypatch.syspath_prepend(str(root))
    exec(compile(blocks[0], "docs/auditing.md", "exec"), {})


def test_op_rules_come_from_one_table(monkeypatch):
    """map_node dispatches spatial ops through RULES (one @register per op family):
    a rule registered for an op is the one used, and an op with no rule is an explicit unmapped row."""
    import torch

    from symspec.audit import rules

    assert {"conv2d", "conv_transpose2d", "interpolate", "pixel_shuffle", "add", "cat", "pad"} <= set(
        rules.RULES
    )
    net = torch.nn.Sequential(torch.nn.Conv2d(2, 2, 3, padding=1))

    class Neg(torch.nn.Module):
        def forward(self, x):
            return -net(x)

    report = symspec.audit(Neg(), (2, 8, 8))
    neg = next(n for n in report.nodes if n.op == "neg")
    assert neg.status == "exact"
    monkeypatch.setitem(
        rules.RULES, "neg", lambda site: rules.Mapping("measured", "custom", "a rule of one's own")
    )
    neg = next(n for n in symspec.audit(Neg(), (2, 8, 8)).nodes if n.op == "neg")
    assert (neg.status, neg.kind) == ("measured", "custom")
    monkeypatch.delitem(rules.RULES, "neg")
    neg = next(n for n in symspec.audit(Neg(), (2, 8, 8)).nodes if n.op == "neg")
    assert neg.status == "unmapped"
