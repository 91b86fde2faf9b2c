"""Stage 3 of the audit: exact spectral quantities of the linear nodes, without materialising T(u, v), and the
measured spectra of the real forward pass.

Conventions.  A power spectrum here is per pixel: ``S(u, v) = E|DFT(x)(u, v)|² / (H W)``, averaged over batch
and channels, so a white map of variance σ² has ``S = σ²`` everywhere.  The *gain* of a linear node at an
output frequency is ``S_out / S_in`` for a white input (i.i.d. over channels and positions):

* conv (stride 1):  ``g(u, v) = (1/D) Σ_{d,c} |Ŵ_dc(u, v)|² = (1/D) DFT_{M×N}[Σ_{d,c} autocorr(W_dc)](u,
  v)`` -- the summed kernel autocorrelation placed on the map's grid and transformed once ((2K-1)² lags,
  whatever the channel count).  Exact for circular padding; for zero / reflect / replicate padding it is the
  interior response, and the border's effect is reported apart (``dc_leak_db``).  Stride s folds it:
  ``g_s(u') = (1/s²) Σ_k g(u' + k M/s)``.
* transposed conv: zero insertion (``S/s²`` at every replica) followed by the kernel's response on the output
  grid.
* separable resampling (interpolate in any mode, pooling, pad, crop, pixel shuffle's per-axis part): with the
  per-axis frequency matrices Φ (from ``symspec.spectral.ops`` where a rule exists, else from the real torch
  op applied to a basis), ``S_out = (MN / M'N') |Φ_r|² S_in |Φ_c|²ᵀ`` -- exact for any input whose frequencies
  are uncorrelated (white ones included).
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

import functools

from ..spectral.dft import bands as _bands


@functools.lru_cache(maxsize=64)
def bands(M: int, N: int) -> tuple[np.ndarray, np.ndarray]:
    """The paper's low and high bands of an M×N grid (cached: every node of a grid asks for them)."""
    low, high = _bands(M, N)
    low.flags.writeable = False
    high.flags.writeable = False
    return low, high


DB_FLOOR = -300.0


def db(x: float) -> float:
    return 10 * math.log10(x) if x > 0 else DB_FLOOR


