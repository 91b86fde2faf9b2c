"""The upsampling figures of ``symspec audit`` against first-principles torch measurements written here:
checkerboard (constant input through the real layers, interior, FFT), replica (white noise through the real
layers, band vs images), uneven overlap (ones through an all-ones transposed conv)."""

import math

import numpy as np
import pytest
import torch
from torch import nn

import symspec

C = 4


def up_node(report):
    return [n for n in report.nodes if n.replica is not None][0]


def icnr_(conv: nn.Conv2d, r: int) -> nn.Conv2d:
    """Sub-pixel conv initialised as nearest + conv (Aitken et al. 2017):
    the r² sub-channels share a kernel."""
    with torch.no_grad():
        base = torch.randn(conv.out_channels // (r * r), *conv.weight.shape[1:])
        conv.weight.copy_(base.repeat_interleave(r * r, dim=0))
    return conv


def uniform_(module):
    with torch.no_grad():
        module.weight.fill_(1.0)
    return module


DESIGNS = {
    "nearest": lambda: nn.Sequential(nn.Upsample(scale_factor=2), nn.Conv2d(C, C, 3, padding=1, bias=False)),
    "bilinear": lambda: nn.Sequential(
        nn.Upsample(scale_factor=2, mode="bilinear"), nn.Conv2d(C, C, 3, padding=1, bias=False)
    ),
    "k2s2": lambda: nn.ConvTranspose2d(C, C, 2, 2, bias=False),
    "k3s2": lambda: nn.ConvTranspose2d(C, C, 3, 2, padding=1, output_padding=1, bias=False),
    "k4s2": lambda: nn.ConvTranspose2d(C, C, 4, 2, padding=1, bias=False),
    "k3s2_uniform": lambda: uniform_(nn.ConvTranspose2d(C, C, 3, 2, padding=1, output_padding=1, bias=False)),
    "k4s2_uniform": lambda: uniform_(nn.ConvTranspose2d(C, C, 4, 2, padding=1, bias=False)),
    "shuffle": lambda: nn.Sequential(nn.Conv2d(C, 4 * C, 3, padding=1, bias=False), nn.PixelShuffle(2)),
    "shuffle_icnr": lambda: nn.Sequential(
        icnr_(nn.Conv2d(C, 4 * C, 3, padding=1, bias=False), 2), nn.PixelShuffle(2)
    ),
}


def torch_checkerboard_db(net: nn.Module, channels: int, n: int = 24, s: int = 2) -> float:
    """E over i.i.d. per-channel constants = the sum over the one-hot constant inputs: feed each, crop an
    interior window of 8 periods away from the borders, FFT it, and compare the power at the s-periodic bins
    (other than DC) with DC's."""
    x = torch.zeros(channels, channels, n, n, dtype=torch.float64)
    for c in range(channels):
        x[c, c] = 1.0
    with torch.no_grad():
        y = net.double()(x)
    L = 8 * s
    start = (y.shape[-1] - L) // 2 // s * s
    win = y[..., start : start + L, start : start + L]
    P = (torch.fft.fft2(win).abs() ** 2).sum(dim=(0, 1)).numpy()
    bins = np.arange(0, L, L // s)
    periodic = P[np.ix_(bins, bins)]
    other = periodic.sum() - periodic[0, 0]
    assert P.sum() - periodic.sum() < 1e-18 * P.sum() + 1e-24  # the interior is s-periodic: nothing elsewhere
    return 10 * math.log10(other / periodic[0, 0]) if other > 1e-20 * periodic[0, 0] else float("-inf")


@pytest.mark.parametrize("design", sorted(DESIGNS))
def test_checkerboard_is_the_constant_input_response_of_the_real_layers(design):
    torch.manual_seed(3)
    net = DESIGNS[design]()
    truth = torch_checkerboard_db(net, C)
    figure = up_node(symspec.audit(net.float(), (C, 8, 8))).checkerboard_db
    if truth == float("-inf"):
        assert figure == float("-inf")
    else:
        assert figure == pytest.approx(truth, abs=1e-6)


def test_checkerboard_values_odena():
    """Uniform kernels: k3s2 overlaps 1, 2, 1, 2 (cell [[1, 2], [2, 4]]:
    var / mean² = -6.3 dB), k4s2 evenly."""
    cell = np.array([[1.0, 2.0], [2.0, 4.0]])
    expected = 10 * math.log10(cell.var() / cell.mean() ** 2)
    assert up_node(symspec.audit(DESIGNS["k3s2_uniform"](), (C, 8, 8))).checkerboard_db == pytest.approx(
        expected
    )
    assert up_node(symspec.audit(DESIGNS["k4s2_uniform"](), (C, 8, 8))).checkerboard_db == float("-inf")


def test_checkerboard_at_the_output_through_a_later_conv():
    """One channel: the periodic pattern through a sharpening conv, as the real layers give it."""
    torch.manual_seed(0)
    net = nn.Sequential(
        nn.ConvTranspose2d(1, 1, 3, 2, padding=1, output_padding=1, bias=False),
        nn.Conv2d(1, 1, 3, padding=1, bias=False),
    )
    report = symspec.audit(net, (1, 8, 8))
    assert report.findings["checkerboard_db"] == pytest.approx(torch_checkerboard_db(net, 1), abs=1e-6)
    assert up_node(report).replica["note"] == "exact to the output"


def band_image_db(P: np.ndarray, n_in: int) -> float:
    """Images over band of an output spectrum P (its own DFT order), the band being the input's |u| < n_in/2
    with half weight on |u| = n_in/2, per axis."""
    n = P.shape[0]
    u = np.abs(np.fft.fftfreq(n) * n)
    w = np.where(u < n_in / 2, 1.0, 0.0) + np.where(u == n_in / 2, 0.5, 0.0)
    band = np.outer(w, w)
    return 10 * math.log10((P * (1 - band)).sum() / (P * band).sum())


def torch_replica_db(net: nn.Module, n_in: int, batch: int = 512) -> float:
    """White noise through the real layers: the measured output power spectrum, images vs band."""
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(batch, C, n_in, n_in, generator=gen, dtype=torch.float64)
    with torch.no_grad():
        y = net.double()(x)
    P = (torch.fft.fft2(y).abs() ** 2).mean(dim=(0, 1)).numpy()
    return band_image_db(P, n_in)


@pytest.mark.parametrize("design", ["nearest", "k2s2", "k4s2", "shuffle", "shuffle_icnr"])
def test_replica_is_the_white_noise_measurement_of_the_real_layers(design):
    torch.manual_seed(5)
    net = DESIGNS[design]()
    first = net[0] if isinstance(net, nn.Sequential) and design.startswith("nearest") else net
    figure = up_node(symspec.audit(net.float(), (C, 16, 16))).replica_db
    truth = torch_replica_db(first, 16)
    assert figure == pytest.approx(truth, abs=0.35)


def test_replica_does_not_depend_on_the_grid_size_and_is_valid_on_tiny_grids():
    levels = [
        up_node(symspec.audit(nn.Upsample(scale_factor=2), (1, n // 2, n // 2))).replica_db
        for n in (8, 16, 32)
    ]
    assert max(levels) - min(levels) < 1.0
    one = up_node(
        symspec.audit(nn.Upsample(scale_factor=2), (1, 1, 1))
    ).replica_db  # 1 px -> a constant 2x2 map
    assert one == float("-inf")
    two = {
        mode: up_node(symspec.audit(nn.Upsample(scale_factor=2, mode=mode), (1, 2, 2))).replica_db
        for mode in ("nearest", "bilinear")
    }
    assert two["nearest"] != two["bilinear"] and all(abs(v) > 0.5 for v in two.values())


@pytest.mark.parametrize("k", [1, 2, 3, 4, 5, 6])
def test_uneven_overlap_is_what_an_all_ones_transposed_conv_prints(k):
    conv = uniform_(nn.ConvTranspose2d(1, 1, k, 2, bias=False))
    with torch.no_grad():
        y = conv(torch.ones(1, 1, 12, 12))[0, 0]
    interior = y[k + 2 : -(k + 2), k + 2 : -(k + 2)]
    truth = bool((interior != interior[0, 0]).any())
    assert up_node(symspec.audit(conv, (1, 12, 12))).uneven_overlap is truth
    assert truth == (k % 2 != 0)
    assert up_node(symspec.audit(nn.Upsample(scale_factor=2), (1, 4, 4))).uneven_overlap is None
