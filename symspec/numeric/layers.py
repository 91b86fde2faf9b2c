"""Real torch layers on concrete tensors, and their spectra via ``torch.fft.fft2``.

Nothing here evaluates a closed form: these functions are the ground truth the formulas are checked against.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from ..errors import SymspecError

DTYPES = {"float64": torch.float64, "float32": torch.float32}


def torch_dtype(name: str) -> torch.dtype:
    try:
        return DTYPES[name]
    except KeyError:
        raise SymspecError(f"--dtype: {name!r} is not one of float64, float32") from None


def torch_device(name: str) -> torch.device:
    name = str(name).strip().lower()
    if name == "cpu":
        return torch.device("cpu")
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise SymspecError(f"--device: {name!r} requested but torch reports no CUDA device")
        return torch.device(name)
    raise SymspecError(f"--device: {name!r} is not one of cpu, cuda")


def generator(seed: int) -> torch.Generator:
    """A CPU generator: samples are drawn on the CPU and moved, so results do not depend on the device."""
    return torch.Generator().manual_seed(int(seed))


def spectrum(x: torch.Tensor) -> np.ndarray:
    """Unnormalised 2-D DFT of the last two axes (the paper's G), as complex128 numpy."""
    return torch.fft.fft2(x).detach().cpu().numpy().astype(np.complex128)


def conv_paper(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None, groups: int = 1):
    """The paper's anchor: circular padding of K-1 appended at the end, stride 1, same size."""
    k_h, k_w = weight.shape[-2:]
    return F.conv2d(F.pad(x, (0, k_w - 1, 0, k_h - 1), mode="circular"), weight, bias, groups=groups)


def conv_centered(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None):
    """torch's own ``nn.Conv2d(padding=(K-1)/2, padding_mode='circular')`` with the given weights."""
    D, C, K, _ = weight.shape
    layer = torch.nn.Conv2d(C, D, K, padding=(K - 1) // 2, padding_mode="circular", bias=bias is not None)
    layer = layer.to(device=weight.device, dtype=weight.dtype)
    with torch.no_grad():
        layer.weight.copy_(weight)
        if bias is not None:
            layer.bias.copy_(bias)
        return layer(x)


def conv(x, weight, bias=None, anchor: str = "paper"):
    if anchor == "paper":
        return conv_paper(x, weight, bias)
    if anchor == "centered":
        return conv_centered(x, weight, bias)
    raise SymspecError(f"--anchor: {anchor!r} is not one of paper, centered")


def conv_valid(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None):
    """Unpadded convolution: output (M-K+1) x (N-K+1)."""
    return F.conv2d(x, weight, bias)


def zero_pad(x: torch.Tensor, to: tuple[int, int]) -> torch.Tensor:
    """Zero padding to M' x N', keeping the map in the top-left block (ICML Thm 4.3)."""
    M, N = x.shape[-2:]
    return F.pad(x, (0, to[1] - N, 0, to[0] - M), mode="constant", value=0.0)


def zero_insert(x: torch.Tensor, ratio: int) -> torch.Tensor:
    """Zero-insertion upsampling as decoders run it: a stride-``ratio`` transposed convolution with a
    1x1 unit kernel per channel (output_padding fills the last ratio-1 rows/columns with zeros)."""
    C = x.shape[-3]
    kernel = torch.ones(C, 1, 1, 1, dtype=x.dtype, device=x.device)
    return F.conv_transpose2d(x, kernel, stride=ratio, output_padding=ratio - 1, groups=C)


def impulse(shape: tuple[int, ...], dtype, device) -> torch.Tensor:
    """A unit impulse at pixel (0, 0) of every map: its spectrum is 1 at every frequency."""
    x = torch.zeros(shape, dtype=dtype, device=device)
    x[..., 0, 0] = 1.0
    return x
