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
# The tiny classifier's Gemm: 3 channel means in, 4 logits out.
TINY_WEIGHTS = np.array([[4.0, -2.0, -2.0, 0.0], [-2.0, 4.0, -2.0, 0.0], [-2.0, -2.0, 4.0, 0.0]], dtype=np.float32)
TINY_BIAS = np.array([0.0, 0.0, 0.0, 0.5], dtype=np.float32)


def tiny_classifier_bytes(
    *,
    size: int = TINY_SIZE,
    labels: list[str] | None = TINY_LABELS,
    name: str = "tiny",
    version: str = "1",
    input_name: str = "input",
    preprocess: dict | None = None,
    layout: str = "NCHW",
) -> bytes:
    """An ONNX classifier of a few hundred bytes: mean colour per channel -> 4 logits.

    Logits are per-channel means times a fixed matrix, so a red image ranks "red" first and a
    grey one ranks "grey" (the constant column) first; good enough to test the whole pipeline.
    An NHWC model ([N, size, size, 3]) transposes its input first; its metadata does not say the layout.
    """
    nodes = []
    nchw_input, input_shape = input_name, ["N", 3, size, size]
    if layout == "NHWC":
        nchw_input, input_shape = "nchw", ["N", size, size, 3]
        nodes.append(helper.make_node("Transpose", [input_name], [nchw_input], perm=[0, 3, 1, 2]))
    graph = helper.make_graph(
        [
            *nodes,
            helper.make_node("GlobalAveragePool", [nchw_input], ["pooled"]),
            helper.make_node("Flatten", ["pooled"], ["flat"]),
            helper.make_node("Gemm", ["flat", "weights", "bias"], ["logits"]),
        ],
        "tiny",
        [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, input_shape)],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 4])],
        initializer=[numpy_helper.from_array(TINY_WEIGHTS, "weights"), numpy_helper.from_array(TINY_BIAS, "bias")],
    )
    metadata = {"inferlab.name": name, "inferlab.version": version}
    if labels is not None:
        metadata["inferlab.labels"] = json.dumps(labels)
    spec = {"size": size, "crop_fraction": 1.0, "mean": [127.5] * 3, "std": [127.5] * 3, **(preprocess or {})}
    metadata["inferlab.preprocess"] = json.dumps(spec)
    return model_bytes(graph, metadata)


def model_bytes(graph: onnx.GraphProto, metadata: dict[str, str]) -> bytes:
    """A checked opset-17 model of `graph` with its `inferlab.*` metadata, serialized."""
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 9
    onnx.helper.set_model_props(model, metadata)
    onnx.checker.check_model(model)
    return model.SerializeToString()


def write_tiny_classifier(directory: Path, filename: str = "tiny.onnx", **kwargs) -> Path:
    path = directory / filename
    path.write_bytes(tiny_classifier_bytes(**kwargs))
    return path


SLOW_LABELS = ["a", "b", "c", "d"]
SLOW_SIZE = 224


def slow_classifier_bytes(*, layers: int = 4, channels: int = 64, name: str = "slow") -> bytes:
    """A classifier that takes a while (~0.25 s a call on one core), so that requests stay in flight long
    enough for shutdown and overload tests to catch them, with no sleep in the service.

    Conv(3→C) then `layers` Conv(C→C), each 3x3 at 224x224, pooled to 4 logits; weights from a fixed seed.
    """
    rng = np.random.default_rng(0)
    initializers, nodes, previous, width = [], [], "input", 3
    for layer in range(layers + 1):
        weights = (rng.standard_normal((channels, width, 3, 3)) * 0.1).astype(np.float32)
        initializers.append(numpy_helper.from_array(weights, f"w{layer}"))
        nodes += [
            helper.make_node("Conv", [previous, f"w{layer}"], [f"c{layer}"], pads=[1, 1, 1, 1]),
            helper.make_node("Relu", [f"c{layer}"], [f"r{layer}"]),
        ]
        previous, width = f"r{layer}", channels
    head = (rng.standard_normal((channels, len(SLOW_LABELS))) * 0.1).astype(np.float32)
    initializers.append(numpy_helper.from_array(head, "head"))
    nodes += [
        helper.make_node("GlobalAveragePool", [previous], ["pooled"]),
        helper.make_node("Flatten", ["pooled"], ["flat"]),
        helper.make_node("MatMul", ["flat", "head"], ["logits"]),
    ]
    graph = helper.make_graph(
        nodes,
        name,
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, SLOW_SIZE, SLOW_SIZE])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", len(SLOW_LABELS)])],
        initializer=initializers,
    )
    return model_bytes(
        graph, {"inferlab.name": name, "inferlab.version": "1", "inferlab.labels": json.dumps(SLOW_LABELS)}
    )


def write_slow_classifier(directory: Path, filename: str = "slow.onnx", **kwargs) -> Path:
    path = directory / filename
    path.write_bytes(slow_classifier_bytes(**kwargs))
    return path


def encode(image: Image.Image, fmt: str = "PNG", **params) -> bytes:
    buffer = BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def solid(colour: tuple[int, int, int], size: tuple[int, int] = (40, 30), mode: str = "RGB") -> Image.Image:
    return Image.new(mode, size, colour)


def solid_jpeg(colour: tuple[int, int, int], size: tuple[int, int] = (40, 30)) -> bytes:
    return encode(solid(colour, size), "JPEG", quality=95)


def tiny_logits(batch: np.ndarray) -> np.ndarray:
    """What the tiny classifier computes for an NCHW batch, in plain numpy: the reference for its outputs."""
    return batch.astype(np.float64).mean(axis=(2, 3)) @ TINY_WEIGHTS + TINY_BIAS


def tiny_logits_of_colour(colour: tuple[int, int, int]) -> np.ndarray:
    """The tiny classifier's logits for a solid-colour image under its default preprocessing ((x - 127.5) / 127.5)."""
    return (np.asarray(colour, dtype=np.float64) - 127.5) / 127.5 @ TINY_WEIGHTS + TINY_BIAS
