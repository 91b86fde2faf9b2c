"""``symspec experiment audit-vs-training``: do the audit's figures, printed before training, predict the
artefacts that training produces?

The study trains one small auto-encoder per upsampling design (the designs are data: :data:`DESIGNS`) on
32x32 crops of natural photographs, several seeds each.  Before training, the decoder half is audited
(``symspec.audit``) at its random initialisation; after training, the artefacts are measured on held-out
crops:

- ``trained_checkerboard_db``: the period-2 checkerboard energy of the reconstructions as a spectral peak: the
  power at each of the three frequencies (N/2, 0), (0, N/2), (N/2, N/2) over the mean power of its eight
  neighbouring frequencies, averaged over the three, minus the same figure of the target crops (0 dB: no more
  peaked than the photographs; positive: a periodic artefact stands out of the spectrum);
- ``trained_tail_db``: the azimuthally averaged power spectrum of the reconstructions over that of the
  targets, in dB, averaged over the outer quarter of radii (0.375 to 0.5 cycles/pixel) — the spectral tail of
  Durall et al. (2020); positive: excess high frequencies, negative: blur.

Each audit figure is then ranked against each trained artefact (Spearman's ρ, over the design means and over
the single runs), and each audit finding (the figure above the audit's threshold) is scored by how well it
separates the runs it flags from those it clears (:func:`separation`).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
from torch import nn

from . import Panel, Result, Row, register
from .data import inputs

FIGURES = ("checkerboard_db", "replica_db")  # the audit's figures at the output, read from its findings
ARTEFACTS = ("trained_checkerboard_db", "trained_tail_db")
GOAL_RHO = 0.8
TAIL_FROM = 0.375  # cycles/pixel: the outer quarter of the radii up to Nyquist


# ------------------------------------------------------------------------------------------ designs


def icnr_(conv: nn.Conv2d, scale: int) -> None:
    """ICNR initialisation (Aitken et al. 2017): the s² sub-pixel filters of each output channel start
    equal, so that conv + pixel shuffle starts as nearest-neighbour upsampling followed by a conv."""
    with torch.no_grad():
        out = conv.out_channels // (scale * scale)
        conv.weight.copy_(conv.weight[:out].repeat_interleave(scale * scale, dim=0))
        if conv.bias is not None:
            conv.bias.copy_(conv.bias[:out].repeat_interleave(scale * scale))


def _resize_conv(mode: str) -> Callable[[int, int], nn.Module]:
    def make(ci: int, co: int) -> nn.Module:
        up = nn.Upsample(
            scale_factor=2, mode=mode, **({"align_corners": False} if mode == "bilinear" else {})
        )
        return nn.Sequential(up, nn.Conv2d(ci, co, 3, padding=1))

    return make


def _transposed(k: int) -> Callable[[int, int], nn.Module]:
    padding, output_padding = {2: (0, 0), 3: (1, 1), 4: (1, 0)}[k]  # every one maps n to 2n

    def make(ci: int, co: int) -> nn.Module:
        return nn.ConvTranspose2d(ci, co, k, stride=2, padding=padding, output_padding=output_padding)

    return make


def _shuffle(icnr: bool) -> Callable[[int, int], nn.Module]:
    def make(ci: int, co: int) -> nn.Module:
        conv = nn.Conv2d(ci, 4 * co, 3, padding=1)
        if icnr:
            icnr_(conv, 2)
        return nn.Sequential(conv, nn.PixelShuffle(2))

    return make


@dataclass(frozen=True)
class Design:
    name: str
    make: Callable[[int, int], nn.Module]  # (in channels, out channels) -> a x2 upsampling stage


DESIGNS = (
    Design("nearest+conv3", _resize_conv("nearest")),
    Design("bilinear+conv3", _resize_conv("bilinear")),
    Design("transposed k2s2", _transposed(2)),
    Design("transposed k3s2", _transposed(3)),
    Design("transposed k4s2", _transposed(4)),
    Design("pixel shuffle", _shuffle(False)),
    Design("pixel shuffle (ICNR)", _shuffle(True)),
)


def encoder(ch: int) -> nn.Module:
    """32x32x3 -> 8x8x(2ch), the same for every design (seeded before the decoder)."""
    return nn.Sequential(
        nn.Conv2d(3, ch, 3, stride=2, padding=1),
        nn.ReLU(),
        nn.Conv2d(ch, 2 * ch, 3, stride=2, padding=1),
        nn.ReLU(),
    )


def decoder(design: Design, ch: int) -> nn.Module:
    """8x8x(2ch) -> 32x32x3: two x2 stages of the design; the second writes the image, as in DCGAN."""
    return nn.Sequential(design.make(2 * ch, ch), nn.ReLU(), design.make(ch, 3))


def autoencoder(design: Design, ch: int, seed: int) -> tuple[nn.Module, nn.Module]:
    torch.manual_seed(seed)
    enc = encoder(ch)
    torch.manual_seed(seed + 7919)
    return enc, decoder(design, ch)


# ------------------------------------------------------------------------------------------ measurements


def power(x: torch.Tensor) -> np.ndarray:
    """Mean |DFT|² over images and channels, of each map with its mean removed: (M, N)."""
    x = x.double()
    x = x - x.mean(dim=(-2, -1), keepdim=True)
    return (torch.fft.fft2(x).abs() ** 2).mean(dim=(0, 1)).cpu().numpy()


PERIOD2 = ((1, 0), (0, 1), (1, 1))  # (u, v) in units of half the grid: the period-2 frequencies


def checkerboard_peak(P: np.ndarray) -> float:
    """The mean over the period-2 frequencies of their power over the mean power of their 8 neighbours."""
    M, N = P.shape
    ratios = []
    for a, b in PERIOD2:
        u, v = a * (M // 2), b * (N // 2)
        around = [P[(u + du) % M, (v + dv) % N] for du in (-1, 0, 1) for dv in (-1, 0, 1) if du or dv]
        ratios.append(P[u, v] / np.mean(around))
    return float(np.mean(ratios))


def radial(P: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Azimuthal average of a power spectrum in DFT order on integer radii of the centred spectrum
    (cycles/pixel), up to the inscribed circle (Nyquist)."""
    M, N = P.shape
    fu = np.fft.fftfreq(M)[:, None]
    fv = np.fft.fftfreq(N)[None, :]
    r = np.sqrt(fu**2 + fv**2)
    step = 1.0 / max(M, N)
    index = np.rint(r / step).astype(int)
    top = int(round(0.5 / step))
    sums = np.bincount(index.ravel(), P.ravel(), minlength=top + 1)[: top + 1]
    counts = np.bincount(index.ravel(), minlength=top + 1)[: top + 1]
    return np.arange(top + 1) * step, sums / np.maximum(counts, 1)


