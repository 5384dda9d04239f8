"""The Open Inference Protocol's (KServe v2) REST encoding, both ways, without HTTP.

JSON tensors, and the binary tensor data extension: the body is a JSON header of
`Inference-Header-Content-Length` bytes followed by the raw tensors, each input's size in its
`parameters.binary_data_size`. BYTES elements are length-prefixed (uint32 little-endian) in
binary, base64 strings in JSON (images are not text).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import struct
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from services.inference.errors import BadInput

HEADER_LENGTH = "Inference-Header-Content-Length"
# Deepest nesting of lists and objects taken where the protocol allows nesting (BYTES data, `id`):
# far beyond any real tensor, and far from Python's recursion limit.
MAX_DEPTH = 32
DTYPES = {"FP32": np.float32, "FP64": np.float64, "INT64": np.int64, "INT32": np.int32, "UINT8": np.uint8}


@dataclass
class Tensor:
    name: str
    datatype: str
    shape: list[int]
    data: np.ndarray | list[bytes]
    parameters: dict[str, Any] = field(default_factory=dict)


@dataclass
class RequestedOutput:
    name: str
    binary: bool = False
    class_count: int = 0


@dataclass
class InferRequest:
    id: Any
    """As the client sent it (a JSON value), to be echoed; None when absent."""
    inputs: list[Tensor]
    outputs: list[RequestedOutput]
    binary_outputs: bool = False


def decode_request(body: bytes, header_length: str | None) -> InferRequest:
    header, binary = _split(body, header_length)
    document = _parse_json(header)
    if not isinstance(document, dict) or not isinstance(document.get("inputs"), list) or not document["inputs"]:
        raise BadInput("The request must be a JSON object with a non-empty 'inputs' list.")
    inputs, offset = [], 0
    for raw in document["inputs"]:
        tensor, offset = _decode_input(raw, binary, offset)
        inputs.append(tensor)
    if offset != len(binary):
        raise BadInput(f"The body has {len(binary) - offset} bytes beyond the declared binary tensors.")
    parameters = _object(document.get("parameters", {}), "parameters")
    binary_outputs = _flag(parameters, "binary_data_output", False)
    return InferRequest(
        id=_check_depth(document.get("id"), "id"),
        inputs=inputs,
        outputs=[_decode_output(raw, binary_outputs) for raw in document.get("outputs") or []],
        binary_outputs=binary_outputs,
    )


def _parse_json(header: bytes) -> Any:
    """JSON as RFC 8259 defines it: no NaN or Infinity, and refused when nested too deeply to parse."""
    try:
        return json.loads(header, parse_constant=_refuse_constant)
    except RecursionError:
        raise BadInput("The request's JSON is nested too deeply.") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadInput(f"The request is not valid JSON: {exc}.") from None


def _refuse_constant(name: str) -> float:
    raise BadInput(f"The request's JSON holds {name}, which JSON does not allow: send finite numbers.")


def _check_depth(value: Any, what: str) -> Any:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list) and depth > MAX_DEPTH:
            raise BadInput(f"'{what}' is nested too deeply (more than {MAX_DEPTH} levels).")
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return value


def _flag(parameters: dict[str, Any], key: str, default: bool) -> bool:
    value = parameters.get(key, default)
    if not isinstance(value, bool):
        raise BadInput(f"'{key}' must be true or false, not {json.dumps(value)[:40]}.")
    return value


def _split(body: bytes, header_length: str | None) -> tuple[bytes, bytes]:
    if header_length is None:
        return body, b""
    try:
        length = int(header_length)
    except ValueError:
        raise BadInput(f"{HEADER_LENGTH} must be an integer, not {header_length!r}.") from None
    if not 0 <= length <= len(body):
        raise BadInput(f"{HEADER_LENGTH} is {length} but the body has {len(body)} bytes.")
    return body[:length], body[length:]


def _object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BadInput(f"'{what}' must be a JSON object.")
    return value


def _decode_input(raw: Any, binary: bytes, offset: int) -> tuple[Tensor, int]:
    raw = _object(raw, "inputs[]")
    name, datatype, shape = raw.get("name"), raw.get("datatype"), raw.get("shape")
    if not isinstance(name, str) or not isinstance(datatype, str):
        raise BadInput("Each input needs a string 'name' and 'datatype'.")
    # `type(d) is int`: JSON true/false are ints to isinstance, and no dimension.
    if not isinstance(shape, list) or not all(type(d) is int and d >= 0 for d in shape):
        raise BadInput(f"Input '{name}': 'shape' must be a list of non-negative integers.")
    parameters = _object(raw.get("parameters") or {}, "parameters")
    size = parameters.get("binary_data_size")
    if size is not None:
        if not isinstance(size, int) or size < 0 or offset + size > len(binary):
            raise BadInput(f"Input '{name}': binary_data_size {size!r} does not fit the body.")
        chunk, offset = binary[offset : offset + size], offset + size
        data = _from_binary(name, datatype, shape, chunk)
    elif "data" in raw:
        data = _from_json(name, datatype, shape, raw["data"])
    else:
        raise BadInput(f"Input '{name}' has neither 'data' nor parameters.binary_data_size.")
    return Tensor(name, datatype, shape, data, parameters), offset


def _count(shape: list[int]) -> int:
    return math.prod(shape)  # Python ints: a hostile shape must not overflow to a size that matches


def _dtype(name: str, datatype: str) -> type[np.generic]:
    if datatype not in DTYPES:
        raise BadInput(f"Input '{name}': datatype {datatype} is not supported here (FP32 or BYTES).")
    return DTYPES[datatype]


def _from_binary(name: str, datatype: str, shape: list[int], chunk: bytes) -> np.ndarray | list[bytes]:
    if datatype == "BYTES":
        return _check_count(name, shape, _unpack_bytes(name, chunk))
    dtype = np.dtype(_dtype(name, datatype)).newbyteorder("<")
    if len(chunk) != _count(shape) * dtype.itemsize:
        raise BadInput(
            f"Input '{name}': {len(chunk)} bytes of {datatype} do not make the shape {shape} "
            f"({_count(shape) * dtype.itemsize} bytes)."
        )
    return np.frombuffer(chunk, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="), copy=False)


def _from_json(name: str, datatype: str, shape: list[int], data: Any) -> np.ndarray | list[bytes]:
    if datatype == "BYTES":
        items = data if isinstance(data, list) else [data]
        return _check_count(name, shape, [_base64(name, item) for item in _flatten(_check_depth(items, name))])
    try:
        array = np.asarray(data, dtype=_dtype(name, datatype))
    except (ValueError, TypeError):
        raise BadInput(f"Input '{name}': 'data' must be a (nested) list of numbers.") from None
    if array.size != _count(shape):
        raise BadInput(f"Input '{name}': {array.size} values do not make the shape {shape}.")
    return array.reshape(shape)


def _flatten(items: list[Any]) -> list[Any]:
    flat: list[Any] = []
    for item in items:
        flat.extend(_flatten(item) if isinstance(item, list) else [item])
    return flat


def _base64(name: str, item: Any) -> bytes:
    if not isinstance(item, str):
        raise BadInput(f"Input '{name}': BYTES data in JSON must be base64 strings.")
    try:
        return base64.b64decode(item, validate=True)
    except (binascii.Error, ValueError):
        raise BadInput(f"Input '{name}': BYTES data in JSON must be base64-encoded (images are not text).") from None


def _unpack_bytes(name: str, chunk: bytes) -> list[bytes]:
    items, offset = [], 0
    while offset < len(chunk):
        if offset + 4 > len(chunk):
            raise BadInput(f"Input '{name}': truncated BYTES element length.")
        (length,) = struct.unpack_from("<I", chunk, offset)
        offset += 4
        if offset + length > len(chunk):
            raise BadInput(f"Input '{name}': a BYTES element runs past the end of the body.")
        items.append(chunk[offset : offset + length])
        offset += length
    return items


def _check_count(name: str, shape: list[int], items: list[bytes]) -> list[bytes]:
    if len(items) != _count(shape):
        raise BadInput(f"Input '{name}': {len(items)} BYTES elements do not make the shape {shape}.")
    return items


def _decode_output(raw: Any, binary_default: bool = False) -> RequestedOutput:
    """One requested output; its `binary_data` overrides the request's `binary_data_output`."""
    raw = _object(raw, "outputs[]")
    parameters = _object(raw.get("parameters") or {}, "parameters")
    count = parameters.get("classification", parameters.get("class_count", 0))
    if not isinstance(raw.get("name"), str) or not isinstance(count, int) or count < 0:
        raise BadInput("Each requested output needs a string 'name'; 'classification' must be a count.")
    return RequestedOutput(raw["name"], _flag(parameters, "binary_data", binary_default), count)


