"""Typed claim parameters and their parsing: one-line errors that name the bad value."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import SymspecError

MAX_GRID_ELEMENTS = 120_000_000  # complex entries one check may hold at once (about 2 GB of complex128)
MAX_WORK = 2e11  # multiply-adds one check may ask for (minutes on a 2-core CPU)



def _parse_int(name: str, raw: Any) -> int:
    if isinstance(raw, bool):
        raise SymspecError(f"--{name}: expected an integer, got {raw!r}")
    if isinstance(raw, (int, np.integer)):
        return int(raw)
    text = str(raw).strip()
    if not re.fullmatch(r"[+-]?\d+", text):
        raise SymspecError(f"--{name}: expected an integer, got {raw!r}")
    return int(text)


def _parse_float(name: str, raw: Any) -> float:
    if isinstance(raw, (int, float, np.floating)) and not isinstance(raw, bool):
        value = float(raw)
    else:
        try:
            value = float(str(raw).strip())
        except ValueError:
            raise SymspecError(f"--{name}: expected a number, got {raw!r}") from None
    if not math.isfinite(value):
        raise SymspecError(f"--{name}: expected a finite number, got {raw!r}")
    return value


def parse_size(name: str, raw: Any) -> tuple[int, int]:
    """``"12x10"`` -> (12, 10); ``"8"`` -> (8, 8)."""
    if isinstance(raw, (tuple, list)) and len(raw) == 2:
        m, n = (_parse_int(name, r) for r in raw)
    else:
        text = str(raw).strip().lower()
        match = re.fullmatch(r"([+-]?\d+)(?:\s*[x×,]\s*([+-]?\d+))?", text)
        if not match:
            raise SymspecError(f"--{name}: expected a size like 12x10 or 8, got {raw!r}")
        m = int(match.group(1))
        n = int(match.group(2)) if match.group(2) is not None else m
    if m <= 0 or n <= 0:
        raise SymspecError(f"--{name}: sizes must be positive, got {m}x{n}")
    return m, n


def parse_pair(name: str, raw: Any) -> tuple[int, int]:
    """``"3,4"`` -> (3, 4) (a frequency or an index pair, may be zero)."""
    if isinstance(raw, (tuple, list)) and len(raw) == 2:
        return tuple(_parse_int(name, r) for r in raw)  # type: ignore[return-value]
    text = str(raw).strip()
    match = re.fullmatch(r"\(?\s*([+-]?\d+)\s*[, ]\s*([+-]?\d+)\s*\)?", text)
    if not match:
        raise SymspecError(f"--{name}: expected two integers like 3,4, got {raw!r}")
    return int(match.group(1)), int(match.group(2))


def parse_point(name: str, raw: Any) -> dict:
    """``"u=0,v=4,layer=1"`` -> {"u": 0, "v": 4, "layer": 1} (a witness point to replay)."""
    if isinstance(raw, dict):
        return dict(raw)
    out: dict = {}
    for part in str(raw).split(","):
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not re.fullmatch(r"[+-]?\d+", value):
            raise SymspecError(f"--{name}: expected axis=index pairs like u=0,v=4, got {raw!r}")
        out[key] = int(value)
    return out


def parse_floats(name: str, raw: Any) -> tuple[float, ...]:
    if isinstance(raw, (tuple, list)):
        return tuple(_parse_float(name, r) for r in raw)
    parts = [p for p in str(raw).split(",")]
    if not parts or any(not p.strip() for p in parts):
        raise SymspecError(f"--{name}: expected a number or a comma list, got {raw!r}")
    return tuple(_parse_float(name, p) for p in parts)


@dataclass(frozen=True)
class Param:
    """A typed, validated parameter of a claim.  ``kind``: int, float, floats, size, pair, choice."""

    name: str
    kind: str
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()

    def parse(self, raw: Any) -> Any:
        if raw is None:
            return self.default
        name = self.name.replace("_", "-")
        if self.kind == "int":
            value = _parse_int(name, raw)
            self._bounds(name, value)
            return value
        if self.kind == "float":
            value = _parse_float(name, raw)
            self._bounds(name, value)
            return value
        if self.kind == "floats":
            values = parse_floats(name, raw)
            for value in values:
                self._bounds(name, value)
            return values
        if self.kind == "size":
            value = parse_size(name, raw)
            for part in value:
                self._bounds(name, part)
            return value
        if self.kind == "pair":
            value = parse_pair(name, raw)
            return value
        if self.kind == "choice":
            text = str(raw).strip().lower()
            if text not in self.choices:
                raise SymspecError(f"--{name}: {raw!r} is not one of {', '.join(self.choices)}")
            return text
        raise AssertionError(self.kind)

    def _bounds(self, name: str, value: float) -> None:
        if self.minimum is not None and value < self.minimum:
            raise SymspecError(f"--{name}: {value} is below the minimum {self.minimum:g}")
        if self.maximum is not None and value > self.maximum:
            raise SymspecError(f"--{name}: {value} is above the maximum {self.maximum:g}")

    def show_default(self) -> str:
        if self.default is None:
            return "-"
        if self.kind == "size":
            return f"{self.default[0]}x{self.default[1]}"
        if self.kind == "pair":
            return f"{self.default[0]},{self.default[1]}"
        if self.kind == "floats":
            return ",".join(f"{v:g}" for v in self.default)
        return str(self.default)



def guard_work(what: str, operations: float, limit: float = MAX_WORK) -> None:
    """Refuse a request that would run for hours, naming what makes it large."""
    if operations > limit:
        raise SymspecError(f"{what}: about {operations:.1e} operations exceed the limit of {limit:.0e}; "
                           f"choose fewer samples, smaller sizes or fewer layers")


def guard_size(what: str, elements: int, limit: int = MAX_GRID_ELEMENTS) -> None:
    """Refuse a request that would need an absurd amount of memory, naming the size."""
    if elements > limit:
        gib = elements * 16 / 2**30
        raise SymspecError(f"{what}: {elements:,} complex values (~{gib:.1f} GiB) exceed the limit of "
                           f"{limit:,}; choose smaller sizes or fewer channels/samples")
