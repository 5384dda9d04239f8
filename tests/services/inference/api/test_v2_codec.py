"""The Open Inference Protocol's REST encoding, without HTTP: JSON and binary tensors, both ways."""

from __future__ import annotations

import base64
import json
import struct

import numpy as np
import pytest

from services.inference.api.v2_codec import RequestedOutput, Tensor, decode_request, encode_response
from services.inference.errors import BadInput


def binary(document: dict, *chunks: bytes) -> tuple[bytes, str]:
    header = json.dumps(document).encode()
    return header + b"".join(chunks), str(len(header))


def json_body(document: object) -> bytes:
    return json.dumps(document).encode()


def fp32(shape: list[int], **extra) -> dict:
    return {"name": "x", "datatype": "FP32", "shape": shape, **extra}


class TestJsonRequests:
    def test_fp32_tensor(self):
        request = decode_request(json_body({"id": 42, "inputs": [fp32([2, 3], data=[1, 2, 3, 4, 5, 6])]}), None)
        (tensor,) = request.inputs
        assert request.id == 42  # echoed as given, not turned into a string
        assert (tensor.name, tensor.datatype, tensor.shape) == ("x", "FP32", [2, 3])
        assert tensor.data.dtype == np.float32
        np.testing.assert_array_equal(tensor.data, [[1, 2, 3], [4, 5, 6]])
        assert request.outputs == [] and not request.binary_outputs

    def test_nested_data_is_flattened_to_the_shape(self):
        (tensor,) = decode_request(json_body({"inputs": [fp32([3, 2], data=[[1, 2, 3], [4, 5, 6]])]}), None).inputs
        np.testing.assert_array_equal(tensor.data, [[1, 2], [3, 4], [5, 6]])

    def test_bytes_from_base64(self):
        items = [b"\x89PNG...", b"\xff\xd8\xff"]
        data = [[base64.b64encode(item).decode()] for item in items]
        document = {"inputs": [{"name": "img", "datatype": "BYTES", "shape": [2, 1], "data": data}]}
        assert decode_request(json_body(document), None).inputs[0].data == items

    def test_a_single_bytes_element_may_be_bare(self):
        document = {
            "inputs": [{"name": "img", "datatype": "BYTES", "shape": [1], "data": base64.b64encode(b"ab").decode()}]
        }
        assert decode_request(json_body(document), None).inputs[0].data == [b"ab"]

    def test_requested_outputs(self):
        document = {
            "inputs": [fp32([1], data=[0])],
            "outputs": [
                {"name": "a"},
                {"name": "b", "parameters": {"classification": 3, "binary_data": True}},
                {"name": "c", "parameters": {"class_count": 2}},
            ],
        }
        assert decode_request(json_body(document), None).outputs == [
            RequestedOutput("a", False, 0),
            RequestedOutput("b", True, 3),
            RequestedOutput("c", False, 2),
        ]

    def test_binary_data_output_is_the_default_of_every_output(self):
        document = {
            "inputs": [fp32([1], data=[0])],
            "outputs": [{"name": "a"}, {"name": "b", "parameters": {"binary_data": False}}],
            "parameters": {"binary_data_output": True},
        }
        request = decode_request(json_body(document), None)
        assert request.binary_outputs
        assert [o.binary for o in request.outputs] == [True, False]


class TestBinaryRequests:
    def test_fp32_little_endian(self):
        values = np.arange(6, dtype="<f4") / 3
        body, length = binary({"inputs": [fp32([1, 6], parameters={"binary_data_size": 24})]}, values.tobytes())
        (tensor,) = decode_request(body, length).inputs
        assert tensor.data.dtype == np.float32 and tensor.data.dtype.isnative
        np.testing.assert_array_equal(tensor.data, values.reshape(1, 6))

    def test_several_inputs_take_their_bytes_in_order(self):
        a, b = np.float32([1, 2]).tobytes(), np.int64([7]).tobytes()
        document = {
            "inputs": [
                fp32([2], parameters={"binary_data_size": 8}),
                {"name": "y", "datatype": "INT64", "shape": [1], "parameters": {"binary_data_size": 8}},
            ]
        }
        x, y = decode_request(*binary(document, a, b)).inputs
        assert x.data.tolist() == [1.0, 2.0] and y.data.tolist() == [7]

    def test_bytes_are_length_prefixed(self):
        items = [b"first image", b"", b"\x00\x01\x02"]
        chunk = b"".join(struct.pack("<I", len(item)) + item for item in items)
        document = {
            "inputs": [
                {"name": "img", "datatype": "BYTES", "shape": [3], "parameters": {"binary_data_size": len(chunk)}}
            ]
        }
        assert decode_request(*binary(document, chunk)).inputs[0].data == items

    def test_json_and_binary_inputs_mix(self):
        document = {"inputs": [fp32([1], data=[5]), fp32([1], parameters={"binary_data_size": 4})]}
        first, second = decode_request(*binary(document, np.float32([6]).tobytes())).inputs
        assert (first.data.tolist(), second.data.tolist()) == ([5.0], [6.0])


