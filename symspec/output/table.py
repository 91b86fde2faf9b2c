"""One table layout for every command: it fits the console's width without cutting a number or a verdict.

Each column declares whether it may wrap (text such as ids and statements) and a priority.  When the natural
widths do not fit, the lowest-priority optional columns are dropped first (``--wide`` keeps them all) and the
table's caption names them, then the wrapping columns share what is left; columns of numbers and verdicts
never wrap and are never shortened.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text


@dataclass(frozen=True)
class Col:
    name: str
    justify: str = "left"
    wrap: bool = False  # text that may wrap onto several lines (ids, statements)
    priority: int = 0  # higher survives longer; 0 = never dropped
    min_width: int = 8  # for wrapping columns
    identifier: bool = False  # ids: wrapped only after a separator (. _ @ - /), never inside a word


def _width(cell) -> int:
    text = cell.plain if isinstance(cell, Text) else str(cell)
    return max((len(line) for line in text.splitlines()), default=0)


def fit(cols: list[Col], rows: list[list], width: int) -> list[int]:
    """Indices of the columns to show at ``width`` (dropping optional ones, lowest priority first)."""
    keep = list(range(len(cols)))

    def needed(indices):
        total = 1 + 3 * len(indices)  # borders and padding of rich's default box
        for i in indices:
            natural = max([_width(cols[i].name)] + [_width(r[i]) for r in rows])
            total += min(natural, cols[i].min_width) if cols[i].wrap else natural
        return total

    droppable = sorted((i for i, c in enumerate(cols) if c.priority > 0), key=lambda i: cols[i].priority)
    while needed(keep) > width and droppable:
        keep.remove(droppable.pop(0))
    return keep


def _wrap_room(cols: list[Col], rows: list[list], keep: list[int], width: int) -> int:
    """The width left for each wrapping column once the others have their natural widths."""
    fixed = sum(max([_width(cols[i].name)] + [_width(r[i]) for r in rows]) for i in keep if not cols[i].wrap)
    wrapping = [i for i in keep if cols[i].wrap] or [None]
    return max(1, (width - 1 - 3 * len(keep) - fixed) // len(wrapping))


def build(cols: list[Col], rows: list[list], width: int, title: str | None = None) -> Table:
    from .format import break_identifier

    keep = fit(cols, rows, width)
    room = _wrap_room(cols, rows, keep, width)
    rows = [
        [
            break_identifier(cell, max(room, cols[i].min_width // 2))
            if cols[i].identifier and isinstance(cell, str)
            else cell
            for i, cell in enumerate(r)
        ]
        for r in rows
    ]
    table = Table(title=title, title_justify="left", show_lines=False, expand=False)
    for i in keep:
        c = cols[i]
        if c.wrap:
            natural = max([_width(c.name)] + [_width(r[i]) for r in rows])
            table.add_column(
                c.name, justify=c.justify, overflow="fold", min_width=min(c.min_width, 12, natural)
            )
        else:
            table.add_column(c.name, justify=c.justify, no_wrap=True)
    for r in rows:
        table.add_row(*[r[i] if isinstance(r[i], Text) else str(r[i]) for i in keep])
    hidden = [c.name for i, c in enumerate(cols) if i not in keep]
    if hidden:  # a narrow table says what it left out and how to see it
        table.caption = Text(
            f"hidden at {width} columns: {', '.join(hidden)} (--wide shows them)", style="dim"
        )
        table.caption_justify = "left"
    return table
