"""Exact moments of a product of independent Gaussian conv layers, frequency by frequency.

The ground truth for ICML Thm 4.2 (p. 5), the per-layer distribution of its proof (Eq. 27, p. 20) and the
multi-channel extension (A.4, Eqs. 31-32, pp. 21-22).  Nothing here evaluates a printed formula: every
layer enters through the spectra of the real torch layer's responses to unit kernels.

Layer ``l`` maps ``C_{l-1}`` channels to ``C_l``.  Its transfer at frequency (u, v) is the ``C_l x C_{l-1}``
matrix ``T^(l)_dc = sum_ts W^(l)_dcts A^(l)_ts(u,v)``, where ``A_ts`` is the spectrum of the torch layer's
output for the unit kernel ``e_ts`` and an impulse input (:func:`symspec.numeric.exact.kernel_basis_spectra`).
All weights are independent, those of layer ``l`` distributed ``N(mu_l, sigma_l^2)``.  Then, per layer:

* mean                ``m_l = E T_dc = mu_l sum_ts A_ts``                  (Eq. 27: ``mu_l R_uv``);
* variance            ``v_l = E|T_dc - m_l|^2 = sigma_l^2 sum_ts |A_ts|^2`` (Eq. 27: ``K^2 sigma_l^2``);
* pseudo-covariance   ``p_l = E[(T_dc - m_l)^2] = sigma_l^2 sum_ts A_ts^2``
  (Eq. 27 prints ``sigma_l^2 R_{2u,2v}``);
* second moments      ``E[T_da conj T_d'a'] = |m_l|^2 + delta_dd' delta_aa' v_l``
  (distinct entries share no weight).

The product ``P(l) = T^(l) P(l-1)``, ``P(0) = I``, has ``T^(l)`` independent of ``P(l-1)``, so its moments
propagate exactly:

* ``E P(l) = E T^(l) E P(l-1)``, i.e. ``E P(l)_dc = m_l sum_a E P(l-1)_ac``;
* ``E[P(l)_dc conj P(l)_d'c'] = sum_{a,a'} E[T_da conj T_d'a'] E[P(l-1)_ac conj P(l-1)_a'c']``.

The full Hermitian second-moment tensor is kept, so nothing is assumed about how the entries of a partial
product depend on each other -- the assumption behind the printed recursion of Eq. 32.  Its diagonal is the
SOM of every entry; ``E[P_dc conj P_d'c]`` with ``d != d'`` (the same-column cross moment X) is what the
printed recursion replaces by ``|E P_dc|^2``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np


@dataclass(frozen=True)
class LayerMoments:
    """Moments of every entry of one layer's transfer, each an (M, N) array over frequencies (Eq. 27)."""

    mean: np.ndarray  # m = mu sum A
    variance: np.ndarray  # v = sigma^2 sum |A|^2
    pseudo: np.ndarray  # p = sigma^2 sum A^2

    @property
    def som(self) -> np.ndarray:
        """``E|T_dc|^2 = |m|^2 + v`` (Thm 4.2: ``|mu R|^2 + K^2 sigma^2``)."""
        return np.abs(self.mean) ** 2 + self.variance


def layer_moments(A: np.ndarray, mu: float, sigma: float) -> LayerMoments:
    """Mean, variance and pseudo-covariance of ``T = sum_ts w_ts A_ts`` with w i.i.d. N(mu, sigma^2).

    ``A``: (K*K, M, N) unit-kernel spectra of the real layer.  ``sum_ts A_ts`` is ``R_uv`` of Thm 4.2 and
    ``sum_ts |A_ts|^2 = K^2`` (each response is a shifted impulse), but neither is assumed here.
    """
    A = np.asarray(A, dtype=np.complex128)
    return LayerMoments(
        mean=mu * A.sum(axis=0),
        variance=sigma**2 * (np.abs(A) ** 2).sum(axis=0),
        pseudo=sigma**2 * (A**2).sum(axis=0),
    )


