"""Monte-Carlo sampling of real conv networks and running moment estimates with standard errors.

Many independent networks run at once as one grouped ``F.conv2d`` (one group per network), each fed a unit
impulse, so that ``fft2`` of the output is the network's transfer ``T(L:1)`` at every frequency.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from .layers import conv_paper, impulse


@dataclass
class Moments:
    """Running sums of a complex sample (any trailing shape) -> mean, SOM and their standard errors."""

    count: int = 0
    sums: dict = field(default_factory=dict)

    def add(self, z: np.ndarray) -> None:
        z = np.asarray(z, dtype=np.complex128)
        p = np.abs(z) ** 2
        parts = {"re": z.real, "im": z.imag, "re2": z.real**2, "im2": z.imag**2, "p": p, "p2": p**2}
        for key, value in parts.items():
            total = value.sum(axis=0)
            self.sums[key] = self.sums.get(key, 0.0) + total
        self.count += z.shape[0]

    def _mean(self, key: str) -> np.ndarray:
        return self.sums[key] / self.count

    def _se(self, key: str, key2: str) -> np.ndarray:
        n = self.count
        var = np.maximum(self._mean(key2) - self._mean(key) ** 2, 0.0) * n / max(n - 1, 1)
        return np.sqrt(var / n)

    def mean(self) -> tuple[np.ndarray, np.ndarray]:
        """E[z] and its SE packed as complex (real part = SE of Re, imag part = SE of Im)."""
        return self._mean("re") + 1j * self._mean("im"), self._se("re", "re2") + 1j * self._se("im", "im2")

    def som(self) -> tuple[np.ndarray, np.ndarray]:
        """E|z|^2 and its SE."""
        return self._mean("p"), self._se("p", "p2")


def sample_transfers(
    samples: int,
    chans: list[int],
    kernel: int,
    size: tuple[int, int],
    mus,
    sigmas,
    gen: torch.Generator,
    dtype,
    device,
    chunk: int = 4096,
    keep: bool = False,
):
    """Transfer spectra T(L:1) of ``samples`` random networks (weights of layer l i.i.d. N(mu_l, sigma_l^2)).

    Yields complex arrays (chunk, C_L, C_0, M, N) chunk by chunk: column c is the spectrum of the output
    when channel c of the input is a unit impulse, i.e. the c-th column of T(L:1).
    """
    M, N = size
    C0 = chans[0]
    done = 0
    while done < samples:
        S = min(chunk, samples - done)
        x = impulse((C0, S * C0, M, N), dtype, device)
        # keep only the impulse on the channel that matches the batch index: column c of T
        mask = torch.zeros(C0, S, C0, 1, 1, dtype=dtype, device=device)
        mask[torch.arange(C0), :, torch.arange(C0)] = 1.0
        x = x * mask.reshape(C0, S * C0, 1, 1)
        for layer in range(len(chans) - 1):
            c_in, c_out = chans[layer], chans[layer + 1]
            w = torch.randn((S * c_out, c_in, kernel, kernel), generator=gen, dtype=torch.float64)
            w = (w * float(sigmas[layer]) + float(mus[layer])).to(dtype=dtype, device=device)
            x = conv_paper(x, w, groups=S)
        out = x.reshape(C0, S, chans[-1], M, N).permute(1, 2, 0, 3, 4)
        yield torch.fft.fft2(out).cpu().numpy().astype(np.complex128)
        done += S
