"""Small JPEGs of the images people sent, for the log's pages. Made by the writer, never on the hot path."""

from __future__ import annotations

import io
import math

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

QUALITY = 80


def image_format(data: bytes) -> str | None:
    """The format's name (JPEG, PNG...) from the header alone; None for bytes that are no image."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.format
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None


def thumbnail_of_pixels(pixels: np.ndarray, longest_side: int) -> bytes:
    """A JPEG of HWC uint8 pixels (already decoded), at most `longest_side` pixels a side: reduced by the
    smallest whole factor that fits (an exact area average, several times cheaper than a resize), so the
    model's 224 px view becomes 112 px."""
    image = Image.fromarray(pixels)
    factor = math.ceil(max(image.size) / longest_side)
    return _jpeg(image.reduce(factor) if factor > 1 else image)


def thumbnail(data: bytes, longest_side: int) -> bytes | None:
    """A JPEG of at most `longest_side` pixels a side, or None for bytes that are no image Pillow reads."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.draft("RGB", (longest_side, longest_side))  # JPEGs decode at reduced size: far cheaper
            small = ImageOps.exif_transpose(image).convert("RGB")
            small.thumbnail((longest_side, longest_side), Image.Resampling.BOX)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    return _jpeg(small)


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=QUALITY)
    return out.getvalue()
