"""The output layer: one JSON schema, one 80-column table layout, plots, and a thin renderer per command.

Each command's renderer lives in its own module here (``output/ledger.py``, ``output/audit.py``, …) and imports
the shared helpers; nothing in ``output`` runs a check.
"""

import os
import tempfile
from pathlib import Path


def atomic_write(path, write) -> str:
    """Write a file atomically: ``write(tmp_path)`` fills a temporary file beside ``path``, which then replaces it,
    so an interrupted run leaves the old file or the new one, never half of one."""
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
