"""Requests a careless or hostile client sends, each with the 4xx the service owes it.

A 4xx here is the service doing its job, so the bad-input user counts it as a success; a 5xx, a
timeout or a 200 (garbage accepted) is a failure. Names are a fixed set: one statistics row each.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from locustfiles.oip import ModelInfo, binary_request
from locustfiles.payloads import Body, multipart

V1_PREDICT = "/v1/predict"


@dataclass(frozen=True)
class BadRequest:
    name: str
    path: str
    body: Body
    expected: frozenset[int]


def random_bytes(rng: random.Random, size: int = 4096) -> BadRequest:
    body = Body(rng.randbytes(size), {"Content-Type": "image/jpeg"})
    return BadRequest(f"{V1_PREDICT} (bad: random bytes)", V1_PREDICT, body, frozenset({400}))


def truncated_jpeg(jpeg: bytes) -> BadRequest:
    """The first third of a real JPEG: a valid header, then the upload stops (a dropped connection)."""
    body = multipart("truncated.jpg", jpeg[: len(jpeg) // 3], "image/jpeg")
    return BadRequest(f"{V1_PREDICT} (bad: truncated jpeg)", V1_PREDICT, body, frozenset({400}))


def text_file() -> BadRequest:
    body = multipart("notes.txt", b"not a picture, just some notes\n" * 8, "text/plain")
    return BadRequest(f"{V1_PREDICT} (bad: text file)", V1_PREDICT, body, frozenset({400}))


def text_body() -> BadRequest:
    body = Body(b"hello", {"Content-Type": "text/plain"})
    return BadRequest(f"{V1_PREDICT} (bad: text/plain body)", V1_PREDICT, body, frozenset({415}))


def wrong_tensor_shape(model: ModelInfo) -> BadRequest:
    """An FP32 tensor with half the height and width the model takes."""
    shape = [1, *model.input_shape]
    spatial = [1, 2] if model.input_shape[0] == 3 else [0, 1]
    for axis in spatial:
        shape[axis + 1] = max(1, shape[axis + 1] // 2)
    raw = np.zeros(shape, dtype="<f4").tobytes()
    body = binary_request([({"name": model.input_name, "datatype": "FP32", "shape": shape}, raw)], [])
    return BadRequest("/v2/models/[model]/infer (bad: tensor shape)", model.infer_path, body, frozenset({400}))


def bad_requests(jpeg: bytes, model: ModelInfo | None, rng: random.Random) -> list[BadRequest]:
    """Every kind of bad request; the tensor one only when the model is known."""
    requests = [random_bytes(rng), truncated_jpeg(jpeg), text_file(), text_body()]
    return [*requests, wrong_tensor_shape(model)] if model else requests