def artefacts(out: torch.Tensor, target: torch.Tensor) -> dict:
    """The trained artefacts of reconstructions ``out`` of ``target`` (see the module docstring)."""
    P, T = power(out), power(target)
    radii, p_out = radial(P)
    _, p_img = radial(T)
    tail = radii >= TAIL_FROM
    return {
        "trained_checkerboard_db": 10 * math.log10(checkerboard_peak(P) / checkerboard_peak(T)),
        "trained_tail_db": float(np.mean(10 * np.log10(p_out[tail] / p_img[tail]))),
        "mse": float(((out - target) ** 2).mean()),
    }


def rank(values: list[float]) -> np.ndarray:
    """Ranks 1..n, ties sharing their mean rank (−inf ranks lowest)."""
    v = np.asarray(values, dtype=float)
    order = np.argsort(v, kind="stable")
    ranks = np.empty(len(v))
    i = 0
    while i < len(v):
        j = i
        while j + 1 < len(v) and v[order[j + 1]] == v[order[i]]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def separation(flagged: list[float], clear: list[float]) -> float | None:
    """The share of (flagged run, clear run) pairs in which the flagged run's trained artefact is the
    larger (ties count a half): 1.0 when the audit's finding separates every pair, 0.5 for a coin (the
    Mann-Whitney U over n1 n2, i.e. the area under the ROC curve)."""
    if not flagged or not clear:
        return None
    wins = sum((f > c) + 0.5 * (f == c) for f in flagged for c in clear)
    return float(wins / (len(flagged) * len(clear)))


