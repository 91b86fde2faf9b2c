"""The ``symspec`` command line: list, show, check, falsify."""

from __future__ import annotations

import errno
import os
import sys
from dataclasses import dataclass

import click

from .errors import SymspecDefect, SymspecError

# Start-up stays instant: torch and SymPy are imported inside the commands that need them, never here (the
# claim options come from the generated catalog, symspec/catalog.json).


def checked(parser: str, name: str):
    """A click callback that validates an option as it is parsed, before any work, with
    ``symspec.params.<parser>``
    (imported only when the option is given): ``callback=checked("parse_seed", "seed")``."""

    def callback(ctx, param, value):
        if value is None:
            return value
        from . import params

        return getattr(params, parser)(name, value)

    return callback


class ClaimOption(click.Option):
    """The --option of a claim parameter: the catalog's (every built-in claim's), or the own parameter of
    claims from outside the catalog (a claim file, an entry-point paper)."""


def claim_help(meanings: dict[str, list[str]]) -> str:
    """{help text: [claim ids]} as one help string naming the claims that take the option."""
    return "; ".join(f"{text} [{', '.join(ids)}]" for text, ids in meanings.items())


def claim_options(func):
    """One --option per parameter name declared by any claim; its help names the claims that take it."""
    from .catalog import options

    seen = options()
    for name in sorted(seen, reverse=True):
        func = click.option(
            "--" + name.replace("_", "-"), name, default=None, help=claim_help(seen[name]), cls=ClaimOption
        )(func)
    return func


def claim_argument(args: list[str], params: list) -> str | None:
    """The CLAIM of a ``check`` command line, found before click parses it: the first argument that is not
    an option or an option's value (an option the command does not know yet takes a value, as every claim
    parameter does)."""
    flags, valued = set(), set()
    for p in params:
        if isinstance(p, click.Option):
            (flags if p.is_flag else valued).update(p.opts + p.secondary_opts)
    short = {o[1] for o in flags if len(o) == 2 and o[1] != "-"}
    rest = iter(args)
    for arg in rest:
        if arg == "--":
            return next(rest, None)
        if not arg.startswith("-") or arg == "-":
            return arg
        if "=" in arg or arg in flags or (not arg.startswith("--") and set(arg[1:]) <= short):
            continue
        next(rest, None)
    return None


def outside_claims(name: str | None) -> list | None:
    """The claims ``check NAME`` runs when the catalog does not hold them (a claim file, imported here; an
    entry-point paper or claim), else None.  A name the catalog refuses is left to the command's body."""
    if name is None:
        return None
    from . import preflight

    try:
        if preflight.claim_entries(name) is not None:
            return None
    except SymspecError:
        return None
    from .registry import is_path, select

    if is_path(name):
        return select(name)[1]  # the file's own errors (no Paper, a duplicate id) are the user's to see
    try:
        return select(name)[1]
    except SymspecError:
        return None


def own_options(claims: list, taken: set[str]) -> list[click.Option]:
    """One --option per parameter the claims declare (not one of ``check``'s settings, ``taken``), each
    value parsed by every claim's own :class:`~symspec.params.Param` of that name as it is read."""
    seen: dict[str, list] = {}
    for c in claims:
        for p in c.params:
            seen.setdefault(p.name, []).append((p, c.id))
    out = []
    for name, owners in seen.items():
        flag = "--" + name.replace("_", "-")
        if flag in taken or not name.isidentifier():
            continue
        meanings: dict[str, list[str]] = {}
        for p, cid in owners:
            meanings.setdefault(p.help or name, []).append(cid)
        defaults = {str(p.show_default()) for p, _ in owners}

        def parse(ctx, param, value, owners=owners):
            for p, _ in owners:
                if value is not None:
                    p.parse(value)
            return value

        out.append(
            ClaimOption(
                [flag, name],
                default=None,
                help=claim_help(meanings) + (f"  [default: {defaults.pop()}]" if len(defaults) == 1 else ""),
                callback=parse,
            )
        )
    return out


