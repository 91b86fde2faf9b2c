"""Aitken et al. 2017: sub-pixel convolution initialised with ICNR."""

from . import icnr  # noqa: F401  (states the claims)
from .paper import PAPER  # noqa: F401
