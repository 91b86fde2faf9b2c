"""The ``symspec`` command line: list, show, check, falsify."""

from __future__ import annotations

import os
import sys

import click

from .claims import FAIL, Settings
from .errors import SymspecDefect, SymspecError

def claim_options(func):
    """One --option per parameter name declared by any claim; its help names the claims that take it."""
    from .theorems import all_claims

    seen: dict[str, dict[str, list[str]]] = {}
    for claim in all_claims():
        for p in claim.params:
            seen.setdefault(p.name, {}).setdefault(p.help, []).append(claim.id)
    for name in sorted(seen, reverse=True):
        meanings = seen[name]
        if len(meanings) == 1:
            (text, ids), = meanings.items()
            help_ = f"{text} [{', '.join(ids)}]"
        else:
            help_ = "; ".join(f"{text} [{', '.join(ids)}]" for text, ids in meanings.items())
        func = click.option("--" + name.replace("_", "-"), name, default=None, help=help_)(func)
    return func


def settings_options(func):
    func = click.option("--device", default="cpu", show_default=True, help="cpu | cuda")(func)
    func = click.option("--dtype", default="float64", show_default=True, help="float64 | float32")(func)
    func = click.option("--tol", default=None, type=str, help="tolerance for exact identities")(func)
    func = click.option("--seed", default="0", show_default=True, help="random seed (reported)")(func)
    return func


def make_settings(seed, tol, dtype, device, at=None) -> Settings:
    from .claims import Param
    from .numeric.layers import torch_device, torch_dtype

    seed_v = Param("seed", "int", 0, "", minimum=0, maximum=2**63 - 1).parse(seed)
    tol_v = Param("tol", "float", None, "", minimum=0).parse(tol)
    torch_dtype(dtype)
    torch_device(device)
    from .params import parse_point

    at_v = None if at is None else parse_point("at", at)
    return Settings(dtype=dtype, device=device, seed=seed_v, tol=tol_v, at=at_v)


def claim_raw(kwargs: dict) -> dict:
    return {k: v for k, v in kwargs.items() if v is not None}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="symspec")
def cli() -> None:
    """symspec: check the paper's frequency claims about convolutional decoders against real torch runs."""


@cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
def list_cmd(as_json: bool) -> None:
    """Table of claims: id, aliases, source, kind, statement."""
    from .report import make_console, list_table
    from .theorems import all_claims

    claims = all_claims()
    if as_json:
        import json

        click.echo(json.dumps([{"id": c.id, "aliases": list(c.aliases), "source": c.source, "kind": c.kind,
                                "statement": c.summary} for c in claims], indent=2))
        return
    make_console().print(list_table(claims))


@cli.command()
@click.argument("claim")
def show(claim: str) -> None:
    """Statement (pretty and LaTeX), hypotheses, parameters and defaults of CLAIM."""
    from .report import make_console, print_show
    from .theorems import lookup

    print_show(make_console(), lookup(claim))


@cli.command()
@click.argument("claim")
@claim_options
@settings_options
@click.option("--at", default=None, help="replay one witness point: compare only there, e.g. --at layer=1,u=0,v=4")
@click.option("--perturb", default=None, help="replace the printed formula by a named perturbation")
@click.option("--json", "as_json", is_flag=True, help="print one JSON document")
@click.option("--verbose", "-v", is_flag=True, help="also print the notes of passing rows")
def check(claim, seed, tol, dtype, device, at, perturb, as_json, verbose, **kwargs):
    """Check CLAIM (or `all`) at the given parameters: symbolic vs torch, PASS/FAIL/UNDEFINED."""
    from .report import make_console, print_reports, reports_json
    from .theorems import all_claims, lookup

    settings = make_settings(seed, tol, dtype, device, at)
    raw = claim_raw(kwargs)
    if claim.strip().lower() == "all":
        if perturb:
            raise SymspecError("--perturb needs a single claim, not 'all'")
        reports = []
        for c in all_claims():
            accepted = {p.name for p in c.params}
            reports.append(c.check({k: v for k, v in raw.items() if k in accepted}, settings))
        name = "all"
    else:
        c = lookup(claim)
        reports = [c.check(raw, settings, perturb=perturb)]
        name = c.id
    if as_json:
        click.echo(reports_json(reports, name))
    else:
        print_reports(make_console(), reports, verbose=verbose)
    if any(r.findings for r in reports):  # exit 1 only through printed rows
        sys.exit(1)


