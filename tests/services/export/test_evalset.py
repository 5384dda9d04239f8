"""The evaluation sets: held-out views with other seeds, and the test photos whole."""

from __future__ import annotations

import numpy as np
from PIL import Image

from services.export import calibration, evalset
from services.export.preprocess import to_input


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
