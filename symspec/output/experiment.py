"""``symspec experiment``: the list, the comparison table (one column per image source),
JSON, and the figures.

A run is a list of ``(Experiment, [Result per image source])``; the table aligns the rows of the sources by
measured quantity, so a reader sees at a glance whether a "does not hold" depends on the data.
"""

from __future__ import annotations

import math
import os
import textwrap

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .style import STYLE
from .format import fmt
from ..verdicts import FAIL, PASS
from .jsonout import document
from .table import Col, build

HOLDS, DOES_NOT_HOLD = "holds", "does not hold"
QUANTITY = Col("measured quantity", wrap=True, min_width=16)
EXPECTATION = Col("paper's expectation", wrap=True, min_width=12)
TEXT_WIDTH = 1 + 3 * 2 + QUANTITY.min_width + EXPECTATION.min_width  # borders and padding of two text columns


# ------------------------------------------------------------------------------------------ verdicts


def row_verdict(holds: bool | None) -> str | None:
    return None if holds is None else (PASS if holds else FAIL)


def tally(result) -> tuple[int, int]:
    """(expectations that hold, expectations stated) on one result."""
    tested = [r.holds for r in result.rows if r.holds is not None]
    return sum(tested), len(tested)


def all_hold(runs) -> bool:
    """Every stated expectation of every experiment holds on every image source (exit code 0, else 1)."""
    return all(result.holds for _, results in runs for result in results)


def source_tally(runs, source) -> tuple[int, int]:
    """(expectations that hold, expectations stated) over every experiment run on one image source."""
    results = [r for _, rs in runs for r in rs if r.images == source]
    return sum(tally(r)[0] for r in results), sum(tally(r)[1] for r in results)


def verdict_line(name: str, runs, sources) -> str:
    """``experiment --quiet``: FAIL when an expectation does not hold on a source,
    then the tally per source."""
    parts = []
    for s in sources:
        held, stated = source_tally(runs, s)
        parts.append(f"{s.name} {held} of {stated}")
    return (
        f"{'PASS' if all_hold(runs) else 'FAIL'}  experiment {name}: expectations holding: {', '.join(parts)}"
    )


def image_size(result, cfg: dict) -> int:
    return result.params.get("image_size") or cfg["size"]


# ------------------------------------------------------------------------------------------ JSON


def result_rows(exp, result) -> list[dict]:
    return [
        {
            "id": f"{exp.name}: {r.quantity}",
            "experiment": exp.name,
            "figure": exp.figure,
            "images": result.images.name,
            "quantity": r.quantity,
            "value": r.value,
            "expectation": r.expectation,
            "verdict": row_verdict(r.holds),
            "detail": r.detail,
        }
        for r in result.rows
    ]


def experiments_json(runs, cfg: dict, sources, written: list[str]) -> str:
    """The shared envelope (``symspec schema``): one result row per experiment, image source and quantity;
    ``runs`` summarises each experiment on each source, ``images`` describes the sources."""
    params = {
        "experiments": [exp.name for exp, _ in runs],
        "images": [s.name for s in sources],
        **{k: (str(v) if k == "device" else v) for k, v in cfg.items()},
    }
    rows = [row for exp, results in runs for result in results for row in result_rows(exp, result)]
    run_list = [
        {
            "experiment": exp.name,
            "figure": exp.figure,
            "summary": exp.summary,
            "images": r.images.name,
            "params": r.params,
            "verdict": PASS if r.holds else FAIL,
            "description": r.images.describe(image_size(r, cfg), cfg["seed"]),
            "data": r.data,
        }
        for exp, results in runs
        for r in results
    ]
    images = [
        {"name": s.name, "kind": s.kind, "description": s.describe(cfg["size"], cfg["seed"])} for s in sources
    ]
    return document(
        "experiment",
        params,
        PASS if all_hold(runs) else FAIL,
        "results",
        rows,
        runs=run_list,
        images=images,
        figures=written,
    )


# ------------------------------------------------------------------------------------------ tables


def experiment_list_table(experiments) -> Table:
    table = Table(title="symspec experiments (or all)", title_justify="left")
    table.add_column("name", no_wrap=True)
    table.add_column("paper figure")
    table.add_column("what it shows", overflow="fold")
    for exp in experiments.values():
        table.add_row(exp.name, exp.figure, exp.summary)
    return table


def value_cell(row) -> Text:
    """The measured value over its verdict (two lines, so that numbers never wrap)."""
    text = Text(fmt(row.value))
    if row.holds is not None:
        text.append("\n")
        text.append(HOLDS if row.holds else DOES_NOT_HOLD, style=STYLE[PASS if row.holds else FAIL])
    return text