@cli.command()
@click.argument("claim")
@settings_options
@click.option("--max-points", default=None, help="search at most this many grid points per claim")
@click.option("--json", "as_json", is_flag=True, help="print one JSON document (as check, plus 'searched')")
def falsify(claim, seed, tol, dtype, device, max_points, as_json):
    """Search a bounded grid of small parameters for counterexamples to CLAIM (or `all`)."""
    from rich.progress import Progress

    from .claims import Param
    from .falsify import search
    from .report import falsify_json, make_console, print_falsify
    from .theorems import all_claims, lookup

    settings = make_settings(seed, tol, dtype, device)
    limit = Param("max_points", "int", None, "", minimum=1).parse(max_points)
    claims = all_claims() if claim.strip().lower() == "all" else [lookup(claim)]
    console = make_console()
    searches = []
    with Progress(console=make_console(), transient=True, disable=as_json or not console.is_terminal) as bar:
        for c in claims:
            total = len(c.falsify_grid()) if c.falsify_grid else 1
            task = bar.add_task(f"falsify {c.id}", total=min(total, limit or total))
            searches.append(search(c, settings, limit, progress=lambda: bar.advance(task)))
    name = "all" if len(claims) > 1 else claims[0].id
    if as_json:
        click.echo(falsify_json(searches, name))
    else:
        print_falsify(console, searches)
    if any(s.found for s in searches):
        sys.exit(1)


@cli.command()
@click.option("--markdown", "as_markdown", is_flag=True, help="print the README's findings table")
@click.option("--json", "as_json", is_flag=True, help="print one JSON document")
def findings(as_markdown, as_json):
    """Run every finding's witness case: printed statements of the paper that fail, with witness tests.

    Exit 1 when every finding is confirmed (the paper as printed fails), 3 when a case no longer fails."""
    from .findings import run_all
    from .report import findings_json, findings_markdown, make_console, print_findings

    outcomes = run_all()
    if as_markdown:
        click.echo(findings_markdown(outcomes))
    elif as_json:
        click.echo(findings_json(outcomes))
    else:
        print_findings(make_console(), outcomes)
    if not all(o.confirmed for o in outcomes):
        raise SymspecDefect("a finding no longer fails at its witness: " + ", ".join(
            o.case.row for o in outcomes if not o.confirmed))
    sys.exit(1)


DERIVE_OPTIONS = ["size", "kernel", "padding", "stride", "dilation", "groups", "in_channels", "out_channels",
                  "mode", "ratio", "output_padding", "channels", "chain"]


@cli.command()
@click.argument("layer", required=False)
@click.option("--size", default=None, help="input map size MxN (default 8x8)")
@click.option("--kernel", default=None, help="kernel / window size")
@click.option("--padding", default=None, help="conv: circular|zero|reflect|replicate|valid; conv-transpose: int")
@click.option("--stride", default=None, help="stride")
@click.option("--dilation", default=None, help="dilation")
@click.option("--groups", default=None, help="groups")
@click.option("--in-channels", default=None, help="input channels")
@click.option("--out-channels", default=None, help="output channels")
@click.option("--mode", default=None, help="upsample: zero|nearest|bilinear")
@click.option("--ratio", default=None, help="upsample / pixel-shuffle ratio (2 or 2x3)")
@click.option("--output-padding", default=None, help="conv-transpose output padding")
@click.option("--channels", default=None, help="channels (upsample, avgpool, subsample, pixel-shuffle, chain)")
@click.option("--chain", default=None, help='composition, e.g. "upsample:nearest:2,conv:3:zero"')
@click.option("--seed", default="0", show_default=True, help="seed of the random weights used for validation")
@click.option("--tol", default="1e-9", show_default=True, help="validation tolerance (max relative error)")
@click.option("--latex", "as_latex", is_flag=True, help="print the LaTeX of the rule")
@click.option("--json", "as_json", is_flag=True, help="print one JSON document")
def derive(layer, seed, tol, as_latex, as_json, **kwargs):
    """Derive the spectral rule of LAYER and validate it against the torch layer.

    Layers: conv, conv-transpose, upsample, avgpool, subsample, pixel-shuffle, chain.
    """
    from .claims import Param
    from .report import print_derivation, derivation_json
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
    else:
        from .report import make_console

        print_derivation(make_console(), result, validation, as_latex)
    if validation.verdict != "pass":
        sys.exit(1)


