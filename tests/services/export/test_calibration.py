"""The calibration set: each photo whole, then seeded views, preprocessed as the service does."""

from __future__ import annotations

import numpy as np

from services.export import calibration, photos
from services.export.preprocess import to_input


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
