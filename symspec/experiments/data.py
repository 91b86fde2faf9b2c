"""Inputs for the experiments: seeded synthetic natural-like images (power-law spectra) or a folder of images."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from ..errors import SymspecError

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"}


def power_law_images(count: int, channels: int, size: int, seed: int, alpha: float = 2.0) -> torch.Tensor:
    """Images whose power spectrum falls as 1/f^alpha (alpha ≈ 2 for natural images), unit variance, a positive
    mean like natural images, seeded."""
    gen = torch.Generator().manual_seed(seed)
    noise = torch.randn((count, channels, size, size), generator=gen, dtype=torch.float64)
    f = torch.fft.fftfreq(size, dtype=torch.float64)
    radius = torch.sqrt(f[:, None] ** 2 + f[None, :] ** 2)
    radius[0, 0] = 1.0 / size
    spectrum = torch.fft.fft2(noise) / radius ** (alpha / 2)
    images = torch.fft.ifft2(spectrum).real
    images = (images - images.mean(dim=(-2, -1), keepdim=True)) / images.std(dim=(-2, -1), keepdim=True)
    return (images + 0.5).float()


def folder_images(directory: str, count: int, channels: int, size: int) -> torch.Tensor:
    try:
        from PIL import Image
    except ImportError:
        raise SymspecError("--images needs Pillow to read image files (pip install pillow); without it the "
                           "synthetic power-law images are used") from None
    root = Path(directory)
    if not root.is_dir():
        raise SymspecError(f"--images: {directory!r} is not a directory")
    files = sorted(p for p in root.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)[:count]
    if not files:
        raise SymspecError(f"--images: no image files in {directory!r}")
    out = []
    for path in files:
        try:
            with Image.open(path) as img:
                img = img.convert("RGB" if channels == 3 else "L").resize((size, size))
                arr = np.asarray(img, dtype=np.float32) / 255.0
        except OSError:
            raise SymspecError(f"--images: cannot read {path}") from None
        arr = arr[None] if arr.ndim == 2 else arr.transpose(2, 0, 1)
        if arr.shape[0] != channels:
            arr = np.repeat(arr.mean(0, keepdims=True), channels, axis=0)
        out.append(arr)
    return torch.as_tensor(np.stack(out))


def inputs(cfg: dict, count: int, channels: int) -> torch.Tensor:
    """Images on the configured device (``cfg['device']``, default cpu)."""
    if cfg.get("images"):
        x = folder_images(cfg["images"], count, channels, cfg["size"])
    else:
        x = power_law_images(count, channels, cfg["size"], cfg["seed"])
    return x.to(cfg.get("device") or "cpu")
