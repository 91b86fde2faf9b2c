"""Where a decoder comes from, in order: its target (an import path, a ``.py`` file, or a JSON/YAML layer
spec), its arguments, its size on the meta device, and its weights.  Each step lives in its own module:

    arguments.py  shapes, --args, --forward-kwargs, --max-memory, bounded JSON and text files (no torch)
    target.py     what an import path or a file may run (the loading rule) and running it
    spec.py       JSON/YAML layer specs
    forward.py    the forward pass: sizes on meta, extra inputs, what it raises or returns
    weights.py    state dicts without unpickling code
    usercode.py   user code's prints and exceptions
    compat.py     the torchvision guard

Everything reads input that may be careless or hostile and answers a bad one with a :class:`SymspecError` (one
line, exit 2) before doing anything expensive or unnamed.
"""

from __future__ import annotations

import functools
from typing import Any

import torch
from torch import nn

from ..errors import SymspecError
from .arguments import (
    MAX_ARGS_BYTES,
    MAX_DEPTH,
    MAX_INPUT_VALUES,
    MAX_NODES,
    MAX_SPEC_BYTES,  # noqa: F401
    check_structure,
    parse_args_json,
    parse_json,
    parse_shape,
    read_text,
    regular_file,
)
from .forward import forward_inputs, guard_forward, guard_parameters, refuse_empty, refuse_lazy
from .spec import MAX_LAYERS, build_from_spec, is_spec, parse_yaml, read_spec  # noqa: F401
from .target import build, resolve
from .weights import load_weights


def _model_dtype(module: nn.Module) -> tuple[torch.dtype, torch.device]:
    tensors = [p for p in module.parameters() if p.is_floating_point()]
    return (tensors[0].dtype, tensors[0].device) if tensors else (torch.float32, torch.device("cpu"))


def load(
    target: str,
    input_shape: str | None,
    args_json: str | None,
    weights: str | None,
    seed: int = 0,
    *,
    batch: int = 1,
    allow_callable: bool = False,
    max_memory: int | None = None,
    forward_kwargs: dict | None = None,
):
    """The module (in eval mode, its initial weights drawn with ``seed``) and its input shape.

    ``batch`` (the number of inputs the audit will push through at once) scales the memory and work checks;
    ``max_memory`` (bytes) refuses a forward pass estimated to need more; ``forward_kwargs`` are the extra
    forward arguments the audit will pass (shape strings stand for random tensors)."""
    torch.manual_seed(seed)
    args = parse_args_json(args_json)
    spec_shape = None
    if is_spec(target):
        if args:
            raise SymspecError(
                f"--args: {target} is a layer spec, which takes no arguments (its layers hold them)"
            )
        data = read_spec(target)
        builder: Any = functools.partial(build_from_spec, data, target)
        spec_shape = data.get("input")
        if spec_shape is not None and not isinstance(spec_shape, (str, list)):
            raise SymspecError(f"{target}: 'input' must be CxHxW like 32x8x8, got {spec_shape!r}")
    else:
        builder = resolve(target, args, allow_callable)
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
        if isinstance(
            builder.func, type
        ):  # a class: safe to construct twice (factories may cache what they build)
            guard_parameters(target, builder)
            torch.manual_seed(seed)
        module = build(target, builder)
    refuse_lazy(target, module)
    refuse_empty(target, module)
    batch = max(1, int(batch))
    extra = forward_inputs(forward_kwargs, *_model_dtype(module), seed, batch) if forward_kwargs else None
    guard_forward(target, module, shape, batch, max_memory, extra)
    if weights:
        load_weights(module, weights)
    return module.eval(), shape