@cli.command()
@click.argument("target")
@click.option("--input", "input_shape", default=None, help="input shape CxHxW, e.g. 128x4x4 (or 'input' in a spec)")
@click.option("--args", "args_json", default=None, help="JSON keyword arguments for the class or factory")
@click.option("--weights", default=None, help="a saved state dict to use real weights")
@click.option("--batch", default="8", show_default=True, help="random inputs for the numeric cross-check")
@click.option("--seed", default="0", show_default=True, help="seed of the random inputs")
@click.option("--fail-on", default=None, help="exit 1 on: attenuation>NdB, replicas, dc-boost, aliasing, unmapped")
@click.option("--plot", default=None, help="write per-layer spectra heatmaps to this PNG (needs matplotlib)")
@click.option("--json", "as_json", is_flag=True, help="print one JSON document")
def audit(target, input_shape, args_json, weights, batch, seed, fail_on, plot, as_json):
    """Frequency audit of a decoder before training.

    TARGET is an import path (package.module:Decoder, a class or a factory) or a JSON/YAML layer spec.
    """
    import json as json_mod

    from .audit.analysis import audit as run_audit, failures, parse_fail_on
    from .audit.load import load
    from .claims import Param
    from .report import audit_dict, make_console, plot_audit, print_audit

    conditions = parse_fail_on(fail_on)
    batch_v = Param("batch", "int", 8, "", minimum=1, maximum=256).parse(batch)
    seed_v = Param("seed", "int", 0, "", minimum=0).parse(seed)
    module, shape = load(target, input_shape, args_json, weights, seed=seed_v)
    result = run_audit(module, shape, target, batch=batch_v, seed=seed_v)
    hits = failures(result, conditions)
    if plot:
        plot_audit(result, plot)
    if as_json:
        click.echo(json_mod.dumps(audit_dict(result, hits), indent=2))
    else:
        print_audit(make_console(), result, hits)
        if plot:
            click.echo(f"wrote {plot}")
    if hits:
        sys.exit(1)


@cli.command()
@click.argument("name")
@click.option("--size", default="32", show_default=True, help="image size (square)")
@click.option("--channels", default="16", show_default=True, help="channels of the hidden layers")
@click.option("--depth", default=None, help="layers (cascade-fit: 10, depth: 50)")
@click.option("--epochs", default=None, help="learning-order: training epochs (40)")
@click.option("--steps", default=None, help="shift: optimisation steps per shift (300)")
@click.option("--images", default=None, help="a folder of images to use instead of synthetic ones (needs Pillow)")
@click.option("--seed", default="0", show_default=True, help="seed (reported)")
@click.option("--plot", "plot_dir", default=None, help="write the PNG figures into this directory")
@click.option("--device", default="cpu", show_default=True, help="cpu | cuda (networks and images; closed forms stay on the CPU)")
@click.option("--json", "as_json", is_flag=True, help="print one JSON document")
def experiment(name, size, channels, depth, epochs, steps, images, seed, plot_dir, device, as_json):
    """Reproduce one of the paper's experiments on real ReLU networks (`symspec experiment list`)."""
    import json as json_mod
    from pathlib import Path

    import torch
    from rich.progress import Progress

    from .claims import Param
    from .experiments import all_experiments, lookup
    from .numeric.layers import torch_device
    from .report import experiment_dict, make_console, print_experiment, print_experiment_list

    if name.strip().lower() == "list":
        make_console().print(print_experiment_list(all_experiments()))
        return
    exp = lookup(name)
    cfg = {
        "size": Param("size", "int", 32, "", minimum=8, maximum=256).parse(size),
        "channels": Param("channels", "int", 16, "", minimum=1, maximum=256).parse(channels),
        "depth": Param("depth", "int", None, "", minimum=1, maximum=200).parse(depth),
        "epochs": Param("epochs", "int", None, "", minimum=1, maximum=10_000).parse(epochs),
        "steps": Param("steps", "int", None, "", minimum=1, maximum=100_000).parse(steps),
        "seed": Param("seed", "int", 0, "", minimum=0).parse(seed),
        "images": images,
        "device": torch_device(device),
    }
    if plot_dir:
        from .experiments.common import ensure_matplotlib

        ensure_matplotlib()
        Path(plot_dir).mkdir(parents=True, exist_ok=True)
    torch.manual_seed(cfg["seed"])
    console = make_console()
    with Progress(console=console, transient=True, disable=as_json or not console.is_terminal) as bar:
        task = bar.add_task(f"experiment {exp.name}", total=None)
        result = exp.run(cfg, progress=lambda: bar.advance(task))
    written = result.plot(plot_dir) if plot_dir and result.plot else []
    if as_json:
        click.echo(json_mod.dumps(experiment_dict(result, cfg, written), indent=2))
    else:
        print_experiment(console, result, cfg, written)


def main(argv: list[str] | None = None) -> None:
    """Entry point: one-line errors with exit code 2 for bad input, never a traceback."""
    try:
        cli.main(args=argv, prog_name="symspec", standalone_mode=False)
    except SymspecError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except SymspecDefect as exc:
        click.echo(f"internal error: {exc}", err=True)
        sys.exit(3)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.exceptions.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(2)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except MemoryError:
        click.echo("error: out of memory; choose smaller sizes, fewer channels or fewer samples", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # pragma: no cover - last line of defence
        if os.environ.get("SYMSPEC_DEBUG"):
            raise
        click.echo(f"internal error: {type(exc).__name__}: {exc} (set SYMSPEC_DEBUG=1 for a traceback)", err=True)
        sys.exit(3)
    sys.exit(0)
