"""The metadata the export writes is the contract the service reads back; exporter debris is scrubbed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import onnx
import pytest
from onnx import helper

from services.export import metadata
from services.export.preprocess import SPEC, service_spec
from services.inference.runtime import OnnxClassifier
from tests.fixtures import TINY_LABELS, tiny_classifier_bytes


def described(**overrides: str) -> onnx.ModelProto:
    model = onnx.load_from_string(tiny_classifier_bytes(size=SPEC["size"]))
    values = {"name": "efficientnet-lite0", "version": "int8", "labels": TINY_LABELS, "source": "made in a test"}
    metadata.describe(model, **{**values, **overrides})
    return model


def test_the_service_loads_what_describe_writes(tmp_path: Path) -> None:
    path = tmp_path / "described.onnx"
    onnx.save(described(), path)
    model = OnnxClassifier(path)
    model.load()
    try:
        spec = model.spec
        assert (spec.name, spec.version, list(spec.labels), spec.source) == (
            "efficientnet-lite0", "int8", TINY_LABELS, "made in a test"
        )  # fmt: skip
        assert spec.preprocess == service_spec()
    finally:
        model.unload()


def test_describe_replaces_earlier_metadata_and_names_no_tool_version() -> None:
    model = onnx.load_from_string(tiny_classifier_bytes(size=SPEC["size"]))
    helper.set_model_props(model, {"stale": "yes"})
    metadata.describe(model, name="m", version="fp32", labels=["a"], source="s")
    props = {p.key: p.value for p in model.metadata_props}
    assert set(props) == {f"inferlab.{key}" for key in ("name", "version", "labels", "preprocess", "source")}
    assert json.loads(props["inferlab.preprocess"]) == SPEC
    assert (model.producer_name, model.producer_version) == (metadata.PRODUCER, "")
    assert "m (fp32)" in model.doc_string


def test_scrub_drops_debug_annotations_and_unused_opsets() -> None:
    model = described()
    node = model.graph.node[0]
    node.doc_string = 'File "/home/someone/export.py", line 1'
    node.metadata_props.add(key="pkg.torch.onnx.stack_trace", value="...")
    model.graph.doc_string = "graph notes"
    model.opset_import.append(helper.make_opsetid("ai.onnx.training", 1))
    metadata.scrub(model)
    assert all(not n.doc_string and not n.metadata_props for n in model.graph.node)
    assert model.graph.doc_string == ""
    assert [opset.domain for opset in model.opset_import] == [""]


@pytest.mark.parametrize("marker", [os.fsdecode(Path.home()), "/tmp/build", "site-packages"])
def test_a_local_path_left_in_the_model_is_refused(marker: str) -> None:
    model = described()
    metadata.check_no_local_paths(model)  # clean
    model.graph.node[0].doc_string = f"traced in {marker}/torch"
    with pytest.raises(AssertionError, match="local path marker"):
        metadata.check_no_local_paths(model)