def encode_response(document: dict[str, Any], outputs: list[tuple[Tensor, bool]]) -> tuple[bytes, int | None]:
    """The response body, and the JSON header's length when any output travels as binary."""
    chunks: list[bytes] = []
    encoded = []
    for tensor, binary in outputs:
        entry: dict[str, Any] = {"name": tensor.name, "datatype": tensor.datatype, "shape": tensor.shape}
        if binary:
            chunk = _to_binary(tensor)
            entry["parameters"] = {"binary_data_size": len(chunk)}
            chunks.append(chunk)
        else:
            entry["data"] = _to_json(tensor)
        encoded.append(entry)
    # allow_nan=False: a non-finite number would make the body invalid JSON (the runtime refuses them).
    header = json.dumps({**document, "outputs": encoded}, separators=(",", ":"), allow_nan=False).encode()
    if not chunks:
        return header, None
    return header + b"".join(chunks), len(header)


def _to_binary(tensor: Tensor) -> bytes:
    if tensor.datatype == "BYTES":
        return b"".join(struct.pack("<I", len(item)) + item for item in tensor.data)
    return np.ascontiguousarray(tensor.data, dtype=np.dtype(DTYPES[tensor.datatype]).newbyteorder("<")).tobytes()


def _to_json(tensor: Tensor) -> list[Any]:
    if tensor.datatype == "BYTES":
        return [item.decode() for item in tensor.data]
    return np.asarray(tensor.data).ravel().tolist()
