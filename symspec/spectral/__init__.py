"""Closed forms: DFT conventions, geometric sums with their 0/0 points, and layer transfer formulas."""
