"""An Open Inference Protocol (KServe v2) client's side of the wire, with the binary tensor extension.

Written from the protocol, not from the service's codec, so the load test also checks that the two
agree: a JSON header of `Inference-Header-Content-Length` bytes, then the raw tensors in order.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from typing import Any

import numpy as np

from locustfiles.payloads import Body

HEADER_LENGTH = "Inference-Header-Content-Length"


class ProtocolError(ValueError):
    """The response does not follow the protocol; the message says how."""


@dataclass(frozen=True)
class ModelInfo:
    """What a client needs to know of a model, from `GET /v2/models/{name}`."""

    name: str
    input_name: str
    input_shape: tuple[int, ...]
    output_name: str
    classes: int

    @property
    def infer_path(self) -> str:
        return f"/v2/models/{self.name}/infer"


def model_info(metadata: dict[str, Any]) -> ModelInfo:
    try:
        tensor_in, tensor_out = metadata["inputs"][0], metadata["outputs"][0]
        return ModelInfo(
            name=metadata["name"],
            input_name=tensor_in["name"],
            input_shape=tuple(int(d) for d in tensor_in["shape"][1:]),
            output_name=tensor_out["name"],
            classes=int(tensor_out["shape"][-1]),
        )
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise ProtocolError(f"unexpected model metadata ({exc!r}): {metadata!r:.200}") from None


def default_model(models: dict[str, Any]) -> str:
    """The name of the service's default model, from `GET /v1/models`."""
    for entry in models.get("models", []):
        if entry.get("default"):
            return entry["name"]
    raise ProtocolError("the service lists no default model")


def pack_bytes(items: list[bytes]) -> bytes:
    """BYTES elements in binary: each one prefixed by its length (uint32, little-endian)."""
    return b"".join(struct.pack("<I", len(item)) + item for item in items)


def unpack_bytes(chunk: bytes) -> list[bytes]:
    items, offset = [], 0
    while offset < len(chunk):
        if offset + 4 > len(chunk):
            raise ProtocolError("a BYTES element's length is cut short")
        (length,) = struct.unpack_from("<I", chunk, offset)
        items.append(chunk[offset + 4 : offset + 4 + length])
        offset += 4 + length
    if offset != len(chunk):
        raise ProtocolError("a BYTES element runs past the end of its tensor")
    return items


def binary_request(inputs: list[tuple[dict[str, Any], bytes]], outputs: list[dict[str, Any]]) -> Body:
    """A request whose inputs all travel as binary: (tensor description, raw bytes) pairs."""
    described = [{**spec, "parameters": {"binary_data_size": len(raw)}} for spec, raw in inputs]
    header = json.dumps({"inputs": described, "outputs": outputs}, separators=(",", ":")).encode()
    headers = {HEADER_LENGTH: str(len(header)), "Content-Type": "application/octet-stream"}
    return Body(header + b"".join(raw for _, raw in inputs), headers)


def fp32_request(model: ModelInfo, batch: np.ndarray, classes: int) -> Body:
    """A preprocessed FP32 batch in; the top `classes` back as binary "score:index:label" strings."""
    raw = np.ascontiguousarray(batch, dtype="<f4").tobytes()
    spec = {"name": model.input_name, "datatype": "FP32", "shape": list(batch.shape)}
    wanted = {"name": model.output_name, "parameters": {"classification": classes, "binary_data": True}}
    return binary_request([(spec, raw)], [wanted])


def bytes_request(model: ModelInfo, images: list[bytes]) -> Body:
    """Encoded images in as a BYTES tensor (the service decodes them); the logits back in binary."""
    spec = {"name": model.input_name, "datatype": "BYTES", "shape": [len(images)]}
    wanted = {"name": model.output_name, "parameters": {"binary_data": True}}
    return binary_request([(spec, pack_bytes(images))], [wanted])


def decode_response(body: bytes, header_length: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The response's JSON document and its outputs by name (arrays for numbers, bytes lists for BYTES)."""
    size = len(body) if header_length is None else int(header_length)
    try:
        document = json.loads(body[:size])
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ProtocolError(f"the response header is not JSON: {exc}") from None
    outputs, offset = {}, size
    for output in document.get("outputs", []):
        length = (output.get("parameters") or {}).get("binary_data_size")
        if length is None:
            outputs[output["name"]] = output.get("data")
            continue
        outputs[output["name"]] = _from_binary(output, body[offset : offset + length])
        offset += length
    if offset != len(body):
        raise ProtocolError(f"{len(body) - offset} bytes follow the declared outputs")
    return document, outputs


def _from_binary(output: dict[str, Any], chunk: bytes) -> Any:
    if output["datatype"] == "BYTES":
        return unpack_bytes(chunk)
    if output["datatype"] != "FP32":
        raise ProtocolError(f"unexpected output datatype {output['datatype']}")
    values = np.frombuffer(chunk, dtype="<f4")
    if values.size != int(np.prod(output["shape"])):
        raise ProtocolError(f"{values.size} values do not make the shape {output['shape']}")
    return values.reshape(output["shape"])
