"""The model card: generated from the file's facts and the scores, checked for what a reader relies on."""

from __future__ import annotations

from services.registry.card import model_card
from services.registry.evaluation import loaded
from services.registry.modelfile import describe
from services.registry.scoring import Scores


def test_the_card_states_the_facts_and_the_scores(tiny_models) -> None:
    with loaded(tiny_models.bgr) as classifier:
        model = describe(tiny_models.bgr, classifier.spec)
    scores = Scores(accuracy=0.4, photos=5, agreement=0.6, champion_version="1")
    card = model_card(model, "tiny", "2", scores, "| the table |\n")
    assert card.startswith("# tiny, version 2 (bgr)")
    assert model.sha256 in card and "BGR" in card
    assert "`input` float32 [-1, 3, 16, 16]" in card
    assert "40% of 5 photos" in card and "champion (version 1): 60%" in card
    assert "| the table |" in card


def test_a_card_without_champion_says_so(tiny_models) -> None:
    with loaded(tiny_models.rgb) as classifier:
        model = describe(tiny_models.rgb, classifier.spec)
    card = model_card(model, "tiny", "1", Scores(accuracy=0.8, photos=5), "")
    assert "No champion when this was registered" in card
