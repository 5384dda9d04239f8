"""The input preprocessing contract, as data (for the metadata) and as code."""

import numpy as np
from PIL import Image

# Serialized verbatim into `inferlab.preprocess`; the service reads it back,
# so `to_input` below must be derived from it and nothing else.
SPEC = {
    "layout": "NCHW",
    "size": 224,
    "crop_fraction": 0.875,
    "interpolation": "bicubic",
    "mean": [127.0, 127.0, 127.0],
    "std": [128.0, 128.0, 128.0],
    "channel_order": "RGB",
}


def centre_crop_box(width: int, height: int) -> tuple[float, float, float, float]:
    """Centred square, side crop_fraction of the short side.

    Kept fractional: Pillow's resize accepts a float box, which spares every
    consumer of the spec from having to agree on a rounding rule.
    """
    side = min(width, height) * SPEC["crop_fraction"]
    left, top = (width - side) / 2, (height - side) / 2
    return left, top, left + side, top + side


def to_input(image: Image.Image) -> np.ndarray:
    """One image -> float32 CHW array, normalized as the model expects."""
    image = image.convert("RGB")
    box = centre_crop_box(*image.size)
    size = SPEC["size"]
    resized = image.resize((size, size), Image.Resampling.BICUBIC, box=box)
    pixels = np.asarray(resized, dtype=np.float32)
    mean = np.asarray(SPEC["mean"], dtype=np.float32)
    std = np.asarray(SPEC["std"], dtype=np.float32)
    return ((pixels - mean) / std).transpose(2, 0, 1).copy()


def to_batch(images: list[Image.Image]) -> np.ndarray:
    return np.stack([to_input(image) for image in images])
