"""The syntax of ``--chain``: stages and their fields, parsed without torch or SymPy.

Both :mod:`symspec.spectral.ops.chain` (which builds the rules) and :mod:`symspec.preflight` (which refuses a
bad chain before anything heavy loads) parse a chain here; each stage's field values are then parsed by that
stage's own parameters.
"""

from __future__ import annotations

from ..errors import SymspecError

POSITIONAL = {
    "conv": ("kernel", "padding", "stride", "dilation"),
    "conv-transpose": ("kernel", "stride", "padding"),
    "upsample": ("mode", "ratio"),
    "avgpool": ("kernel", "stride"),
    "subsample": ("stride",),
    "pixel-shuffle": ("ratio",),
}
EXAMPLE = '--chain: give the stages, e.g. --chain "upsample:nearest:2,conv:3:zero"'


def parse_chain(text: str, aliases: dict[str, str] | None = None) -> list[tuple[str, dict]]:
    """``"upsample:nearest:2,conv:3:zero"`` -> [(stage, {field: text})]; ``aliases`` maps other names of a
    layer to its own (``conv2d`` -> ``conv``)."""
    aliases = aliases or {}
    stages = []
    for raw in str(text).split(","):
        fields = [f.strip() for f in raw.split(":")]
        if not fields[0]:
            raise SymspecError(f"--chain: empty stage in {text!r}")
        name = aliases.get(fields[0].lower(), fields[0].lower())
        if name not in POSITIONAL:
            raise SymspecError(f"--chain: unknown stage {fields[0]!r} (known: {', '.join(POSITIONAL)})")
        names = POSITIONAL[name]
        positional = [f for f in fields[1:] if "=" not in f]
        named = [f.split("=", 1) for f in fields[1:] if "=" in f]
        if fields[1:] != positional + ["=".join(kv) for kv in named]:
            raise SymspecError(
                f"--chain: stage {raw.strip()!r}: named fields (field=value) go after the positional ones"
            )
        if len(positional) > len(names):
            raise SymspecError(
                f"--chain: stage {raw.strip()!r} has too many fields (expected {name}:{':'.join(names)})"
            )
        values = dict(zip(names, positional))
        for key, value in named:
            key = key.strip().lower()
            if key not in names:
                raise SymspecError(
                    f"--chain: stage {raw.strip()!r}: unknown field {key!r} (fields of {name}: "
                    f"{', '.join(names)})"
                )
            if key in values:
                raise SymspecError(f"--chain: stage {raw.strip()!r} gives {key!r} twice")
            values[key] = value.strip()
        stages.append((name, values))
    return stages
