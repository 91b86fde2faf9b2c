"""Parameters shared by several claims and the validation rules they share."""

from __future__ import annotations

import torch

from ...claims import Param, Settings, guard_size
from ...errors import SymspecError
from ...numeric.layers import generator, torch_device, torch_dtype
from ...params import shown_params  # noqa: F401  (the claim modules' witnesses)

SIZE = Param("size", "size", (8, 8), "feature map size MxN", minimum=1, maximum=4096)
KERNEL = Param("kernel", "int", 3, "kernel size K (K x K)", minimum=1, maximum=256)
CHANNELS = Param("channels", "int", 2, "channels of every layer (C = D)", minimum=1, maximum=1024)
IN_CHANNELS = Param(
    "in_channels", "int", None, "input channels C (overrides --channels)", minimum=1, maximum=1024
)
OUT_CHANNELS = Param(
    "out_channels", "int", None, "output channels D (overrides --channels)", minimum=1, maximum=1024
)
DEPTH = Param("depth", "int", 3, "number of layers L", minimum=1, maximum=64)
ANCHOR = Param(
    "anchor",
    "choice",
    "paper",
    "padding anchor: paper (one-sided circular) or centered (torch's symmetric circular, odd K)",
    choices=("paper", "centered"),
)


def check_kernel_fits(kernel: int, size: tuple[int, int], what: str = "map") -> None:
    if kernel > min(size):
        raise SymspecError(f"--kernel: K={kernel} is larger than the {size[0]}x{size[1]} {what}")


def check_anchor(anchor: str, kernel: int) -> None:
    if anchor == "centered" and kernel % 2 == 0:
        raise SymspecError(
            f"--anchor centered needs an odd kernel (torch's symmetric circular padding), got K={kernel}"
        )


def in_out(values: dict) -> tuple[int, int]:
    C = values.get("in_channels") or values["channels"]
    D = values.get("out_channels") or values["channels"]
    return C, D


def runtime(settings: Settings) -> tuple[torch.dtype, torch.device, torch.Generator]:
    return torch_dtype(settings.dtype), torch_device(settings.device), generator(settings.seed)


def randn(shape, gen, dtype, device, mean: float = 0.0, std: float = 1.0) -> torch.Tensor:
    """Gaussian draws from a CPU generator in float64, then cast and moved (device-independent values)."""
    guard_size("tensor " + "x".join(map(str, shape)), int(torch.Size(shape).numel()))
    x = torch.randn(shape, generator=gen, dtype=torch.float64) * std + mean
    return x.to(dtype=dtype, device=device)
