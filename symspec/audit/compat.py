"""A guarded work-around for one known broken environment: a CUDA build of torchvision beside a CPU build of
torch.  Its compiled ops cannot load, so ``import torchvision`` fails with ``RuntimeError: operator
torchvision::nms does not exist`` -- and every decoder library that imports it (diffusers, timm /
segmentation-models-pytorch, compressai) fails with it.

Only when the import fails with exactly that error are the two operator schemas torchvision's Python side
registers fake kernels for (``nms``, ``qnms``) declared, in a ``torch.library.Library("torchvision", "DEF")``
held for the process, and the import run again.  The ops stay unusable (calling them raises); decoders never
call them.  Nothing on disk is patched.

Two ways in: :func:`ensure_torchvision` (the CLI, before it loads a decoder) imports torchvision now;
:func:`install_torchvision_guard` (``import symspec``) puts a finder on ``sys.meta_path`` that applies the
same guard whenever torchvision is first imported, in whatever order the user imports symspec and a decoder
library. This module imports nothing heavy: torch is imported only when torchvision is.
"""

from __future__ import annotations

import importlib.abc
import sys

MISSING_NMS = "operator torchvision::nms does not exist"
SCHEMAS = (
    "nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
    "qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor",
)
_LIBRARY: list = []  # keeps the definitions alive


def define_torchvision_schemas() -> None:
    """Declare the schemas (once per process; an earlier declaration, e.g. by a test harness, is kept)."""
    import torch

    if _LIBRARY:
        return
    try:
        torch.ops.torchvision.nms  # noqa: B018 - declared already
        return
    except (AttributeError, RuntimeError):
        pass
    lib = torch.library.Library("torchvision", "DEF")
    for schema in SCHEMAS:
        lib.define(schema)
    _LIBRARY.append(lib)


def _forget_torchvision() -> None:
    for name in [m for m in sys.modules if m == "torchvision" or m.startswith("torchvision.")]:
        del sys.modules[name]


def ensure_torchvision() -> str:
    """'absent', 'ok' or 'shimmed' (the import failed with the known error and works after the shim)."""
    try:
        import torchvision  # noqa: F401
    except ImportError:
        return "absent"
    except RuntimeError as exc:
        if MISSING_NMS not in str(exc):
            raise
        _forget_torchvision()
        define_torchvision_schemas()
        import torchvision  # noqa: F401,F811

        return "shimmed"
    return "ok"


class _GuardedLoader(importlib.abc.Loader):
    """torchvision's own loader; when executing the package fails with the known error, the schemas are
    declared and the package executed again (its half-imported submodules forgotten first)."""

    def __init__(self, inner):
        self.inner = inner

    def create_module(self, spec):
        return self.inner.create_module(spec)

    def exec_module(self, module):
        try:
            self.inner.exec_module(module)
        except RuntimeError as exc:
            if MISSING_NMS not in str(exc):
                raise
            for name in [m for m in sys.modules if m.startswith("torchvision.")]:
                del sys.modules[name]
            define_torchvision_schemas()
            self.inner.exec_module(module)

    def __getattr__(self, name):  # get_resource_reader, is_package, ...: the inner loader's
        return getattr(self.inner, name)


class TorchvisionGuard(importlib.abc.MetaPathFinder):
    """Finds nothing itself: for ``torchvision`` it asks the other finders and wraps their loader."""

    def find_spec(self, name, path=None, target=None):
        if name != "torchvision":
            return None
        spec = None
        for finder in [f for f in sys.meta_path if f is not self]:
            find = getattr(finder, "find_spec", None)
            spec = find(name, path, target) if find is not None else None
            if spec is not None:
                break
        if spec is None or spec.loader is None or isinstance(spec.loader, _GuardedLoader):
            return spec
        spec.loader = _GuardedLoader(spec.loader)
        return spec


def install_torchvision_guard() -> None:
    """Put the guard first on ``sys.meta_path`` (once); a torchvision already imported is left alone."""
    if not any(isinstance(f, TorchvisionGuard) for f in sys.meta_path):
        sys.meta_path.insert(0, TorchvisionGuard())
