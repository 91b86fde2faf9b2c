"""Ctrl-C at any moment of the ``symspec`` command: one line on stderr and exit 130, never a traceback.

The package's first line (``symspec/__init__``) installs :func:`on_interrupt` when the process is the command,
before any heavy import.  Outside the command's body (start-up, shutdown), and inside any import (torch's
initialisers run C++ code, which aborts the process when a KeyboardInterrupt crosses it), the handler exits at
once; in the body it raises KeyboardInterrupt, which the entry point (``symspec.cli.main``) reports after the
command's own clean-up (temporary files, progress bars) has run.  Only ``os``, ``signal`` and ``sys`` are
imported here, so the handler is in place a millisecond after the package starts loading.
"""

import os
import signal
import sys

INTERRUPTED = b"interrupted: stopped before the end\n"
EXIT_INTERRUPTED = 130
_BODY = {"running": False}


def exit_now() -> None:
    try:
        os.write(2, INTERRUPTED)
    finally:
        os._exit(EXIT_INTERRUPTED)


def inside_import(frame) -> bool:
    """Whether ``frame`` runs under an import (a module's top level, torch's initialisers)."""
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            return True
        frame = frame.f_back
    return False


def on_interrupt(signum, frame) -> None:  # noqa: ARG001 - a signal handler's signature
    if not _BODY["running"] or inside_import(frame):
        exit_now()
    raise KeyboardInterrupt


def quiet_interrupts() -> None:
    """Install :func:`on_interrupt` for SIGINT (outside the main thread: leave the handler alone)."""
    try:
        signal.signal(signal.SIGINT, on_interrupt)
    except ValueError:
        pass


def interrupts_quiet() -> bool:
    """Whether :func:`on_interrupt` handles SIGINT (this process is the ``symspec`` command)."""
    return signal.getsignal(signal.SIGINT) is on_interrupt


def in_body(running: bool) -> None:
    """Mark the command's body as running (KeyboardInterrupt) or over (exit at once)."""
    _BODY["running"] = running
    if not running:
        sys.stderr.flush()
