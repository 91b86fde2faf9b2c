"""``symspec experiment``: the paper's experiments on real ReLU networks, with tables and figures.

Each experiment module registers a function ``run(cfg, progress) -> Result`` with :func:`register`.  Results hold
rows (measured quantity, the paper's qualitative expectation, whether it holds on this run) and a function
that writes PNG figures laid out like the paper's.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable

from ..errors import SymspecError  # noqa: F401  (re-exported for experiment modules)

EXPERIMENTS: dict[str, "Experiment"] = {}
MODULES = ("fits", "trends", "training")


@dataclass
class Row:
    quantity: str
    value: Any
    expectation: str
    holds: bool | None  # None: reported only (no expectation to test)
    detail: str = ""


@dataclass
class Result:
    name: str
    figure: str
    params: dict
    rows: list[Row]
    plot: Callable[[str], list[str]] | None = None  # writes PNGs into a directory, returns the paths
    data: dict = field(default_factory=dict)


@dataclass
class Experiment:
    name: str
    figure: str
    summary: str
    run: Callable[..., Result]


def register(name: str, figure: str, summary: str):
    def wrap(fn):
        EXPERIMENTS[name] = Experiment(name, figure, summary, fn)
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
        raise SymspecError(f"unknown experiment {name!r} (known: {', '.join(experiments)})")
    return experiments[key]
