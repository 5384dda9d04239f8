"""Fake models and images for the tests: tiny ONNX classifiers built in memory, photos made with Pillow."""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from PIL import Image

TINY_LABELS = ["red", "green", "blue", "grey"]
TINY_SIZE = 16


def tiny_classifier_bytes(
    *,
    size: int = TINY_SIZE,
    labels: list[str] | None = TINY_LABELS,
    name: str = "tiny",
    version: str = "1",
    input_name: str = "input",
    preprocess: dict | None = None,
) -> bytes:
    """An ONNX classifier of a few hundred bytes: mean colour per channel -> 4 logits.

    Logits are per-channel means times a fixed matrix, so a red image ranks "red" first and a
    grey one ranks "grey" (the constant column) first; good enough to test the whole pipeline.
    """
    weights = np.array(
        [[4.0, -2.0, -2.0, 0.0], [-2.0, 4.0, -2.0, 0.0], [-2.0, -2.0, 4.0, 0.0]], dtype=np.float32
    )
    bias = np.array([0.0, 0.0, 0.0, 0.5], dtype=np.float32)
    graph = helper.make_graph(
        [
            helper.make_node("GlobalAveragePool", [input_name], ["pooled"]),
            helper.make_node("Flatten", ["pooled"], ["flat"]),
            helper.make_node("Gemm", ["flat", "weights", "bias"], ["logits"]),
        ],
        "tiny",
        [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, ["N", 3, size, size])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 4])],
        initializer=[numpy_helper.from_array(weights, "weights"), numpy_helper.from_array(bias, "bias")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 9
    metadata = {"inferlab.name": name, "inferlab.version": version}
    if labels is not None:
        metadata["inferlab.labels"] = json.dumps(labels)
    spec = {"size": size, "crop_fraction": 1.0, "mean": [127.5] * 3, "std": [127.5] * 3, **(preprocess or {})}
    metadata["inferlab.preprocess"] = json.dumps(spec)
    onnx.helper.set_model_props(model, metadata)
    onnx.checker.check_model(model)
    return model.SerializeToString()


def write_tiny_classifier(directory: Path, filename: str = "tiny.onnx", **kwargs) -> Path:
    path = directory / filename
    path.write_bytes(tiny_classifier_bytes(**kwargs))
    return path


def encode(image: Image.Image, fmt: str = "PNG", **params) -> bytes:
    buffer = BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def solid(colour: tuple[int, int, int], size: tuple[int, int] = (40, 30), mode: str = "RGB") -> Image.Image:
    return Image.new(mode, size, colour)


def solid_jpeg(colour: tuple[int, int, int], size: tuple[int, int] = (40, 30)) -> bytes:
    return encode(solid(colour, size), "JPEG", quality=95)
