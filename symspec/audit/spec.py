"""JSON/YAML layer specs: a list of plain layers, each field in its range, built into an ``nn.Sequential``.

YAML goes through a safe loader with aliases refused; nesting depth, node count and layer count are bounded
before anything is built."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from torch import nn

from ..errors import SymspecError
from .arguments import MAX_DEPTH, MAX_NODES, parse_json, read_text

MAX_LAYERS = 1_000

SPEC_LAYERS = {
    "conv": ("in", "out", "kernel", "stride", "padding", "padding_mode", "dilation", "groups", "bias"),
    "conv_transpose": (
        "in",
        "out",
        "kernel",
        "stride",
        "padding",
        "output_padding",
        "dilation",
        "groups",
        "bias",
    ),
    "upsample": ("mode", "ratio"),
    "avgpool": ("kernel", "stride"),
    "pixel_shuffle": ("ratio",),
    "batchnorm": ("channels",),
    "relu": (),
    "leaky_relu": ("slope",),
    "tanh": (),
    "sigmoid": (),
    "gelu": (),
    "silu": (),
}
ALIASES = {
    "conv2d": "conv",
    "convtranspose": "conv_transpose",
    "conv_transpose2d": "conv_transpose",
    "deconv": "conv_transpose",
    "bn": "batchnorm",
    "batchnorm2d": "batchnorm",
    "pixelshuffle": "pixel_shuffle",
}
FIELD_RANGES = {
    "in": (1, 1 << 16),
    "out": (1, 1 << 16),
    "channels": (1, 1 << 16),
    "groups": (1, 1 << 16),
    "kernel": (1, 1024),
    "stride": (1, 1024),
    "dilation": (1, 1024),
    "padding": (0, 4096),
    "output_padding": (0, 1024),
    "ratio": (1, 64),
}


def flow_depth(text: str, where: str) -> int:
    """The deepest nesting of flow collections (``[``, ``{``) in a YAML text, found by a scan that skips
    quoted
    scalars and comments; refuses past MAX_DEPTH.  An opening bracket counts where a flow collection can start
    (after a space, an indicator or another bracket), so brackets inside plain scalars are not counted."""
    depth = deepest = 0
    i, n = 0, len(text)
    prev = "\n"
    while i < n:
        ch = text[i]
        if ch in "'\"" and (prev in " \t\n[{,:-?" or depth):
            quote, i = ch, i + 1
            while i < n:
                if text[i] == "\\" and quote == '"':
                    i += 2
                    continue
                if text[i] == quote:
                    if quote == "'" and i + 1 < n and text[i + 1] == "'":
                        i += 2
                        continue
                    break
                i += 1
        elif ch == "#" and prev in " \t\n":
            while i < n and text[i] != "\n":
                i += 1
            ch = "\n"
        elif ch in "[{" and (prev in " \t\n[{,:-?" or depth):
            depth += 1
            if depth > MAX_DEPTH:
                raise SymspecError(f"{where}: nested more than {MAX_DEPTH} levels deep")
            deepest = max(deepest, depth)
        elif ch in "[{":
            ch = "a"  # part of a plain scalar
        elif ch in "]}" and depth:
            depth -= 1
        prev = ch
        i += 1
    return deepest


def parse_yaml(text: str, where: str) -> Any:
    """YAML through the safe loader; aliases refused (no "billion laughs"), nesting and size bounded by a scan
    of
    the event stream before anything is built."""
    try:
        import yaml
    except ImportError:
        raise SymspecError(
            f"{where}: YAML specs need PyYAML (pip install pyyaml); JSON works without it"
        ) from None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    flow_depth(text, where)  # before any parser runs: its own limits (and their messages) vary by version
    depth = nodes = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.AliasEvent):
                raise SymspecError(
                    f"{where}: YAML aliases (*{event.anchor}) are not accepted in a spec, at line "
                    f"{event.start_mark.line + 1}"
                )
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise SymspecError(f"{where}: nested more than {MAX_DEPTH} levels deep")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            elif isinstance(event, yaml.ScalarEvent):
                nodes += 1
                if nodes > MAX_NODES:
                    raise SymspecError(f"{where}: more than {MAX_NODES:,} values")
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None)
        raise SymspecError(f"{where}: malformed YAML{at}" + (f": {problem}" if problem else "")) from None
    except (
        ValueError,
        OverflowError,
    ) as exc:  # a scalar the safe constructor cannot convert (huge int, bad date)
        if isinstance(exc, SymspecError):
            raise
        raise SymspecError(f"{where}: malformed YAML: {exc}") from None


def is_spec(target: str) -> bool:
    """A target naming a JSON or YAML file (by its suffix) rather than an import path."""
    return str(target).lower().endswith((".json", ".yaml", ".yml"))


def read_spec(path: str) -> dict:
    """Parse a JSON or YAML spec safely (YAML needs PyYAML; only plain data types are accepted)."""
    text = read_text(path)
    data = (
        parse_yaml(text, path) if Path(path).suffix.lower() in (".yaml", ".yml") else parse_json(text, path)
    )
    if not isinstance(data, dict) or not isinstance(data.get("layers"), list) or not data["layers"]:
        raise SymspecError(f"{path}: a spec needs a non-empty 'layers' list (and optionally 'input': CxHxW)")
    if len(data["layers"]) > MAX_LAYERS:
        raise SymspecError(f"{path}: {len(data['layers']):,} layers; the limit is {MAX_LAYERS:,}")
    return data


def _int(entry: dict, key: str, default: Any, where: str) -> Any:
    value = entry.get(key, default)
    if value is default:
        return value
    low, high = FIELD_RANGES.get(key, (0, 1 << 16))
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SymspecError(f"{where}: '{key}' must be a non-negative integer, got {value!r}")
    if not low <= value <= high:
        raise SymspecError(f"{where}: '{key}' must be between {low} and {high}, got {value}")
    return value


def build_from_spec(data: dict, path: str) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i, entry in enumerate(data["layers"]):
        where = f"{path}: layer {i + 1}"
        if not isinstance(entry, dict) or "type" not in entry:
            raise SymspecError(f"{where}: each layer needs a 'type'")
        kind = str(entry["type"]).lower().replace("-", "_")
        kind = ALIASES.get(kind, kind)
        if kind not in SPEC_LAYERS:
            raise SymspecError(
                f"{where}: unknown layer type {entry['type']!r} (known: {', '.join(SPEC_LAYERS)})"
            )
        extra = set(entry) - {"type", *SPEC_LAYERS[kind]}
        if extra:
            raise SymspecError(f"{where}: unknown key {sorted(extra, key=str)[0]!r} for a {kind} layer")
        try:
            layers.append(_make(kind, entry, where))
        except (TypeError, ValueError, RuntimeError) as exc:
            if isinstance(exc, SymspecError):
                raise
            raise SymspecError(f"{where}: {exc}") from None
    return nn.Sequential(*layers)


def _choice(entry: dict, key: str, default: str, choices: tuple[str, ...], where: str, what: str) -> str:
    value = entry.get(key, default)
    if not isinstance(value, str) or value not in choices:
        raise SymspecError(f"{where}: {what} {value!r} is not one of {', '.join(choices)}")
    return value


def _make(kind: str, e: dict, where: str) -> nn.Module:
    if kind in ("conv", "conv_transpose"):
        for key in ("in", "out", "kernel"):
            if key not in e:
                raise SymspecError(f"{where}: a {kind} layer needs '{key}'")
        if not isinstance(e.get("bias", True), bool):
            raise SymspecError(f"{where}: 'bias' must be true or false, got {e['bias']!r}")
        args = dict(
            in_channels=_int(e, "in", None, where),
            out_channels=_int(e, "out", None, where),
            kernel_size=_int(e, "kernel", None, where),
            stride=_int(e, "stride", 1, where),
            padding=_int(e, "padding", 0, where),
            dilation=_int(e, "dilation", 1, where),
            groups=_int(e, "groups", 1, where),
            bias=e.get("bias", True),
        )
        if kind == "conv":
            mode = _choice(
                e,
                "padding_mode",
                "zeros",
                ("zeros", "circular", "reflect", "replicate"),
                where,
                "padding_mode",
            )
            return nn.Conv2d(**args, padding_mode=mode)
        return nn.ConvTranspose2d(**args, output_padding=_int(e, "output_padding", 0, where))
    if kind == "upsample":
        mode = _choice(e, "mode", "nearest", ("nearest", "bilinear"), where, "upsample mode")
        ratio = _int(e, "ratio", 2, where)
        return nn.Upsample(
            scale_factor=ratio, mode=mode, **({"align_corners": False} if mode == "bilinear" else {})
        )
    if kind == "avgpool":
        return nn.AvgPool2d(_int(e, "kernel", 2, where), _int(e, "stride", None, where))
    if kind == "pixel_shuffle":
        return nn.PixelShuffle(_int(e, "ratio", 2, where))
    if kind == "batchnorm":
        if "channels" not in e:
            raise SymspecError(f"{where}: a batchnorm layer needs 'channels'")
        return nn.BatchNorm2d(_int(e, "channels", None, where))
    if kind == "leaky_relu":
        slope = e.get("slope", 0.2)
        if (
            isinstance(slope, bool)
            or not isinstance(slope, (int, float))
            or not math.isfinite(slope)
            or abs(slope) > 1e6
        ):
            raise SymspecError(f"{where}: 'slope' must be a finite number, got {slope!r}")
        return nn.LeakyReLU(float(slope))
    return {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "gelu": nn.GELU, "silu": nn.SiLU}[kind]()
