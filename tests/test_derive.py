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
@given(
    m=st.integers(1, 9),
    n=st.integers(1, 9),
    k=st.integers(1, 5),
    s=st.integers(1, 3),
    dil=st.integers(1, 2),
    pad=st.sampled_from(["circular", "zero", "reflect", "replicate", "valid"]),
    seed=st.integers(0, 99),
    ch=st.sampled_from([(1, 1, 1), (2, 3, 1), (2, 2, 2)]),
)
def test_conv_validates(m, n, k, s, dil, pad, seed, ch):
    c, d, g = ch
    try:
        derive(
            "conv",
            size=(m, n),
            kernel=k,
            padding=pad,
            stride=s,
            dilation=dil,
            in_channels=c,
            out_channels=d,
            groups=g,
            seed=seed,
        )
    except SymspecError:
        return  # kernel larger than the map, reflect padding too wide: refused with a message
    check(
        "conv",
        size=(m, n),
        kernel=k,
        padding=pad,
        stride=s,
        dilation=dil,
        in_channels=c,
        out_channels=d,
        groups=g,
        seed=seed,
    )


@settings(max_examples=25, deadline=None)
@given(
    m=st.integers(1, 6),
    n=st.integers(1, 6),
    k=st.integers(1, 5),
    s=st.integers(1, 3),
    p=st.integers(0, 2),
    op=st.integers(0, 2),
    seed=st.integers(0, 99),
)
def test_conv_transpose_validates(m, n, k, s, p, op, seed):
    try:
        derive("conv-transpose", size=(m, n), kernel=k, stride=s, padding=p, output_padding=op, seed=seed)
    except SymspecError:
        return
    check("conv-transpose", size=(m, n), kernel=k, stride=s, padding=p, output_padding=op, seed=seed)


@settings(max_examples=25, deadline=None)
@given(
    m=st.integers(1, 7),
    n=st.integers(1, 7),
    rh=st.integers(1, 3),
    rw=st.integers(1, 3),
    mode=st.sampled_from(["zero", "nearest", "bilinear"]),
)
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


@pytest.mark.parametrize(
    "chain",
    [
        "upsample:nearest:2,conv:3:zero",
        "conv:3:circular,subsample:2",
        "conv-transpose:4:2:1,conv:3:reflect",
        "avgpool:2,upsample:bilinear:2",
    ],
)
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
    result.rule.torch_fn = (lambda f: lambda x: f(x) * 1.001)(result.rule.torch_fn)  # a layer that differs
    v = result.validate(TOL)
    assert (
        v.verdict == "fail"
        and v.max_error > 1e-4
        and set(v.witness["point"]) == {"d", "u'", "v'", "c", "u", "v"}
    )


# --------------------------------------------------------- the printed rule is complete: rebuild it from JSON
#
# Everything below reads only what `symspec derive --json` prints: each factor's closed form (srepr,
# read back with sympy.sympify), its denominator and its value where that is 0, each term's weight values and
# factor names. The torch layers are built here from the document's parameters and weight values.

import json  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def factor_on_grid(f):
    """A factor's closed form on its (size_out, size_in) grid; where its denominator
    is 0, its stated limit."""
    expr, den, at_zero = (sp.sympify(x["srepr"]) for x in (f, f["denominator"], f["at_zero_denominator"]))
    names = {s.name: s for e in (expr, den, at_zero) for s in e.free_symbols}
    out, inp = (names.get(n, sp.Symbol(n)) for n in f["variables"])
    U_o = np.arange(f["size_out"]).reshape(-1, 1)
    U_i = np.arange(f["size_in"]).reshape(1, -1)
    shape = (f["size_out"], f["size_in"])

    def grid(e):
        return np.broadcast_to(
            np.asarray(sp.lambdify([out, inp], e, "numpy")(U_o, U_i), dtype=complex), shape
        )

    singular = np.abs(grid(den)) < 1e-9
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(singular, grid(at_zero), grid(expr))


