"""The audit in a decoder's own test suite: ``assert_spectrum`` fails when an upsampler's figure at the output
is above a limit, naming the node and the figure -- so a test fails when someone swaps an
upsampler for a worse one::

    from symspec.testing import assert_spectrum

    def test_decoder_has_no_checkerboard():
        assert_spectrum(Decoder(), (64, 8, 8), max_checkerboard_db=-20)

With symspec installed, pytest also offers the fixture ``symspec_spectrum`` (the ``symspec_pytest`` plugin),
the same function.  The figures are ``symspec.audit.measure``'s: checkerboard (the response to a constant
input: periodic power other than DC over DC) and replica (white input: images of the signal band over the
band), each as it reaches the output; -inf (a constant stays constant) passes every limit.
"""

from __future__ import annotations

import math

# figure -> (its key at the output, its key at the node) in an upsampling node's ``replica`` record
FIGURES = {
    "checkerboard": ("checkerboard_at_output_db", "checkerboard_db"),
    "replica": ("at_output_db", "level_db"),
}


def _limit(name: str, value) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise ValueError(f"{name}: expected a number of dB or None, got {value!r}")
    return float(value)


def assert_spectrum(
    model,
    input_shape,
    max_checkerboard_db: float | None = None,
    max_replica_db: float | None = None,
    *,
    fail_on_unmapped: bool = False,
    **audit_options,
):
    """Audit ``model`` on ``input_shape`` ((C, H, W)) and raise AssertionError naming every upsampling node
    whose checkerboard or replica figure at the output is above its limit (None: not checked); a figure that
    is undefined there (folded by a later decimation, nan) fails too, since nothing can be asserted about it.
    ``fail_on_unmapped`` also fails on ops without a rule on the way to the output.
    Returns the audit report."""
    import symspec
    from symspec.audit.trace import node_name

    limits = {
        "checkerboard": _limit("max_checkerboard_db", max_checkerboard_db),
        "replica": _limit("max_replica_db", max_replica_db),
    }
    report = symspec.audit(model, input_shape, **audit_options)
    problems = []
    for n in report.nodes:
        if n.replica is None:
            continue
        for figure, limit in limits.items():
            if limit is None:
                continue
            at_output, at_node = FIGURES[figure]
            value, exact = n.replica[at_output], n.replica[at_node]
            where = f"node {n.index} ({node_name(n)}, {n.op})"
            if value is None or math.isnan(value):
                problems.append(f"{where}: {figure} at the output is undefined ({n.replica['note']})")
            elif value > limit:
                problems.append(
                    f"{where}: {figure} {value:.1f} dB at the output > {limit:g} dB "
                    f"({exact:.1f} dB at the node)"
                )
    if fail_on_unmapped and report.findings["unmapped"]:
        problems.append("unmapped ops on the way to the output: " + ", ".join(report.findings["unmapped"]))
    if problems:
        raise AssertionError(
            f"symspec: {type(model).__name__} on {tuple(input_shape)}: " + "; ".join(problems)
        )
    return report
