"""Held-out inputs for comparing the int8 model with the fp32 one."""

import numpy as np

from .photos import calibration_photos, random_views, test_photos
from .preprocess import to_batch

# Different seeds from calibration, so no evaluated view is a calibration sample.
HELD_OUT_SEED = 7
TEST_VIEW_SEED = 8
HELD_OUT_VIEWS = 16
TEST_VIEWS = 24


def held_out_views() -> np.ndarray:
    """New random views of the calibration photos."""
    return to_batch(random_views(calibration_photos(), HELD_OUT_VIEWS, HELD_OUT_SEED))


def test_photo_views() -> np.ndarray:
    """Random views of chelsea and coffee, which calibration never saw."""
    return to_batch(random_views(test_photos(), TEST_VIEWS, TEST_VIEW_SEED))


def test_photo_inputs() -> dict[str, np.ndarray]:
    """chelsea and coffee whole, preprocessed exactly as the service will."""
    return {name: to_batch([photo]) for name, photo in test_photos().items()}
