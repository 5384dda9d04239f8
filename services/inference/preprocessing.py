"""RGB image to the model's input tensor, as its `PreprocessSpec` says. Pure functions."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image

from services.inference.spec import PreprocessSpec

RESAMPLING = {
    "nearest": Image.Resampling.NEAREST,
    "bilinear": Image.Resampling.BILINEAR,
    "bicubic": Image.Resampling.BICUBIC,
    "lanczos": Image.Resampling.LANCZOS,
}


def min_decode_side(spec: PreprocessSpec) -> int:
    """The shortest side an image needs before the crop, so that it is never upsampled by the draft."""
    return math.ceil(max(spec.height, spec.width) / spec.crop_fraction)


def centre_crop_box(width: int, height: int, spec: PreprocessSpec) -> tuple[float, float, float, float]:
    """The centred box of the target's aspect ratio covering `crop_fraction` of the image."""
    scale = min(width / spec.width, height / spec.height) * spec.crop_fraction
    crop_w, crop_h = spec.width * scale, spec.height * scale
    left, top = (width - crop_w) / 2, (height - crop_h) / 2
    return (left, top, left + crop_w, top + crop_h)


def resize_and_crop(image: Image.Image, spec: PreprocessSpec) -> Image.Image:
    box = centre_crop_box(image.width, image.height, spec)
    return image.resize((spec.width, spec.height), RESAMPLING[spec.interpolation], box=box)


def normalize(pixels: np.ndarray, spec: PreprocessSpec) -> np.ndarray:
    """HWC uint8 RGB pixels to one float32 tensor in the model's layout and channel order.

    Mean and std are given in RGB order and applied before any channel swap.
    """
    mean, std = np.float32(spec.mean), np.float32(spec.std)
    if spec.layout == "NCHW":
        # Transpose the bytes first, then work on whole channel planes in place: broadcasting
        # over a trailing axis of 3 is several times slower (1.4 ms against 0.2 ms at 224 px).
        tensor = np.ascontiguousarray(pixels.transpose(2, 0, 1)).astype(np.float32)
        tensor -= mean[:, None, None]
        tensor /= std[:, None, None]
        return np.ascontiguousarray(tensor[::-1]) if spec.channel_order == "BGR" else tensor
    tensor = (pixels.astype(np.float32) - mean) / std
    if spec.channel_order == "BGR":
        tensor = tensor[..., ::-1]
    return np.ascontiguousarray(tensor, dtype=np.float32)


def crop_pixels(image: Image.Image, spec: PreprocessSpec) -> np.ndarray:
    """The model's view of an RGB image, as HWC uint8 pixels."""
    return np.asarray(resize_and_crop(image, spec))


def preprocess(image: Image.Image, spec: PreprocessSpec) -> np.ndarray:
    """An RGB image to the tensor of one image (no batch dimension)."""
    return normalize(crop_pixels(image, spec), spec)


@dataclass(frozen=True)
class InputStats:
    """What the service saw of one input image: its size, and simple signals to watch for drift."""

    width: int
    height: int
    encoded_bytes: int
    brightness: float
    """Mean luminance of the model's input crop, 0..1."""
    contrast: float
    """Standard deviation of that luminance, 0..1."""

    @property
    def pixels(self) -> int:
        return self.width * self.height

    @property
    def aspect_ratio(self) -> float:
        return self.width / self.height


# ITU-R BT.601 luma weights, as Pillow's convert("L") uses them.
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


def luminance_stats(pixels: np.ndarray) -> tuple[float, float]:
    """Mean and standard deviation of luminance (0..1) of HWC RGB pixels, on every 4th row and column."""
    luma = pixels[::4, ::4].astype(np.float32) @ _LUMA / 255.0
    return float(luma.mean()), float(luma.std())
