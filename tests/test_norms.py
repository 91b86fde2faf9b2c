"""Operator norms of conv layers against the dense matrix of the real torch layer (its Jacobian)."""

import json

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd.functional import jacobian

import symspec
from symspec.audit import measure, norms


def dense_norm(layer, shape) -> float:
    """σ_max of the layer's matrix, built column by column by autograd at float64."""
    x = torch.zeros(shape, dtype=torch.float64)
    J = jacobian(layer, x).reshape(-1, x.numel())
    return float(torch.linalg.matrix_norm(J, ord=2))


def circular_transposed(x, w, stride, dilation, groups):
    """A transposed conv on the torus: the full ``conv_transpose2d`` folded modulo the (s m)-grid."""
    y = F.conv_transpose2d(x, w, stride=stride, dilation=dilation, groups=groups)
    M, N = x.shape[-2] * stride, x.shape[-1] * stride
    out = torch.zeros(*y.shape[:2], M, N, dtype=y.dtype)
    for i in range(y.shape[-2]):
        for j in range(y.shape[-1]):
            out[..., i % M, j % N] = out[..., i % M, j % N] + y[..., i, j]
    return out


CONVS = [  # C, D, kernel, grid, stride, dilation, groups
    (3, 4, 3, 8, 1, 1, 1),
    (4, 6, 3, 8, 2, 1, 2),
    (3, 5, 5, 12, 3, 2, 1),
    (4, 4, 4, 8, 2, 1, 4),
    (2, 3, 1, 6, 1, 1, 1),
    (2, 2, 3, 9, 1, 3, 1),
    (6, 2, 2, 8, 2, 1, 1),
]