class CheckCommand(click.Command):
    """``check``: the claim options are the catalog's, except for claims from outside it (a claim file, an
    entry-point paper), whose options are their own declared parameters (in parsing and in --help)."""

    KEY = "symspec.own_claim_options"

    def parse_args(self, ctx, args):
        claims = outside_claims(claim_argument(args, self.params))
        if claims is not None:
            fixed = self.get_params(ctx)
            taken = {o for p in fixed if not isinstance(p, ClaimOption) for o in getattr(p, "opts", [])}
            ctx.meta[self.KEY] = own_options(claims, taken)
        return super().parse_args(ctx, args)

    def get_params(self, ctx):
        params = super().get_params(ctx)
        own = ctx.meta.get(self.KEY)
        if own is None:
            return params
        at = next((i for i, p in enumerate(params) if isinstance(p, ClaimOption)), 1)
        return params[:at] + own + [p for p in params[at:] if not isinstance(p, ClaimOption)]


def settings_options(func):
    func = click.option("--device", default="cpu", show_default=True, help="cpu | cuda")(func)
    func = click.option("--dtype", default="float64", show_default=True, help="float64 | float32")(func)
    func = click.option("--tol", default=None, type=str, help="tolerance for exact identities")(func)
    func = click.option(
        "--seed",
        default="0",
        show_default=True,
        help="random seed (reported)",
        callback=checked("parse_seed", "seed"),
    )(func)
    return func


def make_settings(seed, tol, dtype, device, at=None):
    from .claims import Param
    from .numeric.layers import torch_device, torch_dtype

    seed_v = Param("seed", "int", 0, "", minimum=0, maximum=2**63 - 1).parse(seed)
    tol_v = Param("tol", "float", None, "", minimum=0).parse(tol)
    torch_dtype(dtype)
    torch_device(device)
    from .params import parse_point
    from .verdicts import Settings

    at_v = None if at is None else parse_point("at", at)
    return Settings(dtype=dtype, device=device, seed=seed_v, tol=tol_v, at=at_v)


def claim_raw(kwargs: dict) -> dict:
    return {k: v for k, v in kwargs.items() if v is not None}


class ClosedPipe(Exception):
    """stdout's reader went away; raised past click, which would otherwise exit 1 (the code of a finding)."""


class Commands(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BrokenPipeError as exc:
            raise ClosedPipe() from exc


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="symspec")
@click.option(
    "--threads",
    default=None,
    help="torch intra-op threads (default: 1, or $OMP_NUM_THREADS; symspec's "
    "tensors are small, and more threads busy-wait on shared cores)",
)
def cli(threads) -> None:
    """symspec: check the paper's frequency claims about convolutional decoders against real torch runs."""
    from .runtime import configure_threads

    configure_threads(threads)


@cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
def list_cmd(as_json: bool) -> None:
    """Table of claims: id, aliases, source, kind, statement."""
    from .catalog import claims
    from .output.catalog import list_json, print_list
    from .output.console import make_console

    if as_json:
        click.echo(list_json(claims()))
        return
    print_list(make_console(), claims())


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="print JSON")
def papers(as_json: bool) -> None:
    """Table of papers: id, year, venue, title, claims and rows by kind (printed / variant / convention)."""
    from .catalog import papers as catalog_papers
    from .output.catalog import papers_json, print_papers
    from .output.console import make_console

    if as_json:
        click.echo(papers_json(catalog_papers()))
        return
    print_papers(make_console(), catalog_papers())


@cli.command()
@click.argument("claim")
def show(claim: str) -> None:
    """Statement (pretty and LaTeX), hypotheses, parameters, rows and defaults of CLAIM (or of each claim of
    a claim file ./my_claims.py)."""
    from .catalog import lookup
    from .output.catalog import print_show
    from .output.console import make_console

    claims = outside_claims(claim) if claim.endswith(".py") or not known_claim(claim) else None
    if claims is None:
        print_show(make_console(), lookup(claim))
        return
    from .catalog import claim_entry

    console = make_console()
    for i, c in enumerate(claims):
        if i:
            console.print()
        print_show(console, claim_entry(c))


def known_claim(name: str) -> bool:
    """Whether the catalog holds claim NAME (no import)."""
    from .catalog import lookup

    try:
        lookup(name)
    except SymspecError:
        return False
    return True


