"""The audit's rule for ``torch.roll`` (the worked example of docs/contributing.md): exact, gain 1."""

import numpy as np
import pytest
import torch
from torch import nn

import symspec


class Rolled(nn.Module):
    def __init__(self, roll: bool = True):
        super().__init__()
        self.a, self.b, self.roll = nn.Conv2d(2, 4, 3, padding=1), nn.Conv2d(4, 2, 3, padding=1), roll

    def forward(self, x):
        h = self.a(x)
        return self.b(torch.roll(h, shifts=(3, -2), dims=(2, 3)) if self.roll else h)


def test_a_circular_shift_keeps_every_power_spectrum():
    """The fact the rule states, from torch alone: |DFT(roll x)|² = |DFT x|² at every frequency."""
    x = torch.randn(3, 4, 16, 16, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    for shifts, dims in (((3, -2), (2, 3)), (1, 1), (5, 3)):
        power = torch.fft.fft2(torch.roll(x, shifts, dims)).abs() ** 2
        if dims == 1:  # a roll over channels permutes them: the channel-mean power is unchanged
            power, reference = power.mean(1), (torch.fft.fft2(x).abs() ** 2).mean(1)
        else:
            reference = torch.fft.fft2(x).abs() ** 2
        assert torch.allclose(power, reference, rtol=1e-10, atol=1e-9)


def test_roll_is_an_exact_node_whose_gain_matches_the_real_pass():
    torch.manual_seed(0)
    report = symspec.audit(Rolled(), (2, 16, 16))
    (node,) = [n for n in report.nodes if n.op == "roll"]
    assert node.status == "exact"
    assert node.gain_db == pytest.approx({"dc": 0.0, "mid": 0.0, "high": 0.0})
    # measured in the real forward pass: S_out / S_in of the rolled map
    assert node.measured_db == pytest.approx({"dc": 0.0, "mid": 0.0, "high": 0.0}, abs=1e-6)


def test_the_prediction_through_a_roll_is_the_prediction_without_it():
    torch.manual_seed(0)
    rolled = Rolled()
    plain = Rolled(roll=False)
    plain.load_state_dict(rolled.state_dict())
    with_roll, without = symspec.audit(rolled, (2, 16, 16)), symspec.audit(plain, (2, 16, 16))
    assert with_roll.count(status="unmapped") == 0
    assert np.isclose(with_roll.attenuation_db, without.attenuation_db, atol=1e-9)
