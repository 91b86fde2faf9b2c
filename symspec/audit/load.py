"""Where a decoder comes from: a Python import path, a saved state dict, or a JSON/YAML layer spec."""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ..claims import Param
from ..errors import SymspecError


def parse_shape(raw: str) -> tuple[int, int, int]:
    """'128x4x4' -> (128, 4, 4): channels x height x width."""
    parts = str(raw).lower().replace(",", "x").split("x")
    if len(parts) != 3:
        raise SymspecError(f"--input: expected CxHxW like 128x4x4, got {raw!r}")
    values = tuple(Param("input", "int", 1, "", minimum=1, maximum=1 << 16).parse(p.strip()) for p in parts)
    if values[0] * values[1] * values[2] > 1 << 24:
        raise SymspecError(f"--input: {raw} has more than {1 << 24:,} values")
    return values  # type: ignore[return-value]


def from_import_path(target: str, args: dict) -> nn.Module:
    """'pkg.module:Name' -> Name(**args) (a class or a factory returning an nn.Module)."""
    if ":" not in target:
        raise SymspecError(f"{target!r} is neither a spec file nor an import path like package.module:Decoder")
    module_name, _, attr = target.partition(":")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise SymspecError(f"cannot import {module_name!r}: {exc}") from None
    obj = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise SymspecError(f"{module_name!r} has no attribute {attr!r}")
        obj = getattr(obj, part)
    if isinstance(obj, nn.Module):
        return obj
    if not callable(obj):
        raise SymspecError(f"{target!r} is not an nn.Module class or factory")
    try:
        built = obj(**args)
    except TypeError as exc:
        raise SymspecError(f"{target}(**{json.dumps(args)}) failed: {exc}") from None
    if not isinstance(built, nn.Module):
        raise SymspecError(f"{target} returned {type(built).__name__}, not an nn.Module")
    return built


def load_weights(module: nn.Module, path: str) -> None:
    if not Path(path).is_file():
        raise SymspecError(f"--weights: no such file {path!r}")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable checkpoint is bad input
        raise SymspecError(f"--weights: cannot read {path!r} as a state dict: {type(exc).__name__}") from None
    if isinstance(state, dict) and "state_dict" in state and isinstance(state["state_dict"], dict):
        state = state["state_dict"]
    if not isinstance(state, dict):
        raise SymspecError(f"--weights: {path!r} does not hold a state dict")
    try:
        module.load_state_dict(state, strict=True)
    except RuntimeError as exc:
        first = str(exc).strip().splitlines()
        detail = " ".join(line.strip() for line in first[1:3]) if len(first) > 1 else first[0]
        raise SymspecError(f"--weights: {path!r} does not match the module: {detail}") from None


# ------------------------------------------------------------------------------------------- spec files

SPEC_LAYERS = {
    "conv": ("in", "out", "kernel", "stride", "padding", "padding_mode", "dilation", "groups", "bias"),
    "conv_transpose": ("in", "out", "kernel", "stride", "padding", "output_padding", "dilation", "groups", "bias"),
    "upsample": ("mode", "ratio"),
    "avgpool": ("kernel", "stride"),
    "pixel_shuffle": ("ratio",),
    "batchnorm": ("channels",),
    "relu": (), "leaky_relu": ("slope",), "tanh": (), "sigmoid": (), "gelu": (), "silu": (),
}
ALIASES = {"conv2d": "conv", "convtranspose": "conv_transpose", "conv_transpose2d": "conv_transpose",
           "deconv": "conv_transpose", "bn": "batchnorm", "batchnorm2d": "batchnorm", "pixelshuffle": "pixel_shuffle"}


def read_spec(path: str) -> dict:
    """Parse a JSON or YAML spec safely (YAML needs PyYAML; only plain data types are accepted)."""
    p = Path(path)
    text = p.read_text()
    if p.suffix.lower() in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError:
            raise SymspecError(f"{path}: YAML specs need PyYAML (pip install pyyaml); JSON works without it") from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            raise SymspecError(f"{path}: malformed YAML{where}") from None
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SymspecError(f"{path}: malformed JSON at line {exc.lineno}: {exc.msg}") from None
    if not isinstance(data, dict) or not isinstance(data.get("layers"), list) or not data["layers"]:
        raise SymspecError(f"{path}: a spec needs a non-empty 'layers' list (and optionally 'input': CxHxW)")
    return data


