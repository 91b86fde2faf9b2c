"""Image sources for the experiments.

``--images`` names one or more sources, comma-separated:

- ``skimage``: random crops (native resolution, seeded) of the natural photographs that ship inside the
  scikit-image wheel, per channel (colour photographs give their R, G, B planes; greyscale ones are repeated);
  ``skimage:grey`` converts every crop to luminance first;
- ``lfw``: the 200 Labeled-Faces-in-the-Wild faces of ``skimage.data.lfw_subset`` (25x25 greyscale), resized;
- ``synthetic``: seeded images with a power-law ``1/f^α`` spectrum (α = 2, like natural images' power);
- any other value: a folder of image files (read with Pillow).

The default is ``skimage`` when scikit-image is importable, ``synthetic`` otherwise.  Every source gives
float32 tensors ``(count, channels, size, size)``; real photographs keep their pixel values scaled to [0, 1].
"""

from __future__ import annotations

import functools
import stat
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ..errors import SymspecError
from ..params import parse_image_source, parse_image_sources

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"}

# Natural photographs bundled in the scikit-image wheel (no download): scenes, people, animals, textures, sky.
SKIMAGE_PHOTOS = (
    "astronaut",
    "camera",
    "chelsea",
    "coffee",
    "rocket",
    "hubble_deep_field",
    "grass",
    "gravel",
    "brick",
    "moon",
    "coins",
    "stereo_motorcycle",
)


@dataclass(frozen=True)
class ImageSource:
    """One ``--images`` source: its name as given (``skimage``, ``skimage:grey``, ``lfw``, ``synthetic`` or a
    folder), and ``kind`` (the same without variants; ``folder`` for a folder)."""

    name: str
    kind: str
    grey: bool = False

    @property
    def slug(self) -> str:
        """The name in file names: ``skimage``, ``skimage-grey``, ``lfw``,
        ``synthetic`` or the folder's name."""
        text = Path(self.name).name if self.kind == "folder" else self.name.replace(":", "-")
        return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text) or "images"

    def describe(self, size: int, seed: int) -> str:
        """A caption naming the data: what the images are, how they were cut, and the seed."""
        if self.kind == "skimage":
            colour = "greyscale" if self.grey else "colour per channel (luminance where one channel is used)"
            return (
                f"real photographs bundled with scikit-image ({', '.join(SKIMAGE_PHOTOS)}), "
                f"random {size}x{size} crops, {colour}, seed {seed}"
            )
        if self.kind == "lfw":
            return (
                "real faces: scikit-image's lfw_subset (200 faces, 25x25 greyscale) "
                f"resized to {size}x{size}, seed {seed}"
            )
        if self.kind == "synthetic":
            return f"synthetic power-law images (1/f² power spectrum), {size}x{size}, seed {seed}"
        return f"image files in {self.name}, resized to {size}x{size}"

    def images(self, count: int, channels: int, size: int, seed: int) -> torch.Tensor:
        if self.kind == "skimage":
            return skimage_crops(count, channels, size, seed, grey=self.grey)
        if self.kind == "lfw":
            return lfw_faces(count, channels, size, seed)
        if self.kind == "synthetic":
            return power_law_images(count, channels, size, seed)
        return folder_images(self.name, count, channels, size)


def have_skimage() -> bool:
    try:
        import skimage.data  # noqa: F401
    except ImportError:
        return False
    return True


def default_source() -> ImageSource:
    return ImageSource("skimage", "skimage") if have_skimage() else ImageSource("synthetic", "synthetic")


def parse_source(text: str) -> ImageSource:
    return ImageSource(*parse_image_source(text))


def parse_sources(spec: str | None) -> list[ImageSource]:
    """``--images``: comma-separated sources (:func:`symspec.params.parse_image_sources`); None: the default
    source."""
    if spec is None:
        return [default_source()]
    sources = [ImageSource(*source) for source in parse_image_sources(spec)]
    if any(s.kind in ("skimage", "lfw") for s in sources) and not have_skimage():
        raise SymspecError(
            "--images skimage/lfw needs scikit-image (pip install scikit-image, or install.sh --test)"
        )
    return sources


