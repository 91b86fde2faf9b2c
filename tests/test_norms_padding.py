"""The certified interval of reflect- and replicate-padded conv layers (``symspec.audit.norms``) against the
dense matrices of the real torch layers and of their padding maps (Jacobians)."""

import json
import re

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.autograd.functional import jacobian

import symspec
from symspec.audit import norms


def dense(layer, shape) -> torch.Tensor:
    x = torch.zeros(shape, dtype=torch.float64)
    return jacobian(layer, x).reshape(-1, x.numel())


def sigma_max(J: torch.Tensor) -> float:
    return float(torch.linalg.matrix_norm(J, ord=2))


CASES = [  # mode, C, D, k, n, stride, dilation, groups, pads (None: the k-1 extent split, asymmetric)
    ("reflect", 3, 4, 3, 7, 1, 1, 1, None),
    ("reflect", 3, 4, 3, 8, 2, 1, 1, None),
    ("reflect", 2, 3, 5, 6, 1, 1, 1, None),
    ("reflect", 2, 3, 5, 9, 2, 1, 1, None),
    ("reflect", 2, 2, 3, 2, 1, 1, 1, None),  # p = n - 1
    ("reflect", 2, 3, 5, 3, 1, 1, 1, (2, 2, 2, 2)),  # p = n - 1 on both sides: a pixel copied 3 times an axis
    ("reflect", 4, 4, 3, 6, 1, 2, 2, (2, 2, 2, 2)),  # dilation and groups
    ("replicate", 3, 4, 3, 7, 1, 1, 1, None),
    ("replicate", 3, 4, 3, 8, 2, 1, 1, None),
    ("replicate", 2, 3, 5, 6, 1, 1, 1, None),
    ("replicate", 2, 3, 5, 9, 2, 1, 1, (3, 1, 0, 4)),  # unequal pads: max(p_l, p_r) + 1
    ("replicate", 2, 2, 3, 1, 1, 1, 1, (1, 2, 1, 1)),  # n = 1: both sides copy the same pixel
]


