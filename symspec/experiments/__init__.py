"""``symspec experiment``: the paper's experiments on real ReLU networks, with tables and figures.

Each experiment module registers a function ``run(cfg, progress) -> Result`` with :func:`register`.
Results hold rows (measured quantity, the paper's qualitative expectation, whether it holds on this run)
and the panels of the paper's figure re-drawn from the run (``symspec.output.experiment`` draws them).
:func:`run_on` runs experiments on one or more image sources (``data.py``), so that a reader sees whether a
verdict depends on the data.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ..errors import SymspecError  # noqa: F401  (re-exported for experiment modules)
from .data import ImageSource, as_source

EXPERIMENTS: dict[str, "Experiment"] = {}
MODULES = ("fits", "trends", "training", "validation")


@dataclass
class Row:
    quantity: str
    value: Any
    expectation: str
    holds: bool | None  # None: reported only (no expectation to test)
    detail: str = ""


@dataclass
class Panel:
    """One panel of a figure: a power spectrum in DFT order (``image``: mean |H_uv|², drawn centred in dB with
    frequency axes in cycles per pixel and its row's colour scale) or line plots
    (``curves``: label -> (xs, ys))."""

    title: str
    image: np.ndarray | None = None
    curves: dict[str, tuple[list, list]] | None = None
    xlabel: str = ""
    ylabel: str = ""
    logy: bool = False


@dataclass
class Result:
    name: str
    figure: str
    params: dict
    rows: list[Row]
    panels: list[Panel] = field(default_factory=list)  # the paper's figure re-drawn from this run
    title: str = ""  # the figure's title
    cols: int | None = None  # panels per row (default: all in one row)
    data: dict = field(default_factory=dict)
    images: ImageSource | None = None  # set by run_on

    @property
    def holds(self) -> bool:
        """Every stated expectation holds on this run (reported-only rows do not count)."""
        return all(r.holds is not False for r in self.rows)


@dataclass
class Experiment:
    name: str
    figure: str
    summary: str
    run: Callable[..., Result]
    in_all: bool = True  # part of `experiment all` (the paper's experiments); studies are run by name


def register(name: str, figure: str, summary: str, in_all: bool = True):
    def wrap(fn):
        EXPERIMENTS[name] = Experiment(name, figure, summary, fn, in_all)
        return fn

    return wrap


def all_experiments() -> dict[str, Experiment]:
    for module in MODULES:
        importlib.import_module(f"{__name__}.{module}")
    return EXPERIMENTS


def lookup(name: str) -> Experiment:
    experiments = all_experiments()
    key = str(name).strip().lower()
    if key not in experiments:
        raise SymspecError(f"unknown experiment {name!r} (known: {', '.join(experiments)}, or all)")
    return experiments[key]


def select(name: str) -> list[Experiment]:
    """``all`` (every experiment, in the paper's reading order) or one name."""
    if str(name).strip().lower() == "all":
        return [e for e in all_experiments().values() if e.in_all]
    return [lookup(name)]


def guard_memory(cfg: dict) -> None:
    """Refuse sizes whose product overflows memory before any network is built: the experiments keep up to 32
    images' feature maps at every layer (depth) and, for cascade-fit, a channels² transfer matrix per layer
    and frequency.  An upper bound over the experiments, from --size, --channels and --depth."""
    from ..params import guard_size

    size, ch, depth = cfg["size"], cfg["channels"], cfg.get("depth") or 50
    guard_size(f"--size {size} --channels {ch} --depth {depth}", size * size * depth * (32 * ch + ch * ch))


def run_on(
    experiments: list[Experiment],
    cfg: dict,
    sources: list[ImageSource],
    progress: Callable[[], None] | None = None,
) -> list[tuple[Experiment, list[Result]]]:
    """Each experiment on each image source (``cfg['images']`` set to it),
    results in the order of ``sources``."""
    guard_memory(cfg)
    out = []
    for exp in experiments:
        results = []
        for source in sources:
            result = exp.run({**cfg, "images": as_source(source)}, progress)
            result.images = as_source(source)
            results.append(result)
        out.append((exp, results))
    return out
