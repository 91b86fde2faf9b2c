"""Operator norms (ℓ2 → ℓ2) of conv layers: exact for circular padding, a certified interval for zero, reflect
and replicate padding.

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

**Continuum certificate** (large grids: more than ``EXACT_POINTS`` frequencies).  Centre the tap positions
on the middle of the kernel (a phase ``e^{-i ω·c}`` of modulus 1: singular values unchanged), so that T(ω) has
half extents ``K_h, K_w`` (the largest ``|q - c|`` per axis of the polyphase positions; 1 for a 3×3 kernel).
Claim: for any cell of centre ω_j and scaled ℓ1 radius ``r_j = max_{ω in cell} K_h |ω_h - ω_{j,h}| + K_w |ω_w
- ω_{j,w}| < π/2``, and cells covering the torus, ``sup_ω σ_max(T(ω)) ≤ max_j σ_max(T(ω_j)) / cos r_j``.
Proof: let ``M = sup`` (attained at ω*: σ_max(T) is continuous on the compact torus), ω* in cell j, and
(a, b) unit vectors with ``Re aᴴ T(ω*) b = M``.  Along the line ``ω(θ) = ω* + θ (ω_j - ω*)``, ``p(θ) = Re aᴴ
T(ω(θ)) b e^{i ω(θ)·c}`` is a real exponential sum whose frequencies ``(ω_j - ω*)·(q - c)`` lie in [-Λ, Λ]
with ``Λ ≤ r_j``, and ``|p(θ)| ≤ σ_max(T(ω(θ))) ≤ M`` on all of R (T is 2π-periodic).  Such p is a real entire
function of exponential type Λ bounded by M on the real axis, so ``p'² + Λ² p² ≤ Λ² M²`` (Duffin & Schaeffer
1937, the Szegő form of Bernstein's inequality); with ``p = M cos φ`` that is ``|φ'| ≤ Λ`` where ``|p| < M``,
and φ is continuous, so ``φ(1) ≤ φ(0) + Λ = Λ``: ``σ_max(T(ω_j)) ≥ p(1) ≥ M cos Λ ≥ M cos r_j``.  ∎  A real
kernel has ``σ(-ω) = σ(ω)``: the cells need only cover the half torus, one of each pair.  The cells are ℓ1
balls (squares in the rotated coordinates ``K_h ω_h ± K_w ω_w``) on a quincunx lattice that tiles the half
torus without overlap, its edges being mirror lines (``_plan``); a cell whose bound exceeds ``(1 + tol)``
times the best σ_max found is split into the 4 (or 9) balls of half (a third of) its radius that tile it,
until none does (or ``MAX_POINTS`` frequencies were evaluated; the slack reached is then what is reported).
A cell is not evaluated but tested: with the level ``U = (1 + tol) ℓ`` (ℓ the best σ_max found), a float64
Cholesky factorisation of ``(U cos r_j)² I - G(ω_j)``, shifted by a proven rounding margin, that completes
proves ``σ_max(T(ω_j)) < U cos r_j`` (``_certified``: a sixth of an eigendecomposition's cost); a few
Lanczos steps from the parent's vector first skip the cells that cannot pass, and a cell of the last
radius (below ``acos(1/(1 + tol))`` by at least 0.1 %) that fails is certified by its value: a Lanczos
value λ̂ (a Rayleigh quotient, which raises ℓ) and a Cholesky test of ``λ_max < λ̂ (1 + tol/2000)``, or
failing that its exact σ_max (float64 ``eigvalsh``, raised by ``4 n ε₆₄``); the 0.1 % leaves room for
``sqrt(1 + tol/2000) / cos r ≤ 1 + tol`` at every tol from 1e-4 to 1.  Every cell passing gives
``sup ≤ U``.  The slack is ``1 / cos r - 1 ≈ r² / 2`` (second order in the cell size).  The sup bounds
``norm_circular`` on every grid (each grid's frequencies are points of the torus), hence the zero-padded
layer on any map through the enlarged-grid argument above; strides and dilations through the polyphase form
(its own torus).  The best evaluated σ_max is a lower bound on the sup; on the layer's own grid the circular
norm is then reported as ``[max σ_max at evaluated frequencies of that grid, the certificate]``.

**Lower bound on a crop.**  For a crop Z of the map starting at pixel 0 (m ≤ n per axis), the zero-padded
layer ``A_Z`` on Z satisfies ``‖A_Z‖ ≤ ‖A‖``: extend x_Z by zeros to the map; every output of A_Z reads x at
``s i + d t - p_l`` with x zero outside Z exactly as Z's own zero padding reads it, and A_Z's ``n_out(m)``
outputs are the first of A's (``floor((m + p_l + p_r - e - 1)/s) ≤ floor((n + p_l + p_r - e - 1)/s)``), so
``‖A x‖ ≥ ‖A_Z x_Z‖`` with ``‖x‖ = ‖x_Z‖``.  Lanczos therefore runs on a crop of at most ``CROP`` pixels per
axis, from the plane wave of the top singular vector at the certificate's best frequency under a sine window.

**Reflect and replicate padding** are certified as ``[lower, upper]`` too.  The layer is ``A = V P``: P
copies pixels of the M×N map into the padded ``M' × N'`` map (``M' = M + p_t + p_b``, ``N' = N + p_l + p_r``)
and V is the unpadded ("valid") conv on the padded map.

* ``‖P‖ = sqrt(μ)`` exactly, μ the largest number of padded pixels that copy one pixel of the map.  Proof:
  each row of P (a padded pixel) holds exactly one 1 (the pixel it copies), so ``(PᵀP)_{ab} = Σ_r P_{ra}
  P_{rb}`` is 0 for ``a ≠ b`` and the number μ_a of padded pixels copying a for ``a = b``: PᵀP is diagonal
  and ``‖P‖² = ‖PᵀP‖ = max_a μ_a``.  Every channel is padded alike (``I ⊗ P``, the same norm).  Separability:
  ``F.pad`` pads the two axes independently, the padded pixel (i, j) copies ``(φ_h(i), φ_w(j))`` with φ the
  1-D padding map of each axis, so ``P = P_h ⊗ P_w``, ``PᵀP = diag(μ_h) ⊗ diag(μ_w)``, ``μ(a, b) = μ_h(a)
  μ_w(b)`` and ``μ = max μ_h · max μ_w``.  Per axis (n pixels, pads p_l, p_r): reflect (``p < n``) copies
  pixel j by itself, by the left pad when ``1 ≤ j ≤ p_l`` and by the right pad when ``n - 1 - p_r ≤ j ≤ n -
  2``, so μ is 1 with no pad, 2 with one, and 3 where both pads reach a common pixel (``p_l, p_r ≥ 1``, ``n ≥
  3``, ``p_l + p_r ≥ n - 1``: n = 3 with pads 1, 1 copies its middle pixel three times; n = 2 with pads 1, 1
  copies each pixel twice); replicate copies the edge pixels ``p_l + 1`` and ``p_r + 1`` times (``p_l + p_r +
  1`` when n = 1).  The code does not use these formulas: it counts μ on an index map padded by ``F.pad``
  itself (``padding_multiplicity``).
* ``upper = ‖P‖ · ‖V‖``, with ‖V‖ bounded by the zero-padding upper bound with no pads on the M'×N' map: the
  circular norm on the smallest grid ``L ≥ M'`` (and N') divisible by the stride (V is the restriction of that
  circular conv, the proof above with ``p_l = p_r = 0``), or the continuum certificate; strides and
  dilations by the polyphase form, as for zero padding.
* ``lower`` -- Lanczos on A itself (``F.pad`` with the mode, then ``F.conv2d``; its adjoint is
  ``F.conv_transpose2d`` followed by ``Pᵀ``, which adds each padded pixel onto the pixel it copies), evaluated
  in float64 as above.  A crop of the zero-padding kind is no restriction here (a crop's own pads copy other
  pixels); instead the lower bound runs on the inputs supported on ``[0, m)`` of a smaller map ``n_s ≤ n``
  (per axis) such that at every padded position ``r ∈ [-p_l, n_s + p_r)`` the small map's padding and the
  map's copy the same pixel or both copy a pixel outside ``[0, m)`` (checked on the padded index maps).  Then
  the padded small map equals the padded map on those positions for every such input z (zero-extended to the
  map: J z, ``‖J z‖ = ‖z‖``; in 2-D a padded value is ``z(φ_h(i), φ_w(j))``, equal on an axis where the
  copies agree and zero on both where one axis copies outside the support), and the small layer's outputs are
  the first outputs of the layer (they read the same positions ``s i + d t - p_l``), so ``‖A_s J_s z‖ ≤ ‖A J
  z‖``: every ratio it reports is below ‖A‖.

Circular padding whose pads total the kernel extent is exactly ``norm_circular``; other circular pads and
negative pads (crops) are refused by name.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F

from ..params import NORM_TOL
from .trace import node_name

POLISH = 1e-4  # relative margin below the float32 maximum within which frequencies are recomputed in float64
BLOCK_BYTES = 1 << 26  # complex64 bytes of channel matrices per block of frequencies
EPS32 = float(np.finfo(np.float32).eps)
EPS64 = float(np.finfo(np.float64).eps)


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
    R: torch.Tensor  # (L, groups · n · n) float32 (float64 for the continuum certificate)


def gram_lags(poly: Polyphase, dtype=torch.float32) -> GramLags:
    """The lag matrices of the smaller Gram matrix (one real product per pair of tap positions, a ≤ b)."""
    taps = poly.taps.to(dtype)
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
    return _circular_of(polyphase(weight, grid, stride, dilation, groups))


def _circular_of(poly: Polyphase) -> CircularNorm:
    """The exact circular norm of a polyphase form on its grid (``norm_circular_details``)."""
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


# -------------------------------------------------------------------------------------- continuum certificate

TOLERANCE = 1e-3  # default relative slack of the continuum certificate: upper ≤ (1 + TOLERANCE) · lower
AUDIT_TOLERANCE = NORM_TOL  # the audit's default (``--norm-tol``)
EXACT_POINTS = (
    640  # grids with at most this many frequencies (one of each conjugate pair) are computed exactly
)
MAX_POINTS = (
    20000  # the certificate stops refining past this many evaluated frequencies (its slack is reported)
)
SEED_STEPS = 10  # Lanczos steps from random vectors at the first cells (the first level)
STEPS = 5  # Lanczos steps from the parent's vector at every later cell (a lower estimate: can it pass?)
VALUE_STEPS = 80  # the most Lanczos steps for a value (the level's seed, the lower bound, a last cell)
CROP = (
    32  # the lower bound's Lanczos runs on a crop of at most CROP×CROP pixels of the map (a lower bound too)
)


def crop_for(tol: float) -> int:
    """The crop the lower bound runs on at slack ``tol``: its deficit falls like 1/m² (about 1.2/m² on random
    3×3 layers: 0.5 % at 16, 0.1 % at 32), so m is chosen for a deficit near a tenth of the slack, between 8
    and ``CROP`` pixels (any crop gives a valid lower bound; this only trades its tightness for time)."""
    return int(min(CROP, max(8, round(3.5 / math.sqrt(tol)))))


def _lower_settings(method: str, tol: float, rtol: float, crop) -> tuple[int, float]:
    """The lower bound's crop and Lanczos tolerance beside an upper end found by ``method``: beside an exact
    one the lower end alone sets the width (``CROP``, ``rtol``); beside a certificate its slack dominates
    (``crop_for(tol)``, and Lanczos stops well within it). An explicit ``crop`` is kept."""
    if method.startswith("exact"):
        return (CROP if crop is None else crop), rtol
    return (crop_for(tol) if crop is None else crop), max(rtol, tol / 10)


@dataclass
class SupBound:
    """``lower ≤ sup_ω σ_max(T(ω)) ≤ upper`` over the continuous torus ω ∈ [0, 2π)² of a polyphase form
    (module docstring, "continuum certificate"): ``lower`` is σ_max at the evaluated frequency ``omega``
    (radians), a settled float64 Lanczos value (the Rayleigh quotient of a vector: never above σ_max),
    ``points`` the frequencies (cell centres) evaluated, ``radius`` the smallest ℓ1 cell radius certified,
    ``tests`` the Cholesky tests and ``exact`` the exact σ_max (eigendecompositions)."""

    upper: float
    lower: float
    omega: tuple[float, float]
    points: int
    radius: float
    poly: Polyphase = field(repr=False)
    tests: int = 0
    exact: int = 0

    @property
    def slack(self) -> float:
        return self.upper / self.lower - 1 if self.lower > 0 else math.inf


def half_extent(poly: Polyphase) -> tuple[float, float]:
    """Per axis, half the span of the tap positions: the largest |q - centre| (the degree of T(ω) once the
    positions are centred on the middle of the kernel)."""
    p = poly.positions
    return float(p[:, 0].max() - p[:, 0].min()) / 2, float(p[:, 1].max() - p[:, 1].min()) / 2


def sigma_at(lag: GramLags, wh: np.ndarray, ww: np.ndarray, groups: int) -> np.ndarray:
    """σ_max at real frequencies (radians), maximum over the groups: float64 Gram matrices from the lags and
    one batched float64 ``eigvalsh`` per block."""
    n = math.isqrt(lag.R.shape[1] // groups)
    block = max(1, BLOCK_BYTES // (16 * groups * n * n))
    out = np.empty(len(wh))
    Rc = lag.R.to(torch.complex128)  # once, not per block
    for start in range(0, len(wh), block):
        part = slice(start, start + block)
        G = gram_at(lag, wh[part], ww[part], groups, Rc)
        out[part] = torch.linalg.eigvalsh(G)[..., -1].clamp_min(0).sqrt().amax(dim=1).numpy()
    return out


def gram_at(lag: GramLags, wh: np.ndarray, ww: np.ndarray, groups: int, Rc=None) -> torch.Tensor:
    """The float64 Gram matrices ``G(ω) = Σ_δ R_δ e^{-i ω·δ}`` at real frequencies: (F, groups, n, n), one
    complex matrix product (``Rc``: the lags as complex128, where the caller keeps them)."""
    n = math.isqrt(lag.R.shape[1] // groups)
    phase = -(np.outer(wh, lag.lags[:, 0]) + np.outer(ww, lag.lags[:, 1]))
    Rc = lag.R.to(torch.complex128) if Rc is None else Rc
    return (torch.from_numpy(np.exp(1j * phase)) @ Rc).reshape(-1, groups, n, n)


@dataclass
class _Torus:
    """The certificate's setup record: the Gram lags, the half extents, and the rounding
    terms of its Cholesky test (``_certified``)."""

    lag: GramLags
    groups: int
    n: int
    Kh: float
    Kw: float
    rounding: float  # an absolute bound on ‖G̃(ω) - G(ω)‖₂ (lags and phases in float64)
    Rc: torch.Tensor = field(repr=False, default=None)  # the lags as complex128

    def gram(self, centres: np.ndarray) -> torch.Tensor:
        return gram_at(self.lag, *self.omega(centres), self.groups, self.Rc)

    def omega(self, centres: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The frequencies (radians) of scaled centres x = (K_h ω_h, K_w ω_w)."""
        wh = centres[:, 0] / self.Kh if self.Kh > 0 else np.zeros(len(centres))
        ww = centres[:, 1] / self.Kw if self.Kw > 0 else np.zeros(len(centres))
        return wh, ww


