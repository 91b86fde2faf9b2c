"""Where a decoder comes from: a Python import path, a saved state dict, or a JSON/YAML layer spec.

Everything here reads input that may be careless or hostile, and answers a bad one with a :class:`SymspecError`
(one line, exit 2) before doing anything expensive or unnamed:

- **import paths** run only what the user named: the module is imported with the installed packages ahead of the
  working directory (a local ``matplotlib.py`` cannot replace matplotlib), standard-library modules are refused
  before import, and the named object must be an ``nn.Module`` subclass, a module instance, or a factory (a
  Python function defined in the named package, or a classmethod of a module class) whose arguments bind;
  anything else (``subprocess:getoutput``, ``os:system``, ``builtins:exec``) is refused before it is called.
  A module that raises or calls ``sys.exit`` while importing is bad input naming the module.
- **spec files** are read as UTF-8 within a size limit; YAML goes through a safe loader with aliases refused;
  nesting depth, node count and layer count are bounded, and every layer field has a range.
- **sizes**: a class or a spec is first built on the ``meta`` device (no memory) to count its parameters, and
  every module runs once on a meta input with meta stand-ins for its weights before the audit allocates
  anything: the largest tensor and the multiply-adds of one forward pass are checked against the limits below.
- **checkpoints** load with ``weights_only=True`` (memory-mapped where the format allows) or, for
  ``.safetensors``, through the safetensors library; a pickled module is refused with its reason.
"""

from __future__ import annotations

import copy
import functools
import importlib
import inspect
import json
import math
import os
import re
import stat
import sys
from pathlib import Path
from typing import Any, Callable

import torch
from torch import nn
from torch.overrides import TorchFunctionMode

from ..claims import Param
from ..errors import SymspecError

MAX_SPEC_BYTES = 256 * 1024  # a spec of 1,000 layers is ~60 KB
MAX_ARGS_BYTES = 64 * 1024
MAX_DEPTH = 32  # nesting of JSON/YAML containers (a spec needs 3)
MAX_NODES = 100_000  # values in one JSON/YAML document
MAX_LAYERS = 1_000
MAX_INPUT_VALUES = 1 << 24
MAX_PARAMETERS = 1 << 28  # 1 GiB of float32 weights
MAX_ACTIVATION = 1 << 28  # values of the largest tensor of one forward pass, batch included (1 GiB of float32)
MAX_MACS = 5e12  # multiply-adds of one forward pass (minutes on a 2-core CPU)

# Top-level packages that hold no decoder factories: their classes may be named (torch.nn:Upsample), their
# functions may not (torch:load unpickles, sympy:sympify evaluates, numpy:load may unpickle).
INFRASTRUCTURE = frozenset({"symspec", "torch", "numpy", "sympy", "click", "rich", "yaml", "safetensors", "matplotlib",
                            "PIL", "pip", "setuptools", "pkg_resources", "pytest", "_pytest", "hypothesis", "IPython"})


def parse_shape(raw: Any) -> tuple[int, int, int]:
    """'128x4x4' (or [128, 4, 4] from a spec) -> (128, 4, 4): channels x height x width."""
    parts = list(raw) if isinstance(raw, (list, tuple)) else str(raw).lower().replace(",", "x").split("x")
    if len(parts) != 3:
        raise SymspecError(f"--input: expected CxHxW like 128x4x4, got {raw!r}")
    values = tuple(Param("input", "int", 1, "", minimum=1, maximum=1 << 16).parse(
        p.strip() if isinstance(p, str) else p) for p in parts)
    if values[0] * values[1] * values[2] > MAX_INPUT_VALUES:
        raise SymspecError(f"--input: {'x'.join(map(str, values))} has more than {MAX_INPUT_VALUES:,} values")
    return values  # type: ignore[return-value]


# ------------------------------------------------------------------------------------------ import paths

def demote_working_directory() -> None:
    """Put the working directory last on the import path (``python -m`` and some tools put it first): installed
    packages then win over a local file named like one, and a decoder module there is still found."""
    try:
        cwd = os.path.realpath(os.getcwd())
    except OSError:  # the working directory was deleted
        return
    here = [p for p in sys.path if os.path.realpath(p or ".") == cwd]
    sys.path[:] = [p for p in sys.path if p not in here] + [cwd]
    importlib.invalidate_caches()


