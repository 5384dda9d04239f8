"""Request bodies built once, before the load starts: multipart uploads and client-side tensors.

Locust shares the machine with the service (2 cores here): every millisecond a client spends
building a body is taken from the service under test, so bodies are made up front and reused.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

import numpy as np
from PIL import Image

from locustfiles.photos import Photo

BOUNDARY = "inferlab-load-boundary-7f3a9c"
# ImageNet statistics in 0..255 units. The service does not check the values; a load test needs a
# tensor of the right shape and size, not the model's exact preprocessing (the accuracy tests do that).
MEAN = np.array([123.675, 116.28, 103.53], dtype=np.float32)
STD = np.array([58.395, 57.12, 57.375], dtype=np.float32)


@dataclass(frozen=True)
class Body:
    content: bytes
    headers: dict[str, str]


def multipart(filename: str, data: bytes, content_type: str, field: str = "file") -> Body:
    """A multipart/form-data body with one file, as a browser or `curl -F` sends it."""
    head = (
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    return Body(head + data + tail, {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})


def upload(photo: Photo) -> Body:
    return multipart(photo.name, photo.data, photo.content_type)


def to_tensor(data: bytes, input_shape: tuple[int, ...]) -> np.ndarray:
    """An encoded image as a [1, 3, H, W] (or [1, H, W, 3]) float32 batch: resized, normalised."""
    channels_first = input_shape[0] == 3
    height, width = input_shape[1:] if channels_first else input_shape[:2]
    with Image.open(BytesIO(data)) as image:
        image.draft("RGB", (width, height))  # JPEGs decode at 1/2..1/8 scale: a 2000 px photo in ms
        rgb = image.convert("RGB").resize((width, height), Image.Resampling.BILINEAR)
    pixels = (np.asarray(rgb, dtype=np.float32) - MEAN) / STD
    if channels_first:
        pixels = pixels.transpose(2, 0, 1)
    return np.ascontiguousarray(pixels[np.newaxis], dtype=np.float32)
