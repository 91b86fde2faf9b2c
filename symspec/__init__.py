"""symspec: a symbolic-plus-numeric checker for the frequency behaviour of convolutional decoders.

    >>> import symspec
    >>> rule = symspec.derive("upsample", mode="nearest", ratio=2)
    >>> rule.expr, rule.latex, rule.reading, rule.validate().verdict
"""

__version__ = "0.1.0"


def derive(layer: str, **params):
    """Derive the spectral rule of a layer; see :func:`symspec.spectral.ops.derive`."""
    from .spectral.ops import derive as _derive

    return _derive(layer, **params)


def __getattr__(name: str):
    """``symspec.audit(module, input_shape)``: the audit package, imported on first use, is callable."""
    if name == "audit":
        import importlib

        return importlib.import_module(".audit", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
