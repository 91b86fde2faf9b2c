"""Tang, Shen, Zhou, Chen, Zhang, "Defects of Convolutional Decoder Networks in Frequency Representation",
ICML 2023 (PMLR 202), and its ICLR 2023 submission.

One claim module per theorem (each exporting ``CLAIM``, listed in ``MODULES``; the claims keep their short
ids: ``theorem1``, ``thm3.2``, ...), the ledger of its numbered equations (:mod:`.ledger`) and its findings
(:mod:`.findings`) as data."""

from __future__ import annotations

from importlib import import_module

from ...api import Paper
from ...claims import Claim
from .findings import CASES
from .ledger import LEDGER

MODULES = (
    "lemma",
    "theorem1",
    "cascade",
    "theorem2",
    "theorem3",
    "theorem4",
    "valid_conv",
    "backprop",
    "shift",
)


def all_claims() -> list[Claim]:
    return [import_module(f"{__name__}.{name}").CLAIM for name in MODULES]


PAPER = Paper(
    id="tang2023",
    title="Defects of Convolutional Decoder Networks in Frequency Representation",
    authors=("Ling Tang", "Wen Shen", "Zhanpeng Zhou", "Yuefeng Chen", "Quanshi Zhang"),
    venue="ICML 2023 (PMLR 202); ICLR 2023 submission",
    year=2023,
    pages="pp. 1-34 (main text and appendices A-C)",
    claims=all_claims(),
    short_names=True,
    ledger=LEDGER,
    findings=CASES,
)
