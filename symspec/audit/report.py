"""What an audit returns: the nodes with their figures, the findings, and the end-to-end attenuation.

Plain data: the output layer renders it (``symspec.output.audit``), and ``symspec.audit(...)`` hands it back
with ``.table()`` / ``.to_json()`` / ``.plot(path)`` bound (``symspec/__init__.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..conditions import failures as _failures
from ..conditions import parse_fail_on
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

    def hits(self, fail_on: str | None = None) -> list[str]:
        """The conditions that hold, one line each, as ``symspec audit --fail-on`` counts them (default: every
        finding at the output; ``"none"``: nothing)."""
        return failures(self, parse_fail_on(fail_on))

    @property
    def verdict(self) -> str:
        """``"findings"`` when a finding at the output holds (the command's exit 1), else ``"pass"``."""
        return "findings" if self.hits() else "pass"

    def count(self, op: str | None = None, status: str | None = None, kind: str | None = None) -> int:
        return sum(
            1
            for n in self.nodes
            if (op is None or n.op == op)
            and (status is None or n.status == status)
            and (kind is None or n.kind == kind)
        )


def failures(report: AuditReport, conditions) -> list[str]:
    """One line per counted condition (``symspec.conditions.parse_fail_on``) that holds in ``report``."""
    return _failures(report.findings, report.attenuation_db, conditions)
