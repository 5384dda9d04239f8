"""The photos the clients send: the real samples as they are, plus bigger and smaller variants made once.

Real clients upload a mix: small web images, camera-sized JPEGs, lossless PNGs, thumbnails. The
variants are resized from `samples/` in memory at start-up, so the repository stays small. Names are
a bounded set: they label Locust's statistics, one row per kind of upload.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from PIL import Image

CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


@dataclass(frozen=True)
class Photo:
    name: str
    data: bytes
    content_type: str
    weight: int


@dataclass(frozen=True)
class Variant:
    """A sample, resized to `long_side` and re-encoded as `format` (None: the file as it is)."""

    source: str
    weight: int
    long_side: int | None = None
    format: str | None = None


MIX = (
    Variant("cat.jpg", 3),
    Variant("astronaut.jpg", 2),
    Variant("espresso.png", 2),
    Variant("rocket.webp", 2),
    Variant("camera-grayscale.png", 1),
    Variant("logo-transparent.png", 1),
    Variant("cat.jpg", 2, long_side=2000, format="JPEG"),  # a phone photo
    Variant("espresso.png", 1, long_side=1024, format="PNG"),  # a big lossless upload
    Variant("rocket.webp", 1, long_side=96, format="JPEG"),  # a thumbnail
)


# Fast encoder settings: every Locust process makes these at start-up, on the machine under test.
SAVE_OPTIONS = {"JPEG": {"quality": 90}, "WEBP": {"quality": 90}, "PNG": {"compress_level": 1}}


def encode(image: Image.Image, fmt: str) -> bytes:
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    buffer = BytesIO()
    image.save(buffer, format=fmt, **SAVE_OPTIONS.get(fmt, {}))
    return buffer.getvalue()


def resized(image: Image.Image, long_side: int) -> Image.Image:
    scale = long_side / max(image.size)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.BICUBIC)


def make_photo(samples_dir: Path, variant: Variant) -> Photo:
    data = (samples_dir / variant.source).read_bytes()
    if variant.long_side is None and variant.format is None:
        with Image.open(BytesIO(data)) as image:
            fmt = image.format or "JPEG"
        return Photo(variant.source, data, CONTENT_TYPES.get(fmt, "application/octet-stream"), variant.weight)
    with Image.open(BytesIO(data)) as image:
        fmt = variant.format or image.format or "JPEG"
        picture = resized(image, variant.long_side) if variant.long_side else image.copy()
    stem = Path(variant.source).stem
    name = f"{stem}-{variant.long_side or max(picture.size)}.{EXTENSIONS[fmt]}"
    return Photo(name, encode(picture, fmt), CONTENT_TYPES[fmt], variant.weight)


def load_photos(samples_dir: Path, mix: tuple[Variant, ...] = MIX) -> list[Photo]:
    return [make_photo(samples_dir, variant) for variant in mix]


def pick(photos: list[Photo], rng: random.Random) -> Photo:
    """One photo, drawn with the mix's weights."""
    return rng.choices(photos, weights=[photo.weight for photo in photos])[0]