def layer_second_moment(layer: LayerMoments, c_out: int, c_in: int) -> np.ndarray:
    """``Q[d,a,d',a'] = E[T_da conj T_d'a'] = |m|^2 + delta_dd' delta_aa' v``:
    (c_out, c_in, c_out, c_in, M, N)."""
    eye = np.einsum("dD,aA->daDA", np.eye(c_out), np.eye(c_in))[..., None, None]
    return np.abs(layer.mean) ** 2 + eye * layer.variance


def propagate(Q: np.ndarray, E: np.ndarray) -> np.ndarray:
    """One layer of the second-moment recursion for a *general* layer second-moment tensor ``Q``:

    ``E'[d,c,d',c'] = sum_{a,a'} Q[d,a,d',a'] E[a,c,a',c']`` at every frequency (``T`` independent of ``P``).
    :func:`network_moments` uses the same contraction with the structure of ``Q`` substituted.
    """
    return np.einsum("daDA...,acAC...->dcDC...", Q, E, optimize=True)


@dataclass(frozen=True)
class NetworkMoments:
    """Exact first and second moments of ``P = T(L:1)`` at every frequency."""

    mean: np.ndarray  # (C_L, C_0, M, N): E P_dc
    second: np.ndarray  # (C_L, C_0, C_L, C_0, M, N): E[P_dc conj P_d'c']

    def som(self) -> np.ndarray:
        """(C_L, C_0, M, N): ``SOM(P_dc) = E|P_dc|^2`` (the diagonal of the second-moment tensor)."""
        return np.einsum("dcdc...->dc...", self.second).real.copy()

    def same_column(self) -> np.ndarray:
        """(C_L, C_L, C_0, M, N): ``E[P_dc conj P_d'c]``; off the d = d' diagonal this
        is the cross moment X."""
        return np.einsum("dcDc...->dDc...", self.second).copy()

    def cross(self) -> np.ndarray:
        """Same-column cross moments ``X = E[P_dc conj P_d'c]`` for ``d != d'``, stacked:
        (C_L(C_L-1), C_0, M, N)."""
        S = self.same_column()
        off = ~np.eye(S.shape[0], dtype=bool)
        return S[off]


def independent_entries(mean: np.ndarray, second: np.ndarray) -> np.ndarray:
    """The second moments of ``P`` if its entries were independent with the same means and SOMs:
    every moment off the diagonal ``(d, c) = (d', c')`` replaced by ``E P_dc conj E P_d'c'``
    (the premise of A.4, p. 21)."""
    d, c = mean.shape[:2]
    diagonal = np.einsum("ab,AB->aAbB", np.eye(d), np.eye(c)).astype(
        bool
    )  # (d, c, d', c'): d = d' and c = c'
    diagonal = diagonal.reshape(d, c, d, c, *([1] * (second.ndim - 4)))
    return np.where(diagonal, second, np.einsum("dc...,DC...->dcDC...", mean, mean.conj()))