def stage_phi(stage):
    """Phi[d, u', v', c, u, v] = sum over the terms of values[d, c] A(u', u) B(v', v)."""
    factors = {f["name"]: factor_on_grid(f) for f in stage["factors"]}
    total = sum(
        np.einsum(
            "dc,pu,qv->dpqcuv",
            np.asarray(t["weight"]["values"], dtype=float),
            factors[t["row"]],
            factors[t["column"]],
        )
        for t in stage["terms"]
    )
    # the printed Phi is exactly the sum of the listed terms (factored forms expand to it)
    phi = sp.sympify(stage["phi"]["srepr"])
    d, c, uo, vo, ui, vi = phi.lhs.args
    listed = sp.Add(
        *[
            sp.sympify(t["weight"]["srepr"])
            * sp.Function(t["row"])(uo, ui)
            * sp.Function(t["column"])(vo, vi)
            for t in stage["terms"]
        ]
    )
    assert sp.expand(phi.rhs - listed) == 0
    return total


def rebuilt_phi(rule):
    stages = rule.get("stages") or [rule]
    if "stages" in rule:  # a chain's Phi is the composition of its stages' Phi, the last stage outermost
        composition = sp.sympify(rule["phi"]["srepr"]).rhs
        assert isinstance(composition, sp.Sum) or len(stages) == 1  # one stage: nothing to sum over
        body = composition.function if isinstance(composition, sp.Sum) else composition
        called = [f.func.__name__ for f in body.atoms(sp.Function)]
        assert sorted(called) == sorted(s["name"] for s in stages)
    total = None
    for stage in stages:  # stage 1 first: Phi = Phi_n o ... o Phi_1
        p = stage_phi(stage)
        total = p if total is None else np.einsum("dpqkab,kabcuv->dpqcuv", p, total)
    return total


def taps(stage, name="W"):
    """{(t, s): values} from weights printed as W[d, c, t, s] (conv) or W[c, d, t, s] (conv-transpose)."""
    out = {}
    for t in stage["terms"]:
        w = sp.sympify(t["weight"]["srepr"])
        assert isinstance(w, sp.Indexed) and str(w.base).startswith(name)
        out[int(w.indices[2]), int(w.indices[3])] = np.asarray(t["weight"]["values"], dtype=float)
    return out


