"""The Open Inference Protocol against KServe's own REST client (`kserve.InferenceRESTClient`, v2)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TypeVar

import httpx
import numpy as np
import pytest
from kserve import InferenceRESTClient, InferInput, InferRequest, RESTConfig
from kserve.protocol.infer_type import RequestedOutput

from tests.fixtures import TINY_LABELS, TINY_SIZE, encode, solid
from tests.integration.reference import onnx_logits, random_tensor, solid_tensor
from tests.live import LiveProcess

pytestmark = [pytest.mark.integration, pytest.mark.timeout(60)]

MODEL = "tiny"
T = TypeVar("T")


class KServeClient:
    """KServe's async client driven from sync tests, on one event loop kept for the module."""

    def __init__(self) -> None:
        self._runner = asyncio.Runner()
        self.client = self._runner.run(self._open())

    @staticmethod
    async def _open() -> InferenceRESTClient:
        return InferenceRESTClient(RESTConfig(protocol="v2", timeout=10, retries=0))

    def __call__(self, call: Callable[[InferenceRESTClient], Awaitable[T]]) -> T:
        return self._runner.run(call(self.client))

    def close(self) -> None:
        self._runner.run(self.client.close())
        self._runner.close()


@pytest.fixture(scope="module")
def kserve() -> Iterator[KServeClient]:
    client = KServeClient()
    yield client
    client.close()


def fp32_request(batch: np.ndarray, *, binary: bool, **kwargs) -> InferRequest:
    tensor = InferInput("input", list(batch.shape), "FP32")
    tensor.set_data_from_numpy(batch, binary_data=binary)
    return InferRequest(MODEL, [tensor], **kwargs)


def test_health(kserve: KServeClient, tiny_server: LiveProcess) -> None:
    url = tiny_server.url
    assert kserve(lambda c: c.is_server_live(url)) is True
    assert kserve(lambda c: c.is_server_ready(url)) is True
    assert kserve(lambda c: c.is_model_ready(url, MODEL)) is True
    assert kserve(lambda c: c.is_model_ready(url, "no-such-model")) is False


@pytest.mark.parametrize("binary_input", [True, False], ids=["binary-input", "json-input"])
@pytest.mark.parametrize("binary_output", [True, False], ids=["binary-output", "json-output"])
def test_fp32_tensor_matches_onnxruntime(
    kserve: KServeClient, tiny_server: LiveProcess, tiny_model_file: Path, binary_input: bool, binary_output: bool
) -> None:
    batch = random_tensor((3, 3, TINY_SIZE, TINY_SIZE), seed=7)
    request = fp32_request(
        batch,
        binary=binary_input,
        request_id="kserve-1",
        parameters={"binary_data_output": binary_output},
    )
    headers: dict[str, str] = {}
    response = kserve(lambda c: c.infer(tiny_server.url, request, MODEL, response_headers=headers))

    assert (response.model_name, response.id) == (MODEL, "kserve-1")
    [output] = response.outputs
    assert (output.name, output.datatype, output.shape) == ("logits", "FP32", [3, len(TINY_LABELS)])
    np.testing.assert_allclose(output.as_numpy(), onnx_logits(tiny_model_file, batch), rtol=1e-5, atol=1e-6)
    expected_type = "application/octet-stream" if binary_output else "application/json"
    assert headers["content-type"] == expected_type
    assert ("inference-header-content-length" in headers) is binary_output


def test_requested_output_with_classification(kserve: KServeClient, tiny_server: LiveProcess) -> None:
    batch = solid_tensor((10, 240, 10), TINY_SIZE)
    request = fp32_request(
        batch, binary=False, request_outputs=[RequestedOutput("logits", {"classification": 3, "binary_data": False})]
    )
    response = kserve(lambda c: c.infer(tiny_server.url, request, MODEL))
    [output] = response.outputs
    assert (output.datatype, output.shape) == ("BYTES", [1, 3])
    labels = [entry.split(":")[2] for entry in output.data]
    assert labels == ["green", "grey", "red"]  # red and blue tie at -2g; the lower index comes first


def test_bytes_input_of_encoded_images(kserve: KServeClient, tiny_server: LiveProcess, tiny_model_file: Path) -> None:
    colours = [(30, 200, 60), (120, 120, 120)]
    images = InferInput("input", [2], "BYTES")
    images.set_data_from_numpy(np.array([encode(solid(c), "PNG") for c in colours], dtype=np.object_))
    response = kserve(lambda c: c.infer(tiny_server.url, InferRequest(MODEL, [images]), MODEL))
    expected = onnx_logits(tiny_model_file, np.concatenate([solid_tensor(c, TINY_SIZE) for c in colours]))
    np.testing.assert_allclose(response.outputs[0].as_numpy(), expected, rtol=1e-5, atol=1e-5)


def test_unknown_model_raises_with_the_services_message(kserve: KServeClient, tiny_server: LiveProcess) -> None:
    request = fp32_request(random_tensor((1, 3, TINY_SIZE, TINY_SIZE)), binary=True)
    with pytest.raises(httpx.HTTPStatusError) as raised:
        kserve(lambda c: c.infer(tiny_server.url, request, "no-such-model"))
    assert raised.value.response.status_code == 404
    assert "Unknown model no-such-model" in str(raised.value)
