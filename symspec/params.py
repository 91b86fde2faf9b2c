"""Typed claim parameters and their parsing: one-line errors that name the bad value."""

from __future__ import annotations

import math
import numbers
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import SymspecError

MAX_GRID_ELEMENTS = 120_000_000  # complex entries one check may hold at once (about 2 GB of complex128)
MAX_WORK = 2e11  # multiply-adds one check may ask for (minutes on a 2-core CPU)
MAX_SEED = 2**63 - 1  # torch and numpy generators take any seed in [0, 2^63)
MAX_DIGITS = 40  # an integer argument longer than this is refused before Python converts it
# A real parameter enters a check through moments up to its 4th power (the Monte-Carlo variance of a power
# |H|^2), summed over up to MAX_GRID_ELEMENTS values: |x|^4 * MAX_GRID_ELEMENTS must stay finite in float64.
# Every float parameter without a tighter bound of its own is held to this magnitude (1e75).
MAX_MAGNITUDE = 10.0 ** math.floor(math.log10((sys.float_info.max / MAX_GRID_ELEMENTS) ** 0.25))


def _parse_int(name: str, raw: Any) -> int:
    if isinstance(raw, bool):
        raise SymspecError(f"--{name}: expected an integer, got {raw!r}")
    if isinstance(raw, numbers.Integral):  # int and numpy's integers (numpy is not imported here: start-up)
        return int(raw)
    text = str(raw).strip()
    if not re.fullmatch(r"[+-]?\d+", text):
        raise SymspecError(f"--{name}: expected an integer, got {raw!r}")
    if len(text.lstrip("+-").lstrip("0")) > MAX_DIGITS:
        raise SymspecError(f"--{name}: {text[:12]}… has more than {MAX_DIGITS} digits")
    return int(text)


def _number(value: float) -> str:
    """A bound as the user would type it: integers exactly (2^63 - 1, not 9.22337e+18), others with %g."""
    if float(value).is_integer() and abs(value) < 2**64:
        return str(int(value))
    return f"{value:g}"


def _parse_float(name: str, raw: Any) -> float:
    if isinstance(raw, numbers.Real) and not isinstance(raw, bool):  # int, float and numpy's numbers
        try:
            value = float(raw)
        except OverflowError:
            raise SymspecError(
                f"--{name}: expected a finite number, got an integer of {len(str(raw))} digits"
            ) from None
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
        m = _parse_int(name, match.group(1))
        n = _parse_int(name, match.group(2)) if match.group(2) is not None else m
    if m <= 0 or n <= 0:
        raise SymspecError(f"--{name}: sizes must be positive, got {m}x{n}")
    return m, n


def shown_params(values: dict, sizes: tuple[str, ...] = ("size", "to")) -> dict:
    """Parameters as they appear in witnesses and JSON (the ``sizes`` keys as 'MxN', tuples as lists)."""
    out = {}
    for key, value in values.items():
        if value is None:
            continue
        if key in sizes and isinstance(value, tuple):
            out[key] = f"{value[0]}x{value[1]}"
        elif isinstance(value, tuple):
            out[key] = list(value)
        else:
            out[key] = value
    return out


def parse_pair(name: str, raw: Any) -> tuple[int, int]:
    """``"3,4"`` -> (3, 4) (a frequency or an index pair, may be zero)."""
    if isinstance(raw, (tuple, list)) and len(raw) == 2:
        return tuple(_parse_int(name, r) for r in raw)  # type: ignore[return-value]
    text = str(raw).strip()
    match = re.fullmatch(r"\(?\s*([+-]?\d+)\s*[, ]\s*([+-]?\d+)\s*\)?", text)
    if not match:
        raise SymspecError(f"--{name}: expected two integers like 3,4, got {raw!r}")
    return _parse_int(name, match.group(1)), _parse_int(name, match.group(2))


MAX_RATIO = 32  # nearest upsampling has r_h x r_w terms: bounded before building any


