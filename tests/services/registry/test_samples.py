"""The labelled sample set: the shipped one is honest about its classes, a broken one is refused clearly."""

from __future__ import annotations

import json
from pathlib import Path

import onnxruntime as ort
import pytest

from services.registry.errors import RegistryError
from services.registry.samples import load_labelled
from tests.live import REPO

SHIPPED = REPO / "samples" / "labels.json"


def imagenet_labels() -> set[str]:
    session = ort.InferenceSession(str(REPO / "models/efficientnet-lite0.onnx"), providers=["CPUExecutionProvider"])
    return set(json.loads(session.get_modelmeta().custom_metadata_map["inferlab.labels"]))


def test_the_shipped_set_has_enough_photos_and_only_real_imagenet_classes() -> None:
    photos = load_labelled(SHIPPED)
    assert len(photos) >= 5
    assert {"cat.jpg", "espresso.png"} <= {photo.name for photo in photos}
    unknown = {label for photo in photos for label in photo.labels} - imagenet_labels()
    assert not unknown, f"not ImageNet class names (a typo?): {unknown}"


def test_photos_without_an_imagenet_class_stay_out() -> None:
    names = {photo.name for photo in load_labelled(SHIPPED)}
    assert not names & {"rocket.webp", "astronaut.jpg", "logo-transparent.png"}


def test_photos_are_read_from_the_labels_folder_and_comments_skipped(labels_file: Path) -> None:
    photos = {photo.name: photo for photo in load_labelled(labels_file)}
    assert "_doc" not in photos
    assert photos["red.png"].data == (labels_file.parent / "red.png").read_bytes()
    assert photos["white.png"].is_right("grey") and not photos["white.png"].is_right("red")


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"gone.png": ["red"]}, "is labelled but missing"),
        ({"here.png": []}, "no acceptable label"),
        ({"_doc": "only a comment"}, "labels no photo"),
    ],
)
def test_a_broken_set_is_refused_with_the_reason(tmp_path: Path, entries: dict, message: str) -> None:
    (tmp_path / "here.png").write_bytes(b"x")
    (tmp_path / "labels.json").write_text(json.dumps(entries))
    with pytest.raises(RegistryError, match=message):
        load_labelled(tmp_path / "labels.json")


def test_an_unreadable_set_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "labels.json").write_text("{not json")
    with pytest.raises(RegistryError, match=r"labels\.json"):
        load_labelled(tmp_path / "labels.json")
