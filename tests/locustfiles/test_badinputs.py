from __future__ import annotations

import random

from locustfiles.badinputs import bad_requests, truncated_jpeg, wrong_tensor_shape
from locustfiles.oip import HEADER_LENGTH, ModelInfo
from locustfiles.settings import REPO
from services.inference.api import v2_codec

JPEG = (REPO / "samples" / "cat.jpg").read_bytes()
NCHW = ModelInfo("tiny", "input", (3, 16, 16), "logits", 4)
NHWC = ModelInfo("tiny", "input", (16, 16, 3), "logits", 4)


def test_every_kind_has_its_own_name_and_a_4xx_to_expect() -> None:
    requests = bad_requests(JPEG, NCHW, random.Random(1))
    assert len({r.name for r in requests}) == len(requests) == 5
    assert all(r.expected and all(400 <= code < 500 for code in r.expected) for r in requests)
    assert len(bad_requests(JPEG, None, random.Random(1))) == 4  # no model known: no tensor to get wrong


def test_the_truncated_jpeg_is_the_start_of_a_real_one() -> None:
    content = truncated_jpeg(JPEG).body.content
    assert JPEG[: len(JPEG) // 3] in content
    assert JPEG not in content


def test_the_wrong_tensor_is_well_formed_but_half_the_size() -> None:
    for model, shape in ((NCHW, [1, 3, 8, 8]), (NHWC, [1, 8, 8, 3])):
        body = wrong_tensor_shape(model).body
        [tensor] = v2_codec.decode_request(body.content, body.headers[HEADER_LENGTH]).inputs
        assert tensor.shape == shape
