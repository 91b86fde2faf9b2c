"""Odena et al. 2016: where transposed convolution overlaps unevenly, and what avoids it."""

from . import overlap  # noqa: F401  (states the claims)
from .paper import PAPER  # noqa: F401
