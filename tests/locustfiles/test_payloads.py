from __future__ import annotations

from email.parser import BytesParser

import numpy as np
import pytest
from PIL import Image

from locustfiles.payloads import MEAN, multipart, to_tensor
from tests.fixtures import encode, solid


def test_a_multipart_upload_carries_the_file_and_its_name() -> None:
    body = multipart("cat.jpg", b"\xff\xd8binary\r\n--not-a-boundary", "image/jpeg")
    message = BytesParser().parsebytes(f"Content-Type: {body.headers['Content-Type']}\r\n\r\n".encode() + body.content)
    [part] = message.get_payload()
    assert part.get_param("name", header="content-disposition") == "file"
    assert part.get_filename() == "cat.jpg"
    assert part.get_content_type() == "image/jpeg"
    assert part.get_payload(decode=True) == b"\xff\xd8binary\r\n--not-a-boundary"


@pytest.mark.parametrize(("input_shape", "batch_shape"), [((3, 16, 24), (1, 3, 16, 24)), ((16, 24, 3), (1, 16, 24, 3))])
def test_a_photo_becomes_a_normalised_float32_batch(input_shape, batch_shape) -> None:
    mean_grey = tuple(round(m) for m in MEAN)
    tensor = to_tensor(encode(solid(mean_grey, size=(64, 48))), input_shape)
    assert tensor.shape == batch_shape
    assert tensor.dtype == np.float32
    assert np.abs(tensor).max() < 0.02  # the mean colour normalises to ~0


def test_any_mode_is_converted_to_three_channels() -> None:
    tensor = to_tensor(encode(Image.new("L", (10, 10), 255)), (3, 8, 8))
    assert tensor.shape == (1, 3, 8, 8)
    assert (tensor > 0).all()  # white is above the mean in every channel
