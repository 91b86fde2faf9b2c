"""Bad input refused before torch or SymPy load (they take seconds to import; a typo should cost none).

Each command's body calls one function of this module first.  It checks what can be checked from the generated
catalog (:mod:`symspec.catalog`: claim, layer and experiment names; each parameter's kind, bounds and choices)
and from the syntax of the arguments, and raises the same one-line :class:`SymspecError` the full check would.
What needs the real objects (a claim's cross-parameter rules, a layer's size limits, importing a decoder) is
left to the command itself: a value this module lets through is checked again there.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from . import catalog
from .errors import SymspecError
from .params import Param, in_section, parse_image_sources, parse_point, ratio_pair
from .spectral.chain_syntax import EXAMPLE, parse_chain

DTYPES = ("float64", "float32")  # symspec.numeric.layers.DTYPES
GROUP = "symspec.papers"  # symspec.registry.GROUP: papers of other packages, not in the catalog
PATH_TARGET = re.compile(r"^(?P<path>.+\.py):(?P<attr>[^:/\\]*)$")  # symspec.audit.target.PATH_TARGET
SPEC_SUFFIXES = (".json", ".yaml", ".yml")  # symspec.audit.spec.is_spec
OWN_PARSER = {("floats", "ratio"): ratio_pair}  # (kind, name): a layer's own parser (upsample's 2 or 2x3)
STATUSES = ("pass", "fail", "undefined", "definition", "not checkable")  # symspec.ledger.STATUSES
DEFAULT_PAPER = "tang2023"  # symspec.registry.DEFAULT_PAPER


def param(entry: dict) -> Param | None:
    """A catalog parameter as a :class:`Param`, or None when its owner parses it otherwise (a ratio like 2x3:
    :data:`OWN_PARSER`; a chain of stages: a choice without choices)."""
    if (entry["kind"], entry["name"]) in OWN_PARSER or entry["kind"] == "choice" and not entry["choices"]:
        return None
    return Param(
        entry["name"],
        entry["kind"],
        None,
        "",
        minimum=entry["minimum"],
        maximum=entry["maximum"],
        choices=tuple(entry["choices"]),
    )


def parse_given(params: list[dict], raw: dict) -> None:
    """Parse every given value by its catalog parameter (the bounds and choices its owner declares)."""
    by_name = {p["name"]: p for p in params}
    for name, value in raw.items():
        own = OWN_PARSER.get((by_name[name]["kind"], name))
        checker = param(by_name[name])
        if own is not None:
            own(value, name)
        elif checker is not None:
            checker.parse(value)


# ------------------------------------------------------------------------------------------------- claims


def other_papers() -> bool:
    """Whether claims may come from outside the catalog: another package's papers (an entry point), or a claim
    file this process already loaded (the Python API, tests)."""
    registry = sys.modules.get("symspec.registry")
    if registry is not None and getattr(registry, "_loaded", None):
        return True
    from importlib.metadata import entry_points

    return bool(entry_points(group=GROUP))


def claim_entries(name: str) -> list[dict] | None:
    """The catalog entries ``check NAME`` would run (as :func:`symspec.registry.select`), or None when the
    catalog cannot tell (a claim file; papers from outside it).  An unknown name is refused."""
    key = str(name).strip().lower()
    claims = catalog.claims()
    if key == "all":
        return claims
    if str(name).endswith(".py"):
        if not Path(name).expanduser().is_file():
            raise SymspecError(f"{name}: no such claim file")
        return None
    papers = {p["id"] for p in catalog.papers()}
    if key in papers:
        return [c for c in claims if c["paper"] == key]
    for entry in claims:
        if key == entry["id"] or key in entry["aliases"]:
            return [entry]
    head, dot, rest = key.partition(".")
    for entry in claims if dot and head in papers else []:
        if entry["paper"] == head and (rest == entry["id"] or rest in entry["aliases"] or entry["id"] == key):
            return [entry]
    if other_papers():
        return None
    known = ", ".join(c["id"] for c in claims)
    raise SymspecError(f"unknown claim {name!r} (known: {known}; papers in `symspec papers`)")


def settings(tol=None, dtype="float64", device="cpu", at=None) -> None:
    """The options every check takes (--seed is parsed by its own callback)."""
    Param("tol", "float", None, "", minimum=0).parse(tol)
    if dtype not in DTYPES:
        raise SymspecError(f"--dtype: {dtype!r} is not one of {', '.join(DTYPES)}")
    text = str(device).strip().lower()
    if text != "cpu" and not text.startswith("cuda"):
        raise SymspecError(f"--device: {text!r} is not one of cpu, cuda")
    if at is not None:
        parse_point("at", at)


def check(name: str, raw: dict, perturb: str | None = None, **options) -> None:
    """``symspec check NAME [options]``: the name, the settings, each claim option against the claims it
    applies to (a single claim refuses an option it does not take), and the perturbation's name."""
    settings(**options)
    entries = claim_entries(name)
    if entries is None:
        return
    if perturb and (len(entries) > 1 or str(name).strip().lower() == "all"):
        raise SymspecError(f"--perturb needs a single claim, not {name!r}")
    if len(entries) == 1:
        names = {p["name"] for p in entries[0]["params"]}
        unknown = [k for k in raw if k not in names]
        if unknown:
            raise SymspecError(f"--{unknown[0].replace('_', '-')} does not apply to claim {entries[0]['id']}")
    for entry in entries:
        taken = {p["name"] for p in entry["params"]}
        parse_given(entry["params"], {k: v for k, v in raw.items() if k in taken})
    if perturb is not None and perturb not in entries[0]["perturbations"]:
        known = ", ".join(entries[0]["perturbations"]) or "none"
        raise SymspecError(
            f"--perturb: {perturb!r} is not a perturbation of {entries[0]['id']} (known: {known})"
        )