def ratio_pair(raw, name: str = "ratio") -> tuple[int, int]:
    """'2' -> (2, 2); '2x3' or '2,3' -> (2, 3); positive integers only."""
    if isinstance(raw, (tuple, list)):
        r = tuple(int(x) for x in raw)
    else:
        text = str(raw).strip().lower().replace("x", ",")
        try:
            r = parse_pair(name, text) if "," in text else (Param(name, "int", 1, "").parse(text),) * 2
        except SymspecError:
            raise SymspecError(
                f"--{name}: expected a positive integer or two like 2x3, got {raw!r}"
            ) from None
    if min(r) < 1:
        raise SymspecError(f"--{name}: ratios must be positive integers, got {raw!r}")
    if max(r) > MAX_RATIO:  # nearest upsampling has r_h x r_w terms: bound them before building any
        raise SymspecError(f"--{name}: {max(r)} is above the maximum {MAX_RATIO}")
    return r  # type: ignore[return-value]


def parse_point(name: str, raw: Any) -> dict:
    """``"u=0,v=4,layer=1"`` -> {"u": 0, "v": 4, "layer": 1} (a witness point to replay)."""
    if isinstance(raw, dict):
        return dict(raw)
    out: dict = {}
    for part in str(raw).split(","):
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not re.fullmatch(r"[+-]?[0-9]+", value):
            raise SymspecError(f"--{name}: expected axis=index pairs like u=0,v=4, got {raw!r}")
        if key in out:
            raise SymspecError(f"--{name}: axis {key!r} is given twice in {raw!r}")
        out[key] = _parse_int(name, value)
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
        if self.kind in ("float", "floats") and abs(value) > MAX_MAGNITUDE:
            low = _number(-MAX_MAGNITUDE if self.minimum is None else max(self.minimum, -MAX_MAGNITUDE))
            high = _number(MAX_MAGNITUDE if self.maximum is None else min(self.maximum, MAX_MAGNITUDE))
            raise SymspecError(
                f"--{name}: {value:g} is outside the range float64 carries through a check: {low} to {high}"
            )
        if self.minimum is not None and value < self.minimum:
            raise SymspecError(f"--{name}: {value} is below the minimum {_number(self.minimum)}")
        if self.maximum is not None and value > self.maximum:
            raise SymspecError(f"--{name}: {value} is above the maximum {_number(self.maximum)}")

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
        raise SymspecError(
            f"{what}: about {operations:.1e} operations exceed the limit of {limit:.0e}; "
            f"choose fewer samples, smaller sizes or fewer layers"
        )


def guard_size(what: str, elements: int, limit: int = MAX_GRID_ELEMENTS) -> None:
    """Refuse a request that would need an absurd amount of memory, naming the size."""
    if elements > limit:
        gib = elements * 16 / 2**30
        raise SymspecError(
            f"{what}: {elements:,} complex values (~{gib:.1f} GiB) exceed the limit of "
            f"{limit:,}; choose smaller sizes or fewer channels/samples"
        )


# ---------------------------------------------------------------------------- options shared by the commands


def parse_seed(name: str, raw: Any) -> int:
    """A random seed: an integer in [0, 2^63) (larger ones overflow torch's generators)."""
    return Param(name, "int", 0, "", minimum=0, maximum=MAX_SEED).parse(raw)


NORM_TOL = 0.1  # the audit's default slack of its continuum certificates (--norm-tol; cost ∝ 1/tol)
NORM_TOL_RANGE = (1e-4, 1.0)  # below 1e-4: ~π²/(2·1e-4) cells per layer; above 1 it says nothing


def parse_norm_tol(name: str, raw: Any) -> float:
    """``--norm-tol``: the relative slack ``upper ≤ (1 + tol) · lower`` a continuum certificate may leave, a
    number in NORM_TOL_RANGE."""
    value = _parse_float(name, raw)
    low, high = NORM_TOL_RANGE
    if not low <= value <= high:
        raise SymspecError(f"--{name}: expected a number from {low:g} to {high:g}, got {raw!r}")
    return value


def parse_threshold(name: str, raw: Any, unit: str = "") -> float:
    """``"30dB"`` -> 30.0: a finite number with an optional unit suffix (NaN and infinities are refused)."""
    text = str(raw).strip()
    if unit and text.lower().endswith(unit.lower()):
        text = text[: -len(unit)].strip()
    return _parse_float(name, text)


def check_thresholds(name: str, raw: Any, unit: str = "dB") -> Any:
    """A condition list such as ``--fail-on "attenuation>30dB,replicas"``: every ``KEY>N`` threshold must be a
    finite number (``attenuation>nandB`` would compare false and silently never fire).  Returns ``raw``
    unchanged; the command parses the conditions themselves."""
    for part in str(raw).split(","):
        key, op, value = part.partition(">")
        if op:
            parse_threshold(f"{name} {key.strip()}", value, unit)
    return raw