def as_source(value) -> ImageSource:
    """cfg['images'] as an ImageSource: a source, a name/folder, or None (the default)."""
    if isinstance(value, ImageSource):
        return value
    return default_source() if value is None else parse_source(str(value))


# ------------------------------------------------------------------------------------------ the sources


def power_law_images(count: int, channels: int, size: int, seed: int, alpha: float = 2.0) -> torch.Tensor:
    """Images whose power spectrum falls as 1/f^alpha (alpha ≈ 2 for natural images), unit variance,
    a positive mean like natural images, seeded."""
    gen = torch.Generator().manual_seed(seed)
    noise = torch.randn((count, channels, size, size), generator=gen, dtype=torch.float64)
    f = torch.fft.fftfreq(size, dtype=torch.float64)
    radius = torch.sqrt(f[:, None] ** 2 + f[None, :] ** 2)
    radius[0, 0] = 1.0 / size
    spectrum = torch.fft.fft2(noise) / radius ** (alpha / 2)
    images = torch.fft.ifft2(spectrum).real
    images = (images - images.mean(dim=(-2, -1), keepdim=True)) / images.std(dim=(-2, -1), keepdim=True)
    return (images + 0.5).float()


@functools.lru_cache(maxsize=None)
def skimage_photo(name: str) -> np.ndarray:
    """One bundled photograph as float64 (H, W, C) in [0, 1] (C = 1 for greyscale photographs); read-only."""
    import skimage.data

    image = getattr(skimage.data, name)()
    if isinstance(image, tuple):  # stereo pairs: the left view
        image = image[0]
    image = np.asarray(image, dtype=np.float64) / 255.0
    image = image[:, :, None] if image.ndim == 2 else image[:, :, :3]
    image.flags.writeable = False
    return image


def crop_plan(count: int, size: int, seed: int) -> list[tuple[str, int, int]]:
    """Which photograph and where (name, top row, left column) each crop comes from: seeded, uniform over the
    photographs large enough for the crop, then over positions."""
    photos = [name for name in SKIMAGE_PHOTOS if min(skimage_photo(name).shape[:2]) >= size]
    if not photos:
        raise SymspecError(f"--size {size}: larger than every bundled scikit-image photograph")
    rng = np.random.default_rng(seed)
    plan = []
    for _ in range(count):
        name = photos[int(rng.integers(len(photos)))]
        height, width = skimage_photo(name).shape[:2]
        plan.append((name, int(rng.integers(height - size + 1)), int(rng.integers(width - size + 1))))
    return plan


def luminance(rgb: np.ndarray) -> np.ndarray:
    """ITU-R 601 luma of (H, W, 3) planes."""
    return rgb @ np.array([0.299, 0.587, 0.114])


def fit_channels(planes: np.ndarray, channels: int, grey: bool = False) -> np.ndarray:
    """(H, W, C) planes as (channels, H, W): C == channels kept per channel, otherwise luminance repeated."""
    if planes.shape[-1] == 3 and (grey or channels != 3):
        planes = luminance(planes)[:, :, None]
    if planes.shape[-1] != channels:
        planes = np.repeat(planes[:, :, :1], channels, axis=-1)
    return planes.transpose(2, 0, 1)


def skimage_crops(count: int, channels: int, size: int, seed: int, grey: bool = False) -> torch.Tensor:
    """Random native-resolution crops of the bundled photographs (see :func:`crop_plan`), values in [0, 1]."""
    crops = [
        fit_channels(skimage_photo(name)[r : r + size, c : c + size], channels, grey)
        for name, r, c in crop_plan(count, size, seed)
    ]
    return torch.as_tensor(np.stack(crops), dtype=torch.float32)


