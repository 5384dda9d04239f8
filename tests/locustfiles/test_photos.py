from __future__ import annotations

import random
from collections import Counter
from io import BytesIO

from PIL import Image

from locustfiles.photos import MIX, Photo, Variant, load_photos, pick
from locustfiles.settings import REPO

SAMPLES = REPO / "samples"


def test_the_mix_is_real_samples_in_several_formats_and_sizes() -> None:
    photos = {photo.name: photo for photo in load_photos(SAMPLES)}
    assert len(photos) == len(MIX)
    assert {p.content_type for p in photos.values()} == {"image/jpeg", "image/png", "image/webp"}
    assert photos["cat.jpg"].data == (SAMPLES / "cat.jpg").read_bytes()  # the samples travel as they are
    sizes = {name: Image.open(BytesIO(p.data)).size for name, p in photos.items()}
    assert max(sizes["cat-2000.jpg"]) == 2000
    assert max(sizes["rocket-96.jpg"]) == 96


def test_variants_are_encoded_as_they_say() -> None:
    [photo] = load_photos(SAMPLES, (Variant("logo-transparent.png", 1, long_side=500, format="JPEG"),))
    image = Image.open(BytesIO(photo.data))
    assert (photo.name, photo.content_type) == ("logo-transparent-500.jpg", "image/jpeg")
    assert (image.format, image.mode, max(image.size)) == ("JPEG", "RGB", 500)


def test_photos_are_picked_by_weight() -> None:
    photos = [Photo("often", b"", "image/jpeg", 9), Photo("rarely", b"", "image/jpeg", 1), Photo("never", b"", "x", 0)]
    rng = random.Random(5)
    counts = Counter(pick(photos, rng).name for _ in range(2000))
    assert counts["never"] == 0
    assert 7 < counts["often"] / counts["rarely"] < 11
