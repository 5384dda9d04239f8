"""The client's encoding against the service's own codec: both ends of the wire must agree."""

from __future__ import annotations

import numpy as np
import pytest

from locustfiles.oip import (
    HEADER_LENGTH,
    ModelInfo,
    ProtocolError,
    bytes_request,
    decode_response,
    default_model,
    fp32_request,
    model_info,
    pack_bytes,
    unpack_bytes,
)
from services.inference.api import v2_codec

MODEL = ModelInfo("tiny", "input", (3, 4, 4), "logits", 4)


def test_model_metadata_is_read_as_the_service_writes_it() -> None:
    metadata = {
        "name": "tiny",
        "versions": ["1"],
        "inputs": [{"name": "input", "datatype": "FP32", "shape": [-1, 3, 4, 4]}],
        "outputs": [{"name": "logits", "datatype": "FP32", "shape": [-1, 4]}],
    }
    assert model_info(metadata) == MODEL
    assert MODEL.infer_path == "/v2/models/tiny/infer"
    with pytest.raises(ProtocolError):
        model_info({"name": "tiny", "inputs": []})


def test_the_default_model_is_the_one_marked_default() -> None:
    models = {"models": [{"name": "a", "default": False}, {"name": "b", "default": True}]}
    assert default_model(models) == "b"
    with pytest.raises(ProtocolError):
        default_model({"models": []})


def test_an_fp32_request_decodes_on_the_service_side() -> None:
    batch = np.arange(48, dtype=np.float32).reshape(1, 3, 4, 4)
    body = fp32_request(MODEL, batch, classes=3)
    decoded = v2_codec.decode_request(body.content, body.headers[HEADER_LENGTH])
    [tensor] = decoded.inputs
    assert (tensor.name, tensor.datatype) == ("input", "FP32")
    np.testing.assert_array_equal(tensor.data, batch)
    assert decoded.outputs == [v2_codec.RequestedOutput("logits", binary=True, class_count=3)]


def test_a_bytes_request_decodes_to_the_encoded_images() -> None:
    body = bytes_request(MODEL, [b"\xff\xd8jpeg", b"png"])
    [tensor] = v2_codec.decode_request(body.content, body.headers[HEADER_LENGTH]).inputs
    assert (tensor.datatype, tensor.shape, tensor.data) == ("BYTES", [2], [b"\xff\xd8jpeg", b"png"])


def test_binary_outputs_of_the_service_decode_on_the_client() -> None:
    logits = np.array([[0.5, -1.0, 2.0, 0.0]], dtype=np.float32)
    classes = [b"2.000000:2:blue", b"0.500000:0:red"]
    outputs = [
        (v2_codec.Tensor("logits", "FP32", [1, 4], logits), True),
        (v2_codec.Tensor("top", "BYTES", [1, 2], classes), True),
    ]
    content, header_length = v2_codec.encode_response({"model_name": "tiny", "model_version": "1"}, outputs)
    document, decoded = decode_response(content, str(header_length))
    assert document["model_name"] == "tiny"
    np.testing.assert_array_equal(decoded["logits"], logits)
    assert decoded["top"] == classes


def test_json_outputs_decode_too() -> None:
    content, header_length = v2_codec.encode_response(
        {"model_name": "tiny"}, [(v2_codec.Tensor("logits", "FP32", [1, 2], np.array([[1.0, 2.0]])), False)]
    )
    assert header_length is None
    assert decode_response(content, None)[1]["logits"] == [1.0, 2.0]


TWO_FLOATS = b'{"outputs":[{"name":"x","datatype":"FP32","shape":[2],"parameters":{"binary_data_size":8}}]}'


@pytest.mark.parametrize(
    ("body", "header_length"),
    [
        (b"not json", None),
        (b'{"outputs": []}trailing', "15"),  # bytes after the declared outputs
        (TWO_FLOATS + b"\0" * 4, str(len(TWO_FLOATS))),  # a tensor cut short
        (TWO_FLOATS.replace(b"8}", b"4}") + b"\0" * 4, str(len(TWO_FLOATS))),  # a size that misses the shape
    ],
)
def test_a_response_off_the_protocol_is_refused(body: bytes, header_length: str | None) -> None:
    with pytest.raises(ProtocolError):
        decode_response(body, header_length)


def test_bytes_elements_round_trip_and_truncation_is_caught() -> None:
    items = [b"", b"a", b"\x00" * 300]
    assert unpack_bytes(pack_bytes(items)) == items
    with pytest.raises(ProtocolError):
        unpack_bytes(pack_bytes(items)[:-1])
