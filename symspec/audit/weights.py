"""Checkpoints: a state dict read without unpickling code (``torch.load(weights_only=True)``, memory-mapped
where the format allows) or through safetensors, checked against the module before it is loaded."""

from __future__ import annotations

import os
import re

import torch
from torch import nn

from ..errors import SymspecError
from .arguments import regular_file

MAX_HEADER = 100 << 20  # bytes of a safetensors JSON header (the format's own bound)


def module_bytes(module: nn.Module) -> int:
    return sum(t.numel() * t.element_size() for t in module.state_dict().values())


def check_safetensors_size(path: str, module: nn.Module) -> None:
    """Before anything is read: the 8-byte header length must fit the file and the format's bound, and the
    file must not be far larger than this module's weights (at most twice, as float64, plus the header)."""
    size = os.stat(path).st_size
    with open(path, "rb") as f:
        head = f.read(8)
    header = int.from_bytes(head, "little") if len(head) == 8 else -1
    if not 0 < header <= min(MAX_HEADER, size - 8):
        raise SymspecError(
            f"--weights: cannot read {path!r} as safetensors: its header length "
            f"({header:,} bytes) does not fit a file of {size:,} bytes"
        )
    limit = 2 * module_bytes(module) + header + 8 + (1 << 20)
    if size > limit:
        raise SymspecError(
            f"--weights: {path!r} has {size:,} bytes, far more than this module's weights (limit {limit:,})"
        )


def _read_state(path: str, module: nn.Module) -> dict:
    """A state dict from ``path`` holding only tensors, without unpickling code and without reading tensors
    the module does not have (safetensors) or more than the file maps (torch zip checkpoints)."""
    if path.lower().endswith(".safetensors"):
        try:
            from safetensors import safe_open
        except ImportError:
            raise SymspecError(
                "--weights: .safetensors files need the safetensors package (pip install safetensors)"
            ) from None
        check_safetensors_size(path, module)
        expected = module.state_dict()
        try:
            with safe_open(path, framework="pt", device="cpu") as f:
                keys = set(f.keys())
                _match_keys(path, keys, set(expected))
                for key in keys:
                    shape = tuple(f.get_slice(key).get_shape())
                    if shape != tuple(expected[key].shape):
                        raise SymspecError(
                            f"--weights: {path!r} does not match the module: {key!r} has shape "
                            f"{shape}, the module {tuple(expected[key].shape)}"
                        )
                return {key: f.get_tensor(key) for key in keys}
        except SymspecError:
            raise
        except Exception as exc:  # noqa: BLE001 - a corrupt header, a truncated file
            raise SymspecError(
                f"--weights: cannot read {path!r} as safetensors: {type(exc).__name__}: {str(exc)[:120]}"
            ) from None
    try:
        try:
            return torch.load(path, map_location="cpu", weights_only=True, mmap=True)
        except RuntimeError as exc:
            if "mmap" not in str(exc):
                raise
        size = os.stat(path).st_size  # a legacy (non-zip) checkpoint is read whole: bound it by the module
        limit = 4 * module_bytes(module) + (64 << 20)
        if size > limit:
            raise SymspecError(
                f"--weights: {path!r} has {size:,} bytes, far more than this module's weights "
                f"(limit {limit:,})"
            )
        return torch.load(path, map_location="cpu", weights_only=True)
    except SymspecError:
        raise
    except Exception as exc:  # noqa: BLE001 - any unreadable checkpoint is bad input
        text = str(exc)
        found = re.search(r"Unsupported global: GLOBAL ([\w.]+)", text)
        if found:
            raise SymspecError(
                f"--weights: {path!r} pickles Python objects ({found.group(1)}), e.g. a whole saved "
                f"module, which symspec does not unpickle; save module.state_dict() or a .safetensors "
                f"file"
            ) from None
        reason = re.search(r"WeightsUnpickler error:\s*(.+)", text)
        raise SymspecError(
            f"--weights: cannot read {path!r} as a state dict: "
            f"{reason.group(1).strip() if reason else type(exc).__name__}"
        ) from None


def _match_keys(path: str, given: set, expected: set) -> None:
    missing, unexpected = sorted(expected - given), sorted(given - expected, key=str)
    if missing or unexpected:
        detail = (
            (f"missing {missing[0]!r}" if missing else "")
            + (", " if missing and unexpected else "")
            + (f"unexpected {unexpected[0]!r}" if unexpected else "")
        )
        raise SymspecError(
            f"--weights: {path!r} does not match the module: {detail} "
            f"({len(missing)} missing, {len(unexpected)} unexpected)"
        )


def load_weights(module: nn.Module, path: str) -> None:
    """Load a state dict (``.pt``/``.pth``/``.ckpt`` or ``.safetensors``) into ``module``, strictly."""
    regular_file(path, "file", "--weights: ")
    state = _read_state(path, module)
    if isinstance(state, dict) and "state_dict" in state and isinstance(state["state_dict"], dict):
        state = state["state_dict"]
    if not isinstance(state, dict):
        raise SymspecError(f"--weights: {path!r} does not hold a state dict")
    for key, value in state.items():
        if not isinstance(key, str):
            raise SymspecError(
                f"--weights: {path!r} has a key {key!r} of type {type(key).__name__}; a state "
                f"dict's keys are parameter names (strings)"
            )
        if not isinstance(value, torch.Tensor):
            raise SymspecError(f"--weights: {path!r} holds a {type(value).__name__} at {key!r}, not a tensor")
        if value.is_complex():
            raise SymspecError(
                f"--weights: {path!r} holds a complex tensor ({value.dtype}) at {key!r}; the "
                f"module's weights are real"
            )
        if value.is_floating_point():
            if not bool(torch.isfinite(value).all()):
                raise SymspecError(f"--weights: {path!r} holds NaN or infinite values in {key!r}")
    try:
        module.load_state_dict(state, strict=True)
    except (RuntimeError, TypeError, ValueError) as exc:
        first = str(exc).strip().splitlines() or [type(exc).__name__]
        detail = " ".join(line.strip() for line in first[1:3]) if len(first) > 1 else first[0]
        raise SymspecError(f"--weights: {path!r} does not match the module: {detail}") from None
