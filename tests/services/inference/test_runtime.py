"""The ONNX classifier: lifecycle, load errors, the network call and the image pipeline."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from services.inference.errors import BadInput, ImageTooLarge, InvalidImage, ModelLoadError, ModelNotReady
from services.inference.pipeline import StageTimer
from services.inference.runtime import OnnxClassifier
from telemetry.stages import Stage
from tests.fixtures import TINY_LABELS, encode, solid, tiny_logits, tiny_logits_of_colour, write_tiny_classifier


def random_batch(n: int, shape=(3, 16, 16), seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, *shape)).astype(np.float32)


class TestLifecycle:
    def test_load_warmup_ready_unload(self, tiny_model_path: Path):
        model = OnnxClassifier(tiny_model_path)
        assert not model.ready
        with pytest.raises(ModelNotReady):
            _ = model.spec
        with pytest.raises(ModelNotReady):
            model.infer(random_batch(1))

        model.load()
        assert not model.ready  # loaded, not yet warmed up
        assert (model.name, model.version) == ("tiny", "1")
        assert model.spec.labels == tuple(TINY_LABELS)

        model.warmup(2)
        assert model.ready

        model.unload()
        assert not model.ready
        with pytest.raises(ModelNotReady):
            model.infer(random_batch(1))

    def test_warmup_runs_the_network(self, tiny_model_path: Path):
        model = OnnxClassifier(tiny_model_path)
        model.load()
        calls = []
        real_infer = model.infer
        model.infer = lambda batch: calls.append(batch.shape) or real_infer(batch)
        model.warmup(3)
        assert calls == [(1, 3, 16, 16)] * 3

    def test_no_warmup_runs_still_makes_the_model_ready(self, tiny_model_path: Path):
        model = OnnxClassifier(tiny_model_path)
        model.load()
        model.warmup(0)  # INFERLAB_WARMUP_RUNS=0 is a valid setting
        assert model.ready

    def test_nothing_is_loaded_by_the_constructor(self, tmp_path: Path):
        model = OnnxClassifier(tmp_path / "does-not-exist-yet.onnx")
        assert not model.ready


class TestLoadErrors:
    def test_labels_count_mismatch(self, tmp_path: Path):
        path = write_tiny_classifier(tmp_path, labels=["cat", "dog"])
        with pytest.raises(ModelLoadError, match="2 labels for 4 classes"):
            OnnxClassifier(path).load()

    @pytest.mark.parametrize("content", [b"this is not an ONNX model", b"", bytes(range(256)) * 4])
    def test_a_file_that_is_not_onnx(self, tmp_path: Path, content: bytes):
        path = tmp_path / "model.onnx"
        path.write_bytes(content)
        model = OnnxClassifier(path)
        with pytest.raises(ModelLoadError, match="cannot load model"):
            model.load()
        assert not model.ready

    def test_a_missing_file(self, tmp_path: Path):
        with pytest.raises(ModelLoadError):
            OnnxClassifier(tmp_path / "missing.onnx").load()

    def test_a_spec_that_does_not_fit_the_network(self, tmp_path: Path):
        path = write_tiny_classifier(tmp_path, preprocess={"size": 32})  # the network takes 16 x 16
        model = OnnxClassifier(path)
        with pytest.raises(ModelLoadError):
            model.load()
        with pytest.raises(ModelNotReady):
            model.infer(random_batch(1, (3, 32, 32)))

    def test_unknown_preprocessing_keys(self, tmp_path: Path):
        with pytest.raises(ModelLoadError, match="unknown preprocessing keys"):
            OnnxClassifier(write_tiny_classifier(tmp_path, preprocess={"sharpen": True})).load()

    def test_broken_sidecar(self, tmp_path: Path):
        path = write_tiny_classifier(tmp_path)
        path.with_suffix(".json").write_text("{not json")
        with pytest.raises(ModelLoadError):
            OnnxClassifier(path).load()

    def test_missing_labels_file(self, tmp_path: Path):
        path = write_tiny_classifier(tmp_path)
        path.with_suffix(".json").write_text('{"labels_file": "nowhere.txt"}')
        with pytest.raises(ModelLoadError, match=r"nowhere\.txt"):
            OnnxClassifier(path).load()


class TestInfer:
    def test_logits_match_the_reference(self, tiny_model: OnnxClassifier):
        batch = random_batch(3)
        logits = tiny_model.infer(batch)
        assert logits.shape == (3, 4) and logits.dtype == np.float32
        np.testing.assert_allclose(logits, tiny_logits(batch), rtol=1e-5, atol=1e-6)

    @pytest.mark.parametrize("shape", [(3, 16, 16), (1, 3, 16, 17), (1, 16, 16, 3), (1, 1, 3, 16, 16)])
    def test_wrong_shape_is_bad_input(self, tiny_model: OnnxClassifier, shape: tuple[int, ...]):
        with pytest.raises(BadInput, match=r"shape \[N, 3, 16, 16\]"):
            tiny_model.infer(np.zeros(shape, np.float32))

    @pytest.mark.parametrize("dtype", [np.float64, np.float16, np.uint8, np.int64])
    def test_wrong_dtype_is_bad_input(self, tiny_model: OnnxClassifier, dtype):
        with pytest.raises(BadInput, match="FP32") as caught:
            tiny_model.infer(np.zeros((1, 3, 16, 16), dtype))
        assert caught.value.status_code == 400

    def test_nhwc_model(self, tmp_path: Path):
        model = OnnxClassifier(write_tiny_classifier(tmp_path, layout="NHWC"))
        model.load()
        batch = random_batch(2, (16, 16, 3))
        np.testing.assert_allclose(model.infer(batch), tiny_logits(batch.transpose(0, 3, 1, 2)), rtol=1e-5, atol=1e-6)


class TestPipeline:
    def test_prepare_decodes_and_preprocesses(self, tiny_model: OnnxClassifier):
        prepared = tiny_model.prepare(encode(solid((255, 0, 0), (40, 30))))
        assert prepared.original_size == (40, 30)
        assert prepared.tensor.shape == (3, 16, 16) and prepared.tensor.dtype == np.float32
        np.testing.assert_allclose(prepared.tensor[:, 0, 0], [1.0, -1.0, -1.0])  # (x - 127.5) / 127.5
        assert set(prepared.timer.seconds) == {"decode", "preprocess"}

    def test_prepare_refuses_images_over_the_pixel_limit(self, tiny_model_path: Path):
        model = OnnxClassifier(tiny_model_path, max_image_pixels=100)
        model.load()
        with pytest.raises(ImageTooLarge, match="limit is 100") as caught:
            model.prepare(encode(solid((0, 0, 0), (11, 10))))
        assert caught.value.status_code == 413

    def test_prepare_refuses_broken_images(self, tiny_model: OnnxClassifier):
        with pytest.raises(InvalidImage):
            tiny_model.prepare(b"\xff\xd8\xff\xe0 not really a jpeg")

    def test_classify_runs_the_whole_pipeline_on_a_blue_image(self, tiny_model: OnnxClassifier):
        result = tiny_model.classify(encode(solid((0, 0, 255))), 2)
        expected = tiny_logits_of_colour((0, 0, 255))
        scores = result.predictions
        assert [s.label for s in scores] == [TINY_LABELS[i] for i in np.argsort(-expected)[:2]] == ["blue", "grey"]
        probabilities = np.exp(expected) / np.exp(expected).sum()
        assert scores[0].score == pytest.approx(probabilities[2], rel=1e-5) == result.confidence
        assert result.entropy == pytest.approx(-(probabilities * np.log(probabilities)).sum(), rel=1e-5)
        np.testing.assert_allclose(result.logits, expected, rtol=1e-5)
        assert list(result.timings) == [Stage.DECODE, Stage.PREPROCESS, Stage.INFERENCE, Stage.POSTPROCESS]
        assert (result.model, result.version, result.batch_size) == (tiny_model.name, tiny_model.version, 1)
        assert result.image.encoded_bytes > 0

    def test_a_batch_of_prepared_images_and_a_tensor_give_what_one_by_one_gives(self, tiny_model: OnnxClassifier):
        colours = [(255, 0, 0), (0, 0, 255)]
        singles = [tiny_model.classify(encode(solid(colour)), 1) for colour in colours]
        prepared = [tiny_model.prepare(encode(solid(colour))) for colour in colours]
        batch = tiny_model.classify_batch(prepared, 1)
        tensor = tiny_model.classify_tensor(np.stack([p.tensor for p in prepared]), 1)
        for results in (batch, tensor):
            assert [r.predictions[0].label for r in results] == [s.predictions[0].label for s in singles]
            assert [r.batch_size for r in results] == [2, 2]
            for result, single in zip(results, singles, strict=True):
                np.testing.assert_allclose(result.logits, single.logits, rtol=1e-5)
        assert batch[0].image is not None and tensor[0].image is None
        assert Stage.DECODE in batch[0].timings and Stage.DECODE not in tensor[0].timings


class TestStageTimer:
    def test_accumulates_per_stage_even_when_the_stage_fails(self):
        timer = StageTimer()
        assert timer.run("a", lambda x, y: x + y, 1, 2) == 3
        timer.run("b", sum, [1])
        first = timer.seconds["a"]
        timer.run("a", lambda: None)
        with pytest.raises(ZeroDivisionError):
            timer.run("c", lambda: 1 / 0)
        assert list(timer.seconds) == ["a", "b", "c"]
        assert timer.seconds["a"] > first > 0
