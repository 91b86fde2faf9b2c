"""The one exception type that means "bad input": the CLI prints it on one line and exits 2."""


class SymspecError(ValueError):
    """Invalid parameters, unknown claims, malformed files: a user-facing one-line message."""


class SymspecDefect(RuntimeError):
    """symspec found itself wrong (e.g. a documented finding no longer reproduces): one line, exit 3."""
