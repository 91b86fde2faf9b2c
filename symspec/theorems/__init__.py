"""The registry of claims: one module per theorem, each exporting ``CLAIM``."""

from __future__ import annotations

from importlib import import_module

from ..claims import Claim
from ..errors import SymspecError

MODULES = ("lemma", "theorem1", "cascade", "theorem2", "theorem3", "theorem4", "valid_conv", "backprop", "shift")


def all_claims() -> list[Claim]:
    return [import_module(f"{__name__}.{name}").CLAIM for name in MODULES]


def lookup(name: str) -> Claim:
    """A claim by id or alias (case-insensitive; '_' and '-' and '.' are interchangeable where unique)."""
    key = str(name).strip().lower()
    for claim in all_claims():
        if key == claim.id or key in claim.aliases:
            return claim
    known = ", ".join(c.id for c in all_claims())
    raise SymspecError(f"unknown claim {name!r} (known: {known}; aliases in `symspec list`)")