def falsify(name: str, max_points=None, **options) -> None:
    settings(**options)
    Param("max_points", "int", None, "", minimum=1).parse(max_points)
    claim_entries(name)


# ----------------------------------------------------------------------------------------- derive, experiment


def derive(layer: str | None, raw: dict, tol=None) -> None:
    """``symspec derive LAYER [options]``: the layer name (or its alias), the options that layer takes, a
    chain's stages (:func:`chain`) and the validation tolerance."""
    layers = catalog.layers()
    known = ", ".join(entry["name"] for entry in layers)
    if layer is None:
        if "chain" not in raw:
            raise SymspecError(f"derive: name a layer ({known}) or give --chain")
        layer = "chain"
    key = str(layer).strip().lower().replace("_", "-")
    entry = next((e for e in layers if key == e["name"] or key in e["aliases"]), None)
    if entry is None:
        raise SymspecError(f"unknown layer {layer!r} (known: {known})")
    taken = {p["name"] for p in entry["params"]}
    unknown = [k for k in raw if k not in taken]
    if unknown:
        raise SymspecError(f"--{unknown[0].replace('_', '-')} does not apply to layer {entry['name']}")
    if entry["name"] == "chain":
        chain(raw.get("chain"), {k: v for k, v in raw.items() if k != "chain"})
    else:
        parse_given(entry["params"], raw)
    Param("tol", "float", 1e-9, "", minimum=0).parse(tol)


def chain(text: str | None, raw: dict) -> None:
    """``derive --chain STAGES``: as the chain's builder, its stages (:mod:`symspec.spectral.chain_syntax`)
    after its own options, then each stage's fields by that layer's parameters (the builder sets a stage's
    size and channels itself).  What needs a built stage (its output size, a kernel larger than the map) is
    left to the builder."""
    if not text:
        raise SymspecError(EXAMPLE)
    layers = {e["name"]: e for e in catalog.layers()}
    parse_given(layers["chain"]["params"], raw)
    aliases = {alias: e["name"] for e in layers.values() for alias in e["aliases"]}
    for name, fields in parse_chain(text, aliases):
        parse_given(layers[name]["params"], fields)


def experiment(name: str, device: str, images: str | None = None) -> None:
    """``symspec experiment NAME``: ``list``, ``all`` or a known experiment, on a known device, with image
    sources that are named sources or folders (whether scikit-image is installed is left to the command)."""
    key = str(name).strip().lower()
    names = catalog.experiments()
    if key not in ("list", "all") and key not in names:
        raise SymspecError(f"unknown experiment {name!r} (known: {', '.join(names)}, or all)")
    settings(device=device)
    if images is not None:
        parse_image_sources(images)


