"""Tang, Shen, Zhou, Chen, Zhang, "Defects of Convolutional Decoder Networks in Frequency Representation",
ICML 2023 (PMLR 202), and its ICLR 2023 submission: the claims of ``symspec/theorems/`` under their short ids."""

from __future__ import annotations

from ...api import Paper
from ...theorems import all_claims

PAPER = Paper(
    id="tang2023",
    title="Defects of Convolutional Decoder Networks in Frequency Representation",
    authors=("Ling Tang", "Wen Shen", "Zhanpeng Zhou", "Yuefeng Chen", "Quanshi Zhang"),
    venue="ICML 2023 (PMLR 202); ICLR 2023 submission",
    year=2023,
    pages="pp. 1-34 (main text and appendices A-C)",
    claims=all_claims(),
    short_names=True,
)
