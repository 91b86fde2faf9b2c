"""The continuum certificate of the conv norms (``symspec.audit.norms``) against exact grid maxima and the
dense matrices of small torch layers (their Jacobians)."""

import numpy as np
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


def random_gram(n: int, groups: int, seed: int) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    T = torch.complex(*(torch.randn(3, groups, n, n, generator=g, dtype=torch.float64) for _ in "ri"))
    return T.mH @ T / n  # (3, groups, n, n) Hermitian positive semi-definite


@pytest.mark.parametrize("n,groups", [(6, 1), (40, 3), (200, 1)])
def test_the_cholesky_test_proves_a_level_above_the_top_eigenvalue_and_never_one_below(n, groups):
    G = random_gram(n, groups, n)
    top = torch.linalg.eigvalsh(G)[..., -1].amax(dim=1).numpy()  # per cell, the largest over its groups
    t = norms._Torus(None, groups, n, 1.0, 1.0, 0.0)
    assert norms._certified(t, G.clone(), top * (1 + 1e-8)).all()  # the margin is far below 1e-8 here
    assert not norms._certified(t, G.clone(), top * (1 - 1e-12)).any()  # below λ_max: never proven
    assert not norms._certified(t, G.clone(), top * 0.5).any()
    mixed = top * np.array([1 + 1e-8, 1 - 1e-6, 1.5])  # cell by cell
    assert norms._certified(t, G.clone(), mixed).tolist() == [True, False, True]


@pytest.mark.parametrize("tol", [1e-3, 2e-2, 0.3])
def test_the_certificate_of_a_scalar_kernel_holds_against_a_dense_fft_of_its_symbol(tol):
    # one channel: σ_max(T(ω)) = |T(ω)|, sampled on a 2048 × 2048 grid by numpy's FFT (no symspec): its
    # maximum is the sup to ~1e-6, and a peaked kernel puts that maximum between the cells' centres
    rng = np.random.default_rng(3)
    w = rng.standard_normal((5, 5)) + np.outer([1, -2, 3, -2, 1], [1, 2, 1, 2, 1]) * 0.7
    dense = float(np.abs(np.fft.fft2(w, (2048, 2048))).max())
    sup = norms.continuum_sup(norms.polyphase(torch.tensor(w)[None, None], (8, 8)), tol)
    assert sup.lower <= dense * (1 + 1e-12) and dense <= sup.upper
    assert sup.upper <= (1 + tol) * sup.lower
    assert sup.upper <= (1 + tol) * dense * (1 + 1e-12)


@pytest.mark.parametrize("tol", [1e-2, 0.1])
def test_a_flat_wide_layer_is_certified_above_the_exact_maximum_of_a_fine_grid(tol):
    # 48 channels, random: σ_max is flat over the torus (the hard case of the cells); the exact circular norm
    # on a 64 × 64 grid (an SVD per frequency) is below the certificate, and the certificate within tol of it
    w = torch.randn(48, 48, 3, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(1)) / 12
    exact = norms.norm_circular(w, (64, 64))
    sup = norms.continuum_sup(norms.polyphase(w, (66, 66)), tol)
    assert exact <= sup.upper <= (1 + tol) * sup.lower
    # the continuous sup exceeds a 64-grid's maximum by at most 1/cos(2π/64) - 1 < 0.5 % (the cell bound)
    assert sup.upper <= (1 + tol) * exact * 1.005
    assert sup.tests > 0 and sup.exact < sup.tests  # certified by Cholesky tests, few eigendecompositions


def _last_cells(Kh, Kw, r_need):
    plan = norms._plan(Kh, Kw, r_need)
    centres, r = plan.centres, plan.r0
    for f in plan.factors:
        centres, _ = norms._children(centres, r / f, f, Kh, Kw)
        r = r / f
    return plan, centres, r


LATTICES = [(1.0, 1.0), (1.0, 0.5), (0.5, 1.0), (1.5, 1.0), (2.0, 1.0), (1.0, 0.0), (0.0, 1.5), (0.5, 0.0)]


@pytest.mark.parametrize("Kh,Kw", LATTICES)
@pytest.mark.parametrize("r_need", [0.6, 0.3092, 0.1405, 0.0447])
def test_the_cells_and_their_mirrors_cover_the_scaled_domain_without_overlap(Kh, Kw, r_need):
    """Every point of the scaled torus (periods 2π K per axis) lies in a last-level cell, itself or its mirror
    x ↦ -x (σ is even for a real kernel), the cells tile (their areas add up to the half torus), and the last
    radius is at most the one asked for and not far below it."""
    plan, centres, r = _last_cells(Kh, Kw, r_need)
    assert r == plan.r_last and r <= r_need and plan.r0 <= np.pi / 4
    if r_need < 0.32:  # many cells: the lattice is not much finer than asked
        assert r >= r_need / 1.25
    live = [k > 0 for k in (Kh, Kw)]
    period = np.array([2 * np.pi * k if k > 0 else 1.0 for k in (Kh, Kw)])
    rng = np.random.default_rng(0)
    pts = rng.uniform(0, 1, size=(1500, 2)) * period
    pts[:8] = np.array([[0, 0], [1, 0], [0, 1], [1, 1], [0.5, 0], [0.5, 0.5], [0, 0.5], [1, 0.5]]) * period
    pts[:, ~np.array(live)] = 0.0
    best = np.full(len(pts), np.inf)
    for sign in (1, -1):
        for kh in (-1, 0, 1):
            for kw in (-1, 0, 1):
                p = np.mod(sign * pts, period) + np.array([kh, kw]) * period
                p[:, ~np.array(live)] = 0.0
                d = np.abs(p[:, None, :] - centres[None]).sum(axis=2).min(axis=1)
                best = np.minimum(best, d)
    assert best.max() <= r * (1 + 1e-9)  # covered
    if all(live):
        assert len(centres) * 2 * r**2 == pytest.approx(period[0] * period[1] / 2, rel=1e-12)  # no overlap
    else:
        assert len(centres) * 2 * r == pytest.approx(period[live.index(True)] / 2, rel=1e-12)


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 40), batch=st.integers(1, 3), steps=st.integers(1, 60), seed=st.integers(0, 2**16))
def test_ritz_values_are_rayleigh_quotients_below_the_top_eigenvalue(n, batch, steps, seed):
    gen = torch.Generator().manual_seed(seed)
    A = torch.complex(*(torch.randn(batch, n, n, generator=gen, dtype=torch.float64) for _ in "ri"))
    G = A @ A.mH
    x = torch.complex(*(torch.randn(batch, n, generator=gen, dtype=torch.float64) for _ in "ri"))
    value, v = norms.ritz(lambda z: (G @ z.unsqueeze(-1)).squeeze(-1), x, steps)
    top = torch.linalg.eigvalsh(G)[..., -1]
    assert torch.allclose(torch.linalg.vector_norm(v, dim=-1), torch.ones(batch, dtype=torch.float64))
    rq = torch.einsum("bi,bij,bj->b", v.conj(), G, v).real
    assert torch.allclose(value, rq, rtol=1e-12, atol=1e-12 * float(top.max()))
    assert bool((value <= top * (1 + 1e-12)).all())
    if steps >= n:  # the Krylov space is the whole space: the top eigenvalue itself
        assert torch.allclose(value, top, rtol=1e-9)