# ------------------------------------------------------------------------------------------------- ledger


def ledger(status: str | None, section: str | None, paper: str | None) -> None:
    """``symspec ledger``: the status, the paper (a shipped one: :func:`symspec.catalog.paper`) and a section
    the paper's ledger has rows in.  A paper that states no ledger is left to the command, which says so."""
    if status and status.strip().lower().replace("-", " ").replace("_", " ") not in STATUSES:
        raise SymspecError(
            f"--status: {status!r} is not one of pass, fail, undefined, definition, not-checkable"
        )
    entry = catalog.paper(paper if paper is not None else DEFAULT_PAPER)
    known = catalog.sections(entry["id"])
    if section and known and not any(in_section(s, section) for s in known):
        raise unknown_section(section, known)


def unknown_section(section: str, sections: list[str]) -> SymspecError:
    """The refusal of a ``--section`` no row is in, listing the sections (runs of subsections as 4.1-4.4)."""
    runs: list[list[str]] = []
    for name in sections:
        head, dot, tail = name.rpartition(".")
        last = runs[-1][-1].rpartition(".") if runs else ("", "", "")
        follows = (
            dot and tail.isdigit() and last[0] == head and last[2].isdigit() and int(tail) == int(last[2]) + 1
        )
        if follows:
            runs[-1].append(name)
        else:
            runs.append([name])
    listed = ", ".join(", ".join(run) if len(run) < 3 else f"{run[0]}-{run[-1]}" for run in runs)
    return SymspecError(f"--section: no row in section {section!r} (sections: {listed})")


# ------------------------------------------------------------------------------------------------- audit


def audit_target(target: str) -> None:
    """An audit TARGET's syntax: a spec file that exists, ``./file.py:Name`` with an existing file, or
    ``package.module:Name`` with dotted names (importing it is the command's job)."""
    from .audit.arguments import regular_file

    text = str(target)
    found = PATH_TARGET.match(text)
    if text.lower().endswith(SPEC_SUFFIXES):
        regular_file(text, "spec file")
    elif found:
        try:
            regular_file(found["path"], "Python file")
        except SymspecError as exc:
            raise SymspecError(
                f"{exc}: a file target is the path of a .py file, a colon and the name of a "
                f"decoder in it, e.g. ./decoders.py:Decoder"
            ) from None
    elif text.endswith(".py"):
        raise SymspecError(
            f"{text!r} is neither a spec file nor an import path: name the decoder in the "
            f"file after a colon, e.g. {text}:Decoder"
        )
    elif ":" not in text:
        raise SymspecError(
            f"{text!r} is neither a spec file nor an import path like package.module:Decoder "
            f"or ./decoders.py:Decoder"
        )
    else:
        module, _, attr = text.partition(":")
        if not all(part.isidentifier() for part in module.strip().split(".")):
            raise SymspecError(f"{module.strip()!r} is not a module name like package.module")
        if not all(part.isidentifier() for part in attr.split(".")):
            raise SymspecError(f"{module.strip()!r} has no attribute {attr!r}")


def audit(
    target: str,
    vs_target: str | None,
    input_shape,
    args_json,
    vs_args_json,
    forward_json,
    max_memory,
    fail_on=None,
) -> list:
    """``symspec audit``: the targets' syntax and the options whose parsers need no torch (the same parsers
    the audit calls again; the command parses --batch before torch itself).  Returns the --fail-on
    conditions (:func:`symspec.conditions.parse_fail_on`)."""
    from .audit.arguments import parse_args_json, parse_forward_kwargs, parse_memory, parse_shape
    from .conditions import parse_fail_on

    conditions = parse_fail_on(fail_on)

    if input_shape is not None:
        parse_shape(input_shape)
    for text in (args_json, vs_args_json):
        parse_args_json(text)
    parse_forward_kwargs(forward_json)
    parse_memory(max_memory)
    for name in (target, vs_target) if vs_target else (target,):
        audit_target(name)
    return conditions
