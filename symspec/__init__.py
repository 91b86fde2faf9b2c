"""symspec: a symbolic-plus-numeric checker for the frequency behaviour of convolutional decoders.

    >>> import symspec
    >>> rule = symspec.derive("upsample", mode="nearest", ratio=2)
    >>> rule.expr, rule.latex, rule.reading, rule.validate().verdict
"""

__version__ = "0.1.0"


def derive(layer: str, **params):
    """Derive the spectral rule of a layer (see :func:`symspec.spectral.ops.derive`), with ``.latex`` bound."""
    from .output.derive import Derived
    from .spectral.ops import derive as _derive

    return Derived(_derive(layer, **params).rule)


from . import audit as _audit  # noqa: E402  (light: torch is imported when an audit runs)


class _CallableAudit(type(_audit)):
    """``symspec.audit(module, input_shape, **options)`` runs the audit and binds the output layer's renderers
    (``.table()``, ``.to_json()``, ``.plot(path)``) to the report, while ``symspec.audit`` stays a package."""

    def __call__(self, module, input_shape, **kwargs):
        from .output.audit import bound

        return bound(self.run(module, input_shape, **kwargs))


_audit.__class__ = _CallableAudit
