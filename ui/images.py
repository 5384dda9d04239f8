"""Previews and thumbnails as data URLs, made in the UI process so the browser never gets a 20 MB photo back.

The service alone decides what is an image: when Pillow cannot read the bytes here, the preview is
simply absent and the service's answer explains why.
"""

from __future__ import annotations

import base64
import warnings
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps

PREVIEW_SIDE = 480
THUMBNAIL_SIDE = 128
MAX_PIXELS = 50_000_000  # larger images get no preview (the service refuses them too, by default)


@dataclass(frozen=True)
class Previews:
    large: str
    """For the result card (at most PREVIEW_SIDE pixels)."""
    small: str
    """For the history, which is redrawn whole on every new image: a few kB each."""


def make_previews(data: bytes) -> Previews | None:
    """Both sizes of preview, or None if the bytes are not an image Pillow reads."""
    image = _open(data, PREVIEW_SIDE)
    if image is None:
        return None
    large = _data_url(image)
    image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    return Previews(large, _data_url(image))


def _open(data: bytes, side: int) -> Image.Image | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                return None
            image.draft("RGB", (side, side))
            image = ImageOps.exif_transpose(image)
            image.thumbnail((side, side))
            return image
    except Exception:  # Pillow raises many types for bad data; all mean "no preview"
        return None


def _data_url(image: Image.Image) -> str:
    buffer = BytesIO()
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image.convert("RGBA").save(buffer, format="PNG", optimize=True)
        kind = "png"
    else:
        image.convert("RGB").save(buffer, format="JPEG", quality=85)
        kind = "jpeg"
    return f"data:image/{kind};base64,{base64.b64encode(buffer.getvalue()).decode()}"
