"""Aitken, Ledig, Theis, Caballero, Wang, Shi, "Checkerboard artifact free sub-pixel convolution: A note on
sub-pixel convolution, resize convolution and convolution resize", arXiv:1707.02937, 2017."""

from ...api import Paper

PAPER = Paper(
    id="aitken2017",
    title="Checkerboard artifact free sub-pixel convolution: A note on sub-pixel convolution, resize "
    "convolution and convolution resize",
    authors=("Andrew Aitken", "Christian Ledig", "Lucas Theis", "Jose Caballero", "Zehan Wang", "Wenzhe Shi"),
    venue="arXiv:1707.02937",
    year=2017,
    pages="abstract (both claims). The section that states the initialisation (ICNR) is not cited by "
    "number: its number is not confirmed against the paper's text.",
    url="https://arxiv.org/abs/1707.02937",
)
