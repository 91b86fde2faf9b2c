"""The validation study (`symspec experiment audit-vs-training`): its designs are what they say,
its trained-artefact measures agree with plain numpy, and its rank correlation with an independent one."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from symspec.experiments import validation as v


def numpy_peak_db(out: np.ndarray, ref: np.ndarray) -> float:
    """Period-2 spectral peak of ``out`` over that of ``ref`` (arrays B x C x M x N),
    written from the definition."""

    def peak(x):
        x = x - x.mean(axis=(-2, -1), keepdims=True)
        P = (np.abs(np.fft.fft2(x)) ** 2).mean(axis=(0, 1))
        M, N = P.shape
        vals = []
        for u, v_ in ((M // 2, 0), (0, N // 2), (M // 2, N // 2)):
            nb = [P[(u + a) % M, (v_ + b) % N] for a in (-1, 0, 1) for b in (-1, 0, 1) if (a, b) != (0, 0)]
            vals.append(P[u, v_] / np.mean(nb))
        return np.mean(vals)

    return 10 * math.log10(peak(out) / peak(ref))


@pytest.mark.parametrize("design", v.DESIGNS, ids=lambda d: d.name)
def test_each_design_doubles_the_grid(design):
    torch.manual_seed(0)
    stage = design.make(6, 5)
    assert stage(torch.randn(2, 6, 8, 8)).shape == (2, 5, 16, 16)
    dec = v.decoder(design, 4)
    assert dec(torch.randn(1, 8, 8, 8)).shape == (1, 3, 32, 32)


def test_icnr_starts_as_nearest_upsampling_of_one_subfilter():
    torch.manual_seed(1)
    conv = torch.nn.Conv2d(3, 8, 3, padding=1)
    v.icnr_(conv, 2)
    x = torch.randn(1, 3, 6, 6)
    first = F.conv2d(x, conv.weight[::4], conv.bias[::4], padding=1)  # output channel c's first sub-filter
    assert torch.allclose(
        F.pixel_shuffle(conv(x), 2), F.interpolate(first, scale_factor=2, mode="nearest"), atol=1e-6
    )


def test_checkerboard_measure_matches_numpy_and_grows_with_the_artefact():
    gen = torch.Generator().manual_seed(0)
    base = torch.nn.functional.avg_pool2d(torch.randn(8, 3, 34, 34, generator=gen), 3, stride=1)  # smooth
    i, j = torch.meshgrid(torch.arange(32), torch.arange(32), indexing="ij")
    board = (-1.0) ** (i + j)
    values = []
    for eps in (0.0, 0.05, 0.2):
        out = base + eps * board
        got = v.artefacts(out, base)["trained_checkerboard_db"]
        assert got == pytest.approx(
            numpy_peak_db(out.numpy().astype(float), base.numpy().astype(float)), abs=1e-9
        )
        values.append(got)
    assert values[0] == pytest.approx(0.0, abs=1e-12) and values[0] < values[1] < values[2]


def test_tail_measure_sees_blur_and_sharpening():
    gen = torch.Generator().manual_seed(2)
    x = torch.randn(4, 3, 32, 32, generator=gen)
    blurred = F.avg_pool2d(F.pad(x, (1, 1, 1, 1), mode="circular"), 3, stride=1)
    assert v.artefacts(x, x)["trained_tail_db"] == pytest.approx(0.0, abs=1e-12)
    assert v.artefacts(blurred, x)["trained_tail_db"] < -6
    assert v.artefacts(2 * x, x)["trained_tail_db"] == pytest.approx(10 * math.log10(4), abs=1e-9)


def test_spearman_agrees_with_scipy_including_ties_and_minus_infinity():
    stats = pytest.importorskip("scipy.stats")
    a = [-math.inf, -math.inf, 3.0, 1.0, -math.inf, 2.5, 7.0]
    b = [0.1, 0.5, 9.0, 4.0, 0.2, 4.0, 12.0]
    assert v.spearman(a, b) == pytest.approx(stats.spearmanr(a, b).statistic, abs=1e-12)
    assert v.spearman([1, 1, 1], [1, 2, 3]) is None


def test_separation_is_the_mann_whitney_share_of_ordered_pairs():
    stats = pytest.importorskip("scipy.stats")
    flagged, clear = [5.0, 3.0, 8.0, 1.0], [0.5, 1.0, -2.0]
    u = stats.mannwhitneyu(flagged, clear, alternative="greater").statistic
    assert v.separation(flagged, clear) == pytest.approx(u / (len(flagged) * len(clear)), abs=1e-12)
    assert v.separation([2.0, 3.0], [0.0, 1.0]) == 1.0 and v.separation([], [1.0]) is None


def test_a_small_study_runs_and_reports_every_design():
    cfg = {
        "size": 32,
        "channels": 4,
        "seed": 0,
        "epochs": 1,
        "seeds": 1,
        "images": "synthetic",
        "designs": ("nearest+conv3", "transposed k2s2", "pixel shuffle (ICNR)"),
    }
    result = v.audit_vs_training(cfg)
    assert [m["design"] for m in result.data["designs"]] == list(cfg["designs"])
    for run in result.data["runs"]:
        assert math.isfinite(run["trained_checkerboard_db"]) and math.isfinite(run["trained_tail_db"])
    assert set(result.data["spearman"]) == {f"{f}~{a}" for f in v.FIGURES for a in v.ARTEFACTS}
    # the audit's own verdicts before training: resize-conv and ICNR start free of a
    # checkerboard, k2s2 does not
    flagged = {r["design"]: r["finding_checkerboard"] for r in result.data["runs"]}
    assert flagged == {"nearest+conv3": False, "transposed k2s2": True, "pixel shuffle (ICNR)": False}
    from symspec.output.experiment import study_markdown

    doc = {
        "runs": [
            {
                "experiment": "audit-vs-training",
                "params": result.params,
                "data": result.data,
                "description": "synthetic",
            }
        ]
    }
    table = study_markdown(doc)
    assert all(name in table for name in cfg["designs"]) and "separation" in table


def test_the_committed_study_is_current_and_its_readme_table_generated():
    import json
    import re
    from pathlib import Path

    from symspec.output.experiment import study_markdown

    root = Path(__file__).resolve().parent.parent
    doc = json.loads((root / "docs" / "studies" / "audit-vs-training.json").read_text())
    run = doc["runs"][0]
    # the committed run used today's designs and defaults
    assert [m["design"] for m in run["data"]["designs"]] == [d.name for d in v.DESIGNS]
    assert run["params"]["epochs"] == 15 and run["params"]["seeds"] == 3 and run["params"]["channels"] == 16
    texts = [p.read_text() for p in [root / "README.md", *sorted((root / "docs").glob("*.md"))]]
    blocks = [
        m.group(1).strip()
        for t in texts
        for m in [re.search(r"<!-- study:begin -->\n(.*?)<!-- study:end -->", t, flags=re.S)]
        if m
    ]
    assert blocks == [study_markdown(doc).strip()]
    # the prose beside the table quotes the run's numbers
    text = next(t for t in texts if "<!-- study:begin -->" in t)
    rho = run["data"]["spearman"]["checkerboard_db~trained_checkerboard_db"]
    assert f"{rho:.2f} over the designs" in text
    assert f"separation {run['data']['separation']['checkerboard']:.2f}" in text
