"""``python -m symspec``.  Python puts the working directory first on the import path here; move it
last before anything else is imported, so that a local file named like a dependency (click.py, numpy.py,
matplotlib.py) cannot replace it (``symspec audit`` still finds a decoder
module there: see symspec/audit/target.py)."""

import os
import sys

_cwd = os.path.realpath(os.getcwd())
sys.path[:] = [p for p in sys.path if os.path.realpath(p or ".") != _cwd] + [_cwd]

from .cli import main  # noqa: E402

main()
