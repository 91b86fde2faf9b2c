"""Torch realisations of the layers and Monte-Carlo / exact moment estimation from real runs."""