def _checked_path(name: str, raw: Any) -> Path:
    text = str(raw)
    if not text.strip():
        raise SymspecError(f"--{name}: empty path")
    if "\x00" in text:
        raise SymspecError(f"--{name}: the path contains a NUL byte")
    return Path(text)


def _exists(name: str, path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError) as exc:
        raise SymspecError(
            f"--{name}: cannot use {str(path)!r}: {getattr(exc, 'strerror', None) or exc}"
        ) from None


def _writable(directory: Path) -> bool:
    """Whether a file can be created in ``directory``: tried, not inferred from permission bits (which
    root passes everywhere, /proc and read-only mounts included)."""
    if not os.access(directory, os.W_OK):
        return False
    import tempfile

    try:
        with tempfile.TemporaryFile(dir=directory):
            return True
    except OSError:
        return False


def parse_output_file(name: str, raw: Any, suffixes: tuple[str, ...] = (".png", ".pdf", ".svg")) -> str:
    """A file symspec will write: a known suffix, in a directory that exists and is writable (checked before
    any work is done, so a typo does not cost a whole run)."""
    path = _checked_path(name, raw)
    if path.suffix.lower() not in suffixes:
        raise SymspecError(f"--{name}: {str(raw)!r} must end in {', '.join(suffixes)}")
    parent = path.parent
    if _exists(name, path) and path.is_dir():
        raise SymspecError(f"--{name}: {str(raw)!r} is a directory")
    if not _exists(name, parent):
        raise SymspecError(f"--{name}: the directory {str(parent)!r} does not exist")
    if not parent.is_dir():
        raise SymspecError(f"--{name}: {str(parent)!r} is not a directory")
    if not _writable(parent):
        raise SymspecError(f"--{name}: cannot write into {str(parent)!r}")
    return str(raw)


def parse_output_dir(name: str, raw: Any) -> str:
    """A directory symspec will write into (created if missing): not an existing file, under a writable
    directory."""
    path = _checked_path(name, raw)
    existing = path
    while not _exists(name, existing) and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise SymspecError(f"--{name}: {str(existing)!r} exists and is not a directory")
    if not _writable(existing):
        raise SymspecError(f"--{name}: cannot write into {str(existing)!r}")
    return str(raw)


def in_section(section: str, wanted: str) -> bool:
    """Whether a ledger row of ``section`` is kept by ``--section wanted``: that section or a subsection of it
    (``4`` keeps 4.1-4.4, ``A`` every appendix A section; a leading § is dropped)."""
    sec, want = section.upper(), str(wanted).strip().lstrip("§").upper()
    return (
        sec == want
        or sec.startswith(want + ".")
        or (len(want) == 1 and want.isalpha() and sec.startswith(want))
    )


IMAGE_SOURCES = ("skimage", "skimage:grey", "lfw", "synthetic")  # and a folder


def parse_image_source(text: str) -> tuple[str, str, bool]:
    """One ``--images`` source as (name, kind, grey): a named source, or a folder that exists."""
    key = text.strip()
    low = key.lower()
    if low in ("skimage", "skimage:rgb"):
        return "skimage", "skimage", False
    if low in ("skimage:grey", "skimage:gray"):
        return "skimage:grey", "skimage", True
    if low in ("lfw", "synthetic"):
        return low, low, False
    if not key:
        raise SymspecError(f"--images: empty source name (use {', '.join(IMAGE_SOURCES)} or a folder)")
    if not Path(key).is_dir():
        raise SymspecError(f"--images: {key!r} is neither a directory nor one of {', '.join(IMAGE_SOURCES)}")
    return key, "folder", False


def parse_image_sources(spec: str) -> list[tuple[str, str, bool]]:
    """``--images``: comma-separated sources (a folder whose own name has a comma is taken whole), each named
    once."""
    parts = [spec] if Path(spec).is_dir() else str(spec).split(",")
    sources = [parse_image_source(part) for part in parts]
    if len({name for name, _, _ in sources}) != len(sources):
        raise SymspecError(f"--images: a source is named twice in {spec!r}")
    return sources
