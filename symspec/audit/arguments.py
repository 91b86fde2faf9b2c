"""What the command line and user files hand the audit before any model exists: shapes, ``--args``, JSON
documents and text files, each bounded and answered with one :class:`SymspecError` line when bad.  No torch
here: these are refused before torch is imported."""

from __future__ import annotations

import json
import math
import os
import re
import stat
from typing import Any

from ..errors import SymspecError
from ..params import Param

MAX_SPEC_BYTES = 256 * 1024  # a spec of 1,000 layers is ~60 KB
MAX_ARGS_BYTES = 64 * 1024
MAX_DEPTH = 32  # nesting of JSON/YAML containers (a spec needs 3)
MAX_NODES = 100_000  # values in one JSON/YAML document
MAX_INPUT_VALUES = 1 << 24


def parse_shape(raw: Any) -> tuple[int, int, int]:
    """'128x4x4' (or [128, 4, 4] from a spec) -> (128, 4, 4): channels x height x width."""
    parts = list(raw) if isinstance(raw, (list, tuple)) else str(raw).lower().replace(",", "x").split("x")
    if len(parts) != 3:
        raise SymspecError(f"--input: expected CxHxW like 128x4x4, got {raw!r}")
    values = tuple(
        Param("input", "int", 1, "", minimum=1, maximum=1 << 16).parse(p.strip() if isinstance(p, str) else p)
        for p in parts
    )
    if values[0] * values[1] * values[2] > MAX_INPUT_VALUES:
        raise SymspecError(f"--input: {'x'.join(map(str, values))} has more than {MAX_INPUT_VALUES:,} values")
    return values  # type: ignore[return-value]


def regular_file(path: str, what: str, prefix: str = "", limit: int | None = None) -> int:
    """The size of a regular file the user named; a missing path, a directory, a FIFO or a device (reading one
    would block), an unreadable file and one over ``limit`` bytes are refused."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        raise SymspecError(f"{prefix}no such {what} {path!r}") from None
    if not stat.S_ISREG(info.st_mode):
        raise SymspecError(f"{prefix}{what} {path!r} is not a regular file")
    if not os.access(path, os.R_OK):
        raise SymspecError(f"{prefix}cannot read {what} {path!r} (permission denied)")
    if limit is not None and info.st_size > limit:
        raise SymspecError(f"{prefix}{what} {path!r} has {info.st_size:,} bytes; the limit is {limit:,}")
    return info.st_size


def read_text(path: str, what: str = "spec file", limit: int = MAX_SPEC_BYTES) -> str:
    """A user-named text file as UTF-8 (a BOM is allowed), within ``limit`` bytes."""
    regular_file(path, what, limit=limit)
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except OSError as exc:
        raise SymspecError(f"{path}: cannot read the {what}: {exc.strerror or type(exc).__name__}") from None
    if len(data) > limit:
        raise SymspecError(f"{path}: the {what} has more than {limit:,} bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SymspecError(
            f"{path}: the {what} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}); save it as UTF-8"
        ) from None


def check_structure(data: Any, where: str) -> None:
    """Refuse documents nested deeper than MAX_DEPTH or holding more than MAX_NODES values (iteratively)."""
    stack, nodes = [(data, 1)], 0
    while stack:
        value, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise SymspecError(f"{where}: more than {MAX_NODES:,} values")
        if isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                raise SymspecError(f"{where}: nested more than {MAX_DEPTH} levels deep")
            items = value.values() if isinstance(value, dict) else value
            stack.extend((item, depth + 1) for item in items)


def _refuse_constant(name: str):
    raise SymspecError(f"JSON constant {name} is not a number symspec accepts")


def parse_json(text: str, where: str) -> Any:
    """JSON with NaN/Infinity refused and nesting bounded."""
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except SymspecError as exc:
        raise SymspecError(f"{where}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise SymspecError(f"{where}: malformed JSON at line {exc.lineno}: {exc.msg}") from None
    except RecursionError:
        raise SymspecError(f"{where}: nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as exc:  # e.g. an integer literal of thousands of digits
        raise SymspecError(f"{where}: malformed JSON: {exc}") from None
    check_structure(data, where)
    return data


def parse_args_json(args_json: str | None) -> dict:
    """``--args``: a JSON object of keyword arguments, bounded like a spec file."""
    if not args_json:
        return {}
    if len(args_json) > MAX_ARGS_BYTES:
        raise SymspecError(f"--args: {len(args_json):,} characters; the limit is {MAX_ARGS_BYTES:,}")
    args = parse_json(args_json, "--args")
    if not isinstance(args, dict):
        raise SymspecError("--args: expected a JSON object like '{\"ch\": 64}'")
    bad = next((k for k in args if not k.isidentifier()), None)
    if bad is not None:
        raise SymspecError(f"--args: {bad!r} is not a keyword argument name")
    return args


# ------------------------------------------------------------------------------------ forward arguments

SHAPE_TEXT = re.compile(r"^\s*(?:B|\d+)(\s*x\s*\d+)+\s*$")


def is_shape_text(value: str) -> bool:
    """'1x77x32' (or 'Bx77x32', B the audit's batch): a --forward-kwargs value for a random tensor."""
    return SHAPE_TEXT.match(value) is not None


def shape_of(text: str, where: str, batch: int = 1) -> tuple[int, ...]:
    sizes = tuple(batch if p.strip() == "B" else int(p) for p in text.split("x"))
    if min(sizes) < 1 or math.prod(sizes) > MAX_INPUT_VALUES:
        raise SymspecError(
            f"{where}: shape {text.strip()!r} needs positive sizes and at most {MAX_INPUT_VALUES:,} values"
        )
    return sizes


def parse_forward_kwargs(text: str | None) -> dict:
    """``--forward-kwargs``: a JSON object of extra forward arguments; shape strings ('1x77x32') are checked
    here and become random tensors when the model's dtype is known."""
    if not text:
        return {}
    if len(text) > MAX_ARGS_BYTES:
        raise SymspecError(f"--forward-kwargs: {len(text):,} characters; the limit is {MAX_ARGS_BYTES:,}")
    kwargs = parse_json(text, "--forward-kwargs")
    if not isinstance(kwargs, dict):
        raise SymspecError("--forward-kwargs: expected a JSON object like '{\"timestep\": 10}'")
    for key, value in kwargs.items():
        if not key.isidentifier():
            raise SymspecError(f"--forward-kwargs: {key!r} is not a keyword argument name")
        if isinstance(value, str) and is_shape_text(value):
            shape_of(value, f"--forward-kwargs {key!r}")
    return kwargs


# ------------------------------------------------------------------------------------------------ memory

MEMORY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*$", re.I)
MEMORY_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
MEMORY_FRACTION = 0.5  # of the memory available when the audit starts


def available_memory() -> int | None:
    """Bytes of memory available now (Linux: MemAvailable; elsewhere free pages), or None where unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):
        return None


def parse_memory(raw: str | None) -> int | None:
    """``--max-memory``: '4G', '512M', '1.5GiB' or bytes; None gives half the available memory (None where
    that is unknown: no limit)."""
    if raw is None:
        free = available_memory()
        return int(free * MEMORY_FRACTION) if free else None
    found = MEMORY.match(str(raw))
    if not found:
        raise SymspecError(f"--max-memory: expected a size like 4G or 512M, got {raw!r}")
    size = float(found.group(1)) * MEMORY_UNITS[found.group(2).upper()]
    if not 1 << 20 <= size <= 1 << 50:
        raise SymspecError(f"--max-memory: {raw!r} must be between 1M and 1024T")
    return int(size)
