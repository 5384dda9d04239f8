from __future__ import annotations

import pytest

from services.registry.samples import LabelledPhoto
from services.registry.scoring import Scores, agreement, quantiles, top1_accuracy

PHOTOS = [
    LabelledPhoto("cat.jpg", b"", frozenset({"tabby", "tiger cat"})),
    LabelledPhoto("cup.png", b"", frozenset({"espresso"})),
]


def test_accuracy_accepts_any_of_a_photos_labels_and_counts_a_missing_answer_as_wrong() -> None:
    assert top1_accuracy({"cat.jpg": "tiger cat", "cup.png": "espresso"}, PHOTOS) == 1.0
    assert top1_accuracy({"cat.jpg": "lynx", "cup.png": "espresso"}, PHOTOS) == 0.5
    assert top1_accuracy({"cat.jpg": "tabby"}, PHOTOS) == 0.5


def test_agreement_is_over_the_reference_photos() -> None:
    reference = {"cat.jpg": "tabby", "cup.png": "espresso"}
    assert agreement({"cat.jpg": "tabby", "cup.png": "cup"}, reference) == 0.5
    assert agreement({"cat.jpg": "tabby"}, reference) == 0.5
    assert agreement(reference, reference) == 1.0


def test_quantiles_interpolate() -> None:
    assert quantiles([1.0, 2.0, 3.0, 4.0, 5.0], (0.5, 0.95)) == pytest.approx({0.5: 3.0, 0.95: 4.8})


def test_scores_report_agreement_only_when_there_was_a_champion() -> None:
    alone = Scores(accuracy=0.8, photos=5)
    assert alone.metrics() == {"top1_accuracy": 0.8, "labelled_photos": 5.0}
    assert alone.summary() == "top-1 accuracy 80% on 5 labelled photos"
    compared = Scores(accuracy=0.8, photos=5, agreement=0.6, champion_version="3")
    assert compared.metrics()["top1_agreement_with_champion"] == 0.6
    assert compared.summary().endswith("top-1 agreement 60% with champion v3")