BAD_REQUESTS = {
    "not JSON": (b"{inputs: nope", None, "not valid JSON"),
    "not UTF-8": (b'{"inputs": "\xff\xfe"}', None, "not valid JSON"),
    "a list": (json_body([1, 2]), None, "JSON object"),
    "no inputs": (json_body({"outputs": []}), None, "non-empty 'inputs'"),
    "empty inputs": (json_body({"inputs": []}), None, "non-empty 'inputs'"),
    "input not an object": (json_body({"inputs": [3]}), None, "inputs[]"),
    "no name": (json_body({"inputs": [{"datatype": "FP32", "shape": [1], "data": [1]}]}), None, "'name'"),
    "bad shape": (json_body({"inputs": [fp32([-1], data=[1])]}), None, "non-negative"),
    "boolean shape": (json_body({"inputs": [fp32([True, 1], data=[1])]}), None, "non-negative"),
    "shape not a list": (json_body({"inputs": [fp32("1x3", data=[1])]}), None, "'shape'"),
    "no data": (json_body({"inputs": [fp32([1])]}), None, "neither 'data'"),
    "too few values": (json_body({"inputs": [fp32([2, 2], data=[1, 2, 3])]}), None, "3 values"),
    "huge shape": (json_body({"inputs": [fp32([2**40, 2**40], data=[1])]}), None, "do not make the shape"),
    "data not numbers": (json_body({"inputs": [fp32([2], data=["a", "b"])]}), None, "list of numbers"),
    "ragged data": (json_body({"inputs": [fp32([2, 2], data=[[1, 2], [3]])]}), None, "list of numbers"),
    "unsupported datatype": (json_body({"inputs": [{**fp32([1], data=[1]), "datatype": "FP16"}]}), None, "FP16"),
    "bytes not base64": (
        json_body({"inputs": [{"name": "i", "datatype": "BYTES", "shape": [1], "data": ["not base64!"]}]}),
        None,
        "base64",
    ),
    "bytes not strings": (
        json_body({"inputs": [{"name": "i", "datatype": "BYTES", "shape": [1], "data": [17]}]}),
        None,
        "base64",
    ),
    "bytes count": (
        json_body({"inputs": [{"name": "i", "datatype": "BYTES", "shape": [2], "data": ["YQ=="]}]}),
        None,
        "1 BYTES elements",
    ),
    "parameters not an object": (json_body({"inputs": [fp32([1], data=[1])], "parameters": [1]}), None, "parameters"),
    "output without a name": (
        json_body({"inputs": [fp32([1], data=[1])], "outputs": [{"parameters": {"classification": 1}}]}),
        None,
        "'name'",
    ),
    "negative classification": (
        json_body({"inputs": [fp32([1], data=[1])], "outputs": [{"name": "y", "parameters": {"classification": -1}}]}),
        None,
        "count",
    ),
    "header length not a number": (json_body({"inputs": []}), "ten", "must be an integer"),
    "binary_data as a string": (
        json_body(
            {"inputs": [fp32([1], data=[1])], "outputs": [{"name": "y", "parameters": {"binary_data": "false"}}]}
        ),
        None,
        "'binary_data' must be true or false",
    ),
    "binary_data_output as a number": (
        json_body({"inputs": [fp32([1], data=[1])], "parameters": {"binary_data_output": 1}}),
        None,
        "'binary_data_output' must be true or false",
    ),
    "header length beyond the body": (json_body({"inputs": []}), "1000", "but the body has"),
    "negative header length": (json_body({"inputs": []}), "-1", "but the body has"),
    "binary size beyond the body": (
        *binary({"inputs": [fp32([2], parameters={"binary_data_size": 8})]}, b"1234"),
        "fit",
    ),
    "binary size not matching the shape": (
        *binary({"inputs": [fp32([2], parameters={"binary_data_size": 4})]}, b"1234"),
        "do not make the shape",
    ),
    "bytes beyond the tensors": (
        *binary({"inputs": [fp32([1], parameters={"binary_data_size": 4})]}, b"12345678"),
        "4 bytes beyond",
    ),
    "huge binary shape": (
        *binary({"inputs": [fp32([2**32, 2**32], parameters={"binary_data_size": 0})]}),
        "do not make the shape",
    ),
    "truncated bytes length": (
        *binary(
            {"inputs": [{"name": "i", "datatype": "BYTES", "shape": [1], "parameters": {"binary_data_size": 2}}]},
            b"\x05\x00",
        ),
        "truncated",
    ),
    "bytes element past the end": (
        *binary(
            {"inputs": [{"name": "i", "datatype": "BYTES", "shape": [1], "parameters": {"binary_data_size": 6}}]},
            struct.pack("<I", 10) + b"ab",
        ),
        "past the end",
    ),
}