def _int(entry: dict, key: str, default: Any, where: str) -> Any:
    value = entry.get(key, default)
    if value is default:
        return value
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SymspecError(f"{where}: '{key}' must be a non-negative integer, got {value!r}")
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
            raise SymspecError(f"{where}: unknown layer type {entry['type']!r} (known: {', '.join(SPEC_LAYERS)})")
        extra = set(entry) - {"type", *SPEC_LAYERS[kind]}
        if extra:
            raise SymspecError(f"{where}: unknown key {sorted(extra)[0]!r} for a {kind} layer")
        try:
            layers.append(_make(kind, entry, where))
        except (TypeError, ValueError, RuntimeError) as exc:
            raise SymspecError(f"{where}: {exc}") from None
    return nn.Sequential(*layers)


def _make(kind: str, e: dict, where: str) -> nn.Module:
    if kind in ("conv", "conv_transpose"):
        for key in ("in", "out", "kernel"):
            if key not in e:
                raise SymspecError(f"{where}: a {kind} layer needs '{key}'")
        args = dict(in_channels=_int(e, "in", None, where), out_channels=_int(e, "out", None, where),
                    kernel_size=_int(e, "kernel", None, where), stride=_int(e, "stride", 1, where),
                    padding=_int(e, "padding", 0, where), dilation=_int(e, "dilation", 1, where),
                    groups=_int(e, "groups", 1, where), bias=bool(e.get("bias", True)))
        if kind == "conv":
            mode = e.get("padding_mode", "zeros")
            if mode not in ("zeros", "circular", "reflect", "replicate"):
                raise SymspecError(f"{where}: padding_mode {mode!r} is not one of zeros, circular, reflect, replicate")
            return nn.Conv2d(**args, padding_mode=mode)
        return nn.ConvTranspose2d(**args, output_padding=_int(e, "output_padding", 0, where))
    if kind == "upsample":
        mode = e.get("mode", "nearest")
        if mode not in ("nearest", "bilinear"):
            raise SymspecError(f"{where}: upsample mode {mode!r} is not one of nearest, bilinear")
        ratio = _int(e, "ratio", 2, where)
        return nn.Upsample(scale_factor=ratio, mode=mode, **({"align_corners": False} if mode == "bilinear" else {}))
    if kind == "avgpool":
        return nn.AvgPool2d(_int(e, "kernel", 2, where), _int(e, "stride", None, where))
    if kind == "pixel_shuffle":
        return nn.PixelShuffle(_int(e, "ratio", 2, where))
    if kind == "batchnorm":
        if "channels" not in e:
            raise SymspecError(f"{where}: a batchnorm layer needs 'channels'")
        return nn.BatchNorm2d(_int(e, "channels", None, where))
    return {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "gelu": nn.GELU, "silu": nn.SiLU}.get(
        kind, lambda: nn.LeakyReLU(float(e.get("slope", 0.2))))()


def load(target: str, input_shape: str | None, args_json: str | None, weights: str | None, seed: int = 0):
    """The module (in eval mode, its initial weights drawn with ``seed``) and its input shape."""
    torch.manual_seed(seed)
    args: dict = {}
    if args_json:
        try:
            args = json.loads(args_json)
        except json.JSONDecodeError as exc:
            raise SymspecError(f"--args: malformed JSON: {exc.msg}") from None
        if not isinstance(args, dict):
            raise SymspecError("--args: expected a JSON object like '{\"ch\": 64}'")
    spec_shape = None
    if Path(target).suffix.lower() in (".json", ".yaml", ".yml"):
        if not Path(target).is_file():
            raise SymspecError(f"no such spec file {target!r}")
        data = read_spec(target)
        module = build_from_spec(data, target)
        spec_shape = data.get("input")
    else:
        module = from_import_path(target, args)
    if weights:
        load_weights(module, weights)
    raw_shape = input_shape or (spec_shape if isinstance(spec_shape, str) else
                                "x".join(map(str, spec_shape)) if isinstance(spec_shape, list) else None)
    if raw_shape is None:
        raise SymspecError("--input: give the input shape CxHxW (e.g. 128x4x4)")
    return module.eval(), parse_shape(raw_shape)
