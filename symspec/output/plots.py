"""Figures: the one module that imports matplotlib.

Every figure follows the same conventions: zero frequency centred, frequency axes in cycles per pixel
(so maps of different sizes share one axis range and nothing is padded), maps in dB relative to their own peak
(levels along a network differ by hundreds of dB, so an absolute scale would paint all but one map black)
under one colour scale per row with its colour bar, and absolute levels where curves compare prediction and
measurement (azimuthally averaged 1-D spectra).
"""

from __future__ import annotations

import numpy as np

SPAN_DB = 60.0  # a row's colour scale spans at most this many dB below its maximum
TINY = 1e-30


def pyplot():
    """matplotlib.pyplot on the file-only Agg backend, or a one-line error naming the missing extra."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        from ..errors import SymspecError

        raise SymspecError("--plot needs matplotlib (pip install matplotlib)") from None
    return plt


def to_db(power: np.ndarray) -> np.ndarray:
    return 10 * np.log10(np.maximum(np.asarray(power, dtype=np.float64), TINY))


def relative_db(power: np.ndarray) -> np.ndarray:
    """dB relative to the spectrum's own peak (0 dB at the peak)."""
    level = to_db(power)
    return level - level.max()


def centred(image: np.ndarray) -> np.ndarray:
    """A map in DFT order (DC at [0, 0]) with zero frequency in the middle."""
    return np.fft.fftshift(image)


def extent(M: int, N: int) -> tuple[float, float, float, float]:
    """imshow extent (left, right, bottom, top) of a centred M x N spectrum in cycles per pixel: row k of the
    centred map is frequency (k - M//2) / M, each pixel one frequency step wide."""
    return ((-(N // 2) - 0.5) / N, (N - N // 2 - 0.5) / N, (-(M // 2) - 0.5) / M, (M - M // 2 - 0.5) / M)


def row_limits(maps_db, span: float = SPAN_DB) -> tuple[float, float]:
    """One colour scale for a row of dB maps: from the row's maximum down to its
    minimum, at most ``span`` dB."""
    finite = [m[np.isfinite(m)] for m in maps_db]
    finite = [m for m in finite if m.size]
    if not finite:
        return -1.0, 1.0
    top = max(float(m.max()) for m in finite)
    bottom = max(min(float(m.min()) for m in finite), top - span)
    return (bottom, top) if top > bottom else (top - 1.0, top + 1.0)


def draw_map(ax, level_db: np.ndarray, vmin: float, vmax: float, cmap: str = "magma", labels: bool = True):
    """A dB map in DFT order, drawn centred with frequency axes in cycles per pixel."""
    M, N = level_db.shape
    left, right, bottom, top = extent(M, N)
    image = ax.imshow(
        centred(level_db),
        cmap=cmap,
        origin="lower",
        interpolation="nearest",
        vmin=vmin,
        vmax=vmax,
        extent=(left, right, bottom, top),
        aspect="equal",
    )
    ax.set_xticks([-0.5, -0.25, 0.0, 0.25])
    ax.set_yticks([-0.5, -0.25, 0.0, 0.25])
    ax.set_xlim(left, right)  # the ticks must not widen the axes beyond the map
    ax.set_ylim(bottom, top)
    ax.tick_params(labelsize=6)
    if labels:
        ax.set_xlabel("v (cycles/pixel)", fontsize=6)
        ax.set_ylabel("u (cycles/pixel)", fontsize=6)
    return image


def colour_bar(fig, image, axes, label: str = "power (dB)"):
    bar = fig.colorbar(image, ax=list(np.ravel(axes)), shrink=0.85, pad=0.01)
    bar.set_label(label, fontsize=7)
    bar.ax.tick_params(labelsize=6)
    return bar


def blank(ax, text: str) -> None:
    ax.set_axis_off()
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=6, wrap=True, transform=ax.transAxes)


FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}  # a figure's file suffix -> the format written


def figure_format(path: str) -> str:
    """The format a figure file's suffix names, or a one-line error naming the suffix and the allowed ones."""
    from pathlib import Path

    from ..errors import SymspecError

    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise SymspecError(
            f"--plot: {path!r} has the suffix {suffix or '(none)'!r}; symspec writes {', '.join(FORMATS)}"
        )
    return FORMATS[suffix]


def save(fig, path: str, dpi: int = 110) -> str:
    """Write ``fig`` to ``path`` in the format its suffix names (atomically); a write that fails (a full disk,
    the file-size limit) is one line naming the file."""
    from ..errors import SymspecError
    from . import atomic_write

    fmt = figure_format(path)
    try:
        atomic_write(path, lambda tmp: fig.savefig(tmp, dpi=dpi, format=fmt))
    except OSError as exc:
        raise SymspecError(f"--plot: cannot write {path}: {exc.strerror or type(exc).__name__}") from None
    finally:
        pyplot().close(fig)
    return path