def spearman(a: list[float], b: list[float]) -> float | None:
    """Spearman's rank correlation (Pearson's on the ranks); None when either side has a single rank."""
    ra, rb = rank(a), rank(b)
    if len(a) < 3 or ra.std() == 0 or rb.std() == 0:
        return None
    return float(np.corrcoef(ra, rb)[0, 1])


# ------------------------------------------------------------------------------------------ the study


FINDINGS = {"checkerboard": "trained_checkerboard_db", "replicas": "trained_tail_db"}  # finding -> artefact


def audit_figures(dec: nn.Module, ch: int) -> dict:
    """The audit's output figures and findings for the decoder at its current (untrained) weights."""
    from ..audit import run as audit

    report = audit(dec, (2 * ch, 8, 8), batch=2, seed=0, target="decoder")
    return {
        **{name: report.findings.get(name) for name in FIGURES},
        **{f"finding_{kind}": bool(report.findings.get(kind)) for kind in FINDINGS},
    }


def train(enc: nn.Module, dec: nn.Module, x: torch.Tensor, epochs: int, batch: int = 32) -> None:
    params = list(enc.parameters()) + list(dec.parameters())
    opt = torch.optim.Adam(params, lr=2e-3)
    gen = torch.Generator().manual_seed(0)
    for _ in range(epochs):
        for idx in torch.randperm(len(x), generator=gen).split(batch):
            xb = x[idx]
            opt.zero_grad()
            ((dec(enc(xb)) - xb) ** 2).mean().backward()
            opt.step()


def one_run(design: Design, ch: int, seed: int, train_x, test_x, epochs: int) -> dict:
    enc, dec = autoencoder(design, ch, seed)
    before = audit_figures(dec, ch)
    start = time.perf_counter()
    train(enc, dec, train_x, epochs)
    with torch.no_grad():
        measured = artefacts(dec(enc(test_x)), test_x)
    return {"design": design.name, "seed": seed, **before, **measured, "train_s": time.perf_counter() - start}


def design_means(runs: list[dict]) -> list[dict]:
    out = []
    for design in dict.fromkeys(r["design"] for r in runs):
        rs = [r for r in runs if r["design"] == design]
        row = {"design": design, "seeds": len(rs)}
        for key in FIGURES + ARTEFACTS + ("mse",):
            vals = [r[key] for r in rs if r[key] is not None]
            row[key] = float(np.mean(vals)) if vals else None
        for key in ARTEFACTS:
            row[key + "_sd"] = float(np.std([r[key] for r in rs]))
        out.append(row)
    return out


def correlations(rows: list[dict]) -> dict:
    """ρ of every audit figure against every trained artefact, over ``rows`` (design means, or
    single runs)."""
    out = {}
    for fig in FIGURES:
        for art in ARTEFACTS:
            pairs = [(m[fig], m[art]) for m in rows if m[fig] is not None]
            out[f"{fig}~{art}"] = spearman([p[0] for p in pairs], [p[1] for p in pairs]) if pairs else None
    return out


@register(
    "audit-vs-training",
    "validation",
    "pre-training audit figures against the artefacts of trained decoders",
    in_all=False,
)
def audit_vs_training(cfg: dict, progress=None) -> Result:
    epochs = cfg.get("epochs") or 15
    seeds = cfg.get("seeds") or 3
    ch = min(cfg["channels"], 32)
    names = cfg.get("designs")
    designs = [d for d in DESIGNS if names is None or d.name in names]
    runs = all_runs(cfg, designs, ch, seeds, epochs, progress)
    means = design_means(runs)
    rhos = correlations(means)
    per_run = correlations(runs)  # each seed's own initialisation against its own trained network
    separations = {
        kind: separation(
            [r[art] for r in runs if r[f"finding_{kind}"]], [r[art] for r in runs if not r[f"finding_{kind}"]]
        )
        for kind, art in FINDINGS.items()
    }
    rows = design_rows(means) + correlation_rows(rhos, per_run, len(runs)) + finding_rows(runs, separations)
    return Result(
        "audit-vs-training",
        "validation",
        {"size": 32, "channels": ch, "epochs": epochs, "seeds": seeds, "designs": len(designs)},
        rows,
        [artefact_panel(means)],
        f"{len(designs)} upsampling designs x {seeds} seeds, {epochs} epochs each (Adam, MSE)",
        data={
            "runs": runs,
            "designs": means,
            "spearman": rhos,
            "spearman_runs": per_run,
            "separation": separations,
        },
    )