def aligned_rows(results, stated_only: bool = False) -> list[tuple[str, str, list]]:
    """(quantity, expectation, [row or None per source]) in the first source's order, then any quantity that
    only a later source has; ``stated_only``: only rows with a stated expectation on some source."""
    order: list[str] = []
    for result in results:
        order += [r.quantity for r in result.rows if r.quantity not in order]
    by_source = [{r.quantity: r for r in result.rows} for result in results]
    out = []
    for quantity in order:
        cells = [rows.get(quantity) for rows in by_source]
        present = [c for c in cells if c is not None]
        if stated_only and all(c.holds is None for c in present):
            continue
        details = {c.detail for c in present if c.detail}
        label = quantity + (f" ({details.pop()})" if len(details) == 1 else "")
        out.append((label, present[0].expectation, cells))
    return out


def source_groups(runs, width: int) -> list[list[int]]:
    """Indices of the image sources per table: as many value columns as fit beside the text columns at their
    narrowest (a table wider than the console would be cut)."""
    widths = []
    for i in range(len(runs[0][1])):
        lines = [
            line
            for _, results in runs
            for row in results[i].rows
            for line in value_cell(row).plain.split("\n")
        ]
        widths.append(max(len(line) for line in lines + [runs[0][1][i].images.name]))
    groups: list[list[int]] = [[]]
    used = TEXT_WIDTH
    for i, w in enumerate(widths):
        if groups[-1] and used + 3 + w > width:
            groups.append([])
            used = TEXT_WIDTH
        groups[-1].append(i)
        used += 3 + w
    return groups


def comparison_table(runs, width: int, with_headers: bool, columns: list[int]) -> Table:
    """One table: a row per measured quantity, a column per image source (value over verdict); with headers
    (the ``all`` view) a bold row per experiment with its parameters and tallies,
    and only the stated expectations."""
    sources = [runs[0][1][i].images for i in columns]
    cols = [QUANTITY, EXPECTATION]
    cols += [Col(s.name, "right") for s in sources]
    rows, section_ends = [], []
    for exp, all_results in runs:
        results = [all_results[i] for i in columns]
        if with_headers:
            rows.append(
                [Text(f"{exp.name} ({exp.figure})", style="bold"), Text(fmt(results[0].params), style="dim")]
                + [
                    Text(f"{tally(r)[0]}/{tally(r)[1]} hold", style=STYLE[PASS if r.holds else FAIL])
                    for r in results
                ]
            )
        for label, expectation, cells in aligned_rows(results, stated_only=with_headers):
            rows.append(
                [label, expectation or "-"] + [value_cell(c) if c is not None else "n/a" for c in cells]
            )
        section_ends.append(len(rows) - 1)
    table = build(cols, rows, width)
    for i in section_ends[:-1]:
        table.rows[i].end_section = True
    return table


def print_experiments(console: Console, runs, cfg: dict, sources, written: list[str]) -> None:
    size = cfg["size"]
    if len(runs) == 1:
        exp, results = runs[0]
        size = image_size(results[0], cfg)
        head = f"experiment {exp.name} ({exp.figure}): {fmt(results[0].params)}; seed {cfg['seed']}"
    else:
        head = f"experiment all: {len(runs)} experiments of the paper; size {size}, seed {cfg['seed']}"
    console.print(Text(head, style="bold"))
    for s in sources:
        console.print(Text(f"images {s.name}: {s.describe(size, cfg['seed'])}"))
    for columns in source_groups(runs, console.width):
        console.print(comparison_table(runs, console.width, len(runs) > 1, columns))
    for s in sources:
        held, stated = source_tally(runs, s)
        ok = held == stated
        console.print(
            Text(f"{s.name}: {held} of {stated} stated expectations hold", style=STYLE[PASS if ok else FAIL])
        )
    for path in written:
        console.print(Text(f"wrote {path}"))


# ------------------------------------------------------------------------------------------ figures


def ensure_matplotlib() -> None:
    from .plots import pyplot

    pyplot()


def caption(result, cfg: dict) -> str:
    held, stated = tally(result)
    return (
        f"The paper's {result.figure} re-drawn by `symspec experiment {result.name}` ({fmt(result.params)}). "
        f"Images: {result.images.describe(image_size(result, cfg), cfg['seed'])}. "
        f"On these images {held} of {stated} of the paper's stated expectations hold."
        + (
            " Maps: mean |H_uv|² over images and channels in dB relative to each map's peak, zero frequency "
            "centred, frequencies in cycles per pixel, one colour scale per row."
            if any(p.image is not None for p in result.panels)
            else ""
        )
    )


def _draw_curves(ax, panel) -> None:
    for label, (xs, ys) in panel.curves.items():
        ax.plot(xs, ys, marker="o", markersize=3, label=label)
    if panel.logy:
        ax.set_yscale("log")
    ax.set_xlabel(panel.xlabel, fontsize=7)
    ax.set_ylabel(panel.ylabel, fontsize=7)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)


