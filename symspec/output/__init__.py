"""The output layer: one JSON schema, one 80-column table layout, plots, and a thin renderer per command.

Shared pieces, importing nothing of symspec's domain: ``console`` (width, pipes, progress), ``table`` (the
80-column layout), ``jsonout`` (the ``symspec/1`` envelope and value encoding), ``format`` (values as text),
``plots`` (figure conventions; the one module importing matplotlib), ``atomic_write`` below.  One renderer per
command on top of them: ``check``, ``falsify``, ``findings``, ``ledger``, ``derive``, ``audit``,
``experiment``, ``catalog`` (list and show), with ``style`` (verdict colours) shared between them.
Nothing in ``output`` runs a check; ``tests/test_layers.py`` keeps the shared pieces below the domain and
the renderers above it.
"""

import os
import tempfile
from pathlib import Path


def atomic_write(path, write) -> str:
    """Write a file atomically: ``write(tmp_path)`` fills a temporary file beside ``path``,
    which then replaces it, so an interrupted run leaves the old file or the new one, never half of one."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent or ".")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return str(path)
