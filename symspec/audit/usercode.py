"""Running code the user named (a module's import, a constructor, a forward pass): its prints can be sent to
stderr, and whatever it raises or exits with becomes one line of bad input naming it.  Ctrl-C stays Ctrl-C."""

from __future__ import annotations

import contextlib
import re
import sys
import warnings

from ..errors import SymspecError

ALLOCATION = re.compile(
    r"(?:tried to allocate|allocate memory:?[^\d]*)\s*([\d.]+)\s*([KMGT]i?B|bytes)?", re.I
)
UNITS = {
    "bytes": 1,
    "kb": 1 << 10,
    "kib": 1 << 10,
    "mb": 1 << 20,
    "mib": 1 << 20,
    "gb": 1 << 30,
    "gib": 1 << 30,
    "tb": 1 << 40,
    "tib": 1 << 40,
}


@contextlib.contextmanager
def prints_to_stderr():
    """``print`` from user code goes to stderr while this holds (stdout stays one document for ``--json``)."""
    saved = sys.stdout
    sys.stdout = sys.stderr
    try:
        yield
    finally:
        sys.stdout = saved


@contextlib.contextmanager
def held_warnings():
    """Warnings raised by user code, held back: printed one line each (``warning: ...``) only when the block
    succeeds, so that a refusal stays one line."""
    with warnings.catch_warnings(
        record=True
    ) as caught:  # the filters in force still apply (-W, PYTHONWARNINGS)
        yield
    seen = set()
    for w in caught:
        line = f"warning: {w.category.__name__}: {' '.join(str(w.message).split())}"[:300]
        if line not in seen:
            seen.add(line)
            print(line, file=sys.stderr)


def one_line(exc: BaseException, limit: int = 200) -> str:
    """'KeyError: 'a'' -- the type and the first line of the message, shortened."""
    text = " ".join(str(exc).split())
    text = text[:limit] + ("..." if len(text) > limit else "")
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def gib(size: float) -> str:
    return f"{size / 2**30:.2f} GiB" if size >= 2**28 else f"{size / 2**20:.1f} MiB"


def out_of_memory(exc: BaseException) -> str | None:
    """'out of memory (an allocation of 4.00 GiB failed)' for a real out-of-memory error, else None."""
    text = str(exc)
    if (
        not isinstance(exc, MemoryError)
        and "can't allocate memory" not in text
        and "out of memory" not in text.lower()
    ):
        return None
    found = ALLOCATION.search(text)
    if not found:
        return "out of memory"
    size = float(found.group(1)) * UNITS.get((found.group(2) or "bytes").lower(), 1)
    return f"out of memory (an allocation of {gib(size)} failed)"


def refuse(what: str, action: str, exc: BaseException) -> SymspecError:
    """The one-line refusal for ``exc`` raised by user code while doing ``action``; KeyboardInterrupt is not
    refused (callers re-raise it)."""
    oom = out_of_memory(exc)
    if oom:
        return SymspecError(f"{what}: {oom} while {action}; choose a smaller input, batch or model")
    if isinstance(exc, SystemExit):
        return SymspecError(f"{what}: {action} called sys.exit({exc.code!r})")
    return SymspecError(f"{what}: {action} raised {one_line(exc)}")