@pytest.mark.parametrize("mode,C,D,k,n,s,d,g,pads", CASES)
@pytest.mark.parametrize("seed", [0, 1])
def test_the_interval_contains_the_dense_norm_of_the_torch_layer(mode, C, D, k, n, s, d, g, pads, seed):
    w = torch.randn(
        D, C // g, k, k, dtype=torch.float64, generator=torch.Generator().manual_seed(seed + 7 * n)
    )
    e = d * (k - 1)
    pads = pads or (e // 2, e - e // 2, e - e // 2, e // 2)
    layer = lambda x: F.conv2d(F.pad(x, pads, mode=mode), w, stride=s, dilation=d, groups=g)  # noqa: E731
    true = sigma_max(dense(layer, (1, C, n, n)))
    z = norms.norm_copying_pad(w, (n, n), pads, mode, s, d, g)
    assert z.lower <= true * (1 + 1e-12) and true <= z.upper * (1 + 1e-12)
    assert true - z.lower < 1e-4 * true  # Lanczos on the layer gets the value itself on these small maps
    # the upper end is ‖P‖ (the dense padding map's σ_max) times the valid conv's norm on the enlarged grid
    P = sigma_max(dense(lambda x: F.pad(x, pads, mode=mode), (1, 1, n, n)))
    padded = (n + pads[2] + pads[3], n + pads[0] + pads[1])
    L = norms.enlarged_grid(padded, (0, 0, 0, 0), s)
    assert z.upper == pytest.approx(P * norms.norm_circular(w, L, s, d, g), rel=1e-13)
    assert f"{mode} padding" in z.method and "Lanczos" in z.method and z.width == z.upper - z.lower


def axis_multiplicity(n: int, pl: int, pr: int, mode: str) -> int:
    """The per-axis counts of the module docstring (an independent account of what F.pad copies)."""
    if mode == "replicate":
        return pl + pr + 1 if n == 1 else max(pl, pr) + 1
    both = pl >= 1 and pr >= 1 and n >= 3 and pl + pr >= n - 1
    return 3 if both else 2 if pl or pr else 1


PADS = [
    ("reflect", 5, 7, (1, 1, 1, 1)),
    ("reflect", 2, 2, (1, 1, 1, 1)),
    ("reflect", 3, 3, (1, 1, 2, 0)),
    ("reflect", 4, 6, (3, 0, 2, 3)),
    ("reflect", 3, 5, (0, 2, 2, 2)),
    ("replicate", 4, 5, (2, 0, 1, 3)),
    ("replicate", 1, 3, (2, 1, 0, 0)),
    ("replicate", 1, 1, (1, 2, 3, 1)),
    ("replicate", 3, 2, (0, 0, 0, 0)),
]


@pytest.mark.parametrize("mode,M,N,pads", PADS)
def test_the_padding_norm_is_the_root_of_its_largest_multiplicity(mode, M, N, pads):
    mu = norms.padding_multiplicity((M, N), pads, mode)
    P = sigma_max(dense(lambda x: F.pad(x, pads, mode=mode), (1, 1, M, N)))
    assert mu**0.5 == pytest.approx(P, rel=1e-12)
    left, right, top, bottom = pads  # separable: the product of the two axes' counts
    assert mu == axis_multiplicity(M, top, bottom, mode) * axis_multiplicity(N, left, right, mode)


@pytest.mark.parametrize("mode", ["reflect", "replicate"])
@pytest.mark.parametrize("s", [1, 2])
def test_the_lower_bound_on_a_crop_is_a_restriction_of_the_layer(mode, s):
    w = torch.randn(3, 2, 3, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(s))
    n, pads = 14, (1, 2, 2, 1)
    (Ms, m1), (Ns, m2) = norms._support_axis(n, 2, 1, mode, 5), norms._support_axis(n, 1, 2, mode, 5)
    assert m1 < Ms < n and m2 < Ns < n
    forward, adjoint = norms._copying_layer(w, (Ms, Ns), (m1, m2), pads, mode, s, 1)
    full = lambda x: F.conv2d(F.pad(x, pads, mode=mode), w, stride=s)  # noqa: E731
    z = torch.randn(1, 2, m1, m2, dtype=torch.float64, generator=torch.Generator().manual_seed(9))
    y = forward(z, w)
    # the small layer's outputs are the first outputs of the layer on the zero-extended input (the same sums;
    # a conv backend may add them in another order on another map size)
    first = full(F.pad(z, (0, n - m2, 0, n - m1)))[..., : y.shape[-2], : y.shape[-1]]
    torch.testing.assert_close(y, first, rtol=1e-13, atol=1e-13)
    u = torch.randn(y.shape, dtype=torch.float64, generator=torch.Generator().manual_seed(10))
    assert float((y * u).sum()) == pytest.approx(float((z * adjoint(u, w)).sum()), rel=1e-12)  # the adjoint
    interval = norms.norm_copying_pad(w, (n, n), pads, mode, s, crop=5)
    assert f"on a {m1}x{m2} crop of a {Ms}x{Ns} map" in interval.method
    small = sigma_max(dense(lambda t: forward(t, w), (1, 2, m1, m2)))
    true = sigma_max(dense(full, (1, 2, n, n)))
    assert small * (1 - 1e-6) <= interval.lower <= true * (1 + 1e-12) <= interval.upper


@pytest.mark.parametrize(
    "mode,pads,grid,message",
    [
        ("reflect", (3, 1, 1, 1), (5, 3), r"reflect padding \(3, 1, 1, 1\) of a 5x3 map"),
        ("replicate", (1, -1, 0, 0), (4, 4), r"replicate padding \(1, -1, 0, 0\): a negative pad"),
        ("circular", (2, 2, 2, 2), (4, 4), r"circular padding \(2, 2, 2, 2\): no proven bound"),
    ],
)
def test_what_is_not_covered_is_refused_by_name(mode, pads, grid, message):
    with pytest.raises(ValueError, match=message):
        norms.norm_copying_pad(torch.randn(2, 2, 3, 3), grid, pads, mode)


@pytest.mark.parametrize("padding_mode", ["reflect", "replicate"])
def test_the_audit_shows_the_interval_of_a_reflect_padded_model(padding_mode):
    torch.manual_seed(2)
    net = nn.Sequential(
        nn.Conv2d(2, 3, 3, padding=1, padding_mode=padding_mode),
        nn.ReLU(),
        nn.Conv2d(3, 2, 3, stride=2, padding=1, padding_mode=padding_mode),
    ).double()
    report = symspec.audit(net, (2, 6, 6), norm="spectral")
    rows = [r for r in report.nodes if r.norms is not None]
    assert len(rows) == 2
    product = 1.0
    for row, layer, shape in zip(rows, (net[0], net[2]), ((1, 2, 6, 6), (1, 3, 6, 6))):
        z = row.norms["zero_pad"]
        true = sigma_max(dense(lambda x: layer(x) - layer(torch.zeros_like(x)), shape))  # no bias
        assert row.norms["padding"] == padding_mode and f"{padding_mode} padding" in z["method"]
        assert z["lower"] <= true * (1 + 1e-9) and true <= z["upper"] * (1 + 1e-9)
        assert row.norms["bound"] == z["upper"] and z["width"] == pytest.approx(z["upper"] - z["lower"])
        product *= row.norms["bound"]
    doc = json.loads(report.to_json())
    assert doc["lipschitz"]["bound"] == pytest.approx(product, rel=1e-12) and not doc["lipschitz"]["missing"]
    table = report.table(width=400)
    printed = [tuple(map(float, m)) for m in re.findall(r"\[(\d+\.\d{6}), (\d+\.\d{6})\]", table)]
    for row in rows:  # the printed interval, rounded outwards, still encloses the computed one
        z = row.norms["zero_pad"]
        assert any(
            lo <= z["lower"] and z["upper"] <= hi and hi - lo < z["width"] + 3e-6 for lo, hi in printed
        )