def network_moments(
    A: np.ndarray | Sequence[np.ndarray],
    mus: Sequence[float],
    sigmas: Sequence[float],
    chans: Sequence[int],
    premise: bool = False,
) -> NetworkMoments:
    """Exact ``E P`` and ``E[P_dc conj P_d'c']`` of ``P = T^(L) ... T^(1)``
    (A.4, the quantities of Eqs. 31-32).

    ``A``: the unit-kernel spectra, one (K*K, M, N) array for every layer or a list (one per layer);
    ``chans``: ``C_0, ..., C_L``.  With ``Q`` of :func:`layer_second_moment` substituted, the contraction of
    :func:`propagate` is ``E' = |m|^2 sum_{a,a'} E[a,c,a',c'] + delta_dd' v sum_a E[a,c,a,c']``, which costs
    ``O(C^4)`` per frequency instead of ``O(C^6)``.  ``premise``: before each layer after the first,
    make the entries of the partial product independent (:func:`independent_entries`):
    the value the premise of A.4 (p. 21) implies.
    """
    depth = len(mus)
    if len(sigmas) != depth or len(chans) != depth + 1:
        raise ValueError(
            f"need L values of mu and sigma and L+1 channel counts, got {len(mus)}, {len(sigmas)}, "
            f"{len(chans)}"
        )
    bases = list(A) if not isinstance(A, np.ndarray) else [A] * depth
    shape = bases[0].shape[1:]
    c0 = chans[0]
    mean = np.broadcast_to(np.eye(c0)[..., None, None], (c0, c0, *shape)).astype(np.complex128)
    eye = np.einsum("ac,AC->acAC", np.eye(c0), np.eye(c0))[..., None, None]
    second = np.broadcast_to(eye, (c0, c0, c0, c0, *shape)).astype(np.complex128)
    for layer in range(depth):
        if premise and layer > 0:
            second = independent_entries(mean, second)
        t = layer_moments(bases[layer], mus[layer], sigmas[layer])
        c_out = chans[layer + 1]
        mean = np.broadcast_to(t.mean * mean.sum(axis=0), (c_out, *mean.shape[1:]))
        total = np.einsum("acAC...->cC...", second)  # sum over a, a'
        trace = np.einsum("acaC...->cC...", second)  # sum over a = a'
        delta = np.eye(c_out)[:, None, :, None, None, None]
        second = np.abs(t.mean) ** 2 * total[None, :, None] + delta * (t.variance * trace)[None, :, None]
    return NetworkMoments(mean=np.ascontiguousarray(mean), second=np.ascontiguousarray(second))


def single_channel_som(A: np.ndarray, mus: Sequence[float], sigmas: Sequence[float]) -> np.ndarray:
    """(M, N): SOM of ``T(L:1)`` for ``C_l = 1``; equals ``prod_l (|mu_l sum A|^2 + sigma_l^2 sum |A|^2)``."""
    return network_moments(A, mus, sigmas, [1] * (len(mus) + 1)).som()[0, 0]


def padding_som_difference(
    size, to, a: float, sigma: float, rho: float, dtype=None, device="cpu"
) -> np.ndarray:
    """SOM(H_uv) - SOM(G_uv) on the M x N grid, exactly (ICML Thm 4.3, p. 6), for maps whose elements are
    N(a, σ²) with pairwise correlation ρ (ρ = 0: independent), H the spectrum of the zero-padded M' x N' map.

    H and G are linear in the pixels: ``H = Σ_p F_p B_p``.  With ``E F_p = a`` and
    ``Cov(F_p, F_q) = σ²((1-ρ)δ_pq + ρ)``,
    ``E|H|² = a²|Σ B_p|² + σ²((1-ρ) Σ|B_p|² + ρ|Σ B_p|²)``.  ``B_p`` is torch's zero
    pad + fft2 of the unit map e_p.
    """
    import torch

    from .layers import spectrum, zero_pad

    dtype = dtype or torch.float64
    ones = torch.ones((1, *size), dtype=dtype, device=device)
    sum_h, sum_g = spectrum(zero_pad(ones, to))[0, : size[0], : size[1]], spectrum(ones)[0]
    sq_h = np.zeros(size)
    sq_g = np.zeros(size)
    count = size[0] * size[1]
    step = max(1, 2_000_000 // (to[0] * to[1]))
    for start in range(0, count, step):
        idx = torch.arange(start, min(count, start + step))
        basis = torch.zeros((len(idx), count), dtype=dtype, device=device)
        basis[torch.arange(len(idx)), idx] = 1.0
        basis = basis.reshape(len(idx), *size)
        sq_h += (np.abs(spectrum(zero_pad(basis, to))[:, : size[0], : size[1]]) ** 2).sum(0)
        sq_g += (np.abs(spectrum(basis)) ** 2).sum(0)

    def som(total, sq):
        return a**2 * np.abs(total) ** 2 + sigma**2 * ((1 - rho) * sq + rho * np.abs(total) ** 2)

    return som(sum_h, sq_h) - som(sum_g, sq_g)
