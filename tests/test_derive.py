"""symspec derive: every layer's closed form equals the real torch layer to float64 precision."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

import symspec
from symspec.errors import SymspecError
from symspec.spectral.ops import derive
from symspec.spectral.ops.axis import Term, boundary_index

TOL = 1e-9


def check(layer, **kw):
    result = derive(layer, **kw)
    v = result.validate(TOL)
    assert v.verdict == "pass", (layer, kw, v.max_error, v.witness)
    return result, v


def test_public_api_returns_expression_latex_and_validation():
    result = symspec.derive("conv", kernel=3, padding="zero", size=(6, 5))
    assert isinstance(result.expr, sp.Eq)
    assert "\\sum" in result.latex and "sin" in result.latex
    assert result.validate().verdict == "pass"
    assert "leak" in result.reading


def test_axis_term_matches_a_direct_dft_of_its_spatial_matrix():
    """Independent: build the 1-D operator matrix and take F_out L F_in^{-1} with numpy."""
    for boundary in ("zero", "reflect", "replicate", "circular"):
        term = Term(7, 4, 1, 0, 2, -1, 4, boundary, 0.5)
        L = np.zeros((4, 7))
        for m in range(4):
            src = boundary_index(2 * m - 1, 7, boundary)
            if src is not None:
                L[m, src] += 0.5
        direct = np.fft.fft(np.eye(4), axis=0) @ L @ np.fft.ifft(np.eye(7), axis=0)
        got, _ = term.evaluate()
        np.testing.assert_allclose(got, direct, atol=1e-12)


def test_reflect_boundary_index_follows_torch():
    import torch
    import torch.nn.functional as F

    x = torch.arange(5.0)[None, None]
    padded = F.pad(x, (3, 3), mode="reflect")[0, 0].tolist()
    assert padded == [float(boundary_index(q, 5, "reflect")) for q in range(-3, 8)]


@settings(max_examples=30, deadline=None)
@given(m=st.integers(1, 9), n=st.integers(1, 9), k=st.integers(1, 5), s=st.integers(1, 3), dil=st.integers(1, 2),
       pad=st.sampled_from(["circular", "zero", "reflect", "replicate", "valid"]), seed=st.integers(0, 99),
       ch=st.sampled_from([(1, 1, 1), (2, 3, 1), (2, 2, 2)]))
def test_conv_validates(m, n, k, s, dil, pad, seed, ch):
    c, d, g = ch
    try:
        derive("conv", size=(m, n), kernel=k, padding=pad, stride=s, dilation=dil, in_channels=c,
               out_channels=d, groups=g, seed=seed)
    except SymspecError:
        return  # kernel larger than the map, reflect padding too wide: refused with a message
    check("conv", size=(m, n), kernel=k, padding=pad, stride=s, dilation=dil, in_channels=c, out_channels=d,
          groups=g, seed=seed)


@settings(max_examples=25, deadline=None)
@given(m=st.integers(1, 6), n=st.integers(1, 6), k=st.integers(1, 5), s=st.integers(1, 3), p=st.integers(0, 2),
       op=st.integers(0, 2), seed=st.integers(0, 99))
def test_conv_transpose_validates(m, n, k, s, p, op, seed):
    try:
        derive("conv-transpose", size=(m, n), kernel=k, stride=s, padding=p, output_padding=op, seed=seed)
    except SymspecError:
        return
    check("conv-transpose", size=(m, n), kernel=k, stride=s, padding=p, output_padding=op, seed=seed)


@settings(max_examples=25, deadline=None)
@given(m=st.integers(1, 7), n=st.integers(1, 7), rh=st.integers(1, 3), rw=st.integers(1, 3),
       mode=st.sampled_from(["zero", "nearest", "bilinear"]))
def test_upsample_validates(m, n, rh, rw, mode):
    check("upsample", size=(m, n), ratio=f"{rh}x{rw}", mode=mode)


@settings(max_examples=20, deadline=None)
@given(m=st.integers(1, 9), n=st.integers(1, 9), k=st.integers(1, 4), s=st.integers(1, 4))
def test_pooling_and_subsampling_validate(m, n, k, s):
    check("subsample", size=(m, n), stride=s)
    if k <= min(m, n):
        check("avgpool", size=(m, n), kernel=k, stride=s)


@pytest.mark.parametrize("r,c", [(1, 1), (2, 1), (2, 2), (3, 1)])
def test_pixel_shuffle_validates(r, c):
    check("pixel-shuffle", size=(3, 4), ratio=r, channels=c)


@pytest.mark.parametrize("chain", ["upsample:nearest:2,conv:3:zero", "conv:3:circular,subsample:2",
                                   "conv-transpose:4:2:1,conv:3:reflect", "avgpool:2,upsample:bilinear:2"])
def test_chains_validate(chain):
    check("chain", chain=chain, size=(4, 4), channels=2)


def test_edge_cases_k1_k_equal_m_ratio1_odd_sizes():
    check("conv", size=(5, 5), kernel=5, padding="circular")  # K = M
    check("conv", size=(7, 3), kernel=1, padding="zero")
    check("upsample", size=(5, 3), ratio=1, mode="bilinear")
    check("conv-transpose", size=(3, 5), kernel=1, stride=1, padding=0)


def test_circular_stride1_conv_is_shift_invariant_with_a_transfer_matrix():
    result, _ = check("conv", size=(6, 6), kernel=3, padding="circular")
    assert result.rule.transfer is not None
    phi, _ = result.rule.phi()
    off = phi.copy()
    for u in range(6):
        for v in range(6):
            off[:, u, v, :, u, v] = 0
    assert np.abs(off).max() < 1e-12  # diagonal in frequency


def test_zero_insertion_rule_is_replication():
    result, _ = check("upsample", size=(4, 4), ratio=2, mode="zero")
    phi, _ = result.rule.phi()
    for up in range(8):
        for u in range(4):
            expected = 1.0 if up % 4 == u else 0.0
            assert abs(phi[0, up, 0, 0, u, 0] - expected) < 1e-12


def test_nearest_reading_names_the_box_filter():
    result = derive("upsample", mode="nearest", ratio=2)
    assert "zero insertion followed by a 2x2 box filter" in result.reading


def test_failed_validation_is_reported_as_fail():
    result = derive("conv", size=(5, 5), kernel=3, padding="zero")
    result.rule.torch_fn = (lambda f: (lambda x: f(x) * 1.001))(result.rule.torch_fn)  # a layer that differs
    v = result.validate(TOL)
    assert v.verdict == "fail" and v.max_error > 1e-4 and set(v.witness["point"]) == {"d", "u'", "v'", "c", "u", "v"}
