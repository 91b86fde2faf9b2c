"""The continuum certificate of the conv norms (``symspec.audit.norms``) against exact grid maxima and the
dense matrices of small torch layers (their Jacobians)."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.autograd.functional import jacobian

from symspec.audit import norms


def dense_norm(layer, shape) -> float:
    x = torch.zeros(shape, dtype=torch.float64)
    J = jacobian(layer, x).reshape(-1, x.numel())
    return float(torch.linalg.matrix_norm(J, ord=2))


CASES = [  # C, D, kernel, stride, dilation, groups
    (3, 4, 3, 1, 1, 1),
    (4, 4, 3, 2, 1, 2),
    (3, 2, 3, 1, 2, 1),
    (2, 3, 5, 2, 1, 1),
    (2, 2, 1, 1, 1, 1),
]


@pytest.mark.parametrize("C,D,k,s,d,g", CASES)
@settings(max_examples=4, deadline=None)
@given(seed=st.integers(0, 2**16))
def test_the_certificate_bounds_every_grid_within_its_slack(C, D, k, s, d, g, seed):
    w = torch.randn(D, C // g, k, k, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))
    tol = 1e-3
    sup = norms.continuum_sup(norms.polyphase(w, (8 * s, 8 * s), s, d, g), tol)
    assert sup.lower <= sup.upper <= (1 + tol) * sup.lower  # the stated slack, reached
    for n in (
        6,
        24 * s,
        40 * s,
    ):  # the exact circular maximum of grids coarse, fine and unrelated to the cells
        assert norms.norm_circular(w, (n, n), s, d, g) <= sup.upper * (1 + 1e-12)
    T = norms.channel_matrix_at(sup.poly, sup.omega)  # the lower end: σ_max there, by an SVD
    assert sup.lower == pytest.approx(float(torch.linalg.svdvals(T).max()), rel=1e-10)


@pytest.mark.parametrize("C,D,k,s,d,g", CASES)
def test_the_certified_zero_padding_interval_contains_the_dense_norm(C, D, k, s, d, g):
    w = torch.randn(D, C // g, k, k, dtype=torch.float64, generator=torch.Generator().manual_seed(k + 7 * s))
    e, n = d * (k - 1), 10 * s
    pads = (e // 2, e - e // 2, e - e // 2, e // 2)
    layer = lambda x: F.conv2d(F.pad(x, pads), w, stride=s, dilation=d, groups=g)  # noqa: E731
    true = dense_norm(layer, (1, C, n, n))
    tol = 1e-3
    z = norms.norm_zero_pad(w, (n, n), pads, s, d, g, tol=tol, exact_points=0)  # forces the certificate
    assert "continuum certificate" in z.method
    assert z.lower <= true * (1 + 1e-12) and true <= z.upper
    exact = norms.norm_zero_pad(w, (n, n), pads, s, d, g)  # the enlarged grid, exactly
    assert exact.upper <= z.upper <= (1 + tol) * exact.upper * (1 + 0.05)  # the sup is above every grid's max


@pytest.mark.parametrize("s", [1, 2])
def test_the_lower_bound_on_a_crop_is_below_the_norm_on_the_map(s):
    w = torch.randn(3, 2, 3, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(s))
    pads = (1, 0, 0, 1)
    n, m = 12, 5
    layer = lambda x: F.conv2d(F.pad(x, pads), w, stride=s)  # noqa: E731
    assert dense_norm(layer, (1, 2, m, m)) <= dense_norm(layer, (1, 2, n, n)) * (1 + 1e-12)
    z = norms.norm_zero_pad(w, (n, n), pads, s, crop=m)
    assert "on a 5x5 crop" in z.method
    assert dense_norm(layer, (1, 2, m, m)) * (1 - 1e-6) <= z.lower <= dense_norm(layer, (1, 2, n, n))


def test_a_large_own_grid_reports_a_certified_circular_interval():
    w = torch.randn(4, 3, 3, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(3))
    fig = norms.circular_figure(w, (16, 16), exact_points=10)
    exact = norms.norm_circular(w, (16, 16))
    assert fig.value is None and fig.bounds[0] <= exact * (1 + 1e-12) and exact <= fig.bounds[1]
    assert fig.bounds[1] <= (1 + norms.TOLERANCE) * fig.bounds[0] * 1.05
    full = norms.norm_circular_details(w, (16, 16)).sigma2_grid()
    done = ~torch.isnan(torch.from_numpy(fig.sigma2)).numpy()
    assert done[0, 0] and done[4, 4] and done[8, 8]  # the readouts, exactly
    assert fig.sigma2[done] == pytest.approx(full[done], rel=1e-6)  # the reference: float32 off its max
