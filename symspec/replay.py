"""How a report's witness is replayed: the `symspec check` command line, and the parameters as shown."""

from __future__ import annotations

from .claims import Report, Verdict
from .output.format import option_value


def report_params(report: Report) -> dict:
    from .registry import lookup
    from .params import shown_params

    sizes = tuple(p.name for p in lookup(report.claim).params if p.kind == "size")
    return shown_params(report.params, sizes=sizes)


def options(claim_id: str, params: dict) -> dict[str, str]:
    """The ``check`` options that differ from the claim's defaults, as typed: {name: text}, in the claim's
    order (empty: the claim's defaults)."""
    from .registry import lookup

    out = {}
    for p in lookup(claim_id).params:
        value = params.get(p.name)
        if value is None or value == p.default:
            continue
        out[p.name] = f"{value[0]}x{value[1]}" if p.kind == "size" else option_value(value)
    return out


def at_text(at: dict) -> str:
    return ",".join(f"{k}={val}" for k, val in at.items())


def point_of(report: Report) -> dict[str, str]:
    """The point a report was evaluated at, as ``check`` options: the parameters that differ from the
    claim's defaults and the run's ``--at`` point (empty: the point ``symspec check`` runs at by
    default)."""
    out = options(report.claim, report.params)
    if report.settings.at:
        out["at"] = at_text(report.settings.at)
    return out


def point_id(row_id: str, point: dict) -> str:
    """A verdict id qualified by the point it was evaluated at: ``row@size=8x8; kernel=2`` (the id itself at
    the claim's defaults, where it is the row ``symspec check`` prints)."""
    return row_id + "@" + "; ".join(f"{k}={v}" for k, v in point.items()) if point else row_id


def replay_command(report: Report, v: Verdict) -> str:
    """The command line that replays ``v``'s witness: its claim (a claim file's claims: the file), parameters,
    seed, dtype and --at point (the witness's own point, else the run's)."""
    from .registry import check_name, lookup

    params, at = report.replay(v)
    at = at or report.settings.at
    args = [f"symspec check {check_name(lookup(report.claim))}"]
    args += [f"--{name.replace('_', '-')} {text}" for name, text in options(report.claim, params).items()]
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
        args.append("--at " + at_text(at))
    return " ".join(a if "'" not in a else a.replace("--at ", '--at "', 1) + '"' for a in args)
