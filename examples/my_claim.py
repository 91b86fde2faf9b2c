"""Your own claim: the DFT of a circular shift is a phase ramp.  Run: symspec check examples/my_claim.py"""

import sympy as sp
import torch

from symspec import Paper, claim

paper = Paper("shift-note", title="The shift theorem", authors=("A. Reader",), venue="notes", year=2024)
size, shift, u, t = sp.symbols("size shift u t", integer=True)
x = sp.IndexedBase("x")
dft = sp.Sum(x[t] * sp.exp(-2 * sp.pi * sp.I * u * t / size), (t, 0, size - 1))
ramp = sp.exp(-2 * sp.pi * sp.I * u * shift / size)
ranges = {"size": (8, 1, 64), "shift": (3, 0, 64)}  # (default, min, max)


@claim(paper, "shift", page="1", equation="Eq. 1", statement=dft * ramp, params=ranges, axes={"u": "size"},
       inputs=lambda r: {"x": r.randn(r.size)})  # fmt: skip
def shifted_spectrum(r):
    """Numeric side: torch.roll, then torch.fft.fft."""
    return torch.fft.fft(torch.roll(r.x, r.shift))