@cli.command(cls=CheckCommand)
@click.argument("claim")
@claim_options
@settings_options
@click.option(
    "--at", default=None, help="replay one witness point: compare only there, e.g. --at layer=1,u=0,v=4"
)
@click.option("--perturb", default=None, help="replace the printed formula by a named perturbation")
@click.option("--json", "as_json", is_flag=True, help="print one JSON document")
@click.option("--verbose", "-v", is_flag=True, help="also print the notes of passing rows")
@click.option("--quiet", "-q", is_flag=True, help="print only the verdict line")
@click.option("--wide", is_flag=True, help="keep every column, whatever the width")
def check(claim, seed, tol, dtype, device, at, perturb, as_json, verbose, quiet, wide, **kwargs):
    """Check CLAIM (a claim, PAPER.CLAIM, a paper, `all`, or a claim file ./my_claims.py) at the given
    parameters: symbolic vs torch, PASS/FAIL/UNDEFINED."""
    from . import preflight

    preflight.check(claim, claim_raw(kwargs), perturb, tol=tol, dtype=dtype, device=device, at=at)
    from .output.console import progress
    from .output.check import print_reports, reports_json
    from .output.console import make_console
    from .registry import select

    settings = make_settings(seed, tol, dtype, device, at)
    raw = claim_raw(kwargs)
    name, claims = select(claim)
    if len(claims) > 1 or name == "all":  # all, a paper or a claim file: each claim at its own options
        if perturb:
            raise SymspecError(f"--perturb needs a single claim, not {claim!r}")
        reports = []
        with progress(f"check {name}", len(claims)) as advance:
            for c in claims:
                accepted = {p.name for p in c.params}
                reports.append(c.check({k: v for k, v in raw.items() if k in accepted}, settings))
                advance()
    else:
        reports = [claims[0].check(raw, settings, perturb=perturb)]
    if as_json:
        click.echo(reports_json(reports, name))
    else:
        print_reports(make_console(wide=wide), reports, verbose=verbose, quiet=quiet)
    if any(r.findings for r in reports):  # exit 1 only through printed rows
        sys.exit(1)


@cli.command()
@click.argument("claim")
@settings_options
@click.option("--max-points", default=None, help="search at most this many grid points per claim")
@click.option("--json", "as_json", is_flag=True, help="print one JSON document (as check, plus 'searched')")
@click.option("--quiet", "-q", is_flag=True, help="print only the summary line")
@click.option("--wide", is_flag=True, help="keep every column, whatever the width")
def falsify(claim, seed, tol, dtype, device, max_points, as_json, quiet, wide):
    """Search a bounded grid of small parameters for counterexamples to CLAIM (a claim, a paper, `all`, or a
    claim file)."""
    from . import preflight

    preflight.falsify(claim, max_points, tol=tol, dtype=dtype, device=device)  # before torch loads
    from .claims import Param
    from .output.console import progress
    from .falsify import search
    from .output.console import make_console
    from .output.falsify import falsify_json, print_falsify
    from .registry import select

    settings = make_settings(seed, tol, dtype, device)
    limit = Param("max_points", "int", None, "", minimum=1).parse(max_points)
    claims = select(claim)[1]
    console = make_console(wide=wide)
    searches = []
    for c in claims:
        total = len(c.falsify_grid()) if c.falsify_grid else 1
        with progress(f"falsify {c.id}", min(total, limit or total)) as advance:
            searches.append(search(c, settings, limit, progress=advance))
    name = "all" if len(claims) > 1 else claims[0].id
    if as_json:
        click.echo(falsify_json(searches, name))
    else:
        print_falsify(console, searches, quiet=quiet)
    if any(s.found for s in searches):
        sys.exit(1)


@cli.command()
def schema() -> None:
    """Print the JSON Schema that every `--json` document follows (symspec/1)."""
    from .output.jsonout import schema_text

    click.echo(schema_text(), nl=False)


def _states_no(what: str, paper: str | None) -> bool:
    """Whether ``--paper`` names a shipped paper that states no ``what`` (ledger, findings): then one line
    says so.
    An unknown paper is refused from the catalog, before torch or SymPy is imported."""
    if paper is None:
        return False
    from .catalog import paper as catalog_paper

    entry = catalog_paper(paper)
    if entry[what]:
        return False
    click.echo(f"{entry['id']} states no {what}; its claims: `symspec check {entry['id']}`")
    return True


