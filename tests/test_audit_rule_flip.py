"""The audit's rule for ``torch.flip`` / ``fliplr`` / ``flipud`` and ``channel_shuffle``: exact, gain 1."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import symspec

OPS = {
    "flip": lambda h: torch.flip(h, (2, 3)),
    "fliplr": torch.fliplr,  # dim 1 of a (B, C, H, W) map: the channels
    "flipud": torch.flipud,  # dim 0: the batch
    "channel_shuffle": lambda h: F.channel_shuffle(h, 2),
}


class Flipped(nn.Module):
    def __init__(self, op: str | None):
        super().__init__()
        self.a, self.b, self.op = nn.Conv2d(2, 4, 3, padding=1), nn.Conv2d(4, 2, 3, padding=1), op

    def forward(self, x):
        h = self.a(x)
        return self.b(OPS[self.op](h) if self.op else h)


def test_a_reversal_keeps_the_power_spectrum_of_a_real_map():
    """From torch alone: |DFT(flip x)|² at (u, v) is |DFT x|² at (-u, v) for a row reversal (and so on), so a
    reversal of both axes keeps it; a channel reversal or shuffle keeps the channel-mean power."""
    x = torch.randn(3, 4, 15, 16, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    power = torch.fft.fft2(x).abs() ** 2
    negate = {2: torch.arange(15).neg() % 15, 3: torch.arange(16).neg() % 16}  # k -> -k mod N
    for dims in ((2,), (3,), (2, 3)):
        mirrored = power
        for d in dims:
            mirrored = mirrored.index_select(d, negate[d])
        flipped = torch.fft.fft2(torch.flip(x, dims)).abs() ** 2
        assert torch.allclose(flipped, mirrored, rtol=1e-9, atol=1e-8)
    assert torch.allclose(torch.fft.fft2(torch.flip(x, (2, 3))).abs() ** 2, power, rtol=1e-9, atol=1e-8)
    for op in ("fliplr", "flipud", "channel_shuffle"):
        moved = torch.fft.fft2(OPS[op](x)).abs() ** 2
        assert torch.allclose(moved.mean((0, 1)), power.mean((0, 1)), rtol=1e-9, atol=1e-8)


KEEP = sorted(OPS)  # each leaves every power spectrum as it is (a single-axis flip mirrors it: below)


@pytest.mark.parametrize("op", KEEP)
def test_the_op_is_an_exact_node_whose_gain_matches_the_real_pass(op):
    torch.manual_seed(0)
    report = symspec.audit(Flipped(op), (2, 16, 16))
    (node,) = [n for n in report.nodes if n.op == op]
    assert node.status == "exact"
    assert node.gain_db == pytest.approx({"dc": 0.0, "mid": 0.0, "high": 0.0})
    assert node.measured_db == pytest.approx({"dc": 0.0, "mid": 0.0, "high": 0.0}, abs=1e-6)


@pytest.mark.parametrize("op", KEEP)
def test_the_prediction_through_the_op_is_the_prediction_without_it(op):
    torch.manual_seed(0)
    flipped, plain = Flipped(op), Flipped(None)
    plain.load_state_dict(flipped.state_dict())
    with_op, without = symspec.audit(flipped, (2, 16, 16)), symspec.audit(plain, (2, 16, 16))
    assert with_op.count(status="unmapped") == 0
    assert np.isclose(with_op.attenuation_db, without.attenuation_db, atol=1e-9)


def test_a_row_reversal_mirrors_the_predicted_spectrum():
    """An anisotropic map (a 1x3 horizontal difference makes it so) reversed along its rows: the prediction
    after the flip is the prediction before it mirrored, v -> -v, which the real pass matches."""

    class Tilted(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Conv2d(1, 1, (3, 3), padding=1, bias=False)
            with torch.no_grad():
                self.a.weight.copy_(torch.tensor([[[[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [-1.0, 0.0, 0.0]]]]))

        def forward(self, x):
            return torch.flip(self.a(x), (3,))

    report = symspec.audit(Tilted(), (1, 16, 16))
    conv, flip = [n for n in report.nodes if n.op in ("conv2d", "flip")]
    assert conv.predicted_radial is not None and flip.status == "exact"
    out = report.nodes[-1]
    assert out.op == "flip" and out.predicted is not None
    w = torch.tensor([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [-1.0, 0.0, 0.0]], dtype=torch.float64)
    flipped = torch.zeros(16, 16, dtype=torch.float64)
    flipped[:3, :3] = w
    H = torch.fft.fft2(torch.roll(flipped, (-1, -1), (0, 1))).abs() ** 2  # |H(u, v)|² of the conv
    expected = H.index_select(1, torch.arange(16).neg() % 16).numpy()  # mirrored along v
    assert np.allclose(out.predicted, expected, rtol=1e-6)
    assert not np.allclose(out.predicted, H.numpy(), rtol=1e-2)  # the mirror matters here
