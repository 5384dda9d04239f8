"""Small JPEGs of the images people sent, for the log's pages. Made by the writer, never on the hot path."""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

QUALITY = 80


def image_format(data: bytes) -> str | None:
    """The format's name (JPEG, PNG...) from the header alone; None for bytes that are no image."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.format
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None


def thumbnail(data: bytes, longest_side: int) -> bytes | None:
    """A JPEG of at most `longest_side` pixels a side, or None for bytes that are no image Pillow reads."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.draft("RGB", (longest_side, longest_side))  # JPEGs decode at reduced size: far cheaper
            small = ImageOps.exif_transpose(image).convert("RGB")
            small.thumbnail((longest_side, longest_side))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    out = io.BytesIO()
    small.save(out, "JPEG", quality=QUALITY)
    return out.getvalue()
