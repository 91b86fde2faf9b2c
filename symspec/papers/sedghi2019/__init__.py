"""Sedghi et al. 2019: the singular values of a 2-D multi-channel circular convolution, and clipping them."""

from . import clip, singular_values  # noqa: F401  (states the claims)
from .paper import PAPER  # noqa: F401