@pytest.mark.parametrize(("body", "header_length", "message"), BAD_REQUESTS.values(), ids=BAD_REQUESTS.keys())
def test_bad_requests_are_bad_input(body: bytes, header_length: str | None, message: str):
    with pytest.raises(BadInput) as caught:
        decode_request(body, header_length)
    assert message in caught.value.message
    assert caught.value.status_code == 400


class TestResponses:
    def test_json_response(self):
        logits = np.array([[0.5, -1.25]], np.float32)
        content, header_length = encode_response({"model_name": "m"}, [(Tensor("y", "FP32", [1, 2], logits), False)])
        assert header_length is None
        assert json.loads(content) == {
            "model_name": "m",
            "outputs": [{"name": "y", "datatype": "FP32", "shape": [1, 2], "data": [0.5, -1.25]}],
        }

    def test_binary_response(self):
        logits = np.array([[0.5, -1.25], [3.0, 4.0]], np.float32)
        labels = [b"0.5:0:cat", b"3.0:0:cat"]
        outputs = [(Tensor("y", "FP32", [2, 2], logits), True), (Tensor("top", "BYTES", [2, 1], labels), True)]
        content, header_length = encode_response({"model_name": "m"}, outputs)
        header = json.loads(content[:header_length])
        sizes = [o["parameters"]["binary_data_size"] for o in header["outputs"]]
        assert sizes == [16, 2 * 4 + len(labels[0]) + len(labels[1])]
        raw = content[header_length:]
        np.testing.assert_array_equal(np.frombuffer(raw[:16], "<f4").reshape(2, 2), logits)
        assert raw[16:] == struct.pack("<I", 9) + labels[0] + struct.pack("<I", 9) + labels[1]

    def test_mixed_response(self):
        outputs = [
            (Tensor("a", "FP32", [1], np.float32([1])), False),
            (Tensor("b", "FP32", [1], np.float32([2])), True),
        ]
        content, header_length = encode_response({}, outputs)
        header = json.loads(content[:header_length])
        assert header["outputs"][0]["data"] == [1.0]
        assert np.frombuffer(content[header_length:], "<f4").tolist() == [2.0]

    def test_non_finite_numbers_are_never_written(self):
        with pytest.raises(ValueError):
            encode_response({}, [(Tensor("y", "FP32", [1], np.float32([np.nan])), False)])

    def test_bytes_in_json_are_strings(self):
        content, _ = encode_response({}, [(Tensor("top", "BYTES", [1], [b"0.9:1:dog"]), False)])
        assert json.loads(content)["outputs"][0]["data"] == ["0.9:1:dog"]

    def test_round_trip_of_a_binary_request(self):
        values = np.random.default_rng(0).normal(size=(2, 3)).astype(np.float32)
        content, header_length = encode_response({"inputs": []}, [(Tensor("x", "FP32", [2, 3], values), True)])
        document = json.loads(content[:header_length])
        document["inputs"] = document.pop("outputs")
        body, length = binary(document, content[header_length:])
        np.testing.assert_array_equal(decode_request(body, length).inputs[0].data, values)
