"""One JSON schema for every command (``symspec schema`` prints it; ``symspec/schema.json`` ships it).

Every document is an object with ``schema`` ("symspec/1"), ``command``, ``params``, ``verdict`` and the
command's rows under ``results`` (check, falsify, findings, list, derive, experiment), ``rows`` (ledger) or
``layers`` (audit).  Values: complex numbers are ``[re, im]``; NaN and infinities are the strings ``"nan"``,
``"inf"``, ``"-inf"`` (the output is strict JSON: no bare ``NaN``/``Infinity``).  On a stdout that cannot
encode UTF-8 the text is ASCII with ``\\u`` escapes, the same document.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np

from .console import encodes

SCHEMA_ID = "symspec/1"
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema.json"


def jsonable(value: Any) -> Any:
    """Complex numbers as [re, im]; numpy scalars and arrays as plain JSON; NaN/inf as strings."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, (complex, np.complexfloating)):
        value = complex(value)
        return [jsonable(value.real), jsonable(value.imag)]
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value
    if isinstance(value, Path):
        return str(value)
    return value


def document(command: str, params: Any, verdict: Any, key: str = "results", rows: Any = (), **extra) -> str:
    """The JSON text of one command's output in the shared envelope."""
    doc = {
        "schema": SCHEMA_ID,
        "command": command,
        "params": params if params is not None else {},
        key: list(rows),
        "verdict": verdict,
        **extra,
    }
    return json.dumps(jsonable(doc), indent=2, allow_nan=False, ensure_ascii=not encodes(sys.stdout))


def schema_text() -> str:
    return SCHEMA_PATH.read_text(encoding="utf-8")
