"""``symspec audit --fail-on``: which conditions the audit's verdict counts.  No torch or SymPy here: a bad
condition is refused before either is imported (``symspec.preflight.audit``).

By default every finding at the output counts (``FINDING_KINDS``, the lists of the report's findings); a
condition list narrows the verdict to the conditions it names, and adds ``attenuation>NdB`` (the predicted
high-frequency attenuation above N dB); ``none`` counts nothing.
"""

from __future__ import annotations

from .errors import SymspecError
from .params import parse_threshold

FINDING_KINDS = ("checkerboard", "replicas", "dc-leak", "aliasing", "unmapped")  # each a list in the findings
DEFAULT = tuple((kind, None) for kind in FINDING_KINDS)
ALIASES = {"dc-boost": "dc-leak"}


def parse_fail_on(raw: str | None) -> list[tuple[str, float | None]]:
    """The conditions the verdict counts: None -> every finding kind; 'none' -> none;
    'attenuation>30dB,replicas' -> [('attenuation', 30.0), ('replicas', None)]."""
    if raw is None:
        return list(DEFAULT)
    text = str(raw).strip()
    if not text.replace(",", "").strip():
        raise SymspecError(
            f"--fail-on: expected conditions ({', '.join(FINDING_KINDS)}, attenuation>NdB) or none, "
            f"got {raw!r}"
        )
    parts = [p.strip() for p in text.split(",") if p.strip()]  # messages quote the user's spelling
    if any(p.lower() == "none" for p in parts):
        if len(parts) > 1:
            raise SymspecError(f"--fail-on: 'none' counts nothing and takes no other condition, got {raw!r}")
        return []
    out: list[tuple[str, float | None]] = []
    for given in parts:
        part = given.lower()
        if part.startswith("attenuation"):
            rest = given[len("attenuation") :].strip()
            if not rest.startswith(">"):
                raise SymspecError(f"--fail-on: expected attenuation>NdB, got {given!r}")
            number = rest[1:].strip()
            condition = ("attenuation", parse_threshold("fail-on attenuation", number, "dB"))
        elif part in FINDING_KINDS or part in ALIASES:
            condition = (ALIASES.get(part, part), None)
        else:
            raise SymspecError(
                f"--fail-on: unknown condition {given!r} (attenuation>NdB, {', '.join(FINDING_KINDS)}, "
                f"or none)"
            )
        if condition not in out:
            out.append(condition)
    return out


def describe(conditions) -> str:
    """The counted conditions in words, as a summary line names them."""
    if not conditions:
        return "none"
    if list(conditions) == list(DEFAULT):
        return "every finding"
    return ", ".join(name if t is None else f"{name}>{t:g}dB" for name, t in conditions)


def failures(findings: dict, attenuation_db: float | None, conditions) -> list[str]:
    """The conditions that hold, one line each: the finding kind and its nodes, or the attenuation."""
    hits = []
    for name, threshold in conditions:
        if name == "attenuation":
            if attenuation_db is not None and attenuation_db > threshold:
                hits.append(
                    f"high-frequency attenuation {attenuation_db:.1f} dB > {threshold:g} dB "
                    f"(predicted, white input)"
                )
            continue
        nodes = findings.get(name.replace("-", "_"))
        if nodes:
            hits.append(f"{name}: {', '.join(nodes)}")
    return hits