def draw(result, cfg: dict, path: str) -> str:
    """One PNG: the result's panels (maps with frequency axes and colour bars, or curves), a title,
    and a caption naming the image source."""
    from .plots import colour_bar, draw_map, pyplot, relative_db, row_limits, save

    plt = pyplot()
    cols = result.cols or len(result.panels)
    nrows = math.ceil(len(result.panels) / cols)
    width = max(3.4 * cols, 7.0)
    text = textwrap.fill(caption(result, cfg), width=int(width * 16))
    caption_height = 0.14 * (text.count("\n") + 1) + 0.15
    height = 2.9 * nrows + 0.4 + caption_height
    fig = plt.figure(figsize=(width, height), layout="constrained")
    fig.get_layout_engine().set(rect=(0, caption_height / height, 1, 1 - caption_height / height))
    axes = fig.subplots(nrows, cols, squeeze=False)
    for ax in axes.ravel()[len(result.panels) :]:
        ax.remove()
    for r in range(nrows):
        row = [(ax, panel) for ax, panel in zip(axes[r], result.panels[r * cols : (r + 1) * cols])]
        levels = [None if panel.image is None else relative_db(panel.image) for _, panel in row]
        maps = [ax for (ax, _), level in zip(row, levels) if level is not None]
        lo, hi = row_limits([level for level in levels if level is not None])
        for (ax, panel), level in zip(row, levels):
            if level is not None:
                image = draw_map(ax, level, lo, hi)
            else:
                _draw_curves(ax, panel)
            ax.set_title(panel.title, fontsize=8)
            ax.tick_params(labelsize=6)
        if maps:
            colour_bar(fig, image, maps, "dB re. each map's peak")
    fig.suptitle(f"{result.figure}: {result.title}", fontsize=9)
    fig.text(0.01, 0.01, text, fontsize=7, ha="left", va="bottom")
    return save(fig, path)


def plot_runs(runs, cfg: dict, directory: str) -> list[str]:
    """A figure per experiment and image source: ``<experiment>-<source>.png`` in ``directory``."""
    return [
        draw(result, cfg, os.path.join(directory, f"{result.name}-{result.images.slug}.png"))
        for _, results in runs
        for result in results
    ]


# --------------------------------------------------------------------------------------- the validation study


def _db_cell(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):  # "-inf" / "inf" / "nan" as the JSON writes them
        return value  # "-inf" / "inf" / "nan" as the JSON writes them
    return f"{value:+.1f}"


def study_markdown(doc: dict) -> str:
    """The README's table of a committed `experiment audit-vs-training --json` run: one row per design (audit
    figures before training, trained artefacts after), then Spearman's ρ of each
    figure against each artefact."""
    run = next(r for r in doc["runs"] if r["experiment"] == "audit-vs-training")
    data, p = run["data"], run["params"]
    lines = [
        f"{p['designs']} designs x {p['seeds']} seeds, {p['epochs']} epochs, {p['channels']} channels, "
        f"{run['description']}.",
        "",
        "| design | checkerboard_db (audit) | replica_db (audit) | trained checkerboard (dB) "
        "| trained tail (dB) | MSE |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for m in data["designs"]:
        lines.append(
            f"| {m['design']} | {_db_cell(m['checkerboard_db'])} | {_db_cell(m['replica_db'])} "
            f"| {m['trained_checkerboard_db']:+.1f} ± {m['trained_checkerboard_db_sd']:.1f} "
            f"| {m['trained_tail_db']:+.1f} ± {m['trained_tail_db_sd']:.1f} | {m['mse']:.4f} |"
        )
    lines += [
        "",
        "| audit figure | trained artefact | Spearman ρ over the designs | over the single runs |",
        "|---|---|---:|---:|",
    ]
    for key, rho in data["spearman"].items():
        fig, art = key.split("~")
        run_rho = data["spearman_runs"][key]
        lines.append(
            f"| `{fig}` | `{art}` | {'—' if rho is None else f'{rho:.2f}'} "
            f"| {'—' if run_rho is None else f'{run_rho:.2f}'} |"
        )
    lines += [
        "",
        "| audit finding before training | trained artefact | flagged runs | clear runs "
        "| separation (1.0: every flagged run ends worse) |",
        "|---|---|---:|---:|---:|",
    ]
    for kind, value in data["separation"].items():
        art = {"checkerboard": "trained_checkerboard_db", "replicas": "trained_tail_db"}[kind]
        flagged = sum(1 for r in data["runs"] if r[f"finding_{kind}"])
        lines.append(
            f"| `{kind}` | `{art}` | {flagged} | {len(data['runs']) - flagged} "
            f"| {'—' if value is None else f'{value:.2f}'} |"
        )
    return "\n".join(lines)
