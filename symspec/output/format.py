"""Values as text: compact numbers for tables and exact values for command lines (no symspec imports)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def fmt(value: Any) -> str:
    """Compact human form: 4 significant digits, complex as a+bi."""
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (complex, np.complexfloating)):
        value = complex(value)
        scale = max(abs(value.real), abs(value.imag))
        if abs(value.imag) <= 1e-12 * scale:  # round-off in a real quantity
            return fmt(value.real)
        if abs(value.real) <= 1e-12 * scale:
            return f"{value.imag:.4g}i"
        return f"{value.real:.4g}{value.imag:+.4g}i"
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if math.isnan(value):
            return "nan"
        return f"{value:.4g}"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, dict):
        return ", ".join(f"{k}={fmt(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(fmt(v) for v in value) + "]"
    return str(value)


def option_value(value: Any) -> str:
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(x, int) for x in value):
        return f"{value[0]},{value[1]}"
    if isinstance(value, (tuple, list)):
        return ",".join(f"{x:g}" if isinstance(x, float) else str(x) for x in value)
    if isinstance(value, float):
        return f"{value:.17g}"
    return str(value)


def break_identifier(text: str, width: int) -> str:
    """An identifier laid out on lines of at most ``width`` characters, broken only after a separator (``.``,
    ``_``, ``@``, ``-``, ``/``) so that no word is cut; a single part longer than ``width`` stays whole."""
    if len(text) <= width or width < 1:
        return text
    parts, current = [], ""
    for ch in text:
        current += ch
        if ch in "._@-/":
            parts.append(current)
            current = ""
    if current:
        parts.append(current)
    lines, line = [], ""
    for part in parts:
        if line and len(line) + len(part) > width:
            lines.append(line)
            line = ""
        line += part
    lines.append(line)
    return "\n".join(lines)
