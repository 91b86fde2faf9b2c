"""chain: a composition, e.g. ``--chain "upsample:nearest:2,conv:3:zero"``.  Rules compose by matrix product
over (channel, frequency); each stage's size follows from the previous one.

Stage syntax (fields after the name are positional, or named as ``field=value`` after the positional ones):
``conv:K:PADDING[:STRIDE[:DILATION]]``, ``conv-transpose:K:STRIDE[:PADDING]``, ``upsample:MODE:RATIO``,
``avgpool:K[:STRIDE]``, ``subsample:S``, ``pixel-shuffle:R``; e.g. ``conv:3:zero:dilation=2``.
"""

from __future__ import annotations

from ...params import Param
from ...errors import SymspecError
from ..chain_syntax import EXAMPLE, parse_chain
from . import ALIASES, LAYERS, Rule, register
from .common import SIZE, take

SPEC = {
    "size": SIZE,
    "chain": Param("chain", "choice", None, "comma-separated stages", choices=()),
    "channels": Param("channels", "int", 1, "channels carried through the chain", minimum=1, maximum=4096),
}


@register("chain", "compose", "composition")
def build(seed: int = 0, **params) -> Rule:
    chain = params.pop("chain", None)
    if not chain:
        raise SymspecError(EXAMPLE)
    p = take(params, {k: v for k, v in SPEC.items() if k != "chain"}, "chain")
    size, C = p["size"], p["channels"]
    parts: list[Rule] = []
    for i, (name, fields) in enumerate(parse_chain(chain, ALIASES)):
        kw = dict(fields)
        kw["size"] = size
        if name in ("conv", "conv-transpose"):
            kw["in_channels"], kw["out_channels"] = C, C
        elif name == "pixel-shuffle":
            from .pixel_shuffle import SPEC as SHUFFLE

            r = SHUFFLE["ratio"].parse(kw.get("ratio"))  # a positive integer, before it divides anything
            if C % r**2:
                raise SymspecError(f"--chain: pixel-shuffle needs channels divisible by ratio², got {C}")
            kw["channels"] = C // r**2
        else:
            kw["channels"] = C
        rule = LAYERS[name](seed=seed + i, **kw)
        parts.append(rule)
        C, size = rule.out_shape[0], rule.out_shape[1:]

    def torch_fn(x):
        for part in parts:
            x = part.torch_fn(x)
        return x

    reading = " ∘ then ".join(part.reading for part in parts)
    return Rule(
        "chain",
        {"chain": chain, **p, "seed": seed},
        parts[0].in_shape,
        parts[-1].out_shape,
        [],
        torch_fn,
        reading,
        parts=parts,
    )
