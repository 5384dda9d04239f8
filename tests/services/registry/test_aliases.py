"""`promote` and `status`: aliases move only to versions that exist, and the table shows where they point."""

from __future__ import annotations

import pytest
from mlflow import MlflowClient

from services.registry import store
from services.registry.aliases import promote, status
from services.registry.errors import RegistryError
from services.registry.register import register
from tests.services.registry.conftest import BGR_AGREEMENT, MODEL_NAME, TINY_ACCURACY


@pytest.fixture
def two_versions(client: MlflowClient, settings, tiny_models) -> MlflowClient:
    register(client, settings, tiny_models.rgb, alias="champion")
    register(client, settings, tiny_models.bgr, alias="challenger")
    return client


def test_promote_moves_the_alias_and_answers_where_it_was(two_versions: MlflowClient) -> None:
    assert promote(two_versions, MODEL_NAME, "2", "champion") == "1"
    assert store.aliases_of(two_versions, MODEL_NAME) == {"champion": "2", "challenger": "2"}
    assert two_versions.get_model_version_by_alias(MODEL_NAME, "champion").version in ("2", 2)


def test_a_first_promotion_had_no_previous_version(client: MlflowClient, settings, tiny_models) -> None:
    register(client, settings, tiny_models.rgb)
    assert promote(client, MODEL_NAME, "1", "challenger") is None


@pytest.mark.parametrize(("version", "alias", "message"), [("9", "champion", "no version 9"), ("1", "king", "king")])
def test_promote_refuses_unknown_versions_and_aliases(two_versions, version: str, alias: str, message: str) -> None:
    with pytest.raises(RegistryError, match=message):
        promote(two_versions, MODEL_NAME, version, alias)
    assert store.aliases_of(two_versions, MODEL_NAME) == {"champion": "1", "challenger": "2"}


def test_status_lists_versions_with_aliases_and_scores(two_versions: MlflowClient) -> None:
    first, second = status(two_versions, MODEL_NAME)
    assert (first.version, first.variant, first.aliases) == ("1", "rgb", ("champion",))
    assert (first.accuracy, first.agreement) == (TINY_ACCURACY, None)
    assert (second.version, second.variant, second.aliases) == ("2", "bgr", ("challenger",))
    assert second.agreement == pytest.approx(BGR_AGREEMENT)


def test_status_of_an_unregistered_model_is_empty(client: MlflowClient) -> None:
    assert status(client, MODEL_NAME) == []
