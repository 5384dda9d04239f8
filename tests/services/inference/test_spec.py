"""What a model says about itself: metadata keys, the sidecar config, and the defaults."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.inference.runtime import OnnxClassifier
from services.inference.spec import (
    IMAGENET_MEAN,
    IMAGENET_STD,
    PreprocessSpec,
    build_spec,
    metadata_config,
    preprocess_spec,
    sidecar_path,
)
from tests.fixtures import write_tiny_classifier

NCHW_INPUT = [("images", ["N", 3, 224, 224])]
OUTPUT = [("scores", ["N", 5])]


def metadata(**entries: object) -> dict[str, str]:
    """ONNX custom metadata as `services.export` writes it: `inferlab.*` keys, JSON for lists and dicts."""
    return {f"inferlab.{k}": v if isinstance(v, str) else json.dumps(v) for k, v in entries.items()}


def spec_of(tmp_path: Path, custom_metadata: dict[str, str], inputs=NCHW_INPUT, outputs=OUTPUT, sidecar=None):
    model_path = tmp_path / "net.onnx"
    if sidecar is not None:
        sidecar_path(model_path).write_text(json.dumps(sidecar))
    return build_spec(model_path, custom_metadata, inputs, outputs)


class TestMetadata:
    def test_keys_are_read(self, tmp_path: Path):
        spec = spec_of(
            tmp_path,
            metadata(
                name="flowers",
                version="3",
                labels=["a", "b", "c", "d", "e"],
                source="https://example.org/flowers",
                preprocess={"size": [200, 300], "crop_fraction": 0.9, "mean": [1, 2, 3], "std": [4, 5, 6]},
            ),
        )
        assert (spec.name, spec.version, spec.source) == ("flowers", "3", "https://example.org/flowers")
        assert spec.labels == ("a", "b", "c", "d", "e")
        assert (spec.input_name, spec.output_name) == ("images", "scores")
        pre = spec.preprocess
        assert (pre.height, pre.width, pre.crop_fraction) == (200, 300, 0.9)
        assert pre.mean == (1.0, 2.0, 3.0) and pre.std == (4.0, 5.0, 6.0)
        assert pre.layout == "NCHW"

    def test_other_keys_are_ignored(self):
        assert metadata_config({"producer": "torch", "inferlab.name": "x"}) == {"name": "x"}

    def test_input_and_output_can_be_named(self, tmp_path: Path):
        inputs = [("mask", ["N", 1]), ("pixels", ["N", 3, 64, 64])]
        outputs = [("features", ["N", 128]), ("logits", ["N", 3])]
        spec = spec_of(tmp_path, metadata(input="pixels", output="logits"), inputs, outputs)
        assert (spec.input_name, spec.output_name) == ("pixels", "logits")
        assert spec.labels == ("class_0", "class_1", "class_2")
        assert (spec.preprocess.height, spec.preprocess.width) == (64, 64)

    def test_unknown_input_name_is_refused(self, tmp_path: Path):
        with pytest.raises(ValueError, match="no input named 'pixels'"):
            spec_of(tmp_path, metadata(input="pixels"))


class TestSidecar:
    def test_sidecar_wins_over_metadata(self, tmp_path: Path):
        spec = spec_of(
            tmp_path,
            metadata(name="from-metadata", version="1", labels=list("abcde")),
            sidecar={"name": "from-sidecar", "labels": list("vwxyz"), "preprocess": {"size": 128}},
        )
        assert spec.name == "from-sidecar"
        assert spec.labels == tuple("vwxyz")
        assert spec.version == "1"  # not in the sidecar: the metadata's
        assert spec.preprocess.height == 128

    def test_labels_file_is_read_next_to_the_sidecar(self, tmp_path: Path):
        (tmp_path / "classes.txt").write_text("tulip\n\n rose \ndaisy\nlily\niris\n")
        spec = spec_of(tmp_path, {}, sidecar={"labels_file": "classes.txt"})
        assert spec.labels == ("tulip", "rose", "daisy", "lily", "iris")

    def test_sidecar_sits_next_to_the_model(self):
        assert sidecar_path(Path("models/resnet50.onnx")) == Path("models/resnet50.json")

    def test_sidecar_of_a_real_model_file(self, tmp_path: Path):
        path = write_tiny_classifier(tmp_path)
        sidecar_path(path).write_text(json.dumps({"name": "renamed", "labels": ["r", "g", "b", "k"]}))
        model = OnnxClassifier(path)
        model.load()
        assert model.name == "renamed"
        assert model.spec.labels == ("r", "g", "b", "k")
        assert model.spec.preprocess.height == 16  # the metadata's preprocessing still applies


class TestDefaults:
    def test_a_model_without_metadata(self, tmp_path: Path):
        spec = spec_of(tmp_path, {})
        assert (spec.name, spec.version, spec.source) == ("net", "1", "")
        assert spec.labels == tuple(f"class_{i}" for i in range(5))
        pre = spec.preprocess
        assert pre.mean == IMAGENET_MEAN == (123.675, 116.28, 103.53)
        assert pre.std == IMAGENET_STD == (58.395, 57.12, 57.375)
        assert (pre.height, pre.width, pre.layout, pre.crop_fraction) == (224, 224, "NCHW", 0.875)
        assert (pre.interpolation, pre.channel_order) == ("bilinear", "RGB")

    def test_layout_and_size_are_guessed_from_an_nhwc_input(self, tmp_path: Path):
        spec = spec_of(tmp_path, {}, inputs=[("x", [1, 320, 240, 3])])
        assert (spec.preprocess.layout, spec.preprocess.height, spec.preprocess.width) == ("NHWC", 320, 240)
        assert spec.preprocess.input_shape == (320, 240, 3)

    def test_symbolic_sizes_keep_the_default_size(self, tmp_path: Path):
        spec = spec_of(tmp_path, {}, inputs=[("x", ["N", "H", "W", 3])])
        assert (spec.preprocess.layout, spec.preprocess.height) == ("NHWC", 224)

    def test_an_nhwc_model_file_loads_with_the_guessed_layout(self, tmp_path: Path):
        model = OnnxClassifier(write_tiny_classifier(tmp_path, layout="NHWC"))
        model.load()
        assert model.spec.preprocess.layout == "NHWC"
        assert model.spec.preprocess.input_shape == (16, 16, 3)

    def test_unknown_class_count_gives_no_labels(self, tmp_path: Path):
        assert spec_of(tmp_path, {}, outputs=[("y", ["N", "C"])]).labels == ()

    def test_a_model_file_without_labels_gets_numbered_ones(self, tmp_path: Path):
        model = OnnxClassifier(write_tiny_classifier(tmp_path, labels=None))
        model.load()
        assert model.spec.labels == ("class_0", "class_1", "class_2", "class_3")


class TestPreprocessSpec:
    def test_unknown_preprocessing_keys_are_rejected(self):
        with pytest.raises(ValueError, match=r"unknown preprocessing keys: \['gamma', 'resize'\]"):
            preprocess_spec({"resize": 256, "gamma": 2.2}, ["N", 3, 224, 224])

    def test_size_as_a_pair(self):
        spec = preprocess_spec({"size": [100, 50]}, ["N", 3, 224, 224])
        assert (spec.height, spec.width) == (100, 50)
        assert spec.input_shape == (3, 100, 50)

    def test_config_wins_over_the_shape(self):
        assert preprocess_spec({"layout": "NCHW"}, ["N", 3, 9, 3]).layout == "NCHW"

    @pytest.mark.parametrize(
        "bad",
        [
            {"layout": "CHW"},
            {"channel_order": "RGBA"},
            {"crop_fraction": 0},
            {"crop_fraction": 1.5},
            {"interpolation": "area"},
        ],
    )
    def test_bad_values_are_rejected(self, bad: dict):
        with pytest.raises(ValueError):
            PreprocessSpec(**bad)

    def test_bad_sidecar_values_fail_the_load(self, tmp_path: Path):
        with pytest.raises(ValueError, match="interpolation"):
            spec_of(tmp_path, {}, sidecar={"preprocess": {"interpolation": "area"}})
