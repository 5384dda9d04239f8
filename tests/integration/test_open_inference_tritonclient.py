"""The Open Inference Protocol against NVIDIA's own HTTP client, `tritonclient.http`, on a live server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

from tests.fixtures import TINY_LABELS, TINY_SIZE, encode, solid, solid_jpeg
from tests.integration.reference import onnx_logits, random_tensor, solid_tensor
from tests.live import LiveProcess

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

MODEL = "tiny"
SHAPE = (2, 3, TINY_SIZE, TINY_SIZE)


@pytest.fixture(scope="module")
def client(tiny_server: LiveProcess) -> Iterator[httpclient.InferenceServerClient]:
    client = httpclient.InferenceServerClient(tiny_server.url.removeprefix("http://"), network_timeout=10.0)
    yield client
    client.close()


def tensor_input(batch: np.ndarray, *, binary: bool) -> httpclient.InferInput:
    tensor = httpclient.InferInput("input", list(batch.shape), "FP32")
    tensor.set_data_from_numpy(batch, binary_data=binary)
    return tensor


def images_input(images: list[bytes]) -> httpclient.InferInput:
    tensor = httpclient.InferInput("input", [len(images)], "BYTES")
    tensor.set_data_from_numpy(np.array(images, dtype=np.object_), binary_data=True)
    return tensor


def test_health_and_metadata(client: httpclient.InferenceServerClient) -> None:
    assert client.is_server_live()
    assert client.is_server_ready()
    assert client.is_model_ready(MODEL)
    assert client.is_model_ready(MODEL, "1")
    assert not client.is_model_ready("no-such-model")

    server = client.get_server_metadata()
    assert server["name"] == "inferlab"
    assert {"binary_tensor_data", "classification"} <= set(server["extensions"])

    model = client.get_model_metadata(MODEL)
    assert model["name"] == MODEL
    assert model["versions"] == ["1"]
    assert model["inputs"] == [{"name": "input", "datatype": "FP32", "shape": [-1, 3, TINY_SIZE, TINY_SIZE]}]
    assert model["outputs"] == [{"name": "logits", "datatype": "FP32", "shape": [-1, len(TINY_LABELS)]}]


@pytest.mark.parametrize("binary_input", [True, False], ids=["binary-input", "json-input"])
@pytest.mark.parametrize("binary_output", [True, False], ids=["binary-output", "json-output"])
def test_fp32_tensor_matches_onnxruntime(
    client: httpclient.InferenceServerClient, tiny_model_file: Path, binary_input: bool, binary_output: bool
) -> None:
    batch = random_tensor(SHAPE)
    result = client.infer(
        MODEL,
        [tensor_input(batch, binary=binary_input)],
        outputs=[httpclient.InferRequestedOutput("logits", binary_data=binary_output)],
        request_id="req-42",
    )
    logits = result.as_numpy("logits")
    assert logits.dtype == np.float32
    assert logits.shape == (2, len(TINY_LABELS))
    np.testing.assert_allclose(logits, onnx_logits(tiny_model_file, batch), rtol=1e-5, atol=1e-6)
    response = result.get_response()
    assert response["id"] == "req-42"
    assert (response["model_name"], response["model_version"]) == (MODEL, "1")
    assert ("parameters" in response["outputs"][0]) is binary_output  # binary_data_size only when binary


def test_default_outputs_come_back_binary(client: httpclient.InferenceServerClient, tiny_model_file: Path) -> None:
    # With no outputs listed, tritonclient asks for `binary_data_output`: every output as binary.
    batch = random_tensor(SHAPE, seed=1)
    result = client.infer(MODEL, [tensor_input(batch, binary=True)], model_version="1")
    np.testing.assert_allclose(result.as_numpy("logits"), onnx_logits(tiny_model_file, batch), rtol=1e-5, atol=1e-6)
    assert result.get_output("logits")["parameters"]["binary_data_size"] == 2 * len(TINY_LABELS) * 4


@pytest.mark.parametrize("binary_output", [True, False], ids=["binary-output", "json-output"])
def test_classification_extension(
    client: httpclient.InferenceServerClient, tiny_model_file: Path, binary_output: bool
) -> None:
    batch = solid_tensor((250, 10, 10), TINY_SIZE)
    result = client.infer(
        MODEL,
        [tensor_input(batch, binary=True)],
        outputs=[httpclient.InferRequestedOutput("logits", binary_data=binary_output, class_count=2)],
    )
    top = result.as_numpy("logits")
    assert top.shape == (1, 2)
    expected = onnx_logits(tiny_model_file, batch)[0]
    ranked = np.argsort(-expected)[:2]
    for entry, index in zip(top[0], ranked, strict=True):
        value, position, label = (entry.decode() if isinstance(entry, bytes) else entry).split(":")
        assert (int(position), label) == (index, TINY_LABELS[index])
        assert float(value) == pytest.approx(expected[index], abs=1e-5)
    assert [TINY_LABELS[i] for i in ranked] == ["red", "grey"]


def test_bytes_input_of_encoded_images(client: httpclient.InferenceServerClient, tiny_model_file: Path) -> None:
    # Binary only: tritonclient sends JSON BYTES as UTF-8 text, and encoded images are not UTF-8.
    colours = [(200, 30, 40), (20, 40, 220)]
    images = [encode(solid(colours[0]), "PNG"), solid_jpeg(colours[1])]
    result = client.infer(MODEL, [images_input(images)])
    logits = result.as_numpy("logits")
    expected = onnx_logits(tiny_model_file, np.concatenate([solid_tensor(c, TINY_SIZE) for c in colours]))
    np.testing.assert_allclose(logits[0], expected[0], rtol=1e-5, atol=1e-5)  # PNG: lossless
    np.testing.assert_allclose(logits[1], expected[1], atol=0.1)  # JPEG: a few levels off at most
    assert [TINY_LABELS[i] for i in logits.argmax(axis=1)] == ["red", "blue"]


def test_unknown_model_is_a_404_with_the_services_message(client: httpclient.InferenceServerClient) -> None:
    with pytest.raises(InferenceServerException) as raised:
        client.infer("no-such-model", [tensor_input(random_tensor(SHAPE), binary=True)])
    assert raised.value.status() == "404"
    assert "Unknown model no-such-model" in raised.value.message()
    assert "tiny/1" in raised.value.message()  # names what the service does serve

    with pytest.raises(InferenceServerException) as raised:
        client.get_model_metadata("no-such-model")
    assert raised.value.status() == "404"


def test_bad_input_is_a_400_with_the_services_message(client: httpclient.InferenceServerClient) -> None:
    wrong_size = random_tensor((1, 3, TINY_SIZE + 1, TINY_SIZE))
    with pytest.raises(InferenceServerException) as raised:
        client.infer(MODEL, [tensor_input(wrong_size, binary=True)])
    assert raised.value.status() == "400"
    assert "Expected a tensor of shape [N, 3, 16, 16]" in raised.value.message()