@cli.command()
@click.option("--markdown", "as_markdown", is_flag=True, help="print the README's findings table")
@click.option("--json", "as_json", is_flag=True, help="print one JSON document")
@click.option("--quiet", "-q", is_flag=True, help="print only the summary line")
@click.option("--wide", is_flag=True, help="keep every column, whatever the width")
@click.option("--paper", default=None, help="the paper whose findings to run (default: tang2023)")
def findings(as_markdown, as_json, quiet, wide, paper):
    """Run every finding's witness case: printed statements of the paper that fail, with witness tests.

    Exit 0 when every finding reproduces at its witness (the command did its job: each printed statement
    listed fails as documented), 3 when a case no longer fails (symspec's list of findings is out of date)."""
    if _states_no("findings", paper):
        return
    from .findings import cases, run_all
    from .output.console import make_console, progress
    from .output.findings import findings_json, findings_markdown, print_findings, verdict_line

    with progress("findings", len(cases(paper))) as advance:
        outcomes = run_all(progress=advance, paper=paper)
    if as_markdown:
        click.echo(findings_markdown(outcomes))
    elif as_json:
        click.echo(findings_json(outcomes))
    elif quiet:
        click.echo(verdict_line(outcomes))
    else:
        print_findings(make_console(wide=wide), outcomes)
    if not all(o.confirmed for o in outcomes):
        raise SymspecDefect(
            "a finding no longer fails at its witness: "
            + ", ".join(o.case.row for o in outcomes if not o.confirmed)
        )


@cli.command()
@click.option(
    "--status",
    "status_filter",
    default=None,
    help="keep rows with this status: pass, fail, undefined, definition, not-checkable",
)
@click.option(
    "--section", default=None, help="keep one section of the paper and its subsections: 4, 4.1, A, A.7, B"
)
@click.option(
    "--formal", is_flag=True, help="the formal verification's 16 issues against symspec's computed rows"
)
@click.option("--markdown", "as_markdown", is_flag=True, help="print Markdown (a paper-review appendix)")
@click.option("--json", "as_json", is_flag=True, help="print one JSON document (one row object per equation)")
@click.option(
    "--seed",
    default="0",
    show_default=True,
    help="random seed of every check (reported)",
    callback=checked("parse_seed", "seed"),
)
@click.option("--quiet", "-q", is_flag=True, help="print only the verdict line")
@click.option("--paper", default=None, help="the paper whose ledger to compute (default: tang2023)")
def ledger(status_filter, section, formal, as_markdown, as_json, seed, quiet, paper):
    """Every numbered equation (1-57) and stated conclusion of the ICML paper, each with a computed status.

    PASS / FAIL / UNDEFINED come from running the checks (defaults plus edge cases); DEFINITION and NOT
    CHECKABLE rows say what they define, or why, and the nearest check.  Exit 1 when a row FAILs (as
    `check`)."""
    from . import preflight

    preflight.ledger(status_filter, section, paper)  # before the ledger runs, torch and SymPy load
    if _states_no("ledger", paper):
        return
    from .ledger import build, select
    from .output import ledger as render
    from .output.console import make_console
    from .verdicts import Settings

    result = build(Settings(seed=seed), paper=paper)
    rows = select(result, status_filter, section)
    if section and not rows and not select(result, None, section):
        raise preflight.unknown_section(section, [s for s in result.sections if select(result, None, s)])
    if formal:
        text = (
            render.formal_json(result) if as_json else render.formal_markdown(result) if as_markdown else None
        )
    else:
        text = (
            render.ledger_json(result, rows, {"status": status_filter, "section": section})
            if as_json
            else render.ledger_markdown(result, rows)
            if as_markdown
            else None
        )
    if text is not None:
        click.echo(text)
    elif quiet:
        click.echo(render.verdict_line(result))
    elif formal:
        render.print_formal(make_console(), result)
    else:
        render.print_ledger(make_console(), result, rows)
    if any(r.status == "fail" for r in result.rows):
        sys.exit(1)


DERIVE_OPTIONS = [
    "size",
    "kernel",
    "padding",
    "stride",
    "dilation",
    "groups",
    "in_channels",
    "out_channels",
    "mode",
    "ratio",
    "output_padding",
    "channels",
    "chain",
]


