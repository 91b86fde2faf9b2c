"""Consoles: the width every table is laid out for, and clean text for pipes.

On a terminal rich measures the window.  Anywhere else (pipes, files, CI logs) the width is ``$COLUMNS`` or
80, colour is off, and trailing spaces are stripped from every line, so that output diffs and greps cleanly.

A stream that cannot encode the output (``PYTHONIOENCODING=ascii``, ``latin-1``) gets ASCII table borders
(rich chooses them from the stream's encoding) and ASCII spellings of the symbols
it cannot hold (:data:`ASCII`).
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import sys

from rich.console import Console

# the symbols symspec prints, spelled in ASCII for a stream that cannot encode them; anything else becomes '?'
ASCII = {
    "—": "--",
    "–": "-",
    "−": "-",
    "…": "...",
    "×": "x",
    "·": "*",
    "²": "^2",
    "³": "^3",
    "√": "sqrt",
    "Σ": "sum",
    "Π": "prod",
    "∂": "d",
    "θ": "theta",
    "φ": "phi",
    "μ": "mu",
    "µ": "mu",
    "σ": "sigma",
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "τ": "tau",
    "ρ": "rho",
    "π": "pi",
    "η": "eta",
    "χ": "chi",
    "ω": "omega",
    "λ": "lambda",
    "ε": "eps",
    "≠": "!=",
    "≤": "<=",
    "≥": ">=",
    "≈": "~",
    "→": "->",
    "←": "<-",
    "⇒": "=>",
    "‖": "||",
    "′": "'",
    "″": "''",
    "∞": "inf",
    "±": "+/-",
    "∈": " in ",
    "∑": "sum",
    "∏": "prod",
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "•": "*",
    "✓": "ok",
    "✗": "x",
}
ERRORS = "symspec-ascii"


def _ascii_replace(exc: UnicodeError):
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    text = exc.object[exc.start : exc.end]
    return "".join(ASCII.get(ch, "?") for ch in text), exc.end


codecs.register_error(ERRORS, _ascii_replace)


def encodes(stream, text: str = "—━Σθ") -> bool:
    """Whether ``stream`` can encode symspec's symbols (a UTF stream can)."""
    try:
        text.encode(getattr(stream, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def safe_streams() -> None:
    """Let stdout and stderr write every message: a stream that cannot encode symspec's symbols spells them in
    ASCII instead of raising UnicodeEncodeError halfway through a table."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and hasattr(stream, "reconfigure") and not encodes(stream):
            stream.reconfigure(errors=ERRORS)


def silence_stdout() -> None:
    """After a write error (a closed pipe, a full disk), point fd 1 at /dev/null so that the interpreter's
    last flush of what is still buffered does not fail a second time with a traceback."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # a captured or replaced stream: nothing to redirect
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def to_ascii(text: str) -> str:
    """``text`` with every non-ASCII character spelled by :data:`ASCII` (or '?')."""
    return text if text.isascii() else "".join(ch if ch.isascii() else ASCII.get(ch, "?") for ch in text)


def unicode_ok() -> bool:
    """Whether stdout takes symspec's symbols (SymPy's pretty printer draws ASCII art otherwise)."""
    return encodes(sys.stdout)


class _Console(Console):
    """rich's Console, except that a closed pipe raises BrokenPipeError to the entry point (rich itself
    exits 1, the code of a finding), and that on a stream that cannot encode the symbols,
    text is spelled in ASCII before rich lays it out (so the columns still line up)."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    def render_str(self, text: str, **kwargs):
        if not encodes(self.file):
            text = to_ascii(text)
        return super().render_str(text, **kwargs)


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

    @property
    def encoding(self):  # rich draws ASCII borders when the target cannot encode box characters
        return getattr(self.target, "encoding", None)


def env_width() -> int:
    try:
        width = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        return DEFAULT_WIDTH
    return width if width >= 40 else DEFAULT_WIDTH


def make_console(
    width: int | None = None, plain: bool = False, stderr: bool = False, wide: bool = False
) -> Console:
    """A console for one command's output (``markup=False``: brackets in statements are text, not styles)."""
    stream = sys.stderr if stderr else sys.stdout
    terminal = stream.isatty() and not plain
    if wide:
        width = WIDE
    if terminal:
        return _Console(file=stream, width=width, highlight=False, markup=False, stderr=stderr)
    return _Console(
        file=_StripTrailing(stream),
        width=width or env_width(),
        color_system=None,
        force_terminal=False,
        highlight=False,
        markup=False,
        soft_wrap=False,
        emoji=False,
    )


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