def import_module(module_name: str):
    """Import the module named by a target, refusing names that cannot hold a decoder before importing."""
    if not module_name or not all(part.isidentifier() for part in module_name.split(".")):
        raise SymspecError(f"{module_name!r} is not a module name like package.module")
    top = module_name.partition(".")[0]
    if top in sys.stdlib_module_names or top in ("__main__", "symspec"):
        raise SymspecError(f"{module_name!r} is {'symspec itself' if top == 'symspec' else 'part of Python'}, "
                           f"not a module with a decoder")
    demote_working_directory()
    try:
        return importlib.import_module(module_name)
    except SystemExit as exc:
        raise SymspecError(f"cannot import {module_name!r}: importing it called sys.exit({exc.code!r})") from None
    except ModuleNotFoundError as exc:
        raise SymspecError(f"cannot import {module_name!r}: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - whatever the user's module raises is bad input, not a defect
        raise SymspecError(f"cannot import {module_name!r}: importing it raised {type(exc).__name__}: {exc}") from None


def _returns_non_module(obj: Callable) -> bool:
    """True where a factory's return annotation names a class that is not an nn.Module (``-> str``)."""
    try:
        annotation = inspect.signature(obj).return_annotation
    except (TypeError, ValueError):
        return False
    return isinstance(annotation, type) and annotation is not inspect.Signature.empty and not issubclass(
        annotation, nn.Module)


def resolve(target: str, args: dict) -> nn.Module | Callable[[], nn.Module]:
    """'pkg.module:Name' -> a module instance, or a builder calling Name(**args) once it has been vetted.

    Nothing is called here: the object is checked to be an nn.Module subclass, a classmethod of one, or a
    Python function defined in the named package, and ``args`` are bound to its signature."""
    if ":" not in target:
        raise SymspecError(f"{target!r} is neither a spec file nor an import path like package.module:Decoder")
    module_name, _, attr = target.partition(":")
    module = import_module(module_name.strip())
    obj = module
    for part in attr.split("."):
        if not part.isidentifier():
            raise SymspecError(f"{module_name!r} has no attribute {attr!r}")
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise SymspecError(f"{module_name!r} has no attribute {attr!r}") from None
        except Exception as exc:  # noqa: BLE001 - a module __getattr__ of the user's
            raise SymspecError(f"{target}: looking up {part!r} raised {type(exc).__name__}: {exc}") from None
    if isinstance(obj, nn.Module):
        if args:
            raise SymspecError(f"--args: {target} is a module instance; only a class or a factory takes arguments")
        return obj
    top = module_name.strip().partition(".")[0]
    refuse = f"{target} is not an nn.Module class or a decoder factory"
    if isinstance(obj, type):
        if not issubclass(obj, nn.Module):
            raise SymspecError(f"{refuse}: it is a class that does not subclass torch.nn.Module")
    elif inspect.ismethod(obj) and isinstance(obj.__self__, type) and issubclass(obj.__self__, nn.Module):
        pass  # a classmethod of a module class: from_config, from_pretrained
    elif inspect.isfunction(obj):
        origin = str(getattr(obj, "__module__", None) or "?")
        if origin.partition(".")[0] != top:
            raise SymspecError(f"{refuse}: it is a function from {origin!r}, not one defined in {module_name!r}")
        if top in INFRASTRUCTURE:
            raise SymspecError(f"{refuse}: functions of {top} are not decoder factories (its classes may be named)")
        if _returns_non_module(obj):
            raise SymspecError(f"{refuse}: it is annotated to return {obj.__annotations__.get('return')!r}")
    else:
        raise SymspecError(f"{refuse}: it is a {type(obj).__name__}")
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        signature = None
    if signature is not None:
        try:
            signature.bind(**args)
        except TypeError as exc:
            raise SymspecError(f"{target}(**{json.dumps(args)}) failed: {exc}") from None
    return functools.partial(obj, **args)


def build(target: str, builder: Callable[[], nn.Module]) -> nn.Module:
    """Call a vetted builder; whatever the user's code raises (or a sys.exit) is bad input naming the target."""
    try:
        built = builder()
    except SymspecError:
        raise
    except SystemExit as exc:
        raise SymspecError(f"{target} called sys.exit({exc.code!r}) while building the module") from None
    except Exception as exc:  # noqa: BLE001
        args = getattr(builder, "keywords", {})
        raise SymspecError(f"{target}(**{json.dumps(args)}) failed: {type(exc).__name__}: {exc}") from None
    if not isinstance(built, nn.Module):
        raise SymspecError(f"{target} returned {type(built).__name__}, not an nn.Module")
    return built


# ------------------------------------------------------------------------------------- resources, on meta

class _Footprint(TorchFunctionMode):
    """Largest tensor and multiply-adds of a forward pass, recorded op by op (on meta tensors: nothing runs)."""

    MACS = {"conv1d", "conv2d", "conv3d", "linear", "matmul", "bmm", "mm"}
    TRANSPOSED = {"conv_transpose1d", "conv_transpose2d", "conv_transpose3d"}

    def __init__(self):
        super().__init__()
        self.peak, self.macs = 0, 0.0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        outs = out if isinstance(out, (tuple, list)) else (out,)
        for t in outs:
            if isinstance(t, torch.Tensor):
                self.peak = max(self.peak, t.numel())
        name = getattr(func, "__name__", "")
        tensors = [a for a in args if isinstance(a, torch.Tensor)]
        if len(tensors) >= 2 and isinstance(out, torch.Tensor):
            x, w = tensors[0], tensors[1]
            if name in self.MACS and w.dim() >= 1:
                inner = w[0].numel() if name.startswith("conv") else x.shape[-1] if x.dim() else 1
                self.macs += float(out.numel()) * inner
            elif name in self.TRANSPOSED and w.dim() >= 1:
                self.macs += float(x.numel()) * w[0].numel()
        return out


def guard_parameters(what: str, builder: Callable[[], nn.Module]) -> None:
    """Build the module on the meta device (no memory, no initialisation) and refuse one with more parameters than
    the limit, naming the count.  Used for classes and specs, whose constructors can run twice; a module that
    cannot be built on meta is not judged here (building it for real reports its own errors)."""
    try:
        with torch.device("meta"):
            probe = builder()
    except (Exception, SystemExit):  # noqa: BLE001 - judged when built for real
        return
    if isinstance(probe, nn.Module):
        count = sum(t.numel() for t in probe.parameters()) + sum(t.numel() for t in probe.buffers())
        if count > MAX_PARAMETERS:
            raise SymspecError(f"{what}: {count:,} parameters (~{count * 4 / 2**30:.1f} GiB) exceed the limit of "
                               f"{MAX_PARAMETERS:,}; choose fewer channels or layers")


def _meta_copy(module: nn.Module) -> nn.Module | None:
    """A copy of ``module`` whose parameters and buffers are meta tensors (no memory, no data), or None where the
    module cannot be copied.  A copy, so that anything its forward caches (lazily built tables) stays off the
    real module."""
    memo: dict = {}
    for t in [*module.parameters(), *module.buffers()]:
        stand_in = torch.empty_like(t, device="meta")
        memo[id(t)] = nn.Parameter(stand_in, t.requires_grad) if isinstance(t, nn.Parameter) else stand_in
    try:
        return copy.deepcopy(module, memo)
    except Exception:  # noqa: BLE001 - locks, open files, C objects: not judged here
        return None


def guard_forward(what: str, module: nn.Module, shape: tuple[int, int, int], batch: int) -> None:
    """Run a meta copy of ``module`` once on a meta input (nothing is computed or allocated) and refuse a forward
    pass whose largest tensor or multiply-adds exceed the limits.  A module that cannot run on meta is not judged
    here; a shape it rejects is reported by the audit itself."""
    probe = _meta_copy(module)
    if probe is None:
        return
    footprint = _Footprint()
    try:
        with torch.no_grad(), footprint:
            probe.eval()(torch.empty((batch, *shape), device="meta"))
    except SystemExit as exc:
        raise SymspecError(f"{what}: the module's forward called sys.exit({exc.code!r})") from None
    except Exception:  # noqa: BLE001
        return
    where = f"{what} on input {'x'.join(map(str, shape))} (batch {batch})"
    if footprint.peak > MAX_ACTIVATION:
        raise SymspecError(f"{where}: a tensor of {footprint.peak:,} values (~{footprint.peak * 4 / 2**30:.1f} GiB) "
                           f"exceeds the limit of {MAX_ACTIVATION:,}; choose a smaller input or fewer channels")
    if footprint.macs > MAX_MACS:
        raise SymspecError(f"{where}: about {footprint.macs:.1e} multiply-adds per forward pass exceed the limit of "
                           f"{MAX_MACS:.0e}")


# ------------------------------------------------------------------------------------------- checkpoints

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


def _read_state(path: str, module: nn.Module) -> dict:
    """A state dict from ``path`` holding only tensors, without unpickling code and without reading tensors the
    module does not have (safetensors) or more than the file maps (torch zip checkpoints)."""
    if path.lower().endswith(".safetensors"):
        try:
            from safetensors import safe_open
        except ImportError:
            raise SymspecError("--weights: .safetensors files need the safetensors package "
                               "(pip install safetensors)") from None
        expected = module.state_dict()
        try:
            with safe_open(path, framework="pt", device="cpu") as f:
                keys = set(f.keys())
                _match_keys(path, keys, set(expected))
                for key in keys:
                    shape = tuple(f.get_slice(key).get_shape())
                    if shape != tuple(expected[key].shape):
                        raise SymspecError(f"--weights: {path!r} does not match the module: {key!r} has shape "
                                           f"{shape}, the module {tuple(expected[key].shape)}")
                return {key: f.get_tensor(key) for key in keys}
        except SymspecError:
            raise
        except Exception as exc:  # noqa: BLE001 - a corrupt header, a truncated file
            raise SymspecError(f"--weights: cannot read {path!r} as safetensors: {type(exc).__name__}: "
                               f"{str(exc)[:120]}") from None
    try:
        try:
            return torch.load(path, map_location="cpu", weights_only=True, mmap=True)
        except RuntimeError as exc:
            if "mmap" not in str(exc):
                raise
        size = os.stat(path).st_size  # a legacy (non-zip) checkpoint is read whole: bound it by the module
        limit = 4 * sum(t.numel() * t.element_size() for t in module.state_dict().values()) + (64 << 20)
        if size > limit:
            raise SymspecError(f"--weights: {path!r} has {size:,} bytes, far more than this module's weights "
                               f"(limit {limit:,})")
        return torch.load(path, map_location="cpu", weights_only=True)
    except SymspecError:
        raise
    except Exception as exc:  # noqa: BLE001 - any unreadable checkpoint is bad input
        text = str(exc)
        found = re.search(r"Unsupported global: GLOBAL ([\w.]+)", text)
        if found:
            raise SymspecError(f"--weights: {path!r} pickles Python objects ({found.group(1)}), e.g. a whole saved "
                               f"module, which symspec does not unpickle; save module.state_dict() or a .safetensors "
                               f"file") from None
        reason = re.search(r"WeightsUnpickler error:\s*(.+)", text)
        raise SymspecError(f"--weights: cannot read {path!r} as a state dict: "
                           f"{reason.group(1).strip() if reason else type(exc).__name__}") from None


def _match_keys(path: str, given: set, expected: set) -> None:
    missing, unexpected = sorted(expected - given), sorted(given - expected, key=str)
    if missing or unexpected:
        detail = (f"missing {missing[0]!r}" if missing else "") + (", " if missing and unexpected else "") + (
            f"unexpected {unexpected[0]!r}" if unexpected else "")
        raise SymspecError(f"--weights: {path!r} does not match the module: {detail} "
                           f"({len(missing)} missing, {len(unexpected)} unexpected)")


def load_weights(module: nn.Module, path: str) -> None:
    """Load a state dict (``.pt``/``.pth``/``.ckpt`` or ``.safetensors``) into ``module``, strictly."""
    regular_file(path, "file", "--weights: ")
    state = _read_state(path, module)
    if isinstance(state, dict) and "state_dict" in state and isinstance(state["state_dict"], dict):
        state = state["state_dict"]
    if not isinstance(state, dict):
        raise SymspecError(f"--weights: {path!r} does not hold a state dict")
    for key, value in state.items():
        if not isinstance(value, torch.Tensor):
            raise SymspecError(f"--weights: {path!r} holds a {type(value).__name__} at {key!r}, not a tensor")
        if value.is_floating_point() or value.is_complex():
            if not bool(torch.isfinite(value).all()):
                raise SymspecError(f"--weights: {path!r} holds NaN or infinite values in {key!r}")
    try:
        module.load_state_dict(state, strict=True)
    except (RuntimeError, TypeError, ValueError) as exc:
        first = str(exc).strip().splitlines() or [type(exc).__name__]
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
FIELD_RANGES = {"in": (1, 1 << 16), "out": (1, 1 << 16), "channels": (1, 1 << 16), "groups": (1, 1 << 16),
                "kernel": (1, 1024), "stride": (1, 1024), "dilation": (1, 1024), "padding": (0, 4096),
                "output_padding": (0, 1024), "ratio": (1, 64)}


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
        raise SymspecError(f"{path}: the {what} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
                           f"{exc.start}); save it as UTF-8") from None


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


def flow_depth(text: str, where: str) -> int:
    """The deepest nesting of flow collections (``[``, ``{``) in a YAML text, found by a scan that skips quoted
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
    """YAML through the safe loader; aliases refused (no "billion laughs"), nesting and size bounded by a scan of
    the event stream before anything is built."""
    try:
        import yaml
    except ImportError:
        raise SymspecError(f"{where}: YAML specs need PyYAML (pip install pyyaml); JSON works without it") from None
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    flow_depth(text, where)  # before any parser runs: its own limits (and their messages) vary by version
    depth = nodes = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.AliasEvent):
                raise SymspecError(f"{where}: YAML aliases (*{event.anchor}) are not accepted in a spec, at line "
                                   f"{event.start_mark.line + 1}")
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
    except (ValueError, OverflowError) as exc:  # a scalar the safe constructor cannot convert (huge int, bad date)
        if isinstance(exc, SymspecError):
            raise
        raise SymspecError(f"{where}: malformed YAML: {exc}") from None


def is_spec(target: str) -> bool:
    """A target naming a JSON or YAML file (by its suffix) rather than an import path."""
    return str(target).lower().endswith((".json", ".yaml", ".yml"))


def read_spec(path: str) -> dict:
    """Parse a JSON or YAML spec safely (YAML needs PyYAML; only plain data types are accepted)."""
    text = read_text(path)
    data = parse_yaml(text, path) if Path(path).suffix.lower() in (".yaml", ".yml") else parse_json(text, path)
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
            raise SymspecError(f"{where}: unknown layer type {entry['type']!r} (known: {', '.join(SPEC_LAYERS)})")
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
        args = dict(in_channels=_int(e, "in", None, where), out_channels=_int(e, "out", None, where),
                    kernel_size=_int(e, "kernel", None, where), stride=_int(e, "stride", 1, where),
                    padding=_int(e, "padding", 0, where), dilation=_int(e, "dilation", 1, where),
                    groups=_int(e, "groups", 1, where), bias=e.get("bias", True))
        if kind == "conv":
            mode = _choice(e, "padding_mode", "zeros", ("zeros", "circular", "reflect", "replicate"), where,
                           "padding_mode")
            return nn.Conv2d(**args, padding_mode=mode)
        return nn.ConvTranspose2d(**args, output_padding=_int(e, "output_padding", 0, where))
    if kind == "upsample":
        mode = _choice(e, "mode", "nearest", ("nearest", "bilinear"), where, "upsample mode")
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
    if kind == "leaky_relu":
        slope = e.get("slope", 0.2)
        if isinstance(slope, bool) or not isinstance(slope, (int, float)) or not math.isfinite(slope) \
                or abs(slope) > 1e6:
            raise SymspecError(f"{where}: 'slope' must be a finite number, got {slope!r}")
        return nn.LeakyReLU(float(slope))
    return {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "gelu": nn.GELU, "silu": nn.SiLU}[kind]()


# ------------------------------------------------------------------------------------------------- load

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


def load(target: str, input_shape: str | None, args_json: str | None, weights: str | None, seed: int = 0, *,
         batch: int = 1):
    """The module (in eval mode, its initial weights drawn with ``seed``) and its input shape.

    ``batch`` (the number of inputs the audit will push through at once) scales the memory and work checks."""
    torch.manual_seed(seed)
    args = parse_args_json(args_json)
    spec_shape = None
    if is_spec(target):
        data = read_spec(target)
        builder: Any = functools.partial(build_from_spec, data, target)
        spec_shape = data.get("input")
        if spec_shape is not None and not isinstance(spec_shape, (str, list)):
            raise SymspecError(f"{target}: 'input' must be CxHxW like 32x8x8, got {spec_shape!r}")
    else:
        builder = resolve(target, args)
    raw_shape = input_shape or spec_shape
    if raw_shape is None:
        raise SymspecError("--input: give the input shape CxHxW (e.g. 128x4x4)")
    shape = parse_shape(raw_shape)
    if isinstance(builder, nn.Module):  # an instance the module created on import
        module = builder
    elif is_spec(target):
        guard_parameters(target, builder)
        torch.manual_seed(seed)
        module = builder()  # build_from_spec reports its own errors, each naming the layer
    else:
        if isinstance(builder.func, type):  # a class: safe to construct twice (factories may cache what they build)
            guard_parameters(target, builder)
            torch.manual_seed(seed)
        module = build(target, builder)
    guard_forward(target, module, shape, max(1, int(batch)))
    if weights:
        load_weights(module, weights)
    return module.eval(), shape
