"""Consoles: the width every table is laid out for, and clean text for pipes.

On a terminal rich measures the window.  Anywhere else (pipes, files, CI logs) the width is ``$COLUMNS`` or 80,
colour is off, and trailing spaces are stripped from every line, so that output diffs and greps cleanly.
"""

from __future__ import annotations

import io
import os
import sys

from rich.console import Console

DEFAULT_WIDTH = 80
WIDE = 200


class _StripTrailing(io.TextIOBase):
    """A text stream that writes complete lines with their trailing spaces removed."""

    def __init__(self, target):
        self.target = target
        self.pending = ""

    def write(self, text: str) -> int:
        self.pending += text
        *lines, self.pending = self.pending.split("\n")
        for line in lines:
            self.target.write(line.rstrip() + "\n")
        return len(text)

    def flush(self) -> None:
        if self.pending:
            self.target.write(self.pending.rstrip())
            self.pending = ""
        self.target.flush()

    def isatty(self) -> bool:
        return False


def env_width() -> int:
    try:
        width = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        return DEFAULT_WIDTH
    return width if width >= 40 else DEFAULT_WIDTH


def make_console(width: int | None = None, plain: bool = False, stderr: bool = False, wide: bool = False) -> Console:
    """A console for one command's output (``markup=False``: brackets in statements are text, not styles)."""
    stream = sys.stderr if stderr else sys.stdout
    terminal = stream.isatty() and not plain
    if wide:
        width = WIDE
    if terminal:
        return Console(file=stream, width=width, highlight=False, markup=False, stderr=stderr)
    return Console(file=_StripTrailing(stream), width=width or env_width(), color_system=None, force_terminal=False,
                   highlight=False, markup=False, soft_wrap=False, emoji=False)


def finish(console: Console) -> None:
    """Flush a console's last partial line (pipes)."""
    console.file.flush()


class _Progress:
    """A rich progress bar on stderr, shown only when stderr is a terminal (never in pipes or logs)."""

    def __init__(self, label: str, total: int | None):
        self.label, self.total, self.bar, self.task = label, total, None, None

    def __enter__(self):
        if sys.stderr.isatty():
            from rich.progress import Progress

            self.bar = Progress(console=Console(file=sys.stderr), transient=True)
            self.bar.__enter__()
            self.task = self.bar.add_task(self.label, total=self.total)
        return self.advance

    def advance(self) -> None:
        if self.bar is not None:
            self.bar.advance(self.task)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)
        return False


def progress(label: str, total: int | None = None) -> _Progress:
    """``with progress("check all", 9) as advance: ... advance()``."""
    return _Progress(label, total)
