"""Model-level metadata (the service's contract) and scrubbing of exporter debris."""

import json
import os
import sys
from pathlib import Path

import onnx

from .preprocess import SPEC

PRODUCER = "inferlab"


def describe(model: onnx.ModelProto, *, name: str, version: str, labels: list[str], source: str) -> None:
    """Set the `inferlab.*` metadata_props plus doc_string and producer."""
    props = {
        "inferlab.name": name,
        "inferlab.version": version,
        "inferlab.labels": json.dumps(labels),
        "inferlab.preprocess": json.dumps(SPEC),
        "inferlab.source": source,
    }
    del model.metadata_props[:]
    for key, value in props.items():
        model.metadata_props.add(key=key, value=value)
    model.doc_string = _doc_string(name, version)
    model.producer_name = PRODUCER
    # No claim about which tool version produced it: the exporter's version
    # next to our producer name would mislead.
    model.producer_version = ""


def scrub(model: onnx.ModelProto) -> None:
    """Drop per-node/per-value debug annotations and unused opset imports.

    The torch exporter records FX stack traces (with absolute file paths of
    the exporting machine) and rewrite-rule names on every node; none of it
    is needed at inference time.
    """
    graph = model.graph
    del graph.metadata_props[:]
    graph.doc_string = ""
    for node in graph.node:
        del node.metadata_props[:]
        node.doc_string = ""
    for value in [*graph.input, *graph.output, *graph.value_info]:
        del value.metadata_props[:]
        value.doc_string = ""
    for tensor in graph.initializer:
        del tensor.metadata_props[:]
        tensor.doc_string = ""
    _drop_unused_opsets(model)


def _drop_unused_opsets(model: onnx.ModelProto) -> None:
    # onnxruntime's optimizer (quant_pre_process) declares every domain it
    # knows, training ones included; a reader should see only what is used.
    used = {node.domain for node in model.graph.node} | {""}
    kept = [opset for opset in model.opset_import if opset.domain in used]
    del model.opset_import[:]
    model.opset_import.extend(kept)


def check_no_local_paths(model: onnx.ModelProto) -> None:
    blob = model.SerializeToString()
    local = (os.fsencode(Path.cwd()), os.fsencode(sys.prefix), os.fsencode(Path.home()))
    for marker in (*local, b"site-packages", b'File "/', b"/tmp/"):
        if marker in blob:
            raise AssertionError(f"model still contains a local path marker {marker!r}")


def _doc_string(name: str, version: str) -> str:
    return (
        f"{name} ({version}) ImageNet-1k classifier. Input 'input': float32 "
        "[N,3,224,224] RGB, (pixel - 127) / 128 after a 0.875 centre crop and "
        "bicubic resize (see inferlab.preprocess). Output 'logits': [N,1000], "
        "class names in inferlab.labels."
    )
