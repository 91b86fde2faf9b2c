"""How a report's witness is replayed: the `symspec check` command line, and the parameters as shown."""

from __future__ import annotations

from .claims import Report, Verdict
from .output.format import option_value


def report_params(report: Report) -> dict:
    from .registry import lookup
    from .params import shown_params

    sizes = tuple(p.name for p in lookup(report.claim).params if p.kind == "size")
    return shown_params(report.params, sizes=sizes)


def replay_command(report: Report, v: Verdict) -> str:
    """The command line that replays ``v``'s witness: its parameters, seed, dtype and --at point."""
    from .registry import lookup

    claim = lookup(report.claim)
    params, at = report.replay(v)
    args = [f"symspec check {report.claim}"]
    for p in claim.params:
        value = params.get(p.name)
        if value is None or value == p.default:
            continue
        text = f"{value[0]}x{value[1]}" if p.kind == "size" else option_value(value)
        args.append(f"--{p.name.replace('_', '-')} {text}")
    s = report.settings
    if s.seed:
        args.append(f"--seed {s.seed}")
    if s.dtype != "float64":
        args.append(f"--dtype {s.dtype}")
    if s.tol is not None:
        args.append(f"--tol {s.tol:g}")
    if report.perturb:
        args.append(f"--perturb {report.perturb}")
    if at:
        args.append("--at " + ",".join(f"{k}={val}" for k, val in at.items()))
    return " ".join(a if "'" not in a else a.replace("--at ", '--at "', 1) + '"' for a in args)
