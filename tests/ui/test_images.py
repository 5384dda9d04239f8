from __future__ import annotations

import base64
from io import BytesIO

from PIL import Image

from tests.fixtures import encode, solid
from ui.images import PREVIEW_SIDE, THUMBNAIL_SIDE, make_previews


def decode(data_url: str) -> Image.Image:
    return Image.open(BytesIO(base64.b64decode(data_url.split(",", 1)[1])))


def test_a_large_photo_is_shrunk_for_both_previews() -> None:
    previews = make_previews(encode(solid((10, 200, 30), (2000, 1000)), "JPEG"))
    assert previews is not None and previews.large.startswith("data:image/jpeg;base64,")
    assert decode(previews.large).size == (PREVIEW_SIDE, PREVIEW_SIDE // 2)
    assert decode(previews.small).size == (THUMBNAIL_SIDE, THUMBNAIL_SIDE // 2)


def test_transparency_survives_as_png() -> None:
    previews = make_previews(encode(solid((0, 0, 0), mode="RGBA")))
    assert previews is not None and previews.small.startswith("data:image/png;base64,")


def test_bytes_that_are_not_an_image_get_no_preview() -> None:
    assert make_previews(b"not an image") is None
    assert make_previews(encode(solid((1, 2, 3), (64, 64)))[:40]) is None  # truncated PNG
