"""symspec: a symbolic-plus-numeric checker for the frequency behaviour of convolutional decoders.

>>> import symspec
>>> rule = symspec.derive("upsample", mode="nearest", ratio=2)
>>> rule.expr, rule.latex, rule.reading, rule.validate().verdict
"""

__version__ = "0.1.0"

import sys as _sys  # noqa: E402


def _started_as_command() -> bool:
    """Whether this process is the ``symspec`` command (the console script, or ``python -m symspec``, whose
    ``sys.argv[0]`` reads ``-m`` while the package is imported), not a program importing symspec."""
    argv = getattr(_sys, "argv", None) or [""]
    return argv[0] == "-m" or argv[0].replace("\\", "/").rsplit("/", 1)[-1] in ("symspec", "symspec.exe")


if _started_as_command():  # Ctrl-C from the first import on exits 130 with one line (symspec.cli.main)
    from .interrupts import quiet_interrupts as _quiet_interrupts

    _quiet_interrupts()


def __getattr__(name: str):
    """``from symspec import claim, Paper, Param``: the public claim API (:mod:`symspec.api`),
    imported on first use so that ``import symspec`` stays free of torch and SymPy."""
    if name in ("claim", "Paper", "Param", "PRINTED", "VARIANT", "CONVENTION"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'symspec' has no attribute {name!r}")


def derive(layer: str, **params):
    """Derive the spectral rule of a layer (see :func:`symspec.spectral.ops.derive`),
    with ``.latex`` bound."""
    from .output.derive import Derived
    from .spectral.ops import derive as _derive

    return Derived(_derive(layer, **params).rule)


from . import audit as _audit  # noqa: E402  (light: torch is imported when an audit runs)
from .audit.compat import install_torchvision_guard as _install_torchvision_guard  # noqa: E402  (no torch)

_install_torchvision_guard()  # a CUDA torchvision beside the CPU torch imports (see symspec.audit.compat)


class _CallableAudit(type(_audit)):
    """``symspec.audit(module, input_shape, **options)`` runs the audit and binds the output layer's renderers
    (``.table()``, ``.to_json()``, ``.plot(path)``) to the report, while ``symspec.audit`` stays a package."""

    def __call__(self, module, input_shape, **kwargs):
        from .output.audit import bound

        return bound(self.run(module, input_shape, **kwargs))


_audit.__class__ = _CallableAudit