def _scaled(t: _Torus, wh: np.ndarray, ww: np.ndarray) -> np.ndarray:
    """The scaled centres x = (K_h ω_h, K_w ω_w) of frequencies (radians): ``_Torus.omega`` inverted."""
    return np.stack([wh * t.Kh, ww * t.Kw], axis=1)


def _torus(poly: Polyphase) -> _Torus:
    Kh, Kw = half_extent(poly)
    lag = gram_lags(poly, dtype=torch.float64)
    g = poly.taps.shape[1]
    n = math.isqrt(lag.R.shape[1] // g)
    Q, _, _, Cp = poly.taps.shape
    taps = poly.taps.reshape(Q, -1).norm(dim=1).sum().item()
    # ‖R̃_δ - R_δ‖_F ≤ γ_{Q C'} (Σ_q ‖W_q‖_F)² (its products), and each entry of G̃ sums L phased lags whose
    # phases |ω·δ| ≤ 4π(|δ_h| + |δ_w|) carry an error of a few ε each: (L + 8 max|δ| + 4) ε Σ_δ ‖R_δ‖_F
    L, reach = len(lag.lags), float(np.abs(lag.lags).sum(axis=1).max())
    lags = lag.R.reshape(L, -1).norm(dim=1).sum().item()
    rounding = 2 * ((Q * Cp + 2) * EPS64 * taps**2 + (L + 16 * reach + 4) * EPS64 * (lags + taps**2))
    return _Torus(lag, g, n, Kh, Kw, rounding, lag.R.to(torch.complex128))


def _certified(torus: _Torus, G: torch.Tensor, level: np.ndarray) -> np.ndarray:
    """Whether ``λ_max(G(ω_j)) < level_j`` is proven for each cell: a float64 Cholesky factorisation of
    ``(level_j - m_j) I - G̃_j`` that runs to completion (every group).  Proof: LAPACK's Cholesky of a
    Hermitian
    B̃ that completes gives ``B̃ + ΔB = R^H R ⪰ 0`` with ``|ΔB| ≤ γ̃ |R^H| |R|`` (Higham, Accuracy and Stability,
    Thm 10.3; γ̃ = 4(n + 2)ε/(1 - 4(n + 2)ε) is generous for complex arithmetic), and ``‖|R^H||R|‖₂ ≤ ‖R‖_F² =
    tr(B̃ + ΔB)``, so ``λ_min(B̃) ≥ -γ̃ tr(B̃)/(1 - γ̃)``; the margin m adds that term, the rounding of the
    shifted diagonal and ``torus.rounding`` (G̃ against the exact G), so ``λ_max(G) < level``."""
    n = torus.n
    gamma = 4 * (n + 2) * EPS64 / (1 - 4 * (n + 2) * EPS64)
    diag = G.diagonal(dim1=-2, dim2=-1).real
    top = diag.amax(dim=(-1, -2)).clamp_min(0).numpy()
    shift = level * (1 - 8 * EPS64) - (gamma / (1 - gamma)) * n * level * 1.01
    shift = shift - 4 * EPS64 * (level + top) - torus.rounding
    B = G.neg_()  # in place: the caller's G is spent
    B.diagonal(dim1=-2, dim2=-1).add_(torch.from_numpy(shift)[:, None, None])
    info = torch.linalg.cholesky_ex(B).info
    return (info == 0).all(dim=1).numpy() & (shift > 0)


def ritz(apply, x: torch.Tensor, steps: int, rtol: float = 0.0) -> tuple[torch.Tensor, torch.Tensor]:
    """Batched Lanczos with full reorthogonalisation on Hermitian positive semidefinite operators (``apply``
    maps a (..., n) batch of vectors to its images) from ``x``: per batch entry the top Ritz vector (unit) and
    its Rayleigh quotient ``xᴴ A x`` evaluated explicitly in the operator's precision, so that each value is
    that of a vector (below λ_max up to the rounding of one product, whatever the iteration did).  Stops after
    ``steps`` products, or once every top Ritz value changed by at most ``rtol`` (relative) over one step."""
    n = x.shape[-1]
    steps = max(1, min(steps, n))
    V = x.new_zeros((steps, *x.shape))
    a = torch.zeros((steps, *x.shape[:-1]), dtype=torch.float64)
    b = torch.zeros_like(a)
    v = x / torch.linalg.vector_norm(x, dim=-1, keepdim=True).clamp_min(1e-300)
    previous, k = None, 0
    for j in range(steps):
        V[j], k = v, j + 1
        w = apply(v)
        a[j] = (v.conj() * w).sum(-1).real
        for _ in range(2):  # full reorthogonalisation, twice is enough
            w = w - torch.einsum("k...i,k...->...i", V[:k], torch.einsum("k...i,...i->k...", V[:k].conj(), w))
        b[j] = torch.linalg.vector_norm(w, dim=-1)
        if rtol and j >= 2:
            top = _tridiagonal_top(a[:k], b[:k])[0]
            if previous is not None and bool(((top - previous).abs() <= rtol * top.abs()).all()):
                break
            previous = top
        v = w / b[j].clamp_min(1e-300).unsqueeze(-1).to(w.dtype)
    _, y = _tridiagonal_top(a[:k], b[:k])
    x = torch.einsum("k...,k...i->...i", y.to(V.dtype), V[:k])
    x = x / torch.linalg.vector_norm(x, dim=-1, keepdim=True).clamp_min(1e-300)
    return (x.conj() * apply(x)).sum(-1).real.to(torch.float64), x


def _tridiagonal_top(a: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The top eigenpair of each Lanczos tridiagonal (diagonal ``a``, off-diagonal ``b``, steps first)."""
    a, b = a.movedim(0, -1), b.movedim(0, -1)[..., :-1]
    T = torch.diag_embed(a) + torch.diag_embed(b, 1) + torch.diag_embed(b, -1)
    values, vectors = torch.linalg.eigh(T)
    return values[..., -1], vectors[..., -1].movedim(-1, 0)


def _gram_apply(G: torch.Tensor):
    return lambda v: (G @ v.unsqueeze(-1)).squeeze(-1)


def _estimate(G: torch.Tensor, x: torch.Tensor | None, steps: int) -> tuple[np.ndarray, torch.Tensor]:
    """Lower estimates of σ_max per cell (the largest over the groups of the Rayleigh quotient after
    ``steps`` Lanczos steps from ``x``, random where None) and the vectors: a cell whose estimate already
    exceeds its level cannot pass, and the largest estimate sets the level."""
    if x is None:
        gen = torch.Generator().manual_seed(0)
        x = torch.complex(*(torch.randn(G.shape[:-1], generator=gen, dtype=torch.float64) for _ in "ri"))
    rq, x = ritz(_gram_apply(G), x, steps)
    return rq.clamp_min(0).sqrt().amax(dim=1).numpy(), x


def continuum_sup(
    poly: Polyphase, tol: float = TOLERANCE, max_points: int = MAX_POINTS, torus: _Torus | None = None
) -> SupBound:
    """Certified bounds on ``sup_ω σ_max(T(ω))`` over the continuous torus by adaptive ℓ1 cells (module
    docstring): every cell of centre ω_j and ℓ1 radius r_j (scaled by the half extents) is proven to have
    ``σ_max(T(ω_j)) < U cos r_j`` for the level ``U = (1 + tol) ℓ``, ℓ the best σ_max found, by a Cholesky
    test (``_certified``), which gives ``sup ≤ U``; a cell that fails is split in four.  ``torus``: the
    setup record of ``poly`` where the caller has it."""
    t = _torus(poly) if torus is None else torus
    if t.Kh == 0 and t.Kw == 0 or not bool(poly.taps.any()):
        s = float(sigma_at(t.lag, np.zeros(1), np.zeros(1), t.groups)[0])
        return SupBound(s * (1 + 4 * t.n * EPS64) + t.rounding, s, (0.0, 0.0), 1, 0.0, poly, exact=1)
    # the last radius: a cell that small whose centre is within the level is certified by its value
    plan = _plan(t.Kh, t.Kw, math.acos(1 / (1 + tol)) * (1 - 1e-3))
    run = _Run(t, tol, plan.r_last)
    centres, radii = plan.centres, np.full(len(plan.centres), plan.r0)
    vectors, est = run.seed(centres)
    order = np.argsort(-est, kind="stable")  # the hottest cells first: the level rises early
    centres, radii, vectors, est = centres[order], radii[order], vectors[torch.from_numpy(order)], est[order]
    depth = 0
    while len(centres) and run.points < max_points:
        f = plan.factors[depth] if depth < len(plan.factors) else 2
        for part in _blocks(len(centres), t):
            failed = run.level(centres[part], radii[part], vectors[part], None if est is None else est[part])
            run.queue(*failed, f)
        centres, radii, vectors = run.take()
        est, depth = None, depth + 1
    run.exhaust(centres, radii)
    return run.result(poly)


def _blocks(count: int, t: _Torus):
    block = max(1, BLOCK_BYTES // (16 * t.groups * t.n * t.n))
    return [slice(s, s + block) for s in range(0, count, block)]


class _Run:
    """The working record of one certificate: the level, the best frequency found, and the failed cells."""

    def __init__(self, t: _Torus, tol: float, r_last: float):
        self.t, self.tol = t, tol
        self.best, self.at = 0.0, np.zeros(2)  # the largest σ estimate and its scaled frequency
        self.valued = False  # whether ``best`` is a Lanczos value (a lower bound on the sup), not an estimate
        self.points = self.tests = self.exact = 0
        self.r_last = r_last
        self.upper = 0.0  # the largest bound of cells certified by their exact σ
        self.min_radius = math.inf
        self._next: list = []

    @property
    def U(self) -> float:  # the level (below (1 + tol) ℓ by its own final rounding allowance)
        return (1 + self.tol) * self.best * (1 - 16 * EPS64)

    def seed(self, centres) -> tuple[torch.Tensor, np.ndarray]:
        """The first estimates, at the first cells' centres (power steps from random vectors): their vectors
        and estimates, and the level the first cells are tested at (the exact σ at the best of them)."""
        out, ests = [], []
        for part in _blocks(len(centres), self.t):
            est, x = _estimate(self.t.gram(centres[part]), None, SEED_STEPS)
            self._better(est, centres[part])
            out.append(x), ests.append(est)
        self.points += len(centres)
        self._better(self._value(self.at[None])[0], self.at[None], value=True)
        return torch.cat(out), np.concatenate(ests)

    def _value(self, centres: np.ndarray, G=None, rtol=1e-12) -> tuple[np.ndarray, torch.Tensor]:
        """σ_max at the centres by Lanczos to a settled value (Rayleigh quotients: each is the value of a
        vector, at most σ_max), largest over the groups; and λ per group."""
        G = self.t.gram(centres) if G is None else G
        gen = torch.Generator().manual_seed(1)
        x = torch.complex(*(torch.randn(G.shape[:-1], generator=gen, dtype=torch.float64) for _ in "ri"))
        lam, _ = ritz(_gram_apply(G), x, VALUE_STEPS, rtol)
        return lam.clamp_min(0).sqrt().amax(dim=1).numpy(), lam

    def _exact(self, centres: np.ndarray) -> np.ndarray:
        G = self.t.gram(centres)
        s = torch.linalg.eigvalsh(G)[..., -1].clamp_min(0).sqrt().amax(dim=1).numpy()
        self.exact += len(s)
        self._better(s, centres, value=True)
        return s

    def _better(self, est: np.ndarray, centres: np.ndarray, value: bool = False) -> None:
        """Raise ℓ to the largest of ``est`` (``value``: Lanczos values, not estimates)."""
        j = int(np.argmax(est))
        if est[j] > self.best:
            self.best, self.at, self.valued = float(est[j]), centres[j].copy(), value

    def level(self, centres, radii, vectors, est=None):
        """Estimate, test and (where both fail) split one block of cells: the children and their vectors
        (``est``: the estimates the seed made already)."""
        t = self.t
        last = radii.max() <= self.r_last  # every cell here is tested: no estimate (it could only refuse one)
        G = None if est is not None else t.gram(centres)
        if est is None:
            self.points += len(centres)
            est, vectors = (np.zeros(len(centres)), vectors) if last else _estimate(G, vectors, STEPS)
            self._better(est, centres)
        r_eff = radii * (1 + 1e-12) + 1e-14  # the float centres cover their cells with this slack
        target = self.U * np.cos(np.minimum(r_eff, np.pi / 2))
        hopeful = (est < target) & (r_eff < np.pi / 2)
        small = radii <= self.r_last
        if G is None and (hopeful | small).any():
            G = t.gram(centres)
        passed = np.zeros(len(centres), dtype=bool)
        if hopeful.any():
            H = G if hopeful.all() else G[torch.from_numpy(hopeful)]
            passed[hopeful] = _certified(t, H, target[hopeful] ** 2)  # spends H (G too, where all)
            self.tests += int(hopeful.sum())
        small &= ~passed
        if small.any():  # rare: the cells whose centre may beat the level; their Gram matrices again
            passed[small] = self._by_value(t.gram(centres[small]), r_eff[small], centres[small])
        if passed.any():
            self.min_radius = min(self.min_radius, float(radii[passed].min()))
        fail = ~passed
        return centres[fail], radii[fail], vectors[torch.from_numpy(fail)]

    def _by_value(self, G, r_eff, centres) -> np.ndarray:
        """Cells at the last radius certified by their value: a Lanczos value λ̂ (which raises ℓ) and a
        Cholesky test of ``λ_max < λ̂ (1 + tol/2000)`` (a completed one bounds the cell by that level over cos
        r); the cells whose test fails by their exact σ (float64 eigvalsh, raised for its rounding)."""
        s, lam = self._value(centres, G, rtol=self.tol * 1e-4)
        self._better(s, centres, value=True)
        level = lam.amax(dim=1).numpy() * (1 + self.tol / 2000)
        self.tests += len(level)
        tested = _certified(self.t, G.clone(), level)
        ok = np.zeros(len(level), dtype=bool)
        if tested.any():
            bound = np.sqrt(level[tested]) / np.cos(r_eff[tested])
            ok[tested] = bound <= self.U
            if ok.any():
                self.upper = max(self.upper, float(bound[ok[tested]].max()))
        if not ok.all():
            rest = ~ok
            ok[rest] = self._by_eigenvalues(G[torch.from_numpy(rest)], r_eff[rest], centres[rest])
        return ok

    def _by_eigenvalues(self, G, r_eff, centres) -> np.ndarray:
        """Cells at the last radius certified by their exact σ (float64 eigvalsh, raised for its rounding)."""
        lam = torch.linalg.eigvalsh(G)[..., -1].amax(dim=1).numpy()
        self.exact += len(lam)
        self._better(np.sqrt(np.maximum(lam, 0)), centres, value=True)
        bound = np.sqrt(np.maximum(lam, 0) * (1 + 4 * self.t.n * EPS64) + self.t.rounding) / np.cos(r_eff)
        ok = bound <= self.U
        if ok.any():
            self.upper = max(self.upper, float(bound[ok].max()))
        return ok

    def queue(self, centres, radii, vectors, f: int) -> None:
        if len(centres):
            self._next.append(_children(centres, float(radii[0]) / f, f, self.t.Kh, self.t.Kw, vectors))

    def take(self):
        if not self._next:
            return np.zeros((0, 2)), np.zeros(0), None
        c, r, v = (
            np.concatenate([k[0] for k in self._next]),
            np.concatenate([k[1] for k in self._next]),
            torch.cat([k[2] for k in self._next]),
        )
        self._next = []
        return c, r, v

    def exhaust(self, centres, radii) -> None:
        """Past ``max_points``: the cells left are bounded by the exact σ at their centres over cos r."""
        if not len(centres):
            return
        t = self.t
        s = np.concatenate([self._exact(centres[part]) for part in _blocks(len(centres), t)])
        r_eff = radii * (1 + 1e-12) + 1e-14
        bound = np.where(r_eff < np.pi / 2, s / np.cos(np.minimum(r_eff, np.pi / 2 - 1e-12)), np.inf)
        self.upper = max(self.upper, float(bound.max()) * (1 + 4 * t.n * EPS64) + t.rounding)

    def result(self, poly: Polyphase) -> SupBound:
        t = self.t
        omega = t.omega(self.at[None])
        upper = max(self.U, self.upper) * (1 + 8 * EPS64)
        lower = self.best if self.valued else float(self._value(self.at[None])[0][0])
        return SupBound(
            upper,
            lower,
            (float(omega[0][0]), float(omega[1][0])),
            self.points,
            self.min_radius,
            poly,
            tests=self.tests,
            exact=self.exact,
        )


@dataclass(frozen=True)
class _Plan:
    """The cells' lattice: the first cells (scaled centres, radius ``r0``) and the factor each level divides
    the radius by; ``r_last`` is the radius of the last level."""

    centres: np.ndarray
    r0: float
    factors: tuple[int, ...]
    r_last: float


def _plan(Kh: float, Kw: float, r_need: float) -> _Plan:
    """A lattice of ℓ1 cells that tiles the domain without overlap.  In the scaled coordinates
    ``x = (K_h ω_h, K_w ω_w)`` σ is periodic (periods ``2π K_h``, ``2π K_w``) and even under ``x ↦ -x`` (a
    real kernel), so the strip ``x_w ∈ [0, π K_w]`` suffices and its two edges are mirror lines.  The
    centres ``((i + ½) r, (j + ½) r)`` with i + j even tile the plane (ℓ1 balls of radius r on a quincunx
    lattice); with ``I r = 2π K_h`` (I even) and ``J r = π K_w``, the cells ``0 ≤ i < I, 0 ≤ j < J`` and
    their mirrors cover the strip: the row j = -1 is the mirror of the row 0 (``(i + ½) ↦ -(i + ½) = (-i -
    1) + ½``, the same parity), the row J that of the row J - 1, and the columns outside repeat by the
    period.  A cell's test bounds σ on all of it, its mirror included, and a cell's children tile it, so no
    cell is ever dropped.  One live axis: intervals of half-width r centred at ``(2j + 1) r`` on ``[0, π
    K]`` (mirror lines at both ends).  ``r = unit / a`` with the smallest ``a ≥ unit / r_need`` that is
    ``a_0 · 2^k 3^m`` with a first level ``a_0`` in ``[a_lo, 3 a_lo]`` (radius at most π/4); the levels
    divide the radius by 3, then by 2."""
    if Kh > 0 and Kw > 0:
        p, q = round(2 * Kh), round(2 * Kw)
        g = math.gcd(2 * p, q)
        cols, rows = 2 * p // g, q // g  # I = cols · a, J = rows · a
        unit, a_lo, even = np.pi * g / 2, 2 * g, cols % 2 == 1
    else:
        K = Kh if Kh > 0 else Kw
        cols, rows, unit, even = 0, 1, np.pi * K / 2, False
        a_lo = max(1, math.ceil(2 * K))
    a, a0 = _levels(max(a_lo, math.ceil(unit / r_need)), a_lo, even)
    factors = tuple(sorted(_smooth_factors(a // a0), reverse=True))
    r0 = unit / a0
    if cols:
        I, J = np.meshgrid(np.arange(cols * a0), np.arange(rows * a0), indexing="ij")
        keep = (I + J) % 2 == 0
        centres = np.stack([(I[keep] + 0.5) * r0, (J[keep] + 0.5) * r0], axis=1)
    else:
        centres = np.zeros((a0, 2))
        centres[:, 0 if Kh > 0 else 1] = (2 * np.arange(a0) + 1) * r0
    r_last = r0
    for f in factors:
        r_last = r_last / f
    if r_last > r_need:
        raise AssertionError(f"cell lattice radius {r_last} above {r_need}")
    return _Plan(centres, r0, factors, r_last)


def _levels(a_min: int, a_lo: int, even: bool) -> tuple[int, int]:
    """The smallest ``a ≥ a_min`` that is ``a_0`` times a 3-smooth number with ``a_0 ∈ [a_lo, 3 a_lo]`` (even
    where ``even``), and its smallest such ``a_0`` (the most levels)."""
    a = a_min
    while True:
        for a0 in range(a_lo, 3 * a_lo + 1):
            if (not even or a0 % 2 == 0) and a % a0 == 0 and _smooth_factors(a // a0) is not None:
                return a, a0
        a += 1


def _smooth_factors(m: int) -> list[int] | None:
    """m as a list of factors 2 and 3, None where it has another prime factor."""
    out = []
    for f in (3, 2):
        while m % f == 0:
            out.append(f)
            m //= f
    return out if m == 1 else None


def _children(parents: np.ndarray, radius: float, f: int, Kh: float, Kw: float, vectors=None):
    """The f² ℓ1 balls of radius ``radius`` (the parents' over f) that tile each parent (in the rotated
    coordinates ``x_h ± x_w`` a ball is a square, and they are its f × f sub-squares); f intervals on one live
    axis.  ``vectors`` (one per parent) are handed to the children."""
    k = (2 * np.arange(f) - (f - 1)) * radius  # the sub-square centres per rotated axis
    if Kh > 0 and Kw > 0:
        U, V = np.meshgrid(k, k, indexing="ij")
        offs = np.stack([(U + V).ravel() / 2, (U - V).ravel() / 2], axis=1)
    else:
        offs = np.zeros((f, 2))
        offs[:, 0 if Kh > 0 else 1] = k
    centres = (parents[:, None, :] + offs[None]).reshape(-1, 2)
    radii = np.full(len(centres), radius)
    if vectors is None:
        return centres, radii
    return centres, radii, vectors.repeat_interleave(len(offs), dim=0)


# ------------------------------------------------------------------------------------------ zero padding


@dataclass(frozen=True)
class Interval:
    """A certified enclosure ``lower ≤ ‖A‖ ≤ upper`` of a real layer's operator norm; ``method`` says how
    each end was obtained."""

    lower: float
    upper: float
    iterations: int
    grid: tuple[int, int]  # the enlarged grid of the upper bound
    method: str = ""

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


def channel_matrix_at(poly: Polyphase, omega) -> torch.Tensor:
    """T(ω) at one real frequency ω (radians of the polyphase torus): (groups, D/g, C') complex128."""
    Q, g, Dg, Cp = poly.taps.shape
    phase = -(poly.positions[:, 0] * omega[0] + poly.positions[:, 1] * omega[1])
    flat = poly.taps.reshape(Q, -1)
    re = torch.from_numpy(np.cos(phase)) @ flat
    im = torch.from_numpy(np.sin(phase)) @ flat
    return torch.complex(re, im).reshape(g, Dg, Cp)


def warm_start(poly: Polyphase, omega, weight_shape, grid, pads, stride, groups) -> torch.Tensor:
    """A start for the lower bound on an M×N map: the real part (or imaginary, the larger) of the circular
    operator's top right singular vector at ω (a plane wave of the phase channels), shifted by the padding
    offset and tapered by a sine window that vanishes just outside the map: (1, C, M, N) float64."""
    (sh, sw), (M, N) = _pair(stride), _pair(grid)
    left, _, top, _ = pads
    vectors = _top_right_vectors(channel_matrix_at(poly, omega))  # per group: every group gets its top vector
    D, Cg = weight_shape[:2]  # (a block-diagonal A's Krylov space never leaves the groups its start touches)
    ph, pw = np.arange(M) + top, np.arange(N) + left  # the pixel the offset-free polyphase form reads
    wave = np.exp(-1j * (omega[0] * (ph // sh)[:, None] + omega[1] * (pw // sw)[None, :]))
    window = np.outer(
        np.sin(np.pi * (np.arange(M) + 1) / (M + 1)), np.sin(np.pi * (np.arange(N) + 1) / (N + 1))
    )
    x = torch.zeros(1, Cg * groups, M, N, dtype=torch.float64)
    for g in range(groups):
        cells = vectors[g].reshape(Cg, sh, sw).numpy()
        field_ = cells[:, (ph % sh)[:, None], (pw % sw)[None, :]] * (wave * window)[None]
        part = field_.real if np.linalg.norm(field_.real) >= np.linalg.norm(field_.imag) else field_.imag
        x[0, g * Cg : (g + 1) * Cg] = torch.from_numpy(np.ascontiguousarray(part))
    return x


def _top_right_vectors(T: torch.Tensor) -> torch.Tensor:
    """Each group's top right singular vector of T (groups, D/g, C'), by Lanczos on ``Tᴴ T`` (a start: its
    accuracy only speeds up the lower bound's own iteration)."""
    gen = torch.Generator().manual_seed(2)
    x = torch.complex(
        *(torch.randn(T.shape[0], T.shape[2], generator=gen, dtype=torch.float64) for _ in "ri")
    )
    _, v = ritz(lambda z: (T.mH @ (T @ z.unsqueeze(-1))).squeeze(-1), x, 40, 1e-8)
    return v


def lanczos_vector(forward, adjoint, x0: torch.Tensor, steps: int, rtol: float, ceiling: float):
    """Golub-Kahan-Lanczos bidiagonalisation of A (``forward``, ``adjoint`` = Aᵀ) from ``x0``, with full
    reorthogonalisation: the top Ritz vector after the Ritz value settles (relative change ≤ ``rtol``) or
    reaches ``ceiling`` (a known upper bound).  Returns (vector, steps).  Any vector gives a lower bound ``‖A
    x‖ / ‖x‖``; Lanczos finds a good one in far fewer products than power iteration when the top singular
    values are close."""
    shape = x0.shape
    steps = max(1, min(steps, x0.numel()))  # no more orthonormal vectors than the input has coordinates
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
        # the Krylov space is exhausted (beyond the output's dimension, or float32 noise): stop before noise
        if alpha == 0.0 or done > y.numel() or (history and alpha <= 1e-6 * history[-1]):
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
        if beta <= 1e-6 * history[-1]:
            break
        V[done], B[done - 1, done] = v / beta, beta
    _, _, Vh = torch.linalg.svd(B[:k, :k])
    best = Vh[0].to(x0.dtype) @ V[:k]
    return best.reshape(shape), done


def _lanczos_lower(
    weight, grid, pads, stride, dilation, start, iterations, rtol, ceiling, layer=None
) -> tuple[float, int]:
    """A certified lower bound for one (ungrouped) layer, zero-padded unless ``layer`` gives its (forward,
    adjoint): the float64 ratios ``‖A x‖ / ‖x‖`` and ``‖Aᵀ A x‖ / ‖A x‖`` at the Lanczos vector x (float32
    iterations)."""
    forward, adjoint = layer or _zero_pad_layer(weight, grid, pads, stride, dilation, 1)
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


def crop_grid(grid, crop: int = CROP) -> tuple[int, int]:
    """The map the lower bound runs on: at most ``crop`` pixels per axis (module docstring: the norm of the
    zero-padded layer on a crop of the map is at most its norm on the map)."""
    M, N = _pair(grid)
    return min(M, max(crop, 1)), min(N, max(crop, 1))


def upper_bound(poly: Polyphase, tol: float = TOLERANCE, exact_points: int = EXACT_POINTS, reuse=None):
    """The proven upper bound ``max over the grid of σ_max(T)`` of the polyphase form's grid, exactly where
    the grid has at most ``exact_points`` frequencies (one per conjugate pair), else the continuum certificate
    (which bounds every grid): (value, ω in radians where the best σ was found, method, evaluated points)."""
    M, N = poly.grid
    count = len(half_grid(poly)[0])
    if count <= exact_points:
        circ = _circular_of(poly)
        omega = (2 * np.pi * circ.frequency[0] / M, 2 * np.pi * circ.frequency[1] / N)
        return circ.value, omega, f"exact circular on the {M}x{N} grid", count, circ
    same = (
        reuse is not None
        and np.array_equal(reuse.poly.positions, poly.positions)
        and torch.equal(reuse.poly.taps, poly.taps)
    )
    sup = reuse if same else continuum_sup(poly, tol)  # the certificate does not depend on the grid
    return sup.upper, sup.omega, f"continuum certificate ({sup.points} frequencies)", sup.points, sup


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
    tol: float = TOLERANCE,
    exact_points: int = EXACT_POINTS,
    crop: int | None = None,
    reuse: SupBound | None = None,
) -> Interval:
    """Certified ``[lower, upper]`` for the operator norm of ``conv2d(F.pad(x, pads), weight, stride,
    dilation, groups)`` on an M×N map, ``pads = (left, right, top, bottom)`` zeros (module docstring: the
    upper bound is ``norm_circular`` on the enlarged grid where that grid is small, else the continuum
    certificate; the lower one Lanczos on the layer itself, on a crop of the map of at most ``crop`` pixels
    per axis; where None, ``CROP`` beside an exact upper end and ``crop_for(tol)`` beside a certificate)."""
    pads = tuple(int(p) for p in pads)
    L = enlarged_grid(grid, pads, stride)
    poly = polyphase(weight, L, stride, dilation, groups)
    upper, omega, method, _, _ = upper_bound(poly, tol, exact_points, reuse)
    crop, rtol = _lower_settings(method, tol, rtol, crop)
    small = crop_grid(grid, crop)
    x = warm_start(poly, omega, weight.shape, small, pads, stride, groups)
    lower, done = _lower_by_groups(
        weight,
        groups,
        x,
        seed,
        lambda w, start: _lanczos_lower(w, small, pads, stride, dilation, start, iterations, rtol, upper),
    )
    lower = _below(lower, upper, "zero-padding")
    where = "" if small == _pair(grid) else f" on a {small[0]}x{small[1]} crop"
    return Interval(lower, upper, done, L, f"upper: {method}; lower: Lanczos{where}, {done} steps")


def _lower_by_groups(weight, groups: int, x: torch.Tensor, seed: int, run) -> tuple[float, int]:
    """The largest lower bound ``run(w_g, start_g)`` over the groups (a grouped layer is block-diagonal: one
    Lanczos run per group, a shared one stalls on the first), each from its part of the warm start ``x`` plus
    a random part (a start orthogonal to the top singular vector, by a symmetry, would never find it)."""
    noise = torch.randn(x.shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    Dg, Cg = weight.shape[0] // groups, weight.shape[1]
    lower, done = 0.0, 0
    for g in range(groups):
        w = weight[g * Dg : (g + 1) * Dg]
        start, extra = x[:, g * Cg : (g + 1) * Cg], noise[:, g * Cg : (g + 1) * Cg]
        start = start / start.norm().clamp_min(1e-300) + 0.1 * extra / extra.norm()
        value, steps = run(w, start)
        lower, done = max(lower, value), done + steps
    return lower, done


def _below(lower: float, upper: float, what: str) -> float:
    """The lower bound, never above the proven upper one (float64 rounding of two equal values); a real gap
    is an error."""
    if lower > upper:
        if lower - upper > 1e-9 * upper:
            raise ArithmeticError(f"{what} lower bound {lower!r} above its proven upper bound {upper!r}")
        return upper
    return lower


# ----------------------------------------------------------------------------------------- reflect, replicate

COPYING = ("reflect", "replicate")  # the padding modes certified by ‖P‖ · ‖V‖ (module docstring)


def padding_sources(grid, pads, mode: str) -> torch.Tensor:
    """The pixel of the M×N map that each padded pixel copies, as a flat index: ``F.pad`` of the index map
    itself (the real padding, not a formula), (M', N') int64."""
    M, N = _pair(grid)
    index = torch.arange(M * N, dtype=torch.float64).reshape(1, 1, M, N)  # exact integers below 2^53
    return F.pad(index, tuple(int(p) for p in pads), mode=mode)[0, 0].round().long()


def padding_multiplicity(grid, pads, mode: str) -> int:
    """μ: the most padded pixels that copy one pixel of the map; the padding map's norm is exactly sqrt(μ)
    (module docstring)."""
    M, N = _pair(grid)
    return int(torch.bincount(padding_sources(grid, pads, mode).reshape(-1), minlength=M * N).max())


def check_copying(grid, pads, mode: str) -> tuple[int, ...]:
    """The pads (left, right, top, bottom) as ints, or a ValueError naming what is not covered."""
    pads = tuple(int(p) for p in pads)
    M, N = _pair(grid)
    if mode not in COPYING:
        raise ValueError(
            f"{mode} padding {pads}: no proven bound (certified: constant, {', '.join(COPYING)})"
        )
    if len(pads) != 4:
        raise ValueError(f"{mode} padding {pads}: expected 4 pads (left, right, top, bottom)")
    if min(pads) < 0:
        raise ValueError(f"{mode} padding {pads}: a negative pad (a crop) is not covered")
    if mode == "reflect" and (max(pads[:2]) >= N or max(pads[2:]) >= M):
        raise ValueError(f"reflect padding {pads} of a {M}x{N} map: each pad must be below the map size")
    return pads


def _support_axis(n: int, pl: int, pr: int, mode: str, crop: int) -> tuple[int, int]:
    """(n_s, m) for one axis: the small map and the support ``[0, m)`` the lower bound runs on (module
    docstring), checked on the padded index maps; (n, n) where no crop is needed or none passes."""
    n_s = min(n, max(crop, 1) + max(pl, pr) + 1)
    if n_s == n:
        return n, n
    full = padding_sources((1, n), (pl, pr, 0, 0), mode)[0, : n_s + pl + pr]
    small = padding_sources((1, n_s), (pl, pr, 0, 0), mode)[0]
    for m in range(min(n_s, max(crop, 1)), 0, -1):
        if bool(((small == full) | ((small >= m) & (full >= m))).all()):
            return n_s, m
    return n, n


def _copying_layer(weight, small, support, pads, mode, stride, dilation):
    """The real layer ``conv2d(F.pad(x, pads, mode))`` on the ``small`` map, on inputs supported on its first
    ``support`` pixels, and its adjoint (``conv_transpose2d``, then Pᵀ: a scatter-add by the index map)."""
    (M, N), (m1, m2), (sh, sw), (dh, dw) = small, support, _pair(stride), _pair(dilation)
    left, right, top, bottom = pads
    D, Cg, Kh, Kw = weight.shape
    src = padding_sources(small, pads, mode)
    P = tuple(src.shape)
    out = ((P[0] - dh * (Kh - 1) - 1) // sh + 1, (P[1] - dw * (Kw - 1) - 1) // sw + 1)
    if min(out) < 1:
        raise ValueError(f"kernel {Kh}x{Kw} (dilation {dh}x{dw}) is larger than the padded map {P[0]}x{P[1]}")
    extra = (P[0] - (out[0] - 1) * sh - dh * (Kh - 1) - 1, P[1] - (out[1] - 1) * sw - dw * (Kw - 1) - 1)
    src = src.reshape(-1)

    def forward(z, w):
        x = F.pad(z, (0, N - m2, 0, M - m1))
        return F.conv2d(F.pad(x, pads, mode=mode), w, stride=(sh, sw), dilation=(dh, dw))

    def adjoint(y, w):
        g = F.conv_transpose2d(y, w, stride=(sh, sw), output_padding=extra, dilation=(dh, dw))
        x = torch.zeros(*g.shape[:2], M * N, dtype=g.dtype).index_add_(2, src, g.reshape(*g.shape[:2], -1))
        return x.reshape(*g.shape[:2], M, N)[..., :m1, :m2]

    return forward, adjoint


def norm_copying_pad(
    weight: torch.Tensor,
    grid,
    pads,
    mode: str,
    stride=1,
    dilation=1,
    groups: int = 1,
    iterations: int = 30,
    rtol: float = 1e-6,
    seed: int = 0,
    tol: float = TOLERANCE,
    exact_points: int = EXACT_POINTS,
    crop: int | None = None,
    reuse: SupBound | None = None,
) -> Interval:
    """Certified ``[lower, upper]`` for the operator norm of ``conv2d(F.pad(x, pads, mode), weight, stride,
    dilation, groups)`` on an M×N map, mode reflect or replicate, ``pads = (left, right, top, bottom)``
    (module docstring): upper ``sqrt(μ) · ‖V‖`` with ‖V‖ the valid conv's bound on the padded map, lower
    Lanczos on the layer itself (on a crop where ``crop`` is None: as ``norm_zero_pad`` chooses it)."""
    pads = check_copying(grid, pads, mode)
    (M, N), (left, right, top, bottom) = _pair(grid), pads
    mu = padding_multiplicity(grid, pads, mode)
    padded = (M + top + bottom, N + left + right)
    L = enlarged_grid(padded, (0, 0, 0, 0), stride)
    poly = polyphase(weight, L, stride, dilation, groups)
    valid, omega, method, _, _ = upper_bound(poly, tol, exact_points, reuse)
    upper = math.sqrt(mu) * valid * (1 + 2 * EPS64)  # the rounding of the square root and the product
    crop, rtol = _lower_settings(method, tol, rtol, crop)
    (Ms, m1), (Ns, m2) = _support_axis(M, top, bottom, mode, crop), _support_axis(N, left, right, mode, crop)
    x = warm_start(poly, omega, weight.shape, (m1, m2), pads, stride, groups)

    def run(w, start):
        lay = _copying_layer(w, (Ms, Ns), (m1, m2), pads, mode, stride, dilation)
        return _lanczos_lower(w, None, pads, stride, dilation, start, iterations, rtol, upper, lay)

    lower, done = _lower_by_groups(weight, groups, x, seed, run)
    lower = _below(lower, upper, f"{mode}-padding")
    where = "" if (m1, m2) == (M, N) else f" on a {m1}x{m2} crop of a {Ms}x{Ns} map"
    how = (
        f"upper: ‖P‖ = √{mu} = {math.sqrt(mu):.6g} ({mode} padding copies a pixel at most {mu} times) "
        "× the valid conv on the "
        f"{padded[0]}x{padded[1]} padded map, {method}; lower: Lanczos{where}, {done} steps"
    )
    return Interval(lower, upper, done, L, how)


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
class CircularFigure:
    """The circular norm of a layer on its own grid: ``value`` exact where the grid is small, else ``bounds``
    = (the largest σ_max at evaluated frequencies of the grid, the continuum certificate); ``sigma2`` is
    σ_max² per frequency of the polyphase grid (NaN at the frequencies not evaluated: a large grid evaluates
    only the readouts and the frequency nearest the certificate's maximiser)."""

    value: float | None
    bounds: tuple[float, float] | None
    sigma2: np.ndarray = field(repr=False)
    method: str
    certificate: SupBound | None = field(default=None, repr=False)


def circular_figure(
    weight,
    grid,
    stride=1,
    dilation=1,
    groups: int = 1,
    transposed=False,
    tol=TOLERANCE,
    exact_points=EXACT_POINTS,
) -> CircularFigure:
    """``norm_circular`` where the grid has at most ``exact_points`` frequencies, else certified bounds."""
    if transposed:
        (sh, sw), (M, N) = _pair(stride), _pair(grid)
        grid = (M * sh, N * sw)
    poly = polyphase(weight, grid, stride, dilation, groups)
    M, N = poly.grid
    if len(half_grid(poly)[0]) <= exact_points:
        circ = _circular_of(poly)
        return CircularFigure(circ.value, None, circ.sigma2_grid(), f"exact on the {M}x{N} grid")
    torus = _torus(poly)
    sup = continuum_sup(poly, tol, torus=torus)
    near = (round(sup.omega[0] * M / (2 * np.pi)) % M, round(sup.omega[1] * N / (2 * np.pi)) % N)
    u = np.array([0, M // 4, M // 2, near[0]])
    v = np.array([0, N // 4, N // 2, near[1]])
    s = _Run(torus, tol, 0.0)._value(_scaled(torus, 2 * np.pi * u / M, 2 * np.pi * v / N))[0]
    sigma2 = np.full((M, N), np.nan)
    sigma2[u, v] = s**2
    sigma2[(-u) % M, (-v) % N] = s**2
    lower = float(s.max())
    bounds = (lower, max(lower, sup.upper))
    return CircularFigure(None, bounds, sigma2, f"continuum certificate ({sup.points} frequencies)", sup)


@dataclass
class LayerNorms:
    """What ``audit --norm spectral`` reports for one conv layer: ``circular`` (exact on the layer's own grid,
    None where refused or too large: ``circular_bounds`` then encloses it, ``note`` says why), ``zero_pad``
    (the certified interval of the real zero-padded layer) and ``bound`` (the certified upper bound on the
    real layer's norm the Lipschitz product uses, None where none is proven)."""

    padding: str
    circular: float | None
    zero_pad: Interval | None
    bound: float | None
    note: str = ""
    sigma2: np.ndarray | None = field(default=None, repr=False)  # σ_max² per frequency of the circular grid
    circular_bounds: tuple[float, float] | None = None
    circular_method: str = ""

    def as_dict(self) -> dict:
        z = self.zero_pad
        return {
            "padding": self.padding,
            "circular": self.circular,
            "circular_bounds": None if self.circular_bounds is None else list(self.circular_bounds),
            "circular_method": self.circular_method,
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
                "method": z.method,
            },
        }


def _circular_or_note(weight, grid, stride, dilation, groups, transposed=False, tol=TOLERANCE):
    try:
        return circular_figure(weight, grid, stride, dilation, groups, transposed, tol), ""
    except ValueError as exc:
        return None, f"circular: {exc}"


def _layer(padding, circ, z, bound, note) -> LayerNorms:
    return LayerNorms(
        padding,
        None if circ is None else circ.value,
        z,
        bound,
        note,
        None if circ is None else circ.sigma2,
        None if circ is None else circ.bounds,
        "" if circ is None else circ.method,
    )


def conv_figures(
    weight: torch.Tensor, grid, pads, mode: str, stride=1, dilation=1, groups: int = 1, tol=AUDIT_TOLERANCE
) -> LayerNorms:
    """The figures of ``conv2d(F.pad(x, pads, mode), weight, stride, dilation, groups)`` on an M×N map;
    ``tol``: the slack the continuum certificates may leave."""
    circ, note = _circular_or_note(weight, grid, stride, dilation, groups, tol=tol)
    (dh, dw), (Kh, Kw) = _pair(dilation), weight.shape[-2:]
    reuse = circ and circ.certificate
    if mode == "constant":
        z = norm_zero_pad(weight, grid, pads, stride, dilation, groups, tol=tol, reuse=reuse)
        return _layer("zero", circ, z, z.upper, note)
    if mode in COPYING:
        try:
            z = norm_copying_pad(weight, grid, pads, mode, stride, dilation, groups, tol=tol, reuse=reuse)
        except ValueError as exc:
            return _layer(mode, circ, None, None, "; ".join(x for x in (note, str(exc)) if x))
        return _layer(mode, circ, z, z.upper, note)
    same = pads[0] + pads[1] == dw * (Kw - 1) and pads[2] + pads[3] == dh * (Kh - 1)
    if mode == "circular" and same and circ is not None:
        if circ.value is not None:
            return _layer("circular", circ, None, circ.value, "circular padding: the layer's norm is exact")
        return _layer(
            "circular", circ, None, circ.bounds[1], "circular padding: the layer's norm is enclosed"
        )
    why = note or f"{mode} padding {tuple(pads)}: no proven bound"
    return _layer(mode, circ, None, None, why)


def conv_transpose_figures(
    weight: torch.Tensor,
    grid,
    stride=1,
    padding=0,
    output_padding=0,
    dilation=1,
    groups: int = 1,
    tol=AUDIT_TOLERANCE,
) -> LayerNorms:
    """The figures of ``conv_transpose2d`` (zero padding, torch's only mode) on an m-grid."""
    circ, note = _circular_or_note(weight, grid, stride, dilation, groups, transposed=True, tol=tol)
    reuse = circ and circ.certificate
    geometry = (grid, stride, padding, output_padding, dilation, groups)
    z = norm_zero_pad_transposed(weight, *geometry, tol=tol, reuse=reuse)
    return _layer("zero", circ, z, z.upper, note)


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
