"""Feeds preprocessed calibration samples to onnxruntime's calibrator."""

import numpy as np
from onnxruntime.quantization import CalibrationDataReader

from .photos import calibration_photos, random_views
from .preprocess import to_batch

CALIBRATION_SEED = 20240601
VIEWS_PER_PHOTO = 17


def calibration_batch() -> np.ndarray:
    """162 samples: each calibration photo whole plus 17 seeded random views."""
    photos = calibration_photos()
    views = random_views(photos, VIEWS_PER_PHOTO, CALIBRATION_SEED)
    return to_batch(list(photos.values()) + views)


class BatchReader(CalibrationDataReader):
    """Yields one sample at a time; the calibrator only needs running min/max."""

    def __init__(self, samples: np.ndarray, input_name: str = "input"):
        self._input_name = input_name
        self._samples = iter(samples)

    def get_next(self):
        sample = next(self._samples, None)
        if sample is None:
            return None
        return {self._input_name: sample[np.newaxis]}
