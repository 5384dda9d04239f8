"""Scoring in-process through the service's runtime, and refusing files the service would refuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.registry import evaluation
from services.registry.errors import RegistryError
from services.registry.samples import load_labelled


def test_each_photo_gets_its_top5_through_the_service_pipeline(tiny_models, labels_file: Path) -> None:
    photos = load_labelled(labels_file)
    with evaluation.loaded(tiny_models.rgb) as classifier:
        predictions = evaluation.predict(classifier, photos)
    assert evaluation.answers(predictions) == {
        "red.png": "red",
        "green.png": "green",
        "blue.png": "blue",
        "white.png": "grey",
        "black.png": "grey",
    }
    assert all(len(p.top) == 4 for p in predictions)  # top-5 of a 4-class model
    assert predictions[0].score == predictions[0].top[0].score > 0.5


def test_the_classifier_is_unloaded_afterwards(tiny_models) -> None:
    with evaluation.loaded(tiny_models.rgb) as classifier:
        pass
    assert not classifier.ready and classifier._session is None


@pytest.mark.parametrize("content", [None, b"not an onnx file"])
def test_a_file_the_service_could_not_load_is_refused(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "broken.onnx"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(RegistryError, match=r"broken\.onnx"), evaluation.loaded(path):
        pass