@functools.lru_cache(maxsize=None)
def _lfw() -> np.ndarray:
    import skimage.data

    faces = np.asarray(skimage.data.lfw_subset(), dtype=np.float64)
    faces.flags.writeable = False
    return faces


def lfw_faces(count: int, channels: int, size: int, seed: int) -> torch.Tensor:
    """``count`` of the 200 faces (a seeded choice, with repeats only when more than 200 are asked for),
    resized bilinearly (anti-aliased when shrinking) to size x size, greyscale repeated over the channels."""
    faces = _lfw()
    rng = np.random.default_rng(seed)
    picks = rng.permutation(len(faces))
    picks = np.resize(picks, count)
    x = torch.as_tensor(faces[picks][:, None])
    if size != faces.shape[-1]:
        x = torch.nn.functional.interpolate(
            x, size=(size, size), mode="bilinear", align_corners=False, antialias=size < faces.shape[-1]
        )
    return x.clamp(0, 1).repeat(1, channels, 1, 1).float()


MAX_IMAGE_PIXELS = 50_000_000  # pixels an image file may declare (checked from its header, before decoding)


def image_files(root: Path, count: int) -> list[Path]:
    """The first ``count`` regular files with an image suffix under ``root``.  Anything else with an image
    name (a FIFO, a socket, a device: opening one would block or read forever) is skipped with a warning."""
    named = sorted(p for p in root.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
    files = [p for p in named if _regular(p)]
    kept = set(files)
    skipped = [p for p in named if p not in kept and not _is_dir(p)]
    if skipped:
        sys.stderr.write(
            f"warning: --images: skipped {len(skipped)} entr{'y' if len(skipped) == 1 else 'ies'} "
            f"that {'is' if len(skipped) == 1 else 'are'} not a regular file ({skipped[0]}"
            f"{', …' if len(skipped) > 1 else ''})\n"
        )
    return files[:count]


def _regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def read_image(path: Path, channels: int, size: int) -> np.ndarray:
    """One image file as float32 (size, size, channels) in [0, 1]; its declared size is checked from the
    header before any pixel is decoded (a 50000x50000 PNG of a few kilobytes would need gigabytes)."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                width, height = img.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise SymspecError(
                        f"--images: {path} declares {width}x{height} pixels, more than the "
                        f"{MAX_IMAGE_PIXELS:,} symspec decodes"
                    )
                img = img.convert("RGB" if channels == 3 else "L").resize((size, size))
                arr = np.asarray(img, dtype=np.float32) / 255.0
    except SymspecError:
        raise
    except (
        OSError,
        ValueError,
        SyntaxError,
        EOFError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:  # Pillow's refusals: truncated, oversized chunks, bombs
        raise SymspecError(f"--images: cannot read {path}: {type(exc).__name__}: {exc}") from None
    return fit_channels(arr[:, :, None] if arr.ndim == 2 else arr, channels)


def folder_images(directory: str, count: int, channels: int, size: int) -> torch.Tensor:
    try:
        import PIL.Image  # noqa: F401
    except ImportError:
        raise SymspecError("--images DIR needs Pillow to read image files (pip install pillow)") from None
    root = Path(directory)
    if not root.is_dir():
        raise SymspecError(f"--images: {directory!r} is not a directory")
    files = image_files(root, count)
    if not files:
        raise SymspecError(f"--images: no image files in {directory!r}")
    out = [read_image(path, channels, size) for path in files]
    return torch.as_tensor(np.stack(out), dtype=torch.float32)


def inputs(cfg: dict, count: int, channels: int) -> torch.Tensor:
    """``count`` images of ``cfg['size']`` from ``cfg['images']`` (a source; None: the default), seeded by
    ``cfg['seed']``, on the configured device (``cfg['device']``, default cpu)."""
    x = as_source(cfg.get("images")).images(count, channels, cfg["size"], cfg["seed"])
    return x.to(cfg.get("device") or "cpu")
