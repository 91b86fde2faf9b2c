"""Sedghi, Gupta, Long, "The Singular Values of Convolutional Layers", ICLR 2019 (arXiv:1805.10408)."""

from ...api import Paper

PAPER = Paper(
    id="sedghi2019",
    title="The Singular Values of Convolutional Layers",
    authors=("Hanie Sedghi", "Vineet Gupta", "Philip M. Long"),
    venue="ICLR 2019",
    year=2019,
    pages="Thm 5 (one channel), Thm 6 (m channels), Prop. 9 (clipping the singular values projects onto "
    "an operator-norm ball). Rows cite these numbers, not pages: page and section numbers are not "
    "confirmed against the paper's text, and the theorem and proposition numbers only against a "
    "third-party summary of it. Not checked: the stated cost of all singular values, "
    "O(n^2 m^2 (m + log n)) (m^2 FFTs of size n x n, then n^2 SVDs of m x m matrices): an operation "
    "count would restate symspec's own implementation, and a timing fit at sizes a check can afford "
    "cannot tell the log n term from noise.",
    url="https://openreview.net/forum?id=rJevYoA9Fm",
)