def power_spectrum(t: torch.Tensor) -> np.ndarray:
    """Per-pixel power spectrum (H, W) of a (B, C, H, W) tensor, mean over batch and channels (float64)."""
    B, C, H, W = t.shape
    acc = torch.zeros(H, W // 2 + 1, dtype=torch.float64)
    step = max(1, (1 << 22) // max(1, H * W))  # channels per chunk: a few MiB of spectrum at a time
    for b in range(B):
        for c in range(0, C, step):
            half = torch.fft.rfft2(t[b, c : c + step].detach().float())
            acc += (half.real.square() + half.imag.square()).sum(dim=0).double()
    p = acc.numpy() / (B * C * H * W)
    full = np.empty((H, W))
    full[:, : p.shape[1]] = p
    if W > p.shape[1]:  # conjugate symmetry of a real map: S(u, v) = S(-u, -v)
        v = np.arange(p.shape[1], W)
        full[:, v] = p[(-np.arange(H)) % H][:, (W - v) % W]
    return full


def readouts(g: np.ndarray) -> dict:
    """dB at DC, mid (M/4, N/4) and the highest frequency (M/2, N/2) of an (M, N) grid."""
    M, N = g.shape
    return {"dc": db(g[0, 0]), "mid": db(g[M // 4, N // 4]), "high": db(g[M // 2, N // 2])}


def attenuation(S: np.ndarray) -> float | None:
    """10 log10(mean low-band power / mean high-band power): the paper's high-frequency attenuation of a map
    (None on a grid without a high band, e.g. 1x1)."""
    low, high = bands(*S.shape)
    if not high.any():
        return None
    hi = S[high].mean()
    lo = S[low].mean()
    if hi <= 0:
        return float("inf") if lo > 0 else 0.0
    return db(lo / hi) if lo > 0 else DB_FLOOR


def radial_profile(S: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Azimuthally averaged power spectrum of an (M, N) spectrum in DFT order: the mean of ``S`` over the
    frequencies whose radius ``sqrt(fu² + fv²)`` (cycles per pixel, ``fu`` in [-1/2, 1/2)) rounds (halves up)
    to the same multiple of ``1 / max(M, N)``.  Returns (radii, mean power) for the non-empty bins, radius 0
    first."""
    M, N = S.shape
    fu = np.fft.fftfreq(M)[:, None]
    fv = np.fft.fftfreq(N)[None, :]
    step = 1.0 / max(M, N)
    bins = np.floor(np.sqrt(fu * fu + fv * fv) / step + 0.5 + 1e-9).astype(np.int64).ravel()  # ties: 1.5 -> 2
    counts = np.bincount(bins)
    sums = np.bincount(bins, weights=np.asarray(S, dtype=np.float64).ravel())
    full = counts > 0
    return np.flatnonzero(full) * step, sums[full] / counts[full]


# ---------------------------------------------------------------------------------------------- conv gains


def kernel_autocorrelation(w: torch.Tensor) -> torch.Tensor:
    """Σ_{d,c} autocorr(W_dc) for a (D, C, Kh, Kw) kernel: a (2Kh-1, 2Kw-1) float64 array of lags
    (one dot product of overlapping kernel slices per lag: (2K-1)² x D C K² multiply-adds)."""
    D, C, Kh, Kw = w.shape
    x = w.detach().double().reshape(D * C, Kh, Kw)
    r = torch.zeros(2 * Kh - 1, 2 * Kw - 1, dtype=torch.float64)
    for i in range(-(Kh - 1), Kh):
        for j in range(-(Kw - 1), Kw):
            a = x[:, max(0, -i) : Kh - max(0, i), max(0, -j) : Kw - max(0, j)]
            b = x[:, max(0, i) : Kh - max(0, -i), max(0, j) : Kw - max(0, -j)]
            r[i + Kh - 1, j + Kw - 1] = (a * b).sum()
    return r


def lags_on_grid(r: torch.Tensor, M: int, N: int, dilation=(1, 1)) -> np.ndarray:
    """DFT on an M×N grid of lags (centred, dilated): Σ_δ r(δ) e^{-i2π(uδ_h/M + vδ_w/N)} (real: r is even)."""
    Lh, Lw = r.shape
    grid = np.zeros((M, N))
    ch, cw = (Lh - 1) // 2, (Lw - 1) // 2
    rn = r.numpy()
    for i in range(Lh):
        for j in range(Lw):
            grid[((i - ch) * dilation[0]) % M, ((j - cw) * dilation[1]) % N] += rn[i, j]
    return np.real(np.fft.fft2(grid))


def conv_gain(
    weight: torch.Tensor, grid: tuple[int, int], dilation=(1, 1), out_channels: int | None = None
) -> np.ndarray:
    """Mean-power gain (1/D) Σ|Ŵ_dc(u,v)|² of a stride-1 conv on an M×N grid."""
    D = out_channels or weight.shape[0]
    g = lags_on_grid(kernel_autocorrelation(weight), *grid, dilation=dilation) / D
    return np.maximum(g, 0.0)


def fold(S: np.ndarray, stride: tuple[int, int], out: tuple[int, int]) -> np.ndarray:
    """Stride-s decimation of a per-pixel spectrum: S_out(u') = (1/s²) Σ_k S(u' + k M'/..) (aliasing)."""
    sh, sw = stride
    Mo, No = out
    S = resample(S, (Mo * sh, No * sw))
    return S.reshape(sh, Mo, sw, No).sum(axis=(0, 2)) / (sh * sw)


def alias_ratio_db(S: np.ndarray, stride: tuple[int, int], out: tuple[int, int]) -> float | None:
    """Power folded in from aliases relative to the baseband's, over the whole output grid, in dB."""
    sh, sw = stride
    if sh * sw == 1:
        return None
    Mo, No = out
    S = resample(S, (Mo * sh, No * sw))
    u = np.fft.fftfreq(Mo * sh) * Mo * sh
    v = np.fft.fftfreq(No * sw) * No * sw
    base = (np.abs(u)[:, None] <= Mo / 2) & (np.abs(v)[None, :] <= No / 2)
    total = S.sum()
    baseband = S[base].sum()
    return db((total - baseband) / baseband) if baseband > 0 else None


def resample(S: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """The same physical frequencies (cycles per image) on another grid: bin u -> u (mod the new size) when
    growing with replicas is not meant; here the nearest bin in cycles per pixel (for grids differing by a few
    border samples)."""
    M, N = S.shape
    Mo, No = shape
    if (M, N) == (Mo, No):
        return S
    iu = np.rint(np.fft.fftfreq(Mo) * M).astype(int) % M
    iv = np.rint(np.fft.fftfreq(No) * N).astype(int) % N
    return S[np.ix_(iu, iv)]


def lift(S: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Zero insertion to a larger grid: every output bin u' reads S(u' mod M) (the replicas)."""
    M, N = S.shape
    Mo, No = shape
    return S[np.ix_(np.arange(Mo) % M, np.arange(No) % N)]


# ------------------------------------------------------------------------------------ separable resampling


def axis_phi(matrix: np.ndarray) -> np.ndarray:
    """Frequency form Φ = F_out A F_in⁻¹ of a spatial (n_out × n_in) axis matrix A."""
    n_in = matrix.shape[1]
    return np.fft.fft(np.fft.ifft(matrix, axis=1), axis=0) if n_in else matrix


def separable_apply(phi_r: np.ndarray, phi_c: np.ndarray, S: np.ndarray) -> np.ndarray:
    """S_out = (MN/M'N') |Φ_r|² S |Φ_c|²ᵀ: per-pixel spectra through a separable linear map."""
    M, N = S.shape
    Mo, No = phi_r.shape[0], phi_c.shape[0]
    return (M * N / (Mo * No)) * (np.abs(phi_r) ** 2 @ S @ (np.abs(phi_c) ** 2).T)


def axis_matrix(op, n: int) -> np.ndarray:
    """The spatial matrix of a separable op along one axis: the op applied to the n unit impulses of a
    1 × n map (``op`` maps a (n, 1, 1, n) tensor to (n, 1, 1, n')); returns (n' × n)."""
    eye = torch.eye(n, dtype=torch.float64).reshape(n, 1, 1, n)
    with torch.no_grad():
        y = op(eye)
    return y.reshape(n, -1).T.numpy()


def rule_axis_phi(rule) -> tuple[np.ndarray, np.ndarray]:
    """Per-axis Φ of a separable ``symspec.spectral.ops`` rule (every term has the same channel matrix)."""
    rows = list(dict.fromkeys(t.row for t in rule.terms))
    cols = list(dict.fromkeys(t.col for t in rule.terms))
    return sum(t.evaluate()[0] for t in rows), sum(t.evaluate()[0] for t in cols)


# ------------------------------------------------------------------------------------ padding leakage


def dc_leak_db(
    weight: torch.Tensor,
    pads: tuple[int, int, int, int],
    mode: str,
    grid: tuple[int, int],
    stride=(1, 1),
    dilation=(1, 1),
) -> float | None:
    """Low-band (non-DC) energy that a constant input leaks into through zero padding, relative to the
    output's DC energy (Thm 4.3), exactly and without running the layer: a constant map of ones gives
    ``y_d(j) = Σ_t w_d(t) a_t(j1) b_t(j2)`` with a_t the indicator of the rows tap t reads inside the map, so
    ``Σ_d |Y_d(u,v)|² = Σ_{t,t'} Q(t,t') A_t(u) A_t'(u)* B_t(v) B_t'(v)*`` with Q the taps' Gram matrix over
    output channels (summed over input channels first).  Reflect, replicate and circular padding keep a
    constant constant: no leak."""
    if not any(pads) or mode != "constant":
        return None
    M, N = grid
    left, right, top, bottom = pads
    k = weight.detach().double().sum(dim=1)  # (D, Kh, Kw): a constant input sums the input channels
    D, Kh, Kw = k.shape
    Mo = (M + top + bottom - dilation[0] * (Kh - 1) - 1) // stride[0] + 1
    No = (N + left + right - dilation[1] * (Kw - 1) - 1) // stride[1] + 1

    def indicator_dft(n_in, n_out, K, s, d, before):
        j = np.arange(n_out)[None, :] * s + np.arange(K)[:, None] * d - before
        return np.fft.fft(((j >= 0) & (j < n_in)).astype(float), axis=1)  # (K, n_out)

    A = indicator_dft(M, Mo, Kh, stride[0], dilation[0], top)
    Bm = indicator_dft(N, No, Kw, stride[1], dilation[1], left)
    flat = k.reshape(D, Kh * Kw).numpy()
    Q = flat.T @ flat  # (K², K²)
    AB = (A[:, None, :, None] * Bm[None, :, None, :]).reshape(Kh * Kw, Mo, No)  # per tap pair (t1, t2)
    Y = np.real(np.einsum("st,suv,tuv->uv", Q, AB, np.conj(AB), optimize=True))
    low, _ = bands(Mo, No)
    low = low.copy()
    low[0, 0] = False
    if Y[0, 0] <= 0:
        return None
    leak = Y[low].sum()
    return db(leak / Y[0, 0]) if leak > 1e-20 * Y[0, 0] else None


# ------------------------------------------------------------------------------------ spectral norm option


def conv_spectral_gain(
    weight: torch.Tensor,
    grid: tuple[int, int],
    dilation=(1, 1),
    iterations: int = 30,
    seed: int = 0,
    rtol: float = 1e-4,
) -> np.ndarray:
    """σ_max(T(u,v))² per frequency by power iteration with the layer and its adjoint, batched over all
    frequencies: the circular conv and its transpose applied to one complex field per iteration (never T);
    stops when no frequency's estimate moves by more than ``rtol`` of the largest (a lower bound that
    converges geometrically in (σ₂/σ₁)²)."""
    D, C, Kh, Kw = weight.shape
    M, N = grid
    w = weight.detach().double()
    ph, pw = dilation[0] * (Kh - 1), dilation[1] * (Kw - 1)
    pads = (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2)

    def forward(x):  # circular conv, real and imaginary parts separately
        xs = torch.cat([x.real, x.imag])
        y = F.conv2d(F.pad(xs, pads, mode="circular"), w, dilation=dilation)
        return torch.complex(y[:1], y[1:])

    def adjoint(y):  # circular correlation with the transposed kernel: T(u)^H per frequency
        ys = torch.cat([y.real, y.imag])
        x = F.conv2d(
            F.pad(ys, (pads[1], pads[0], pads[3], pads[2]), mode="circular"),
            w.transpose(0, 1).flip(-2, -1),
            dilation=dilation,
        )
        return torch.complex(x[:1], x[1:])

    gen = torch.Generator().manual_seed(seed)
    V = torch.fft.fft2(
        torch.complex(
            torch.randn(1, C, M, N, generator=gen, dtype=torch.float64),
            torch.randn(1, C, M, N, generator=gen, dtype=torch.float64),
        )
    )
    sigma2 = torch.zeros(M, N, dtype=torch.float64)
    for _ in range(iterations):
        V = V / V.abs().square().sum(dim=1, keepdim=True).sqrt().clamp_min(1e-300)
        TV = torch.fft.fft2(forward(torch.fft.ifft2(V)))
        previous, sigma2 = sigma2, TV.abs().square().sum(dim=1)[0]
        if bool(((sigma2 - previous).abs() <= rtol * sigma2.abs().max()).all()):
            break  # every frequency's estimate has settled
        V = torch.fft.fft2(adjoint(torch.fft.ifft2(TV)))
    return sigma2.numpy()


# ------------------------------------------------------------------------------------ upsampling figures
#
# The three figures of an upsampling stage (a transposed conv; nearest / bilinear / bicubic interpolation; a
# conv followed by pixel shuffle), each exact from the stage's weights:
#
# * checkerboard (Odena et al. 2016): the stage's response to a constant input, in the interior away from the
#   borders, is periodic with the stride s.  Its power at the s-periodic frequencies other than DC over its
#   power at DC.  The constant is random per input channel (i.i.d., zero mean, unit variance) and the figure
#   is the expectation over it, which is the sum over the one-hot constant inputs: for the stage's period
#   cells P_cd (input channel c, output channel d, s_h × s_w) with DFTs P̂_cd(q),
#   ``checkerboard = Σ_{q≠0} Σ_{c,d} |P̂_cd(q)|² / Σ_{c,d} |P̂_cd(0)|²``.  Biases are left out
#   (the stage's linear part).
# * replica: the stage's output spectrum for a white input (its exact white-input gain g on the output grid
#   M'), split at the input's band: output frequencies |u'| < M/2 (cycles per image; the input's M bins) are
#   the band, the rest its images; |u'| = M/2 counts half to each.  ``replica = Σ_images g / Σ_band g``
#   (separable weights, DC included in the band): a ratio of energies, so its value does not
#   depend on the grid size.
# * uneven overlap: a transposed conv's kernel taps fall unevenly on the output pixels exactly when
#   k mod s ≠ 0.


def band_weights(n_in: int, n_out: int) -> np.ndarray:
    """Per output bin of one axis: 1 inside the input's band (|u'| < n_in / 2), 1/2 on its edge, 0 outside."""
    u = np.abs(np.fft.fftfreq(n_out) * n_out)
    return np.where(u < n_in / 2 - 1e-9, 1.0, np.where(np.abs(u - n_in / 2) < 1e-9, 0.5, 0.0))


def band_split(grid_in: tuple[int, int], grid_out: tuple[int, int]) -> np.ndarray:
    """Band weights on the output grid (the images are 1 - weights): the outer product of the axes'."""
    return np.outer(band_weights(grid_in[0], grid_out[0]), band_weights(grid_in[1], grid_out[1]))


def ratio_db(num: float, den: float) -> float:
    """10 log10(num / den): -inf when num is 0, nan when both are 0, +inf when only den is."""
    if den <= 0:
        return float("nan") if num <= 0 else float("inf")
    return 10 * math.log10(num / den) if num > 0 else float("-inf")


def replica_db(S: np.ndarray, band: np.ndarray) -> float:
    """Energy of the images over the band's, in dB, for a spectrum S on the output grid."""
    return ratio_db(float((S * (1 - band)).sum()), float((S * band).sum()))


def phase_cells(weight: torch.Tensor, stride: tuple[int, int]) -> np.ndarray:
    """Period cells of a transposed conv's response to one-hot constant inputs: ``P_cd(p) = Σ_{k ≡ p mod s}
    W[c, d, k]`` (the s×s phase sums of the kernel), shape (C, D, s_h, s_w)."""
    w = weight.detach().double().numpy()
    C, D, Kh, Kw = w.shape
    sh, sw = stride
    cells = np.zeros((C, D, sh, sw))
    for i in range(Kh):
        for j in range(Kw):
            cells[:, :, i % sh, j % sw] += w[:, :, i, j]
    return cells


def shuffle_cells(conv_weight: torch.Tensor, r: int) -> np.ndarray:
    """Period cells of conv + pixel shuffle ×r: output channel d·r² + i·r + j of the conv lands at (i, j) of
    the cell of channel d, so ``P_cd(i, j) = Σ_k W[d r² + i r + j, c, k]`` (its kernel sums), shape
    (C, D, r, r)."""
    w = conv_weight.detach().double().numpy()
    O, C = w.shape[:2]
    sums = w.sum(axis=(2, 3)).reshape(O // (r * r), r, r, C)  # (D, i, j, C)
    return sums.transpose(3, 0, 1, 2)


def shuffle_as_transposed(conv_weight: torch.Tensor, r: int) -> torch.Tensor:
    """conv (stride 1) + pixel shuffle ×r as one transposed conv of stride r: output pixel r n + p reads
    ``Σ_k W[d r² + p, c, k] x_c(n + k)``, i.e. the transposed kernel ``h_cd(p - r k) = W[d r² + p, c, k]``,
    laid out as (C, D, r K_h, r K_w) (a shift of the taps does not change any figure)."""
    w = conv_weight.detach().double()
    O, C, Kh, Kw = w.shape
    D = O // (r * r)
    h = torch.zeros(C, D, r * Kh, r * Kw, dtype=torch.float64)
    blocks = w.reshape(D, r, r, C, Kh, Kw)
    for i in range(r):
        for j in range(r):
            for a in range(Kh):
                for b in range(Kw):
                    h[:, :, r * (Kh - 1 - a) + i, r * (Kw - 1 - b) + j] = blocks[:, i, j, :, a, b].T
    return h


def cell_powers(cells: np.ndarray) -> np.ndarray:
    """Σ_{c,d} |P̂_cd(q)|² over the cell's frequencies q (s_h × s_w, DC at [0, 0])."""
    return (np.abs(np.fft.fft2(cells, axes=(-2, -1))) ** 2).sum(axis=(0, 1))


def checkerboard_db(powers: np.ndarray) -> float:
    """Periodic power other than DC over DC's, in dB, from ``cell_powers`` (round-off sized power is zero)."""
    total = float(powers.sum())
    periodic = float(powers.sum() - powers[0, 0])
    if periodic <= 1e-24 * max(total, 1e-300):
        periodic = 0.0
    return ratio_db(periodic, float(powers[0, 0]))


def axis_constant_response(matrix: np.ndarray) -> np.ndarray:
    """The interior of one axis's response to a constant (the row sums of its matrix), borders cut off."""
    r = matrix.sum(axis=1)
    n = len(r)
    ratio = max(1, round(n / max(1, matrix.shape[1])))
    margin = 2 * ratio + 2
    return r[margin : n - margin] if n > 2 * margin + ratio else r


def separable_checkerboard(rows: np.ndarray, cols: np.ndarray) -> tuple[float, float]:
    """(checkerboard dB, DC power) of the 2-D response outer(rows, cols) to a constant, per channel: its power
    outside DC over its DC power is ``E[r_h²] E[r_w²] / (E[r_h]² E[r_w]²) - 1`` (exact when the interior is
    periodic)."""
    m2 = float((rows**2).mean() * (cols**2).mean())
    m1 = float(rows.mean() * cols.mean()) ** 2
    var = m2 - m1
    if var <= 1e-12 * max(m2, 1e-300):
        var = 0.0
    return ratio_db(var, m1), m1


def overlap_pattern(k: int, s: int, n: int = 6) -> list[int]:
    """How many kernel taps of a transposed conv (kernel k, stride s) land on each of n consecutive interior
    output pixels: ``#{t < k : t ≡ p mod s}``; even exactly when k mod s = 0."""
    return [len(range(p % s, k, s)) for p in range(n)]


def interior_filter(axis_op, r: int, n_in: int = 16) -> np.ndarray | None:
    """An integer-scale resampler's interior along one axis as zero insertion ×r followed by a filter: the
    response to one input sample in the middle of an n_in-sample axis (``axis_op`` maps (n, 1, 1, n_in) to
    (n, 1, 1, r n_in)); None when the interior is not shift-invariant with period r."""
    A = axis_matrix(axis_op, n_in)
    if A.shape[0] != r * n_in:
        return None
    j = n_in // 2
    a, b = A[:, j], A[:, j + 1]
    if not np.allclose(np.roll(a, r)[2 * r : -2 * r], b[2 * r : -2 * r], atol=1e-12):
        return None
    taps = np.flatnonzero(np.abs(a) > 1e-15)
    return a[taps.min() : taps.max() + 1] if len(taps) else np.zeros(1)


def upsampler_gain(
    h_rows: np.ndarray, h_cols: np.ndarray, r: tuple[int, int], grid: tuple[int, int]
) -> np.ndarray:
    """White-input gain on the output grid of zero insertion ×r then the separable filter h: |H(u)|² / r
    per axis (per pixel, as the convs' gains)."""
    gu = (
        np.abs(np.fft.fft(h_rows, grid[0])) ** 2 / r[0]
        if len(h_rows) <= grid[0]
        else np.abs(np.fft.fft(_wrap(h_rows, grid[0]))) ** 2 / r[0]
    )
    gv = (
        np.abs(np.fft.fft(h_cols, grid[1])) ** 2 / r[1]
        if len(h_cols) <= grid[1]
        else np.abs(np.fft.fft(_wrap(h_cols, grid[1]))) ** 2 / r[1]
    )
    return np.outer(gu, gv)


def _wrap(h: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros(n)
    np.add.at(out, np.arange(len(h)) % n, h)
    return out