@cli.command()
@click.argument("layer", required=False)
@click.option("--size", default=None, help="input map size MxN (default 8x8)")
@click.option("--kernel", default=None, help="kernel / window size")
@click.option(
    "--padding", default=None, help="conv: circular|zero|reflect|replicate|valid; conv-transpose: int"
)
@click.option("--stride", default=None, help="stride")
@click.option("--dilation", default=None, help="dilation")
@click.option("--groups", default=None, help="groups")
@click.option("--in-channels", default=None, help="input channels")
@click.option("--out-channels", default=None, help="output channels")
@click.option("--mode", default=None, help="upsample: zero|nearest|bilinear")
@click.option("--ratio", default=None, help="upsample / pixel-shuffle ratio (2 or 2x3)")
@click.option("--output-padding", default=None, help="conv-transpose output padding")
@click.option(
    "--channels", default=None, help="channels (upsample, avgpool, subsample, pixel-shuffle, chain)"
)
@click.option("--chain", default=None, help='composition, e.g. "upsample:nearest:2,conv:3:zero"')
@click.option(
    "--seed",
    default="0",
    show_default=True,
    help="seed of the random weights used for validation",
    callback=checked("parse_seed", "seed"),
)
@click.option("--tol", default="1e-9", show_default=True, help="validation tolerance (max relative error)")
@click.option(
    "--latex", "as_latex", is_flag=True, help="print only the rule's LaTeX (ASCII, an amsmath align*)"
)
@click.option("--json", "as_json", is_flag=True, help="print one JSON document")
@click.option("--quiet", "-q", is_flag=True, help="print only the verdict line")
def derive(layer, seed, tol, as_latex, as_json, quiet, **kwargs):
    """Derive the spectral rule of LAYER and validate it against the torch layer.

    Layers: conv, conv-transpose, upsample, avgpool, subsample, pixel-shuffle, chain.
    """
    from . import preflight

    preflight.derive(layer, {k: v for k, v in kwargs.items() if v is not None}, tol)  # before SymPy loads
    from .claims import Param
    from .output.derive import derivation_json, print_derivation, verdict_line
    from .spectral.ops import derive as derive_rule, names

    raw = {k: v for k, v in kwargs.items() if v is not None}
    if layer is None:
        if "chain" not in raw:
            raise SymspecError(f"derive: name a layer ({', '.join(names())}) or give --chain")
        layer = "chain"
    seed_v = Param("seed", "int", 0, "", minimum=0).parse(seed)
    tol_v = Param("tol", "float", 1e-9, "", minimum=0).parse(tol)
    result = derive_rule(layer, seed=seed_v, **raw)
    validation = result.validate(tol_v)
    if as_json:
        click.echo(derivation_json(result, validation))
    elif quiet and not as_latex:
        click.echo(verdict_line(result, validation))
    else:
        from .output.console import make_console

        print_derivation(make_console(), result, validation, as_latex)
    if validation.verdict != "pass":
        sys.exit(1)


@cli.command()
@click.argument("target")
@click.option(
    "--input", "input_shape", default=None, help="input shape CxHxW, e.g. 128x4x4 (or 'input' in a spec)"
)
@click.option("--args", "args_json", default=None, help="JSON keyword arguments for the class or factory")
@click.option(
    "--weights", default=None, help="real weights: a .safetensors file or a state-dict .pt (weights_only)"
)
@click.option(
    "--vs", "vs_target", default=None, help="a second decoder on the same --input: findings side by side"
)
@click.option(
    "--vs-args", "vs_args_json", default=None, help="JSON keyword arguments for --vs (default: --args)"
)
@click.option(
    "--forward-kwargs",
    "forward_json",
    default=None,
    help='JSON extra forward arguments, e.g. \'{"timestep": 10, "encoder_hidden_states": "Bx77x32"}\' '
    "(a shape string is a random tensor; B is the batch)",
)
@click.option(
    "--allow-callable",
    is_flag=True,
    help="call a TARGET that is not a module class, a function annotated to return one, or a function "
    "in a .py file named by path",
)
@click.option(
    "--max-memory",
    default=None,
    help="refuse an audit estimated to need more, e.g. 4G, 512M (default: half the available memory)",
)
@click.option("--batch", default="2", show_default=True, help="random inputs pushed through the real module")
@click.option(
    "--seed",
    default="0",
    show_default=True,
    help="seed of the random inputs",
    callback=checked("parse_seed", "seed"),
)
@click.option(
    "--norm",
    default="mean",
    show_default=True,
    type=click.Choice(["mean", "spectral"]),
    help="conv gain: mean power ‖T(u,v)‖²_F/D (exact, default) or σ_max² by power iteration",
)
@click.option(
    "--norm-tol",
    default=None,
    help="--norm spectral: the relative width upper/lower - 1 a continuum certificate may leave, "
    "1e-4 to 1 (default 0.1; the cost grows as 1/tol: 1e-2 is about 7x slower on 512-channel layers)",
    callback=checked("parse_norm_tol", "norm-tol"),
)
@click.option(
    "--fail-on",
    default=None,
    help="count only these conditions in the verdict (default: every finding at the output): "
    "checkerboard, replicas, dc-leak, aliasing, unmapped, attenuation>NdB; none: count nothing",
    callback=checked("check_thresholds", "fail-on"),
)
@click.option(
    "--threshold",
    default="-20",
    show_default=True,
    help="dB at the output above which a replica or checkerboard is a finding",
    callback=checked("parse_threshold", "threshold"),
)
@click.option(
    "--plot",
    default=None,
    help="write per-node spectra heatmaps to this PNG (needs matplotlib)",
    callback=checked("parse_output_file", "plot"),
)
@click.option("--all", "all_nodes", is_flag=True, help="also list copies, reshapes and fused paddings")
@click.option("--wide", is_flag=True, help="a 200-column table with every column")
@click.option("--json", "as_json", is_flag=True, help="print one JSON document")
@click.option("--quiet", "-q", is_flag=True, help="print only the verdict line")
def audit(
    target,
    input_shape,
    args_json,
    weights,
    vs_target,
    vs_args_json,
    forward_json,
    allow_callable,
    max_memory,
    batch,
    seed,
    norm,
    norm_tol,
    fail_on,
    threshold,
    plot,
    all_nodes,
    wide,
    as_json,
    quiet,
):
    """Frequency audit of a decoder before training: the whole traced graph, exact gains, measured spectra.

    TARGET is an import path (package.module:Decoder), a file path (./decoders.py:make) or a JSON/YAML layer
    spec.  Only nn.Module classes, functions annotated to return one and functions of a file named by path are
    called (see --allow-callable).

    Exit 0 (PASS) when no finding is at the output, 1 (FINDINGS) when one is (checkerboard, replicas, dc-leak,
    aliasing, unmapped ops that reach the output; --fail-on narrows them, --fail-on none counts nothing), 2 on
    bad input.
    """
    options = AuditOptions(**locals())  # first statement: the locals are exactly the options
    conditions = _audit_preflight(options)
    from .audit.report import failures

    reports = _audit_reports(options)
    hits = [failures(r, conditions) for r in reports]
    _print_audit(options, reports, hits, conditions)
    if any(hits):
        sys.exit(1)