def all_runs(cfg: dict, designs: list[Design], ch: int, seeds: int, epochs: int, progress=None) -> list[dict]:
    """:func:`one_run` for every design and seed, on 512 training and 128 held-out 32x32 crops."""
    data = inputs({**cfg, "size": 32, "seed": cfg["seed"]}, 640, 3).cpu()
    train_x, test_x = data[:512], data[512:]
    runs = []
    for design in designs:
        for seed in range(cfg["seed"], cfg["seed"] + seeds):
            runs.append(one_run(design, ch, seed, train_x, test_x, epochs))
            if progress:
                progress()
    return runs


def design_rows(means: list[dict]) -> list[Row]:
    """One row per design: its audit figures before training, its trained artefacts and MSE."""
    return [
        Row(
            f"{m['design']}: audit checkerboard / replica (dB)",
            f"{_db(m['checkerboard_db'])} / {_db(m['replica_db'])}",
            "",
            None,
            f"trained checkerboard {m['trained_checkerboard_db']:+.1f} ± "
            f"{m['trained_checkerboard_db_sd']:.1f} dB, "
            f"tail {m['trained_tail_db']:+.1f} ± {m['trained_tail_db_sd']:.1f} dB, MSE {m['mse']:.4f}",
        )
        for m in means
    ]


def correlation_rows(rhos: dict, per_run: dict, n_runs: int) -> list[Row]:
    """Spearman's ρ of each audit figure against each artefact over the designs (the single runs beside)."""
    rows = []
    for key, rho in rhos.items():
        fig, art = key.split("~")
        run_rho = per_run[key]
        goal = fig == "checkerboard_db" and art == "trained_checkerboard_db"
        rows.append(
            Row(
                f"Spearman ρ({fig}, {art}) over the designs",
                "—" if rho is None else round(rho, 3),
                f"ρ ≥ {GOAL_RHO}" if goal else "",
                (rho is not None and rho >= GOAL_RHO) if goal else None,
                f"over the {n_runs} single runs: " + ("—" if run_rho is None else f"{run_rho:.3f}"),
            )
        )
    return rows


def finding_rows(runs: list[dict], separations: dict) -> list[Row]:
    """Each audit finding before training: how well it separates the runs it flags from those it clears."""
    rows = []
    for kind, art in FINDINGS.items():
        flagged = [r[art] for r in runs if r[f"finding_{kind}"]]
        clear = [r[art] for r in runs if not r[f"finding_{kind}"]]
        value = separations[kind]
        rows.append(
            Row(
                f"audit finding '{kind}' before training vs {art}: separation of the runs",
                "—" if value is None else round(value, 3),
                "≥ 0.9 (1.0: every flagged run ends worse)",
                None if value is None else value >= 0.9,
                f"{len(flagged)} flagged runs (trained {_range(flagged)}), {len(clear)} clear runs "
                f"(trained {_range(clear)})",
            )
        )
    return rows


def artefact_panel(means: list[dict]) -> Panel:
    xs = list(range(len(means)))
    return Panel(
        "trained artefact by design",
        curves={
            "checkerboard (dB over the photographs)": (xs, [m["trained_checkerboard_db"] for m in means]),
            "spectral tail (dB over the photographs)": (xs, [m["trained_tail_db"] for m in means]),
        },
        xlabel="design (" + ", ".join(f"{i}: {m['design']}" for i, m in enumerate(means)) + ")",
        ylabel="dB",
    )


def _range(values: list[float]) -> str:
    return f"{min(values):+.1f} to {max(values):+.1f} dB" if values else "none"


def _db(value) -> str:
    if value is None:
        return "—"
    return "-inf" if value == -math.inf else f"{value:.1f}"
