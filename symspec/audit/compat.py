"""A guarded work-around for one known broken environment: a CUDA build of torchvision beside a CPU build of
torch.  Its compiled ops cannot load, so ``import torchvision`` fails with
``RuntimeError: operator torchvision::nms does not exist`` -- and every decoder library that imports it
(diffusers, timm / segmentation-models-pytorch, compressai) fails with it.

:func:`ensure_torchvision` tries the import; only when it fails with exactly that error does it declare the two
operator schemas torchvision's Python side registers fake kernels for (``nms``, ``qnms``), in a
``torch.library.Library("torchvision", "DEF")`` held for the process, and import again.  The ops stay
unusable (calling them raises); decoders never call them.  Nothing on disk is patched.
"""

from __future__ import annotations

import sys

import torch

MISSING_NMS = "operator torchvision::nms does not exist"
SCHEMAS = ("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
           "qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
_LIBRARY: list = []  # keeps the definitions alive


def define_torchvision_schemas() -> None:
    """Declare the schemas (once per process; tests/conftest.py may have declared them already)."""
    if not _LIBRARY:
        lib = torch.library.Library("torchvision", "DEF")
        for schema in SCHEMAS:
            lib.define(schema)
        _LIBRARY.append(lib)


def ensure_torchvision() -> str:
    """'absent', 'ok' or 'shimmed' (the import failed with the known error and works after the shim)."""
    try:
        import torchvision  # noqa: F401
    except ImportError:
        return "absent"
    except RuntimeError as exc:
        if MISSING_NMS not in str(exc):
            raise
        for name in [m for m in sys.modules if m == "torchvision" or m.startswith("torchvision.")]:
            del sys.modules[name]
        define_torchvision_schemas()
        import torchvision  # noqa: F401,F811

        return "shimmed"
    return "ok"