@dataclass
class AuditOptions:
    """``symspec audit``'s options as click passes them (``batch`` parsed by ``_audit_preflight``)."""

    target: str
    input_shape: str | None
    args_json: str | None
    weights: str | None
    vs_target: str | None
    vs_args_json: str | None
    forward_json: str | None
    allow_callable: bool
    max_memory: str | None
    batch: str | int
    seed: int
    norm: str
    norm_tol: float | None
    fail_on: str | None
    threshold: float
    plot: str | None
    all_nodes: bool
    wide: bool
    as_json: bool
    quiet: bool


def _audit_preflight(o: AuditOptions):
    """Every check that needs neither torch nor the model (exit 2 before they load); parses ``o.batch`` in
    place and returns the --fail-on conditions."""
    from . import preflight
    from .params import Param

    o.batch = Param("batch", "int", 2, "", minimum=1, maximum=256).parse(o.batch)
    conditions = preflight.audit(
        o.target,
        o.vs_target,
        o.input_shape,
        o.args_json,
        o.vs_args_json,
        o.forward_json,
        o.max_memory,
        o.fail_on,
    )
    if o.vs_args_json is not None and not o.vs_target:
        raise SymspecError("--vs-args: give --vs, the decoder these arguments are for")
    return conditions


def _audit_reports(o: AuditOptions) -> list:
    """The audit of TARGET (and of --vs): each decoder loaded and recorded, the model's prints on stderr."""
    from . import audit as audit_pkg
    from .audit.arguments import parse_forward_kwargs, parse_memory
    from .audit.compat import ensure_torchvision
    from .audit.load import load
    from .audit.usercode import held_warnings, prints_to_stderr

    extra = parse_forward_kwargs(o.forward_json)
    limit = parse_memory(o.max_memory)
    reports = []
    runs = [(o.target, o.args_json, o.weights)] + (
        [(o.vs_target, o.vs_args_json or o.args_json, None)] if o.vs_target else []
    )
    with (
        prints_to_stderr(),
        held_warnings(),
    ):  # the model's prints: stdout stays the table or one JSON document
        ensure_torchvision()
        for name, args, ckpt in runs:
            module, shape = load(
                name,
                o.input_shape,
                args,
                ckpt,
                seed=o.seed,
                batch=o.batch,
                allow_callable=o.allow_callable,
                max_memory=limit,
                forward_kwargs=extra,
            )
            label = f"{name} {args}" if o.vs_target and args else name
            reports.append(
                audit_pkg.run(
                    module,
                    shape,
                    batch=o.batch,
                    seed=o.seed,
                    norm=o.norm,
                    norm_tol=o.norm_tol,
                    target=label,
                    threshold=o.threshold,
                    forward_kwargs=extra,
                )
            )
    return reports


