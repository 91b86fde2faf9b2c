"""Graph semantics and findings of ``symspec audit`` on decoders written here."""

import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import symspec


def power(t: torch.Tensor) -> np.ndarray:
    """Per-pixel power spectrum, batch and channel mean (first principles)."""
    return ((torch.fft.fft2(t.double()).abs() ** 2).mean(dim=(0, 1)) / (t.shape[-2] * t.shape[-1])).numpy()


class Halves(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3, padding=1, bias=False)
        with torch.no_grad():
            self.conv.weight.zero_()
            self.conv.weight[:2, :, :, :] = 1.0 / 9  # smoothing half
            self.conv.weight[2:, :, 1, 1] = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
            self.conv.weight[2:, :, 1, 2] = torch.tensor([[-1.0, 0.0], [0.0, -1.0]])  # differencing half

    def forward(self, x):
        a, b = self.conv(x).chunk(2, dim=1)
        return torch.cat([a * 2, b * 3], dim=1)


def test_each_output_of_chunk_is_its_own_node_with_its_own_spectrum():
    net = Halves()
    report = symspec.audit(net, (2, 16, 16))
    parts = [n for n in report.nodes if n.op == "chunk"]
    assert len(parts) == 2
    x = torch.randn(2, 2, 16, 16, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        a, b = net.conv(x).chunk(2, dim=1)
    np.testing.assert_allclose(parts[0].power, power(a), rtol=1e-4, atol=1e-9)
    np.testing.assert_allclose(parts[1].power, power(b), rtol=1e-4, atol=1e-9)
    assert not np.allclose(parts[0].power, parts[1].power)


def rearrange_unshuffle(x, r=2):
    """einops ``b c (h p1) (w p2) -> b (c p1 p2) h w`` as einops writes it for torch."""
    b, c, h, w = x.shape
    return (
        x.reshape(b, c, h // r, r, w // r, r).permute(0, 1, 3, 5, 2, 4).reshape(b, c * r * r, h // r, w // r)
    )


def rearrange_shuffle(x, r=2):
    b, c, h, w = x.shape
    return (
        x.reshape(b, c // (r * r), r, r, h, w)
        .permute(0, 1, 4, 2, 5, 3)
        .reshape(b, c // (r * r), h * r, w * r)
    )


class Lambda(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x)


def test_space_to_depth_written_as_reshape_permute_is_a_pixel_unshuffle():
    x = torch.arange(2 * 3 * 8 * 8, dtype=torch.float64).reshape(2, 3, 8, 8)
    assert torch.equal(rearrange_unshuffle(x), F.pixel_unshuffle(x, 2))
    report = symspec.audit(
        nn.Sequential(nn.Conv2d(3, 3, 3, padding=1), Lambda(rearrange_unshuffle)), (3, 8, 8)
    )
    unshuffle = [n for n in report.nodes if n.kind == "pixel_unshuffle"]
    assert len(unshuffle) == 1 and unshuffle[0].alias["factor"] == 4
    assert report.count(status="unmapped") == 0


def test_depth_to_space_written_as_reshape_permute_reads_the_conv_before_it():
    torch.manual_seed(0)
    conv = nn.Conv2d(2, 8, 3, padding=1, bias=False)
    x = torch.randn(2, 8, 4, 4)
    assert torch.equal(rearrange_shuffle(x), F.pixel_shuffle(x, 2))
    written = symspec.audit(nn.Sequential(conv, Lambda(rearrange_shuffle)), (2, 4, 4))
    builtin = symspec.audit(nn.Sequential(conv, nn.PixelShuffle(2)), (2, 4, 4))
    a, b = (next(n for n in r.nodes if n.replica) for r in (written, builtin))
    assert a.checkerboard_db == pytest.approx(b.checkerboard_db) and a.replica_db == pytest.approx(
        b.replica_db
    )


def test_a_reshape_permute_that_moves_pixels_otherwise_is_an_unmapped_row():
    def scramble(x):
        b, c, h, w = x.shape
        return (
            x.reshape(b, c, h // 2, 2, w // 2, 2)
            .permute(0, 1, 2, 5, 4, 3)
            .reshape(b, c * 4, h // 2, w // 2)
            .transpose(2, 3)
            .reshape(b, c * 4, h // 2, w // 2)
        )

    report = symspec.audit(nn.Sequential(nn.Conv2d(3, 3, 1), Lambda(scramble)), (3, 8, 8))
    assert [n.kind for n in report.nodes if n.status == "unmapped"] == ["reshape"]


class SqueezeExcite(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.fc1, self.fc2 = nn.Conv2d(c, 2, 1), nn.Conv2d(2, c, 1)

    def forward(self, x):
        s = F.adaptive_avg_pool2d(x, 1)
        return x * torch.sigmoid(self.fc2(F.relu(self.fc1(s))))


def test_squeeze_excitation_is_a_side_branch_of_the_main_path():
    net = nn.Sequential(nn.Upsample(scale_factor=2), SqueezeExcite(4), nn.Conv2d(4, 4, 3, padding=1))
    report = symspec.audit(net, (4, 8, 8))
    up = next(n for n in report.nodes if n.replica)
    assert "folded" not in up.replica["note"] and up.replica["at_output_db"] is not None


class Attend(nn.Module):
    def forward(self, q, k, v):
        return torch.softmax(q @ k.transpose(-1, -2) / q.shape[-1] ** 0.5, dim=-1) @ v


class Attention(nn.Module):
    """denoising-diffusion-pytorch's layout: the softmax lives in a child module."""

    def __init__(self, c, heads=2):
        super().__init__()
        self.heads = heads
        self.to_qkv, self.to_out, self.attend = nn.Conv2d(c, 3 * c, 1), nn.Conv2d(c, c, 1), Attend()

    def forward(self, x):
        b, c, h, w = x.shape
        q, k, v = (
            t.reshape(b, self.heads, c // self.heads, h * w).transpose(-1, -2)
            for t in self.to_qkv(x).chunk(3, dim=1)
        )
        out = self.attend(q, k, v).transpose(-1, -2).reshape(b, c, h, w)
        return self.to_out(torch.cat([out], dim=1))


def test_attention_with_an_inner_module_collapses_to_one_node():
    report = symspec.audit(nn.Sequential(nn.Conv2d(4, 4, 3, padding=1), Attention(4)), (4, 8, 8))
    assert [n.op for n in report.nodes] == ["input", "conv2d", "Attention"]
    assert report.findings["unmapped"] == []


def test_fractional_scales_are_upsampling_nodes_with_figures():
    report = symspec.audit(nn.Upsample(scale_factor=1.5, mode="bilinear"), (2, 8, 8))
    up = [n for n in report.nodes if n.replica]
    assert report.findings["upsampling"] and len(up) == 1
    assert np.isfinite(up[0].replica_db) and up[0].checkerboard_db == float("-inf")


class MaxErfc(nn.Module):
    def forward(self, x):
        return torch.special.erfc(torch.max(x, torch.zeros_like(x)))


def test_torch_max_and_erfc_are_mapped():
    report = symspec.audit(MaxErfc(), (2, 8, 8))
    assert {n.op: n.status for n in report.nodes if n.op != "input"} == {
        "max": "measured",
        "erfc": "measured",
    }


class Rounding(nn.Module):
    def forward(self, x):
        return torch.round(x * 1e-3)


def test_a_stage_that_zeroes_the_signal_is_a_warning_and_prints_a_dash():
    report = symspec.audit(Rounding(), (2, 8, 8))
    assert len(report.findings["warnings"]) == 1 and "zeroes the signal" in report.findings["warnings"][0]
    text = report.table()
    assert "warning" in text and "zeroes the signal" in text
    up = symspec.audit(nn.Sequential(nn.Upsample(scale_factor=2), nn.Conv2d(2, 2, 3, padding=1)), (2, 8, 8))
    text = up.table(width=200)
    assert "—" in text and "a constant input stays constant" in text and "-inf" not in text
    doc = json.loads(up.to_json())
    node = next(n for n in doc["layers"] if n["op"] == "interpolate")
    assert node["checkerboard_db"] == "-inf" and doc["findings"]["checkerboard_db"] == "-inf"


class SideUnmapped(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 2, 3, padding=1)
        self.seen = None

    def forward(self, x):
        self.seen = torch.fft.fft2(x).abs()  # a branch that never reaches the output
        return self.conv(x)


def test_unmapped_ops_count_only_on_branches_that_reach_the_output():
    report = symspec.audit(SideUnmapped(), (2, 8, 8))
    assert report.count(status="unmapped") >= 1 and report.findings["unmapped"] == []


def sharpened_nearest():
    conv = nn.Conv2d(1, 1, 3, padding=1, bias=False)
    with torch.no_grad():
        conv.weight.copy_(torch.tensor([[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]]))
    return nn.Sequential(nn.Upsample(scale_factor=2), conv)


def test_a_replica_above_the_threshold_at_the_output_is_a_finding():
    net = sharpened_nearest()
    report = symspec.audit(net, (1, 16, 16))
    up = next(n for n in report.nodes if n.replica)
    assert up.replica["at_output_db"] > up.replica_db  # the sharpening conv raises the images
    assert report.findings["replicas"] == [f"{up.index}:0.Upsample"]  # the nn.Upsample at net[0]
    assert report.findings["replica_db"] == pytest.approx(up.replica["at_output_db"])
    loose = symspec.audit(net, (1, 16, 16), threshold=up.replica["at_output_db"] + 0.1)
    assert loose.findings["replicas"] == []


def test_cli_threshold_and_fail_on_each_kind(run_cli):
    fail = run_cli(
        "audit",
        "examples.decoders:DCGANGenerator",
        "--input",
        "64x1x1",
        "--fail-on",
        "checkerboard",
        "--threshold",
        "-30",
        "--quiet",
    )
    assert fail.code == 1 and "checkerboard 3" in fail.out
    ok = run_cli(
        "audit",
        "examples.decoders:DCGANGenerator",
        "--input",
        "64x1x1",
        "--fail-on",
        "checkerboard,replicas",
        "--threshold",
        "30",
        "--quiet",
    )
    assert ok.code == 0, ok.out
    bad = run_cli("audit", "examples.decoders:DCGANGenerator", "--input", "64x1x1", "--threshold", "x")
    assert bad.code == 2 and "--threshold" in bad.err and len(bad.err.strip().splitlines()) == 1
    for kind in ("replicas", "checkerboard", "dc-leak", "aliasing", "unmapped", "attenuation>3dB"):
        assert run_cli(
            "audit", "examples.decoders:DCGANGenerator", "--input", "64x1x1", "--fail-on", kind, "--quiet"
        ).code in (0, 1)


def good_decoder():
    return nn.Sequential(
        nn.Upsample(scale_factor=2),
        nn.Conv2d(4, 4, 3, padding=1),
        nn.ReLU(),
        nn.Upsample(scale_factor=2),
        nn.Conv2d(4, 3, 3, padding=1),
    )


def bad_decoder():
    return nn.Sequential(
        nn.Upsample(scale_factor=2),
        nn.Conv2d(4, 4, 3, padding=1),
        nn.ReLU(),
        nn.ConvTranspose2d(4, 3, 3, stride=2, padding=1, output_padding=1),
    )


def test_assert_spectrum_passes_a_good_decoder_and_names_the_bad_upsampler():
    from symspec.testing import assert_spectrum

    torch.manual_seed(0)
    assert_spectrum(good_decoder(), (4, 8, 8), max_checkerboard_db=-20)
    with pytest.raises(
        AssertionError,
        match=r"node \d+ \(3\.ConvTranspose2d, conv_transpose2d\): checkerboard .* dB at the output",
    ):
        assert_spectrum(bad_decoder(), (4, 8, 8), max_checkerboard_db=-20)
    with pytest.raises(ValueError, match="max_replica_db"):
        assert_spectrum(good_decoder(), (4, 8, 8), max_replica_db="low")


def test_the_pytest_plugin_fixture_catches_a_swapped_upsampler(symspec_spectrum):
    torch.manual_seed(0)
    symspec_spectrum(good_decoder(), (4, 8, 8), max_checkerboard_db=-20)
    with pytest.raises(AssertionError, match="conv_transpose2d"):
        symspec_spectrum(bad_decoder(), (4, 8, 8), max_checkerboard_db=-20)
