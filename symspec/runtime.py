"""Thread counts chosen for the work, not left to torch's default.

symspec's tensors are small (a few thousand to a few million elements per op).  torch's default intra-op pool
uses every core and busy-waits between ops; on a shared machine (CI, a laptop running other work) that turns
seconds into minutes.  So symspec runs torch with one intra-op thread unless told otherwise (``--threads N``,
or ``OMP_NUM_THREADS``), and raises the count only for work large enough to pay for it (:func:`threads_for`).
"""

from __future__ import annotations

import os
import re
import sys

from .errors import SymspecError

ENV = ("OMP_NUM_THREADS", "MKL_NUM_THREADS")
LARGE_WORK = 50_000_000  # multiply-adds per op above which a second thread pays off on an idle machine


MAX_THREADS = 1024


def _thread_count(text: str) -> int | None:
    """An ASCII decimal count in [1, MAX_THREADS], or None (``str.isdigit`` accepts
    '³', which int() refuses)."""
    text = text.strip()
    if not re.fullmatch(r"[0-9]{1,5}", text) or not 1 <= int(text) <= MAX_THREADS:
        return None
    return int(text)


def requested_threads(raw=None) -> int | None:
    """The thread count the user asked for (--threads, else $OMP_NUM_THREADS), or None.  A bad --threads is
    refused; a bad $OMP_NUM_THREADS (set for other programs too) is ignored, see :func:`configure_threads`."""
    if raw is not None:
        count = _thread_count(str(raw))
        if count is None:
            raise SymspecError(f"--threads: expected an integer from 1 to {MAX_THREADS}, got {raw!r}")
        return count
    return _thread_count(os.environ.get("OMP_NUM_THREADS", ""))


def _unusable_env() -> list[str]:
    """The thread variables that are set but hold no usable count."""
    return [
        name for name in ENV if os.environ.get(name, "").strip() and _thread_count(os.environ[name]) is None
    ]


def configure_threads(raw=None) -> int:
    """Fix the intra-op thread count before torch starts (or on the running torch); returns it."""
    count = requested_threads(raw) or 1
    bad = _unusable_env()
    for name in bad:
        print(
            f"warning: ignoring {name}={os.environ[name]!r} (not an integer from 1 to {MAX_THREADS}); "
            f"using {count} thread{'s' if count > 1 else ''}",
            file=sys.stderr,
        )
    for name in ENV:
        if raw is not None or not os.environ.get(name) or name in bad:
            os.environ[name] = str(count)
    if "torch" in sys.modules:  # torch already imported (tests, the Python API): set it directly
        set_torch_threads(count)
    return count


def set_torch_threads(count: int) -> None:
    import torch

    if torch.get_num_threads() != count:
        torch.set_num_threads(count)


def threads_for(work: float, raw=None) -> int:
    """Threads for one job of ``work`` multiply-adds: the user's choice, else 1, or 2 for large work."""
    chosen = requested_threads(raw)
    if chosen is not None:
        return chosen
    return min(os.cpu_count() or 1, 2) if work >= LARGE_WORK else 1
