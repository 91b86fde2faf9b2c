"""Torch plumbing for the frequency-shift problem of ICML Thm 4.5 (no closed form of the paper is used here).

The problem: a single-channel L-layer circular-conv network (paper anchor) that is the identity
(every kernel a unit impulse), an input ``x`` with spectrum ``G`` and the two-frequency objective
``λ1 |H_f1 - H*_f1|² + λ2 |H_f2 - H*_f2|²`` with ``λ_i = 1/|G_fi|²`` (Eq. 43), ``H*_f1 = (1 - A) G_f1``,
``H*_f2 = (1 + conj A) G_f2``.  Everything below runs real torch layers (``F.conv2d`` after circular padding)
and real autograd gradients, or solves exact linear algebra over the real layer's responses to unit kernels.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from ..errors import SymspecError
from .layers import conv_paper


def phase_factor(phi: float) -> complex:
    return complex(math.cos(phi), math.sin(phi))


class ShiftProblem:
    """The identity network, the input and the two-frequency objective at ``f1`` and ``f2``, all in torch."""

    def __init__(self, x: torch.Tensor, kernel: int, depth: int, alpha: float, phi: float, f1, f2):
        self.x, self.kernel, self.depth = x, int(kernel), int(depth)
        self.dtype, self.device = x.dtype, x.device
        self.size = tuple(x.shape[-2:])
        self.f1, self.f2 = tuple(f1), tuple(f2)
        self.G = torch.fft.fft2(x)
        self.alpha, self.phi = float(alpha), float(phi)
        self.A = self.alpha * phase_factor(self.phi)

    def identity(self) -> list[torch.Tensor]:
        w = torch.zeros(1, 1, self.kernel, self.kernel, dtype=self.dtype, device=self.device)
        w[0, 0, 0, 0] = 1.0
        return [w.clone() for _ in range(self.depth)]

    def output(self, weights) -> torch.Tensor:
        z = self.x[None, None]
        for w in weights:
            z = conv_paper(z, w)
        return torch.fft.fft2(z[0, 0])

    def targets(self) -> tuple[complex, complex]:
        """H* at f1 and f2."""
        g1, g2 = complex(self.G[self.f1]), complex(self.G[self.f2])
        return (1 - self.A) * g1, (1 + np.conj(self.A)) * g2

    def loss(self, weights) -> torch.Tensor:
        H = self.output(weights)
        g1, g2 = self.G[self.f1], self.G[self.f2]
        t1, t2 = self.targets()
        lam1, lam2 = 1 / g1.abs() ** 2, 1 / g2.abs() ** 2  # (43)
        return lam1 * (H[self.f1] - t1).abs() ** 2 + lam2 * (H[self.f2] - t2).abs() ** 2

    def gradient(self, weights) -> tuple[list[torch.Tensor], float]:
        """Real autograd gradient of the loss with respect to every layer's kernel, and the loss."""
        ws = [w.clone().requires_grad_(True) for w in weights]
        value = self.loss(ws)
        grads = torch.autograd.grad(value, ws)
        return [g.detach() for g in grads], float(value.detach())

    def step(self, weights, eta: float):
        """One real gradient-descent step ``w <- w - η ∂Loss/∂w`` (what ``torch.optim.SGD`` does without
        momentum; done by hand, since importing torch.optim costs a second): (new weights,
        loss before, loss after)."""
        grads, before = self.gradient(weights)
        new = [(w - eta * g).detach() for w, g in zip(weights, grads)]
        with torch.no_grad():
            after = self.loss(new)
        return new, before, float(after)


def min_norm_real_change(basis: np.ndarray, f1, f2, dT1: complex, dT2: complex) -> np.ndarray:
    """The minimal-norm real K*K weight change ``w`` of one layer with ``ΔT(f1) = dT1`` and ``ΔT(f2) = dT2``.

    ``basis`` (K*K, M, N) holds the real layer's spectra for the unit kernels, so
    ``ΔT(f) = Σ w_ts basis_ts(f)``; real weights make the conjugate partners follow (ΔT(-f) = conj ΔT(f)).
    Least squares over the real and imaginary parts of both constraints;
    an inconsistent system is an error."""
    rows = np.stack([basis[:, f1[0], f1[1]], basis[:, f2[0], f2[1]]])
    system = np.concatenate([rows.real, rows.imag])
    rhs = np.array([dT1.real, dT2.real, dT1.imag, dT2.imag])
    w, *_ = np.linalg.lstsq(system, rhs, rcond=None)
    if np.abs(system @ w - rhs).max() > 1e-8 * max(1.0, float(np.abs(rhs).max())):
        raise SymspecError(f"frequencies {tuple(f1)} and {tuple(f2)} cannot both be fitted by a real kernel")
    return w


def weight_change_norm(problem: ShiftProblem, basis: np.ndarray | None = None, steps: int = 3000) -> float:
    """‖ΔW‖ fitting both target frequencies: the exact minimal-norm real change (L = 1, needs ``basis``) or
    the change that real gradient descent from the identity makes until the loss is zero (L > 1)."""
    if problem.depth == 1:
        if basis is None:
            raise ValueError("L = 1 needs the layer's unit-kernel spectra")
        w = min_norm_real_change(basis, problem.f1, problem.f2, -problem.A, complex(np.conj(problem.A)))
        return float(np.linalg.norm(w))
    weights = problem.identity()
    start = [w.clone() for w in weights]
    eta = 0.5 / (problem.depth * problem.kernel**2)
    first = None
    for _ in range(steps):
        weights, before, after = problem.step(weights, eta)
        first = first or before
        if after <= 1e-24 * first:
            break
    return float(torch.sqrt(sum(((w - s) ** 2).sum() for w, s in zip(weights, start))))


def positive_phase_dft(r: np.ndarray, size) -> np.ndarray:
    """``Σ_{t,s<K} r_ts e^{+i2π(ut/M + vs/N)}`` on the M x N grid (the sum in the paper's
    Eq. 20), term by term."""
    M, N = size
    K1, K2 = r.shape
    t = np.arange(K1)[:, None, None, None]
    s = np.arange(K2)[None, :, None, None]
    uu = np.arange(M)[None, None, :, None]
    vv = np.arange(N)[None, None, None, :]
    return (r[:, :, None, None] * np.exp(2j * np.pi * (uu * t / M + vv * s / N))).sum(axis=(0, 1))


def partner_coupling(R: np.ndarray, f1, f2) -> float:
    """max |R| at 2 f1, 2 f2 and f1 + f2 relative to K² (= R at 0): how strongly the conjugate partners that a
    real weight change also moves couple to the two target frequencies (0: they decouple)."""
    M, N = R.shape
    at = [
        ((2 * f1[0]) % M, (2 * f1[1]) % N),
        ((2 * f2[0]) % M, (2 * f2[1]) % N),
        ((f1[0] + f2[0]) % M, (f1[1] + f2[1]) % N),
    ]
    return float(max(abs(R[a]) for a in at) / abs(R[0, 0]))