@pytest.mark.parametrize("C,D,k,n,s,d,g", CONVS)
def test_circular_norm_is_the_dense_norm_of_the_circular_layer(C, D, k, n, s, d, g):
    w = torch.randn(D, C // g, k, k, dtype=torch.float64, generator=torch.Generator().manual_seed(k + n + s))
    e = d * (k - 1)
    pads = (e // 2, e - e // 2, e // 2, e - e // 2)

    def layer(x):
        return F.conv2d(F.pad(x, pads, mode="circular"), w, stride=s, dilation=d, groups=g)

    assert norms.norm_circular(w, (n, n), s, d, g) == pytest.approx(
        dense_norm(layer, (1, C, n, n)), rel=1e-12
    )


@pytest.mark.parametrize("C,D,k,n,s,d,g", CONVS)
def test_zero_padding_interval_contains_the_dense_norm(C, D, k, n, s, d, g):
    w = torch.randn(D, C // g, k, k, dtype=torch.float64, generator=torch.Generator().manual_seed(k * n + s))
    e = d * (k - 1)
    pads = (e // 2, e - e // 2, e - e // 2, e // 2)  # asymmetric on purpose
    layer = lambda x: F.conv2d(F.pad(x, pads), w, stride=s, dilation=d, groups=g)  # noqa: E731
    true = dense_norm(layer, (1, C, n, n))
    z = norms.norm_zero_pad(w, (n, n), pads, s, d, g)
    assert z.lower <= true * (1 + 1e-12) and true <= z.upper * (1 + 1e-12)
    assert z.relative_width < 0.5 and true - z.lower < 1e-4 * true  # Lanczos gets the value itself
    # the upper bound is the circular norm of the enlarged grid, and that grid is large enough (the proof)
    L = norms.enlarged_grid((n, n), pads, s)
    assert z.upper == norms.norm_circular(w, L, s, d, g) and L[0] >= n + pads[2] + pads[3]


def test_the_enlarged_grid_cannot_shrink_to_the_map():
    """The bound needs the padding: on the map's own grid the circular norm can be
    below the zero-padded one."""
    w = torch.zeros(1, 1, 1, 3, dtype=torch.float64)
    w[0, 0, 0] = torch.tensor([-1.0, 0.0, 1.0])  # x(j+1) - x(j-1): zero on the 2-torus
    zero = dense_norm(lambda x: F.conv2d(F.pad(x, (1, 1, 0, 0)), w), (1, 1, 1, 2))
    assert zero == pytest.approx(1.0) and norms.norm_circular(w, (1, 2)) == pytest.approx(0.0, abs=1e-12)
    z = norms.norm_zero_pad(w, (1, 2), (1, 1, 0, 0))
    assert z.grid == (1, 4) and z.upper == pytest.approx(2.0) and z.lower == pytest.approx(1.0)


TRANSPOSED = [
    (4, 3, 4, 4, 2, 1, 1, 1, 0),
    (4, 6, 3, 5, 2, 1, 2, 1, 1),
    (3, 2, 5, 4, 3, 1, 1, 2, 0),
    (2, 2, 3, 6, 1, 2, 1, 2, 0),
]


@pytest.mark.parametrize("C,D,k,m,s,d,g,p,op", TRANSPOSED)
def test_transposed_convs_against_their_dense_matrices(C, D, k, m, s, d, g, p, op):
    w = torch.randn(C, D // g, k, k, dtype=torch.float64, generator=torch.Generator().manual_seed(k + m))
    circ = dense_norm(lambda x: circular_transposed(x, w, s, d, g), (1, C, m, m))
    assert norms.norm_circular(w, (m, m), s, d, g, transposed=True) == pytest.approx(circ, rel=1e-12)
    zero = dense_norm(
        lambda x: F.conv_transpose2d(x, w, stride=s, padding=p, output_padding=op, groups=g, dilation=d),
        (1, C, m, m),
    )
    z = norms.norm_zero_pad_transposed(w, (m, m), s, p, op, d, g)
    assert z.lower <= zero * (1 + 1e-12) and zero <= z.upper * (1 + 1e-12)


def test_a_stride_that_does_not_divide_the_grid_is_refused_by_name():
    with pytest.raises(ValueError, match="stride 2x2 does not divide the grid 7x7"):
        norms.norm_circular(torch.randn(2, 2, 3, 3), (7, 7), stride=2)


def off_readout_layer() -> nn.Conv2d:
    """A circular conv whose maximum sits at (n/4, 0): taps [1, 0, -1] down, [1, 1] across (|H| = 2·2 there,
    2·√2 at (n/4, n/4), 0 at DC and at (n/2, n/2)), plus small random channels."""
    torch.manual_seed(0)
    conv = nn.Conv2d(2, 2, 3, padding=1, padding_mode="circular", bias=False)
    with torch.no_grad():
        conv.weight.mul_(0.05)
        conv.weight[0, 0] += torch.tensor([[0.0, 1.0, 1.0], [0.0, 0.0, 0.0], [0.0, -1.0, -1.0]])
    return conv


def test_the_audit_reports_the_maximum_over_all_frequencies_not_three():
    conv = off_readout_layer()
    n = 8
    true = dense_norm(lambda x: conv.double()(x), (1, 2, n, n))
    conv.float()
    row = next(r for r in symspec.audit(conv, (2, n, n), norm="spectral").nodes if r.op == "conv2d")
    assert (
        row.norms["circular"] == pytest.approx(true, rel=1e-6) and row.norms["bound"] == row.norms["circular"]
    )
    # the three readouts (DC, (n/4, n/4), (n/2, n/2)) miss it by far: what reading only them reported
    sigma2 = measure.conv_spectral_gain(conv.weight, (n, n))
    readouts = [sigma2[0, 0], sigma2[n // 4, n // 4], sigma2[n // 2, n // 2]]
    assert max(readouts) ** 0.5 < 0.8 * true and sigma2.max() ** 0.5 == pytest.approx(true, rel=1e-3)


def test_audit_rows_json_and_the_lipschitz_product():
    torch.manual_seed(1)
    net = nn.Sequential(
        nn.Conv2d(3, 6, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(6, 6, 3, stride=2, padding=1),
        nn.Tanh(),
        nn.ConvTranspose2d(6, 2, 4, stride=2, padding=1),
    ).double()
    report = symspec.audit(net, (3, 8, 8), norm="spectral")
    rows = [r for r in report.nodes if r.norms is not None]
    layers = [lambda x: net[0](x), lambda x: net[2](x), lambda x: net[4](x)]
    shapes = [(1, 3, 8, 8), (1, 6, 8, 8), (1, 6, 4, 4)]
    product = 1.0
    for row, layer, shape in zip(rows, layers, shapes):
        z = row.norms["zero_pad"]
        true = dense_norm(lambda x: layer(x) - layer(torch.zeros_like(x)), shape)  # the linear part (no bias)
        assert z["lower"] <= true * (1 + 1e-9) and true <= z["upper"] * (1 + 1e-9)
        product *= row.norms["bound"]
    doc = json.loads(report.to_json())
    assert doc["lipschitz"]["bound"] == pytest.approx(product, rel=1e-12) and doc["lipschitz"]["covers_graph"]
    assert "Lipschitz bound" in report.table() and "zero-pad [lower, upper]" in report.table()


def test_the_lipschitz_product_names_what_it_does_not_cover():
    net = nn.Sequential(
        nn.Conv2d(2, 2, 3, padding=1),
        nn.SiLU(),
        nn.Upsample(scale_factor=2),
        nn.Conv2d(2, 2, 3, padding=2, padding_mode="circular"),
    )
    lip = json.loads(symspec.audit(net, (2, 4, 4), norm="spectral").to_json())["lipschitz"]
    assert lip["bound"] is None and len(lip["missing"]) == 1  # circular pads beyond the kernel: no bound
    assert lip["not_covered"] == {"silu": 1, "interpolate": 1} and not lip["covers_graph"]
