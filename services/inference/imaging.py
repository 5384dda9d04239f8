"""Bytes to an RGB Pillow image: checked for size before decoding, shrunk while decoding.

Pure functions; the only errors raised are the service's own (`InvalidImage`, `ImageTooLarge`).
"""

from __future__ import annotations

import warnings
from io import BytesIO

import numpy as np
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from services.inference.errors import ImageTooLarge, InvalidImage

# The formats the service decodes, stated once: Pillow reads many more (ICO, PCX, SGI, EPS through
# Ghostscript...), each more parser code exposed to hostile bytes for no client's benefit.
FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF", "BMP": "BMP", "TIFF": "TIFF"}
ACCEPTED = ", ".join(list(FORMATS.values())[:-1]) + " or " + list(FORMATS.values())[-1]
_WHITE = (255, 255, 255)


def open_image(data: bytes, max_pixels: int) -> ImageFile.ImageFile:
    """Read the header only and refuse images over `max_pixels` before any pixel is decoded."""
    if not data:
        raise InvalidImage("The image is empty: the request carried no bytes.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data), formats=list(FORMATS))
    except Image.DecompressionBombError as exc:
        raise ImageTooLarge(f"The image is too large to decode: {exc}") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise InvalidImage(f"The upload is not an image that can be decoded ({ACCEPTED}).") from None
    width, height = image.size
    if width * height > max_pixels:
        raise ImageTooLarge(f"The image is {width}x{height} = {width * height:,} pixels; the limit is {max_pixels:,}.")
    return image


def open_for_decoding(
    data: bytes, max_pixels: int, min_side: int, max_decoded_pixels: int | None = None
) -> tuple[ImageFile.ImageFile, tuple[int, int]]:
    """The header read and the decoding size set: JPEGs decode at 1/2..1/8 scale in the DCT domain
    (`draft`) while the short side stays >= min_side. Refuses images whose decoding would take
    more than `max_decoded_pixels`, before any pixel is decoded: other formats decode at full size.
    Answers the image and its original (width, height).
    """
    image = open_image(data, max_pixels)
    original_size = image.size
    if image.format in ("JPEG", "MPO"):  # MPO: a camera's JPEG with extra frames; the first is a JPEG
        image.draft("RGB", (min_side, min_side))
    width, height = image.size
    if max_decoded_pixels is not None and width * height > max_decoded_pixels:
        raise ImageTooLarge(
            f"The image decodes to {width}x{height} = {width * height:,} pixels, over this model's budget of "
            f"{max_decoded_pixels:,} per image; send it smaller."
        )
    return image, original_size


def decoded_pixels(data: bytes, max_pixels: int, min_side: int) -> int:
    """How many pixels decoding `data` would take, from its header alone."""
    width, height = open_for_decoding(data, max_pixels, min_side)[0].size
    return width * height


def decode(
    data: bytes, max_pixels: int, min_side: int, max_decoded_pixels: int | None = None
) -> tuple[Image.Image, tuple[int, int]]:
    """Decode to RGB, and say the original (width, height).

    JPEGs decode at reduced size: several times faster on camera-sized photos, and the model sees
    the same pixels after the resize.
    """
    image, original_size = open_for_decoding(data, max_pixels, min_side, max_decoded_pixels)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image.load()
        ImageOps.exif_transpose(image, in_place=True)  # in place: no copy of an upright image
    except Exception:  # Pillow raises many types for corrupt data; all mean the same to the client.
        raise InvalidImage(
            f"The image could not be decoded: the file is truncated or corrupt ({image.format} header)."
        ) from None
    return to_rgb(image), original_size


def to_rgb(image: Image.Image) -> Image.Image:
    """Any mode to 8-bit RGB: alpha composited on white, 16-bit and float scaled, palettes expanded."""
    if image.mode == "RGB":
        return image
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        return _high_depth_to_rgb(image)
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, _WHITE)
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _high_depth_to_rgb(image: Image.Image) -> Image.Image:
    pixels = np.asarray(image, dtype=np.float32)
    top = 65535.0 if image.mode.startswith("I") and pixels.max(initial=0) > 255 else 255.0
    if image.mode == "F":
        top = max(float(pixels.max(initial=0)), 1.0)
    eight_bit = np.clip(pixels * (255.0 / top), 0, 255).astype(np.uint8)
    return Image.fromarray(eight_bit, mode="L").convert("RGB")
