"""A classifier that takes a while (~0.25 s a call on one core): convolutions at 224 px, so that requests
stay in flight long enough for shutdown and overload tests to catch them, with no sleep in the service."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SLOW_LABELS = ["a", "b", "c", "d"]
SLOW_SIZE = 224


def slow_classifier_bytes(*, layers: int = 4, channels: int = 64, name: str = "slow") -> bytes:
    """Conv(3→C) then `layers` Conv(C→C), each 3x3 at 224x224, pooled to 4 logits; weights from a fixed seed."""
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
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 9
    metadata = {"inferlab.name": name, "inferlab.version": "1", "inferlab.labels": json.dumps(SLOW_LABELS)}
    onnx.helper.set_model_props(model, metadata)
    onnx.checker.check_model(model)
    return model.SerializeToString()


def write_slow_classifier(directory: Path, filename: str = "slow.onnx", **kwargs) -> Path:
    path = directory / filename
    path.write_bytes(slow_classifier_bytes(**kwargs))
    return path
