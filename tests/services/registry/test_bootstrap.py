"""`bootstrap`: two versions on an empty registry, nothing ever after."""

from __future__ import annotations

from mlflow import MlflowClient

from services.registry import store
from services.registry.bootstrap import bootstrap
from services.registry.register import register
from tests.services.registry.conftest import MODEL_NAME


def test_an_empty_registry_gets_champion_v1_and_challenger_v2(client: MlflowClient, settings) -> None:
    registered = bootstrap(client, settings)
    assert [(r.version, r.variant) for r in registered] == [("1", "rgb"), ("2", "bgr")]
    assert store.aliases_of(client, MODEL_NAME) == {"champion": "1", "challenger": "2"}


def test_the_second_time_does_nothing(client: MlflowClient, settings) -> None:
    bootstrap(client, settings)
    assert bootstrap(client, settings) == []
    assert len(store.versions_of(client, MODEL_NAME)) == 2


def test_a_registry_set_up_by_hand_is_left_alone(client: MlflowClient, settings, tiny_models) -> None:
    register(client, settings, tiny_models.bgr)
    assert bootstrap(client, settings) == []
    assert store.aliases_of(client, MODEL_NAME) == {}
