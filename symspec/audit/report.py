"""What an audit returns: the nodes with their figures, the findings, and the end-to-end attenuation.

Plain data: the output layer renders it (``symspec.output.audit``), and ``symspec.audit(...)`` hands it back
with ``.table()`` / ``.to_json()`` / ``.plot(path)`` bound (``symspec/__init__.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import SymspecError
from .findings import NodeAudit


@dataclass
class AuditReport:
    target: str
    input_shape: tuple
    batch: int
    norm: str
    nodes: list[NodeAudit]
    findings: dict
    totals: dict
    seconds: dict = field(default_factory=dict)

    @property
    def attenuation_db(self) -> float | None:
        return self.totals.get("predicted_db")

    @property
    def measured_attenuation_db(self) -> float | None:
        return self.totals.get("measured_db")

    def count(self, op: str | None = None, status: str | None = None, kind: str | None = None) -> int:
        return sum(
            1
            for n in self.nodes
            if (op is None or n.op == op)
            and (status is None or n.status == status)
            and (kind is None or n.kind == kind)
        )


FINDING_KINDS = ("replicas", "checkerboard", "dc-leak", "aliasing", "unmapped")  # each a list in the findings


def parse_fail_on(raw: str | None) -> list[tuple[str, float | None]]:
    """'attenuation>30dB,replicas' -> [('attenuation', 30.0), ('replicas', None)]."""
    if not raw:
        return []
    out = []
    for given in str(raw).split(","):
        given = given.strip()  # messages quote the user's spelling; matching ignores case
        part = given.lower()
        if not part:
            continue
        if part.startswith("attenuation"):
            rest = given[len("attenuation") :].strip()
            if not rest.startswith(">"):
                raise SymspecError(f"--fail-on: expected attenuation>NdB, got {given!r}")
            number = rest[1:].strip()
            number = number[:-2].strip() if number.lower().endswith("db") else number
            try:
                out.append(("attenuation", float(number)))
            except ValueError:
                raise SymspecError(f"--fail-on: {number!r} is not a number of dB") from None
        elif part in FINDING_KINDS or part == "dc-boost":
            out.append(("dc-leak" if part == "dc-boost" else part, None))
        else:
            raise SymspecError(
                f"--fail-on: unknown condition {given!r} (attenuation>NdB, {', '.join(FINDING_KINDS)})"
            )
    return out


def failures(report: AuditReport, conditions) -> list[str]:
    hits = []
    for name, threshold in conditions:
        att = report.attenuation_db
        if name == "attenuation" and att is not None and att > threshold:
            hits.append(
                f"high-frequency attenuation {att:.1f} dB > {threshold:g} dB (predicted, white input)"
            )
        key = name.replace("-", "_")
        if threshold is None and report.findings.get(key):
            hits.append(f"{name}: {', '.join(report.findings[key])}")
    return hits
