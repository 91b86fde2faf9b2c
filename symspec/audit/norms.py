"""Operator norms (ℓ2 → ℓ2) of conv layers: exact for circular padding, a certified interval for zero padding.

**Circular** (Sedghi, Gupta & Long 2019, Thm 6).  A stride-1 conv ``y(i) = Σ_t W[:, :, t] x(i + t)`` on an
M×N torus is block-diagonalised by the unitary 2-D DFT: frequency (u, v) carries the channel matrix
``T(u, v) = Σ_t W[:, :, t] e^{-2πi (u t_h / M + v t_w / N)}`` (D × C), so the operator norm is
``max_{u,v} σ_max(T(u, v))``, over every frequency of the grid.  A real kernel has ``T(-u, -v) = conj T(u,
v)`` (same singular values): the half grid ``v ≤ N/2`` suffices.  Dilation d puts tap t at d·t (taps that wrap
the torus add up).  Groups make T block-diagonal: the maximum over the groups.  A stride s is exact through
the polyphase decomposition: with ``x_p(j) = x(s j + p)`` (a permutation of the input, hence orthogonal) and
tap position ``d t = s q + p``, ``y(i) = Σ_p Σ_q W[:, :, t] x_p(i + q)``: a stride-1 conv on the (M/s)×(N/s)
grid from C s² phase channels (s must divide the grid).  A transposed conv is the adjoint of the conv with the
same weight and stride on its output grid (``conv_transpose2d`` is the gradient of ``conv2d``), and an
operator and its adjoint have the same singular values: its norm on an m-grid is that conv's on the (s
m)-grid.

The computation: ``T`` for a block of frequencies is one matrix product of the taps with their phases; the top
eigenvalue of each Gram matrix ``T^H T`` (or ``T T^H``, the smaller) by one batched ``torch.linalg.eigvalsh``
in float32; the frequencies within ``POLISH`` of the float32 maximum (more than the float32 error bound
``C^{3/2} ε``) are recomputed by ``torch.linalg.svdvals`` in float64, which gives the value.

**Zero padding** is certified as an interval ``[lower, upper]``:

* ``lower`` -- power iteration on the real layer (``F.conv2d`` of the zero-padded map and its adjoint
  ``F.conv_transpose2d``), started from the top singular vector of the circular operator below; every iterate
  gives ``‖A x‖ / ‖x‖ ≤ ‖A‖`` (and ``‖Aᵀ A x‖ / ‖A x‖``, the same ratio for ``Aᵀ``), evaluated in float64.
* ``upper`` -- ``norm_circular`` on an enlarged grid.  Proof: let the map be n wide with pads ``p_l, p_r`` on
  an axis, kernel extent ``e = d (k - 1)``, stride s, and any ``L ≥ n + p_l + p_r`` with s | L.  The layer
  reads ``y(i) = Σ_t W_t x(s i + d t - p_l)`` (x = 0 outside [0, n)) for ``i < n_out``, and
  ``s (n_out - 1) + e ≤ n + p_l + p_r - 1``, so every index it reads lies in ``[-p_l, n + p_r - 1]``.  Embed x
  in the L-torus by zero extension (E, an isometry) and apply the circular strided conv ``C`` with the same
  offset ``-p_l``: an index ``j ∈ [-p_l, -1]`` wraps to ``L + j ≥ n + p_r ≥ n`` and an index in ``[n, n +
  p_r - 1]`` stays below L, so both read zeros, exactly as the zero padding does; and ``n_out ≤ L / s``.
   Hence ``A = R C E`` with R the restriction to the first n_out outputs (a coordinate projection, ‖R‖ ≤ 1),
   and
  ``‖A‖ ≤ ‖C‖ = norm_circular(L)`` (the offset is a cyclic shift, which does not change singular values).
   Both axes at once: E, C and R factor per axis.  Here ``L`` is the smallest such multiple of s.

Reflect and replicate padding are not covered (their pads are not isometries); circular padding whose pads
total the kernel extent is exactly ``norm_circular``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F

from .trace import node_name

POLISH = 1e-4  # relative margin below the float32 maximum within which frequencies are recomputed in float64
BLOCK_BYTES = 1 << 26  # complex64 bytes of channel matrices per block of frequencies
EPS32 = float(np.finfo(np.float32).eps)


def _pair(x) -> tuple[int, int]:
    if isinstance(x, (list, tuple)):
        return int(x[0]), int(x[-1])
    return int(x), int(x)


@dataclass(frozen=True)
class Polyphase:
    """A (strided, dilated, grouped) conv as a stride-1 conv on the s-times coarser grid: ``taps`` is
    (Q, groups, D/g, C/g · s_h s_w) float64, ``positions`` the Q tap positions (q_h, q_w) on that grid."""

    taps: torch.Tensor
    positions: np.ndarray
    grid: tuple[int, int]


def polyphase(weight: torch.Tensor, grid, stride=1, dilation=1, groups: int = 1) -> Polyphase:
    """The polyphase form of a conv2d weight (D, C/g, K_h, K_w) on an M×N torus (s must divide M and N)."""
    (sh, sw), (dh, dw) = _pair(stride), _pair(dilation)
    M, N = _pair(grid)
    if M % sh or N % sw:
        raise ValueError(f"stride {sh}x{sw} does not divide the grid {M}x{N}: no polyphase decomposition")
    D, Cg, Kh, Kw = weight.shape
    if D % groups:
        raise ValueError(f"groups {groups} does not divide the {D} output channels")
    w = weight.detach().to(torch.float64).reshape(groups, D // groups, Cg, Kh, Kw)
    cells = {}
    for a in range(Kh):
        for b in range(Kw):
            (qh, ph), (qw, pw) = divmod(dh * a, sh), divmod(dw * b, sw)
            cell = cells.setdefault(
                (qh, qw), torch.zeros(groups, D // groups, Cg, sh, sw, dtype=torch.float64)
            )
            cell[..., ph, pw] = w[..., a, b]
    positions = np.array(sorted(cells), dtype=np.int64).reshape(-1, 2)
    taps = torch.stack([cells[tuple(p)].reshape(groups, D // groups, Cg * sh * sw) for p in positions])
    return Polyphase(taps, positions, (M // sh, N // sw))


def half_grid(poly: Polyphase) -> tuple[np.ndarray, np.ndarray]:
    """One frequency (u, v) of each conjugate pair ``(u, v) ~ (-u, -v)`` of the M×N grid (v ≤ N/2, and u ≤ M/2
    where v is its own conjugate); an axis collapses to 0 where the taps do not move along it (T does not
    depend on that frequency then)."""
    M, N = poly.grid
    us = np.arange(M) if np.any(poly.positions[:, 0] % M) else np.zeros(1, np.int64)
    vs = np.arange(N // 2 + 1) if np.any(poly.positions[:, 1] % N) else np.zeros(1, np.int64)
    u, v = np.repeat(us, len(vs)), np.tile(vs, len(us))
    own = (v == 0) | (2 * v == N)  # columns that are their own conjugates: keep u ≤ M/2 there
    keep = ~own | (u <= M // 2)
    return u[keep], v[keep]


def channel_matrices(poly: Polyphase, u: np.ndarray, v: np.ndarray, dtype=torch.complex64) -> torch.Tensor:
    """T(u, v) for the given frequencies: (F, groups, D/g, C'), one matrix product of the taps with their
    phases."""
    real = torch.float32 if dtype == torch.complex64 else torch.float64
    Q, g, Dg, Cp = poly.taps.shape
    return _phased(poly.positions, poly.taps.reshape(Q, -1).to(real), poly.grid, u, v).reshape(
        len(u), g, Dg, Cp
    )


def _phased(positions: np.ndarray, flat: torch.Tensor, grid, u: np.ndarray, v: np.ndarray) -> torch.Tensor:
    """Σ_q flat[q] e^{-2πi (u q_h / M + v q_w / N)} for each frequency: (F, flat.shape[1]) complex."""
    M, N = grid
    phase = -2 * np.pi * (np.outer(u, positions[:, 0]) / M + np.outer(v, positions[:, 1]) / N)
    re = torch.from_numpy(np.cos(phase)).to(flat.dtype) @ flat
    im = torch.from_numpy(np.sin(phase)).to(flat.dtype) @ flat
    return torch.complex(re, im)


@dataclass(frozen=True)
class GramLags:
    """The Gram matrix of every frequency as a trigonometric polynomial: ``G(u, v) = Σ_δ R_δ e^{-2πi(...)}``
    with
    ``R_δ = Σ_{q' - q = δ} W_qᵀ W_q'`` (``T^H T``, C' × C') or ``W_q W_q'ᵀ`` (``T T^H``, D × D), the
    smaller."""

    lags: np.ndarray  # (L, 2)
    R: torch.Tensor  # (L, groups · n · n) float32


def gram_lags(poly: Polyphase) -> GramLags:
    """The lag matrices of the smaller Gram matrix (one real product per pair of tap positions, a ≤ b)."""
    taps = poly.taps.float()
    Q, g, Dg, Cp = taps.shape
    left = Cp <= Dg  # T^H T
    acc: dict[tuple[int, int], torch.Tensor] = {}
    for a in range(Q):
        for b in range(a, Q):
            if left:
                m, delta = taps[a].mT @ taps[b], poly.positions[b] - poly.positions[a]
            else:
                m, delta = taps[a] @ taps[b].mT, poly.positions[a] - poly.positions[b]
            for key, value in ((tuple(delta), m), (tuple(-delta), m.mT)) if a != b else ((tuple(delta), m),):
                acc[key] = acc[key] + value if key in acc else value
    lags = np.array(sorted(acc), dtype=np.int64).reshape(-1, 2)
    return GramLags(lags, torch.stack([acc[tuple(k)].reshape(-1) for k in lags]))


def top_sigma32(lag: GramLags, grid, u: np.ndarray, v: np.ndarray, groups: int) -> torch.Tensor:
    """σ_max at the given frequencies, maximum over the groups: the top eigenvalue of each Gram matrix, formed
    from its lags and decomposed by one batched ``eigvalsh`` (float32)."""
    n = math.isqrt(lag.R.shape[1] // groups)
    G = _phased(lag.lags, lag.R, grid, u, v).reshape(len(u), groups, n, n)
    return torch.linalg.eigvalsh(G)[..., -1].clamp_min(0).sqrt().amax(dim=1)


def top_sigma64(T: torch.Tensor) -> torch.Tensor:
    """σ_max of each matrix of a (F, groups, D, C) block in float64, maximum over the groups."""
    return torch.linalg.svdvals(T).amax(dim=(-1, -2))


@dataclass
class CircularNorm:
    """The circular operator norm and where it is attained: ``frequency`` (u, v) of the polyphase grid
    ``grid``; ``sigma`` is σ_max at the frequencies ``u, v`` (one of each conjugate pair; float32, the
    polished ones float64)."""

    value: float
    frequency: tuple[int, int]
    grid: tuple[int, int]
    u: np.ndarray = field(repr=False)
    v: np.ndarray = field(repr=False)
    sigma: np.ndarray = field(repr=False)
    polished: int = 0
    poly: Polyphase | None = field(default=None, repr=False)

    def sigma2_grid(self) -> np.ndarray:
        """σ_max² on the whole M×N grid (``σ(u, v) = σ(-u, -v)``; a collapsed axis is constant along it)."""
        M, N = self.grid
        full = np.zeros((M, N))
        s2 = self.sigma.astype(np.float64) ** 2
        full[self.u, self.v] = s2
        full[(-self.u) % M, (-self.v) % N] = s2
        if not np.any(self.u):
            full[:] = full[0]
        if not np.any(self.v):
            full[:] = full[:, :1]
        return full


def norm_circular_details(
    weight: torch.Tensor, grid, stride=1, dilation=1, groups: int = 1, transposed: bool = False
) -> CircularNorm:
    """``norm_circular`` with where it is attained and the per-frequency σ_max (module docstring)."""
    if transposed:  # the adjoint of the conv with this weight on the s-times finer grid
        (sh, sw), (M, N) = _pair(stride), _pair(grid)
        grid = (M * sh, N * sw)
    poly = polyphase(weight, grid, stride, dilation, groups)
    u, v = half_grid(poly)
    Q, g, Dg, Cp = poly.taps.shape
    n = min(Dg, Cp)
    lag = gram_lags(poly)
    block = max(1, BLOCK_BYTES // (8 * g * n * n))
    sigma = torch.empty(len(u), dtype=torch.float64)
    for start in range(0, len(u), block):
        part = slice(start, start + block)
        sigma[part] = top_sigma32(lag, poly.grid, u[part], v[part], g).double()
    margin = max(POLISH, 2 * n**1.5 * EPS32)
    candidates = torch.nonzero(sigma >= sigma.max() * (1 - margin)).flatten()
    candidates = candidates[torch.argsort(sigma[candidates], descending=True)].numpy()
    block64 = max(1, BLOCK_BYTES // (16 * g * Dg * Cp))
    for start in range(0, len(candidates), block64):
        idx = candidates[start : start + block64]
        sigma[idx] = top_sigma64(channel_matrices(poly, u[idx], v[idx], torch.complex128))
    best = int(candidates[int(torch.argmax(sigma[candidates]))])
    return CircularNorm(
        float(sigma[best]),
        (int(u[best]), int(v[best])),
        poly.grid,
        u,
        v,
        sigma.numpy(),
        len(candidates),
        poly,
    )


def norm_circular(
    weight: torch.Tensor, grid, stride=1, dilation=1, groups: int = 1, transposed: bool = False
) -> float:
    """The exact operator norm of the conv (or transposed conv: ``weight`` in torch's layout for each) on an
    M×N torus: ``max_{u,v} σ_max(T(u, v))`` (Sedghi et al. 2019), strides by the polyphase decomposition."""
    return norm_circular_details(weight, grid, stride, dilation, groups, transposed).value


# ------------------------------------------------------------------------------------------ zero padding


@dataclass(frozen=True)
class Interval:
    """A certified enclosure ``lower ≤ ‖A‖ ≤ upper`` of a real layer's operator norm."""

    lower: float
    upper: float
    iterations: int
    grid: tuple[int, int]  # the enlarged grid of the upper bound

    @property
    def width(self) -> float:
        return self.upper - self.lower

    @property
    def relative_width(self) -> float:
        return self.width / self.upper if self.upper > 0 else 0.0


def enlarged_grid(grid, pads, stride) -> tuple[int, int]:
    """The smallest ``L ≥ n + p_l + p_r`` divisible by the stride, per axis (the upper bound's grid)."""
    (M, N), (sh, sw) = _pair(grid), _pair(stride)
    left, right, top, bottom = pads
    return (-(-(M + top + bottom) // sh) * sh, -(-(N + left + right) // sw) * sw)


def _zero_pad_layer(weight, grid, pads, stride, dilation, groups):
    """The real zero-padded layer A and its adjoint Aᵀ (``F.conv2d`` / ``F.conv_transpose2d``)."""
    (M, N), (sh, sw), (dh, dw) = _pair(grid), _pair(stride), _pair(dilation)
    left, right, top, bottom = pads
    D, Cg, Kh, Kw = weight.shape
    P = (M + top + bottom, N + left + right)
    out = ((P[0] - dh * (Kh - 1) - 1) // sh + 1, (P[1] - dw * (Kw - 1) - 1) // sw + 1)
    if min(out) < 1:
        raise ValueError(f"kernel {Kh}x{Kw} (dilation {dh}x{dw}) is larger than the padded map {P[0]}x{P[1]}")
    extra = (P[0] - (out[0] - 1) * sh - dh * (Kh - 1) - 1, P[1] - (out[1] - 1) * sw - dw * (Kw - 1) - 1)

    def forward(x, w):
        return F.conv2d(F.pad(x, pads), w, stride=(sh, sw), dilation=(dh, dw), groups=groups)

    def adjoint(y, w):
        x = F.conv_transpose2d(y, w, stride=(sh, sw), output_padding=extra, groups=groups, dilation=(dh, dw))
        return x[..., top : top + M, left : left + N]

    return forward, adjoint


def warm_start(circ: CircularNorm, weight_shape, grid, pads, stride, groups) -> torch.Tensor:
    """The real part of the circular operator's top right singular vector on the enlarged grid, shifted by the
    padding offset and cut to the map (a plane wave at the maximising frequency): (1, C, M, N) float64."""
    poly = circ.poly
    (sh, sw), (M, N) = _pair(stride), _pair(grid)
    left, _, top, _ = pads
    T = channel_matrices(
        poly, np.array([circ.frequency[0]]), np.array([circ.frequency[1]]), torch.complex128
    )[0]
    _, S, Vh = torch.linalg.svd(T)  # per group: every group gets its top vector (a block-diagonal A's
    D, Cg = weight_shape[:2]  # Krylov space never leaves the groups its start vector touches)
    L = poly.grid
    jh, jw = np.arange(L[0]), np.arange(L[1])
    wave = np.exp(
        -2j * np.pi * (circ.frequency[0] * jh[:, None] / L[0] + circ.frequency[1] * jw[None, :] / L[1])
    )
    x = torch.zeros(1, Cg * groups, M, N, dtype=torch.float64)
    for g in range(groups):
        cells = (S[g, 0] * Vh[g, 0].conj()).resolve_conj().reshape(Cg, sh, sw).numpy()
        field_ = np.einsum("cab,hw->chawb", cells, wave).reshape(Cg, L[0] * sh, L[1] * sw)
        part = field_.real if np.linalg.norm(field_.real) >= np.linalg.norm(field_.imag) else field_.imag
        part = np.roll(part, (-top, -left), axis=(1, 2))[:, :M, :N]
        x[0, g * Cg : (g + 1) * Cg] = torch.from_numpy(np.ascontiguousarray(part))
    return x


def lanczos_vector(forward, adjoint, x0: torch.Tensor, steps: int, rtol: float, ceiling: float):
    """Golub-Kahan-Lanczos bidiagonalisation of A (``forward``, ``adjoint`` = Aᵀ) from ``x0``, with full
    reorthogonalisation: the top Ritz vector after the Ritz value settles (relative change ≤ ``rtol``) or
    reaches ``ceiling`` (a known upper bound).  Returns (vector, steps).  Any vector gives a lower bound ``‖A
    x‖ / ‖x‖``; Lanczos finds a good one in far fewer products than power iteration when the top singular
    values are close."""
    shape = x0.shape
    V = torch.zeros(steps, x0.numel(), dtype=x0.dtype)
    V[0] = x0.reshape(-1) / x0.norm()
    U = None
    B = torch.zeros(steps, steps, dtype=torch.float64)
    history: list[float] = []
    done, k = 0, 1
    for done in range(1, steps + 1):
        y = forward(V[done - 1].reshape(shape))
        if U is None:
            out_shape, U = y.shape, torch.zeros(steps, y.numel(), dtype=x0.dtype)
        u = y.reshape(-1) - (B[done - 2, done - 1] * U[done - 2] if done > 1 else 0)
        for _ in range(2):  # full reorthogonalisation, twice is enough
            u = u - U[: done - 1].T @ (U[: done - 1] @ u)
        alpha = float(u.norm())
        if alpha == 0.0:
            break
        U[done - 1], B[done - 1, done - 1], k = u / alpha, alpha, done
        history.append(float(torch.linalg.svdvals(B[:k, :k])[0]))
        settled = len(history) > 3 and history[-1] - history[-4] <= rtol * history[-1]  # over three steps
        if settled or history[-1] >= ceiling * (1 - rtol) or done == steps:
            break
        v = adjoint(U[done - 1].reshape(out_shape)).reshape(-1) - alpha * V[done - 1]
        for _ in range(2):
            v = v - V[:done].T @ (V[:done] @ v)
        beta = float(v.norm())
        if beta == 0.0:
            break
        V[done], B[done - 1, done] = v / beta, beta
    _, _, Vh = torch.linalg.svd(B[:k, :k])
    best = Vh[0].to(x0.dtype) @ V[:k]
    return best.reshape(shape), done


def _lanczos_lower(
    weight, grid, pads, stride, dilation, start, iterations, rtol, ceiling
) -> tuple[float, int]:
    """A certified lower bound for one (ungrouped) zero-padded layer: the float64 ratios ``‖A x‖ / ‖x‖`` and
    ``‖Aᵀ A x‖ / ‖A x‖`` at the Lanczos vector x (float32 iterations)."""
    forward, adjoint = _zero_pad_layer(weight, grid, pads, stride, dilation, 1)
    w64 = weight.detach().to(torch.float64)
    w32 = w64.float()
    with torch.no_grad():
        x, done = lanczos_vector(
            lambda t: forward(t, w32), lambda t: adjoint(t, w32), start.float(), iterations, rtol, ceiling
        )
        x64 = x.double()
        y64 = forward(x64, w64)
        z64 = adjoint(y64, w64)
    nx, ny = float(x64.norm()), float(y64.norm())
    return max(ny / nx if nx > 0 else 0.0, float(z64.norm()) / ny if ny > 0 else 0.0), done


def norm_zero_pad(
    weight: torch.Tensor,
    grid,
    pads=(0, 0, 0, 0),
    stride=1,
    dilation=1,
    groups: int = 1,
    iterations: int = 30,
    rtol: float = 1e-6,
    seed: int = 0,
) -> Interval:
    """Certified ``[lower, upper]`` for the operator norm of ``conv2d(F.pad(x, pads), weight, stride,
    dilation,
    groups)`` on an M×N map, ``pads = (left, right, top, bottom)`` zeros (module docstring: the upper bound is
    ``norm_circular`` on the enlarged grid, the lower one power iteration on the layer itself)."""
    pads = tuple(int(p) for p in pads)
    L = enlarged_grid(grid, pads, stride)
    circ = norm_circular_details(weight, L, stride, dilation, groups)
    x = warm_start(circ, weight.shape, grid, pads, stride, groups)
    noise = torch.randn(x.shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    Dg, Cg = weight.shape[0] // groups, weight.shape[1]
    lower, done = 0.0, 0
    for g in range(groups):  # block-diagonal: one Lanczos run per group (a shared one stalls on the first)
        w = weight[g * Dg : (g + 1) * Dg]
        start, extra = x[:, g * Cg : (g + 1) * Cg], noise[:, g * Cg : (g + 1) * Cg]
        # a random part: a start orthogonal to the top singular vector (a symmetry) would never find it
        start = start / start.norm().clamp_min(1e-300) + 0.1 * extra / extra.norm()
        value, steps = _lanczos_lower(w, grid, pads, stride, dilation, start, iterations, rtol, circ.value)
        lower, done = max(lower, value), done + steps
    upper = circ.value
    if lower > upper:
        if lower - upper > 1e-9 * upper:
            raise ArithmeticError(
                f"zero-padding lower bound {lower!r} above its proven upper bound {upper!r}"
            )
        lower = upper  # float64 rounding of two equal values
    return Interval(lower, upper, done, L)


def transposed_output_grid(grid, weight_shape, stride=1, padding=0, output_padding=0, dilation=1):
    """The output grid of ``conv_transpose2d`` on an m-grid."""
    (m1, m2), (sh, sw), (ph, pw) = _pair(grid), _pair(stride), _pair(padding)
    (oh, ow), (dh, dw) = _pair(output_padding), _pair(dilation)
    Kh, Kw = weight_shape[-2:]
    return ((m1 - 1) * sh - 2 * ph + dh * (Kh - 1) + oh + 1, (m2 - 1) * sw - 2 * pw + dw * (Kw - 1) + ow + 1)


def norm_zero_pad_transposed(
    weight: torch.Tensor, grid, stride=1, padding=0, output_padding=0, dilation=1, groups: int = 1, **kwargs
) -> Interval:
    """The interval for ``conv_transpose2d`` on an m-grid: the adjoint of ``conv2d`` with the same weight,
    stride, padding, dilation and groups on its output grid, whose norm it shares."""
    n = transposed_output_grid(grid, weight.shape, stride, padding, output_padding, dilation)
    ph, pw = _pair(padding)
    return norm_zero_pad(weight, n, (pw, pw, ph, ph), stride, dilation, groups, **kwargs)


# ------------------------------------------------------------------------------------------ audit figures


@dataclass
class LayerNorms:
    """What ``audit --norm spectral`` reports for one conv layer: ``circular`` (exact on the layer's own grid,
    None where refused: ``note`` says why), ``zero_pad`` (the certified interval of the real zero-padded
    layer) and ``bound`` (the certified upper bound on the real layer's norm the Lipschitz product uses, None
    where none is proven)."""

    padding: str
    circular: float | None
    zero_pad: Interval | None
    bound: float | None
    note: str = ""
    sigma2: np.ndarray | None = field(default=None, repr=False)  # σ_max² per frequency of the circular grid

    def as_dict(self) -> dict:
        z = self.zero_pad
        return {
            "padding": self.padding,
            "circular": self.circular,
            "bound": self.bound,
            "note": self.note,
            "zero_pad": None
            if z is None
            else {
                "lower": z.lower,
                "upper": z.upper,
                "width": z.width,
                "iterations": z.iterations,
                "grid": list(z.grid),
            },
        }


def _circular_or_note(weight, grid, stride, dilation, groups, transposed=False):
    try:
        return norm_circular_details(weight, grid, stride, dilation, groups, transposed), ""
    except ValueError as exc:
        return None, f"circular: {exc}"


def conv_figures(
    weight: torch.Tensor, grid, pads, mode: str, stride=1, dilation=1, groups: int = 1
) -> LayerNorms:
    """The figures of ``conv2d(F.pad(x, pads, mode), weight, stride, dilation, groups)`` on an M×N map."""
    circ, note = _circular_or_note(weight, grid, stride, dilation, groups)
    sigma2 = None if circ is None else circ.sigma2_grid()
    value = None if circ is None else circ.value
    (dh, dw), (Kh, Kw) = _pair(dilation), weight.shape[-2:]
    if mode == "constant":
        z = norm_zero_pad(weight, grid, pads, stride, dilation, groups)
        return LayerNorms("zero", value, z, z.upper, note, sigma2)
    same = pads[0] + pads[1] == dw * (Kw - 1) and pads[2] + pads[3] == dh * (Kh - 1)
    if mode == "circular" and same and circ is not None:
        return LayerNorms(
            "circular", value, None, value, "circular padding: the layer's norm is exact", sigma2
        )
    why = note or f"{mode} padding {tuple(pads)}: no proven bound"
    return LayerNorms(mode, value, None, None, why, sigma2)


def conv_transpose_figures(
    weight: torch.Tensor, grid, stride=1, padding=0, output_padding=0, dilation=1, groups: int = 1
) -> LayerNorms:
    """The figures of ``conv_transpose2d`` (zero padding, torch's only mode) on an m-grid."""
    circ, note = _circular_or_note(weight, grid, stride, dilation, groups, transposed=True)
    z = norm_zero_pad_transposed(weight, grid, stride, padding, output_padding, dilation, groups)
    return LayerNorms(
        "zero",
        None if circ is None else circ.value,
        z,
        z.upper,
        note,
        None if circ is None else circ.sigma2_grid(),
    )


# ------------------------------------------------------------------------------------------ Lipschitz bound

ONE_LIPSCHITZ = {
    "relu",
    "relu6",
    "leaky_relu",
    "tanh",
    "sigmoid",
    "hardtanh",
    "elu",
    "softplus",
    "hardsigmoid",
    "softsign",
    "clamp",
    "clip",
    "dropout",
    "identity",
}
ASSUMES = (
    "an upper bound on the ℓ2 Lipschitz constant of the chain of these conv layers alone, with "
    "1-Lipschitz activations between them (relu, leaky_relu with slope ≤ 1, tanh, sigmoid, hardtanh, "
    "elu with α ≤ 1; not silu or gelu, whose slopes reach 1.10 and 1.13); biases do not count"
)


def lipschitz(nodes) -> dict | None:
    """The product of the conv layers' certified upper bounds (``LayerNorms.bound``) over the audited nodes
    (objects with ``index``, ``op``, ``path``, ``status`` and ``norms``, the ``as_dict`` above), what it
    assumes, and the nodes of the graph it does not cover (the product bounds the decoder only when there are
    none)."""
    convs = [n for n in nodes if n.norms is not None]
    if not convs:
        return None
    missing = [f"{n.index}:{node_name(n)}" for n in convs if n.norms["bound"] is None]
    bound = math.prod(n.norms["bound"] for n in convs) if not missing else None
    others: dict[str, int] = {}
    for n in nodes:
        fused_pad = n.kind == "pad" and n.note.startswith("padding of node")  # part of its conv layer
        if n.norms is None and n.status != "identity" and n.op not in ONE_LIPSCHITZ and not fused_pad:
            others[n.op] = others.get(n.op, 0) + 1
    return {
        "bound": bound,
        "layers": len(convs),
        "missing": missing,
        "assumes": ASSUMES,
        "not_covered": dict(sorted(others.items(), key=lambda kv: -kv[1])),
        "covers_graph": not others,
    }
