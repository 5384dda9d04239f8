"""Calibration and evaluation sets: seeded views of the photos, preprocessed as the service does."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from services.export import calibration, evalset, photos
from services.export.preprocess import to_input

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def two_photos() -> dict[str, Image.Image]:
    """Two of the lab's sample photos in place of the packages' ones."""
    return {name: Image.open(REPO / "samples" / name).convert("RGB") for name in ("cat.jpg", "summer-palace.jpg")}


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


def test_calibration_is_each_photo_whole_then_its_views(monkeypatch, two_photos) -> None:
    monkeypatch.setattr(calibration, "calibration_photos", lambda: two_photos)
    batch = calibration.calibration_batch()
    views = photos.random_views(two_photos, calibration.VIEWS_PER_PHOTO, calibration.CALIBRATION_SEED)
    expected = [*two_photos.values(), *views]
    assert batch.shape == (len(expected), *to_input(expected[0]).shape)
    for row, image in zip(batch, expected, strict=True):
        assert np.array_equal(row, to_input(image))


def test_the_reader_gives_the_calibrator_one_sample_at_a_time() -> None:
    samples = np.arange(3 * 2 * 2 * 2, dtype=np.float32).reshape(3, 2, 2, 2)
    reader = calibration.BatchReader(samples, input_name="input")
    fed = [reader.get_next() for _ in range(4)]
    assert fed[3] is None
    for given, sample in zip(fed[:3], samples, strict=True):
        assert list(given) == ["input"] and np.array_equal(given["input"], sample[np.newaxis])


def test_held_out_views_meet_calibration_only_where_a_view_is_the_whole_photo(monkeypatch, two_photos) -> None:
    """Other seeds: a held-out view equals a calibration sample only when both are the whole photo (or its mirror)."""
    monkeypatch.setattr(calibration, "calibration_photos", lambda: two_photos)
    monkeypatch.setattr(evalset, "calibration_photos", lambda: two_photos)
    calibrated = {row.tobytes() for row in calibration.calibration_batch()}
    held_out = evalset.held_out_views()
    assert len(held_out) == evalset.HELD_OUT_VIEWS * len(two_photos)
    whole = {
        to_input(image).tobytes()
        for photo in two_photos.values()
        for image in (photo, photo.transpose(Image.Transpose.FLIP_LEFT_RIGHT))
    }
    shared = calibrated & {row.tobytes() for row in held_out}
    assert shared <= whole


def test_the_test_photos_whole_are_preprocessed_one_by_one(monkeypatch, two_photos) -> None:
    monkeypatch.setattr(evalset, "test_photos", lambda: two_photos)
    inputs = evalset.test_photo_inputs()
    assert list(inputs) == list(two_photos)
    for name, batch in inputs.items():
        assert batch.shape[0] == 1 and np.array_equal(batch[0], to_input(two_photos[name]))


def test_the_service_s_test_photos_come_from_scikit_image() -> None:
    found = photos.test_photos()
    assert list(found) == ["chelsea", "coffee"]
    assert all(photo.mode == "RGB" and min(photo.size) >= 224 for photo in found.values())
