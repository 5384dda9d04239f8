"""An ONNX file's facts: checksum, spec as the service reads it, MLflow signature, parameters."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from services.registry.errors import RegistryError
from services.registry.evaluation import loaded
from services.registry.modelfile import ModelFile, describe, tensor_spec
from tests.fixtures import TINY_LABELS, write_tiny_classifier


def described(path: Path) -> ModelFile:
    with loaded(path) as classifier:
        return describe(path, classifier.spec)


def test_the_facts_come_from_the_file(tiny_models) -> None:
    model = described(tiny_models.rgb)
    data = tiny_models.rgb.read_bytes()
    assert model.sha256 == hashlib.sha256(data).hexdigest()
    assert model.size_bytes == len(data)
    assert (model.variant, model.quantization) == ("rgb", "rgb")
    assert model.sidecar() is None


def test_fp32_is_not_quantized(tmp_path: Path) -> None:
    assert described(write_tiny_classifier(tmp_path, version="fp32")).quantization == "none"


def test_the_signature_is_tensors_with_dynamic_batch(tiny_models) -> None:
    signature = described(tiny_models.rgb).signature
    [inputs], [outputs] = signature.inputs.inputs, signature.outputs.inputs
    assert (inputs.name, inputs.type, inputs.shape) == ("input", np.dtype("float32"), (-1, 3, 16, 16))
    assert (outputs.name, outputs.type, outputs.shape) == ("logits", np.dtype("float32"), (-1, 4))


def test_params_carry_the_preprocessing_the_service_applies(tiny_models) -> None:
    params = described(tiny_models.bgr).params()
    assert params["preprocess.channel_order"] == "BGR"
    assert params["preprocess.mean"] == "[127.5, 127.5, 127.5]"
    assert params["classes"] == "4"
    assert params["sha256"] == hashlib.sha256(tiny_models.bgr.read_bytes()).hexdigest()
    assert all(isinstance(value, str) for value in params.values())


def test_a_sidecar_comes_with_its_labels_inlined(tmp_path: Path) -> None:
    path = write_tiny_classifier(tmp_path, labels=None)
    (tmp_path / "names.txt").write_text("\n".join(TINY_LABELS))
    (tmp_path / "tiny.json").write_text(json.dumps({"labels_file": "names.txt"}))
    assert described(path).sidecar() == {"labels": TINY_LABELS}


def test_a_tensor_type_it_cannot_describe_is_refused() -> None:
    with pytest.raises(RegistryError, match=r"tensor\(string\)"):
        tensor_spec("text", [1], "tensor(string)")