def _print_audit(o: AuditOptions, reports: list, hits: list, conditions) -> None:
    """The plot (--plot), then one JSON document, the verdict line, the --vs comparison or the table."""
    from .output.audit import audit_json, plot_audit, print_audit, print_vs, verdict_line
    from .output.console import make_console

    if o.plot:
        plot_audit(reports[0], o.plot)
    if o.as_json:
        click.echo(audit_json(reports, hits, conditions))
    elif o.quiet:
        click.echo(verdict_line(reports, hits))
    elif o.vs_target:
        print_vs(make_console(wide=o.wide), reports[0], reports[1], hits[0], hits[1])
    else:
        print_audit(make_console(wide=o.wide), reports[0], hits[0], o.all_nodes, conditions)
        if o.plot:
            click.echo(f"wrote {o.plot}")


# training lengths past which one experiment runs for minutes (measured at the default size on one CPU thread:
# 0.08 s per learning-order epoch, 2.6 ms per shift step); a larger --size costs more per step
MAX_EPOCHS, MAX_STEPS = 500, 10_000


@cli.command()
@click.argument("name")
@click.option("--size", default="32", show_default=True, help="image size (square)")
@click.option("--channels", default="16", show_default=True, help="channels of the hidden layers")
@click.option("--depth", default=None, help="layers (cascade-fit: 10, depth: 50)")
@click.option("--epochs", default=None, help=f"learning-order: training epochs (40; at most {MAX_EPOCHS})")
@click.option("--steps", default=None, help=f"shift: optimisation steps per shift (300; at most {MAX_STEPS})")
@click.option(
    "--images",
    default=None,
    help="image source(s), comma-separated, one column each: skimage (random "
    "crops of scikit-image's bundled photographs; the default when it is installed), skimage:grey, lfw "
    "(faces), synthetic (1/f² power-law images; the default otherwise), or a folder (needs Pillow)",
)
@click.option(
    "--seed", default="0", show_default=True, help="seed (reported)", callback=checked("parse_seed", "seed")
)
@click.option(
    "--plot",
    "plot_dir",
    default=None,
    help="write a PNG figure per experiment and image source here",
    callback=checked("parse_output_dir", "plot"),
)
@click.option(
    "--device",
    default="cpu",
    show_default=True,
    help="cpu | cuda (networks and images; closed forms stay on the CPU)",
)
@click.option("--json", "as_json", is_flag=True, help="print one JSON document")
@click.option("--quiet", "-q", is_flag=True, help="print only the verdict line")
def experiment(name, size, channels, depth, epochs, steps, images, seed, plot_dir, device, as_json, quiet):
    """Reproduce one of the paper's experiments (or all) on real ReLU networks, per image source
    (`symspec experiment list`); exit 1 when a stated expectation does not hold on a source."""
    from pathlib import Path

    from . import preflight
    from .params import Param

    cfg = {  # parsed before anything runs, `list` included: a bad option is refused whatever the name
        "size": Param("size", "int", 32, "", minimum=8, maximum=256).parse(size),
        "channels": Param("channels", "int", 16, "", minimum=1, maximum=256).parse(channels),
        "depth": Param("depth", "int", None, "", minimum=1, maximum=200).parse(depth),
        "epochs": Param("epochs", "int", None, "", minimum=1, maximum=MAX_EPOCHS).parse(epochs),
        "steps": Param("steps", "int", None, "", minimum=1, maximum=MAX_STEPS).parse(steps),
        "seed": seed,
        "device": device,
    }
    preflight.experiment(name, device, images)  # all of the above before torch loads
    import torch

    from .experiments import all_experiments, run_on, select
    from .experiments.data import parse_sources
    from .numeric.layers import torch_device
    from .output.console import make_console
    from .output.experiment import (
        all_hold,
        ensure_matplotlib,
        experiment_list_table,
        experiments_json,
        plot_runs,
        print_experiments,
        verdict_line,
    )

    cfg["device"] = torch_device(device)
    sources = parse_sources(images)
    if name.strip().lower() == "list":
        make_console().print(experiment_list_table(all_experiments()))
        return
    experiments = select(name)
    if plot_dir:
        ensure_matplotlib()
        Path(plot_dir).mkdir(parents=True, exist_ok=True)
    torch.manual_seed(cfg["seed"])
    from .output.console import progress

    console = make_console()
    with progress(f"experiment {name} on {', '.join(s.name for s in sources)}") as advance:
        runs = run_on(experiments, cfg, sources, progress=advance)
    written = plot_runs(runs, cfg, plot_dir) if plot_dir else []
    if as_json:
        click.echo(experiments_json(runs, cfg, sources, written))
    elif quiet:
        click.echo(verdict_line(name, runs, sources))
    else:
        print_experiments(console, runs, cfg, sources, written)
    if not all_hold(runs):
        sys.exit(1)


