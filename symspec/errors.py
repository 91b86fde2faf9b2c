"""What can go wrong, and the exit code each outcome gets (the README's "Exit codes" table).

0  checked, and no printed claim fails;  1  a printed claim fails (or an audit has findings);
2  bad usage or bad input (:class:`SymspecError`, one line naming the bad value);
3  a defect of symspec (:class:`SymspecDefect` or an unexpected exception; one line, the traceback only
   under ``SYMSPEC_DEBUG=1``);  130  interrupted.
"""

EXIT_OK, EXIT_FAIL, EXIT_INPUT, EXIT_DEFECT, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
MAX_MESSAGE = 500  # characters of one error line; a 10,000-character argument still gives a readable line


class SymspecError(ValueError):
    """Invalid parameters, unknown claims, malformed files: a user-facing one-line message."""


class SymspecDefect(RuntimeError):
    """symspec found itself wrong (e.g. a documented finding no longer reproduces): one line, exit 3."""


def one_line(message: object, limit: int = MAX_MESSAGE) -> str:
    """``message`` as one printable line: whitespace runs (newlines included) become one space, control
    characters are escaped (a file name cannot move the cursor or clear the terminal), long text is cut."""
    text = " ".join(str(message).split())
    text = "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape", "backslashreplace").decode("ascii")
        for ch in text
    )
    return text if len(text) <= limit else text[: limit - 1] + "…"
