"""Sedghi, Gupta, Long, "The Singular Values of Convolutional Layers", ICLR 2019 (arXiv:1805.10408)."""

from ...api import Paper

PAPER = Paper(
    id="sedghi2019",
    title="The Singular Values of Convolutional Layers",
    authors=("Hanie Sedghi", "Vineet Gupta", "Philip M. Long"),
    venue="ICLR 2019",
    year=2019,
    pages="section 2 (single- and multi-channel characterisation), section 3 (projection onto an "
          "operator-norm ball)",
    url="https://openreview.net/forum?id=rJevYoA9Fm",
)
