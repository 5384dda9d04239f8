from __future__ import annotations

import io

import numpy as np
from PIL import Image

from services.predictions.thumbnails import image_format, thumbnail, thumbnail_of_pixels


def encoded(size: tuple[int, int], fmt: str, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, 128).save(out, fmt)
    return out.getvalue()


def test_a_thumbnail_is_a_jpeg_of_at_most_the_side_asked_keeping_the_shape() -> None:
    small = Image.open(io.BytesIO(thumbnail(encoded((1000, 500), "PNG"), 128)))
    assert (small.format, small.size) == ("JPEG", (128, 64))


def test_transparent_and_grey_images_become_rgb_jpegs() -> None:
    for mode, fmt in (("RGBA", "PNG"), ("L", "PNG"), ("P", "GIF")):
        assert Image.open(io.BytesIO(thumbnail(encoded((50, 40), fmt, mode), 128))).mode == "RGB"


def test_bytes_that_are_no_image_give_none() -> None:
    assert thumbnail(b"not an image", 128) is None
    assert image_format(b"not an image") is None
    assert image_format(encoded((8, 8), "WEBP")) == "WEBP"


def test_a_thumbnail_of_decoded_pixels_keeps_their_colour_and_shape() -> None:
    pixels = np.zeros((300, 200, 3), dtype=np.uint8)
    pixels[..., 0] = 200  # a red crop, as the model saw it (HWC)
    small = Image.open(io.BytesIO(thumbnail_of_pixels(pixels, 128)))
    assert (small.format, small.size) == ("JPEG", (67, 100))  # reduced by 3, the least whole factor that fits
    red, green, blue = small.convert("RGB").getpixel((30, 50))
    assert red > 180 and green < 30 and blue < 30
