"""The input preprocessing contract: as data for the model's metadata, as code from the service.

`SPEC` is written verbatim into `inferlab.preprocess`, and the service reads it back into its
`PreprocessSpec`. Calibration and evaluation call the service's own functions on that spec, so
the model is calibrated and measured on the tensors the service feeds it for the same pixels.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from services.inference.imaging import to_rgb
from services.inference.preprocessing import preprocess
from services.inference.spec import PreprocessSpec, preprocess_spec

SPEC = {
    "layout": "NCHW",
    "size": 224,
    "crop_fraction": 0.875,
    "interpolation": "bicubic",
    "mean": [127.0, 127.0, 127.0],
    "std": [128.0, 128.0, 128.0],
    "channel_order": "RGB",
}
INPUT_SHAPE = ["N", 3, SPEC["size"], SPEC["size"]]  # the exported graph's input, batch dimension dynamic


def service_spec() -> PreprocessSpec:
    """`SPEC` as the service parses it from the model's metadata."""
    return preprocess_spec(dict(SPEC), INPUT_SHAPE)


def to_input(image: Image.Image) -> np.ndarray:
    """One image -> the float32 CHW tensor the service computes for it."""
    return preprocess(to_rgb(image), service_spec())


def to_batch(images: list[Image.Image]) -> np.ndarray:
    return np.stack([to_input(image) for image in images])
