"""The models of a process, by name and version; the first is the default."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from services.inference.errors import ModelNotFound
from services.inference.repository import ModelRepository


@dataclass(eq=False)
class FakeModel:
    name: str
    version: str
    ready: bool = True

    def unload(self) -> None:
        self.ready = False


@pytest.fixture
def repository() -> ModelRepository:
    return ModelRepository([FakeModel("tiny", "1"), FakeModel("tiny", "2"), FakeModel("other", "7")])


def test_the_first_model_is_the_default(repository: ModelRepository):
    assert (repository.default.name, repository.default.version) == ("tiny", "1")
    assert repository.get() is repository.default


def test_get_by_name_and_version(repository: ModelRepository):
    assert repository.get("tiny").version == "1"
    assert repository.get("tiny", "2").version == "2"
    assert repository.get("other").version == "7"


@pytest.mark.parametrize(("name", "version"), [("resnet", None), ("tiny", "3"), ("other", "1")])
def test_unknown_models_name_what_is_served(repository: ModelRepository, name: str, version: str | None):
    with pytest.raises(ModelNotFound, match="other/7, tiny/1, tiny/2") as caught:
        repository.get(name, version)
    assert caught.value.status_code == 404


def test_a_name_and_version_are_served_once(repository: ModelRepository):
    with pytest.raises(ValueError, match="already served"):
        repository.add(FakeModel("tiny", "2"))
    repository.add(FakeModel("tiny", "3"))
    assert len(repository) == 4


def test_ready_only_when_every_model_is(repository: ModelRepository):
    assert repository.ready
    repository.get("other").ready = False
    assert not repository.ready


def test_empty_repository():
    repository = ModelRepository()
    assert not repository.ready
    with pytest.raises(ModelNotFound):
        repository.get()


def test_unload_all(repository: ModelRepository):
    repository.unload_all()
    assert not any(model.ready for model in repository)