def conv_layer(stage, p):
    K, D, C = p["kernel"], *np.asarray(stage["terms"][0]["weight"]["values"]).shape
    w = torch.zeros(D, C, K, K, dtype=torch.float64)
    for (t, s), values in taps(stage).items():
        w[:, :, t, s] = torch.as_tensor(values)
    span = p.get("dilation", 1) * (K - 1)
    pad = (span // 2, span - span // 2) * 2
    mode = {"zero": "constant", "circular": "circular", "reflect": "reflect", "replicate": "replicate"}[
        p["padding"]
    ]
    return lambda x: F.conv2d(F.pad(x, pad, mode=mode), w, stride=p.get("stride", 1))


def conv_transpose_layer(stage, p):
    K, D, C = p["kernel"], *np.asarray(stage["terms"][0]["weight"]["values"]).shape
    w = torch.zeros(C, D, K, K, dtype=torch.float64)
    for (t, s), values in taps(stage).items():
        w[:, :, t, s] = torch.as_tensor(values).T  # printed W[c, d, t, s]; values are indexed [d, c]
    return lambda x: F.conv_transpose2d(
        x, w, stride=p["stride"], padding=p["padding"], output_padding=p["output_padding"]
    )


def nearest_layer(stage, p):
    r = p["ratio"] if isinstance(p["ratio"], list) else [p["ratio"]] * 2
    return lambda x: F.interpolate(x, scale_factor=tuple(float(v) for v in r), mode="nearest")


REBUILD = [
    (
        (
            "conv",
            "--kernel",
            "3",
            "--padding",
            "zero",
            "--size",
            "5x6",
            "--in-channels",
            "2",
            "--out-channels",
            "3",
        ),
        [(conv_layer, {"kernel": 3, "padding": "zero"})],
    ),
    (
        ("conv", "--kernel", "3", "--padding", "circular", "--size", "5x5"),
        [(conv_layer, {"kernel": 3, "padding": "circular"})],
    ),
    (
        ("conv", "--kernel", "3", "--padding", "reflect", "--size", "4x5"),
        [(conv_layer, {"kernel": 3, "padding": "reflect"})],
    ),
    (
        ("conv", "--kernel", "4", "--padding", "zero", "--stride", "2", "--size", "7x6"),
        [(conv_layer, {"kernel": 4, "padding": "zero", "stride": 2})],
    ),
    (
        (
            "conv-transpose",
            "--kernel",
            "3",
            "--stride",
            "2",
            "--padding",
            "1",
            "--output-padding",
            "1",
            "--size",
            "3x4",
            "--in-channels",
            "2",
            "--out-channels",
            "2",
        ),
        [(conv_transpose_layer, {"kernel": 3, "stride": 2, "padding": 1, "output_padding": 1})],
    ),
    (
        ("upsample", "--mode", "nearest", "--ratio", "2x3", "--size", "3x4"),
        [(nearest_layer, {"ratio": [2, 3]})],
    ),
    (
        ("--chain", "upsample:nearest:2,conv:3:zero", "--size", "3x4"),
        [(nearest_layer, {"ratio": 2}), (conv_layer, {"kernel": 3, "padding": "zero"})],
    ),
    (("--chain", "upsample:nearest:2", "--size", "3x4"), [(nearest_layer, {"ratio": 2})]),  # one stage
]


@pytest.mark.parametrize("args,layers", REBUILD, ids=lambda a: " ".join(a) if isinstance(a, tuple) else "")
def test_rule_rebuilt_from_json_reproduces_the_torch_layer(run_cli, args, layers):
    r = run_cli("derive", *args, "--json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert doc["schema"] == "symspec/1" and doc["command"] == "derive"
    rule = doc["results"][0]
    stages = rule.get("stages") or [rule]
    assert len(stages) == len(layers)
    phi = rebuilt_phi(rule)
    C, M, N = rule["input_shape"]
    assert phi.shape == tuple(rule["output_shape"]) + (C, M, N)
    x = torch.randn(2, C, M, N, dtype=torch.float64, generator=torch.Generator().manual_seed(7))
    y = x
    for stage, (make, params) in zip(stages, layers):
        y = make(stage, params)(y)
    measured = torch.fft.fft2(y).numpy()
    predicted = np.einsum("dpqcuv,bcuv->bdpq", phi, torch.fft.fft2(x).numpy())
    assert measured.shape == predicted.shape
    assert np.abs(predicted - measured).max() <= 1e-9 * np.abs(measured).max()


def test_printed_rule_names_every_term_and_defines_every_factor(run_cli, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    r = run_cli("derive", "conv", "--kernel", "3", "--padding", "reflect", "--size", "4x5")
    assert r.code == 0
    flat = " ".join(line.strip() for line in r.out.splitlines())
    for t in range(3):
        for s in range(3):
            assert f"W[d, c, {t}, {s}]⋅A{'₀₁₂'[t]}(u', u)⋅B{'₀₁₂'[s]}(v', v)" in flat
        assert f"A{'₀₁₂'[t]}(u', u) =" in r.out and f"B{'₀₁₂'[t]}(v', v) =" in r.out
    assert "reflect boundary" in r.out and "limit" in r.out


LATEX_CASES = [
    ("conv", "--kernel", "3", "--padding", "zero"),
    ("conv", "--kernel", "2", "--padding", "circular"),
    ("conv", "--kernel", "3", "--padding", "reflect", "--size", "5x6"),
    ("upsample", "--mode", "bilinear", "--ratio", "2", "--size", "4x4"),
    ("conv-transpose", "--kernel", "4", "--stride", "2"),
    ("pixel-shuffle", "--ratio", "2", "--size", "3x3"),
    ("--chain", "upsample:nearest:2,conv:3:zero,avgpool:2", "--size", "4x4"),
]


def math_part(text):
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("%"))


@pytest.mark.parametrize("args", LATEX_CASES, ids=" ".join)
def test_latex_is_ascii_and_well_formed(run_cli, monkeypatch, args, tmp_path):
    monkeypatch.setenv("COLUMNS", "80")
    r = run_cli("derive", *args, "--latex")
    assert r.code == 0, r.err
    assert r.out.isascii(), sorted({ch for ch in r.out if not ch.isascii()})
    assert all(len(line) <= 80 for line in r.out.splitlines())
    body = math_part(r.out)
    unescaped = body.replace("\\{", "").replace("\\}", "")
    depth = 0
    for ch in unescaped:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0
    assert body.count("\\left") == body.count("\\right")
    assert body.count("\\begin{align*}") == body.count("\\end{align*}") == 1
    assert "\\Phi" in body and "\\sum" in body and "u^{\\prime}" in body and "u'" not in body
    latex = shutil.which("pdflatex") or shutil.which("latex")
    if latex:  # compile it where a TeX installation exists
        doc = tmp_path / "rule.tex"
        doc.write_text(
            "\\documentclass{article}\\usepackage{amsmath}\\begin{document}\n" + r.out + "\n\\end{document}\n"
        )
        run = subprocess.run(
            [latex, "-interaction=nonstopmode", "-halt-on-error", doc.name],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stdout[-2000:]


def test_public_latex_is_ascii():
    for layer, kw in [
        ("conv", {"kernel": 3, "padding": "zero"}),
        ("upsample", {"mode": "nearest"}),
        ("chain", {"chain": "upsample:nearest:2,conv:3:zero", "size": (4, 4)}),
    ]:
        text = symspec.derive(layer, **kw).latex
        assert text.isascii() and "\\Phi" in text and "Φ" not in text


@pytest.mark.parametrize("width", [80, 40])
@pytest.mark.parametrize("args", LATEX_CASES, ids=" ".join)
def test_derive_text_fits_the_width(run_cli, monkeypatch, args, width):
    from rich.cells import cell_len

    monkeypatch.setenv("COLUMNS", str(width))
    r = run_cli("derive", *args)
    assert r.code == 0, r.err
    assert max(cell_len(line) for line in r.out.splitlines()) <= width
    assert "↪" not in r.out or width < 80  # SymPy's own line cutting only where a single summand is too wide


def test_chain_stage_takes_a_dilation_positionally_or_by_name():
    from symspec.spectral.ops.chain import parse_chain

    assert parse_chain("conv:3:zero:1:2") == [
        ("conv", {"kernel": "3", "padding": "zero", "stride": "1", "dilation": "2"})
    ]
    assert parse_chain("conv:3:zero:dilation=2")[0][1] == {"kernel": "3", "padding": "zero", "dilation": "2"}
    dilated = derive("chain", chain="upsample:nearest:2,conv:3:circular:dilation=2", size="4x4", seed=3)
    assert dilated.validate().verdict == "pass"
    # the dilated stage really is dilated: its response to an impulse has 9 taps, 2 pixels apart
    impulse = torch.zeros(1, 1, 8, 8, dtype=torch.float64)
    impulse[0, 0, 4, 4] = 1.0
    response = dilated.rule.parts[1].torch_fn(impulse)[0, 0]
    taps = {(int(i), int(j)) for i, j in torch.nonzero(response.abs() > 1e-12)}
    assert len(taps) == 9 and {(i % 2, j % 2) for i, j in taps} == {(0, 0)}
    assert max(i for i, _ in taps) - min(i for i, _ in taps) == 4
    for bad, fragment in (
        ("conv:3:dil=2", "unknown field 'dil'"),
        ("conv:dilation=2:3", "named fields"),
        ("conv:3:zero:1:2:3", "too many fields"),
        ("conv:3:zero:1:2:dilation=3", "twice"),
    ):
        with pytest.raises(SymspecError, match=fragment):
            parse_chain(bad)
