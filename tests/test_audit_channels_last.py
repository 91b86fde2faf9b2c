"""Channels-last detours (``permute(0, 2, 3, 1)`` -> LayerNorm / Linear on C -> ``permute(0, 3, 1, 2)``,
as in ConvNeXt, Swin and UPerNet) and tensors off the (B, C, H, W) layout: no unmapped rows, no spectra
over (W, C)."""

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

import symspec


class ChannelsLast(nn.Module):
    """A conv, then a Linear on the channel axis in channels-last layout (or the same map as a 1x1 conv)."""

    def __init__(self, as_conv: bool = False):
        super().__init__()
        self.a, self.b = nn.Conv2d(2, 6, 3, padding=1), nn.Conv2d(6, 2, 3, padding=1)
        self.norm, self.lin, self.as_conv = nn.LayerNorm(6), nn.Linear(6, 6), as_conv

    def forward(self, x):
        h = self.a(x)
        if self.as_conv:
            h = F.conv2d(h, self.lin.weight[:, :, None, None], self.lin.bias)
        else:
            h = self.lin(h.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
        t = self.norm(h.permute(0, 2, 3, 1))
        return self.b(h + torch.roll(t, (1, 1), (1, 2)).permute(0, 3, 1, 2))


def test_a_linear_on_the_channel_axis_is_a_1x1_conv():
    """The fact the report relies on, from torch alone."""
    m = ChannelsLast()
    h = torch.randn(2, 6, 5, 7, dtype=torch.float64)
    w, b = m.lin.weight.double(), m.lin.bias.double()
    last = F.linear(h.permute(0, 2, 3, 1), w, b).permute(0, 3, 1, 2)
    assert torch.allclose(last, F.conv2d(h, w[:, :, None, None], b), atol=1e-12)


def test_the_detour_has_no_unmapped_rows_and_no_spectra_off_the_layout():
    torch.manual_seed(0)
    report = symspec.audit(ChannelsLast(), (2, 16, 16))
    assert report.count(status="unmapped") == 0, [
        (n.op, n.note) for n in report.nodes if n.status == "unmapped"
    ]
    assert report.findings["unmapped"] == []
    to_last = [n for n in report.nodes if n.op == "permute" and n.shape_out == (16, 16, 6)]
    back = [n for n in report.nodes if n.op == "permute" and n.shape_out == (6, 16, 16)]
    assert len(to_last) == 2 and len(back) == 2
    assert all("re-enters the (B, C, H, W) layout" in n.note for n in back)
    off = [n for n in report.nodes if n.shape_out == (16, 16, 6)]  # permutes, linear, layer_norm, roll
    assert {n.op for n in off} == {"permute", "linear", "layer_norm", "roll"}
    assert all(n.power is None and n.measured_db is None and n.gain_db is None for n in off)
    assert all(n.status != "exact" for n in off)
    assert all(n.power is not None for n in back)  # back on the layout: measured spectra again


def test_the_measured_figures_equal_those_of_the_same_map_as_a_1x1_conv():
    torch.manual_seed(0)
    last, conv = ChannelsLast(), ChannelsLast(as_conv=True)
    conv.load_state_dict(last.state_dict())
    a, b = symspec.audit(last, (2, 16, 16)), symspec.audit(conv, (2, 16, 16))
    assert np.isclose(a.measured_attenuation_db, b.measured_attenuation_db, atol=1e-6)
    assert np.allclose(a.nodes[-1].power, b.nodes[-1].power, rtol=1e-5)


def test_eval_mode_dropout_and_residuals_on_tokens_are_not_unmapped():
    """A latent vector through Linear, dropout and a residual before a view back to a map (a VAE decoder's
    head): the token ops are identities or measured, never unmapped rows."""

    class Head(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc, self.drop, self.conv = (
                nn.Linear(4 * 8 * 8, 4 * 8 * 8),
                nn.Dropout(0.1),
                nn.Conv2d(4, 1, 3),
            )

        def forward(self, x):
            z = x.flatten(1)
            z = z + self.drop(self.fc(z)) * 0.5
            return self.conv(z.view(-1, 4, 8, 8))

    torch.manual_seed(0)
    report = symspec.audit(Head(), (4, 8, 8))
    assert report.count(status="unmapped") == 0, [
        (n.op, n.note) for n in report.nodes if n.status == "unmapped"
    ]
    (drop,) = [n for n in report.nodes if n.op == "dropout"]
    assert drop.status == "identity"


def test_tokens_reshaped_back_to_a_map_leave_the_detour():
    """permute to channels-last, flatten to tokens, attention, then transpose + reshape to (B, C, H, W): the
    reshaped map is on the layout again and keeps its measured spectrum (the Swin window reverse, which
    reshapes to the detour's own (B, H, W, C), stays off it: test above via roll)."""

    class Tokens(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = nn.Conv2d(2, 4, 3, padding=1), nn.Conv2d(4, 2, 3, padding=1)

        def forward(self, x):
            h = self.a(x)
            B, C, H, W = h.shape
            t = h.permute(0, 2, 3, 1).reshape(B, H * W, C)
            t = F.scaled_dot_product_attention(t, t, t)
            return self.b(t.transpose(1, 2).reshape(B, C, H, W))

    torch.manual_seed(0)
    report = symspec.audit(Tokens(), (2, 16, 16))
    assert report.count(status="unmapped") == 0, [
        (n.op, n.note) for n in report.nodes if n.status == "unmapped"
    ]
    (back,) = [n for n in report.nodes if n.op == "reshape" and n.shape_out == (4, 16, 16)]
    assert back.power is not None and "re-enters" in back.note
