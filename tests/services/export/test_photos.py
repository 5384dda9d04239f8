"""Seeded random views of the photos, and the service's test photos from scikit-image."""

from __future__ import annotations

import numpy as np

from services.export import photos


def test_views_are_reproducible_from_the_seed_and_inside_the_photo(two_photos) -> None:
    first = photos.random_views(two_photos, 5, seed=1)
    again = photos.random_views(two_photos, 5, seed=1)
    other = photos.random_views(two_photos, 5, seed=2)
    assert len(first) == 10
    assert all(np.array_equal(np.asarray(a), np.asarray(b)) for a, b in zip(first, again, strict=True))
    assert not all(a.size == b.size for a, b in zip(first, other, strict=True))
    for view, photo in zip(first, [p for p in two_photos.values() for _ in range(5)], strict=True):
        width, height = photo.size
        assert view.width <= width and view.height <= height
        assert view.width * view.height >= 0.2 * width * height  # 25 % of the area, less rounding and aspect


def test_the_service_s_test_photos_come_from_scikit_image() -> None:
    found = photos.test_photos()
    assert list(found) == ["chelsea", "coffee"]
    assert all(photo.mode == "RGB" and min(photo.size) >= 224 for photo in found.values())
