"""Odena, Dumoulin, Olah, "Deconvolution and Checkerboard Artifacts", Distill 2016 (one web page; its
sections are cited by their headings)."""

from ...api import Paper

PAPER = Paper(
    id="odena2016",
    title="Deconvolution and Checkerboard Artifacts",
    authors=("Augustus Odena", "Vincent Dumoulin", "Chris Olah"),
    venue="Distill",
    year=2016,
    pages='sections "Deconvolution & Overlap", "Better Upsampling", "Artifacts in Gradients"',
    url="https://distill.pub/2016/deconv-checkerboard/",
)