def main(argv: list[str] | None = None) -> None:
    """Entry point, one exit-code contract for every command (README, "Exit codes"): 0 checked and holds, 1 a
    printed
    claim fails or an audit has findings, 2 bad usage or input (one line naming the bad value), 3 a defect of
    symspec (one line; the traceback too under SYMSPEC_DEBUG=1), 130 interrupted."""
    from .errors import EXIT_DEFECT, EXIT_INPUT, EXIT_INTERRUPTED, one_line

    EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what a shell reports for a writer whose reader closed the pipe

    def fail(prefix: str, message, code: int):
        click.echo(f"{prefix}: {one_line(message)}", err=True)
        sys.exit(code)

    from .output.console import safe_streams, silence_stdout
    from .interrupts import in_body

    in_body(True)  # Ctrl-C from here on: KeyboardInterrupt, reported below (symspec.interrupts)
    safe_streams()
    try:
        run_command(argv)
    except SymspecError as exc:
        fail("error", exc, EXIT_INPUT)
    except SymspecDefect as exc:
        fail("internal error", exc, EXIT_DEFECT)
    except (click.exceptions.Abort, KeyboardInterrupt):
        fail("interrupted", "stopped before the end", EXIT_INTERRUPTED)
    except click.exceptions.ClickException as exc:
        fail("error", exc.format_message(), EXIT_INPUT)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except MemoryError:
        fail("error", "out of memory; choose smaller sizes, fewer channels or fewer samples", EXIT_INPUT)
    except (BrokenPipeError, ClosedPipe):  # the reader went away (`symspec ... | head`): stop quietly
        silence_stdout()
        sys.exit(EXIT_BROKEN_PIPE)
    except OSError as exc:
        if (
            exc.filename is None and exc.errno in WRITE_ERRORS
        ):  # stdout on a full disk, past a file-size limit
            silence_stdout()
            fail("error", f"cannot write the output: {exc.strerror or type(exc).__name__}", EXIT_INPUT)
        if not isinstance(exc.filename, str) or os.path.realpath(exc.filename).startswith(
            os.path.dirname(__file__)
        ):
            report_defect(exc, fail)  # not a file the user named: a broken pipe, symspec's own files
        fail("error", f"{exc.filename}: {exc.strerror or type(exc).__name__}", EXIT_INPUT)
    except Exception as exc:  # noqa: BLE001 - last line of defence
        report_defect(exc, fail)
    except SystemExit:
        raise
    # e.g. GeneratorExit or a BaseException subclass from user code
    except BaseException as exc:  # noqa: BLE001
        report_defect(exc, fail)
    finally:
        in_body(False)  # Ctrl-C while the interpreter shuts down: one line, exit 130
    sys.exit(0)


def run_command(argv: list[str] | None) -> None:
    """Run the click group, then flush stdout inside the entry point's error handling (a full disk or a closed
    pipe is reported there, not by the interpreter's last flush)."""
    try:
        cli.main(args=argv, prog_name="symspec", standalone_mode=False)
    finally:
        sys.stdout.flush()


WRITE_ERRORS = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EIO}


def report_defect(exc: BaseException, fail) -> None:
    """An exception symspec did not expect: one line (and, under SYMSPEC_DEBUG=1, the traceback first), exit
    3."""
    from .errors import EXIT_DEFECT

    if os.environ.get("SYMSPEC_DEBUG"):
        import traceback

        traceback.print_exception(exc)
        fail("internal error", f"{type(exc).__name__}: {exc}", EXIT_DEFECT)
    fail("internal error", f"{type(exc).__name__}: {exc} (set SYMSPEC_DEBUG=1 for a traceback)", EXIT_DEFECT)
