"""RegistryModels.follow with a fake registry: swaps, refusals, challenger rules, waiting at start."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from tenacity import wait_none

from services.inference.errors import ModelLoadError
from services.inference.registry_models import RegistryModels
from services.inference.repository import ModelRepository
from services.inference.runtime import Identity
from services.inference.sources import ModelFiles, RegistryUnavailable


@dataclass
class FakeSource:
    """A registry of aliases -> versions; `down` makes every question fail."""

    aliases: dict[str, str]
    name: str = "m"
    alias: str = "champion"
    tracking_uri: str = "fake://registry"
    down: bool = False

    @property
    def uri(self) -> str:
        return f"models:/{self.name}@{self.alias}"

    def with_alias(self, alias: str) -> FakeSource:
        view = FakeSource(self.aliases, self.name, alias, self.tracking_uri, self.down)
        return view

    def current_version(self) -> str | None:
        if self.down:
            raise RegistryUnavailable("registry down")
        return self.aliases.get(self.alias)

    def fetch(self, version: str) -> ModelFiles:
        return ModelFiles(Path(f"v{version}.onnx"), version)


@dataclass(eq=False)  # a model is itself, as the repository's leases count it
class FakeModel:
    name: str
    version: str
    alias: str | None
    ready: bool = True
    unloaded: bool = False

    def unload(self) -> None:
        self.unloaded = True


@dataclass
class Recorder:
    swaps: list[tuple[str, str]] = field(default_factory=list)
    registry_errors: int = 0

    def swapped(self, alias: str, outcome: str) -> None:
        self.swaps.append((alias, outcome))

    def registry_error(self) -> None:
        self.registry_errors += 1


def build(files: ModelFiles, identity: Identity) -> FakeModel:
    if files.version == "broken":
        raise ModelLoadError("not an ONNX model")
    return FakeModel(identity.name, identity.version, identity.alias)


def follow_all(registry: RegistryModels, repository, observer) -> None:
    async def run() -> None:
        for alias in registry.aliases:
            await registry.follow(alias, repository, observer)

    asyncio.run(run())


@pytest.fixture
def setup():
    source = FakeSource({"champion": "1"})
    registry = RegistryModels(source, build, poll_s=0.01)
    champion = registry.load_champion(wait_s=0)
    repository = ModelRepository([champion])
    return source, registry, repository, Recorder()


def test_champion_loads_with_the_registry_identity(setup):
    _, _, repository, _ = setup
    assert (repository.default.name, repository.default.version, repository.default.alias) == ("m", "1", "champion")


def test_a_moved_alias_swaps_and_unloads_the_old_version(setup):
    source, registry, repository, observer = setup
    old = repository.default
    source.aliases["champion"] = "2"
    follow_all(registry, repository, observer)
    assert repository.default.version == "2" and old.unloaded
    assert observer.swaps == [("champion", "success")]


def test_a_broken_version_is_refused_once_and_the_old_keeps_serving(setup):
    source, registry, repository, observer = setup
    source.aliases["champion"] = "broken"
    follow_all(registry, repository, observer)
    follow_all(registry, repository, observer)
    assert repository.default.version == "1" and not repository.default.unloaded
    assert observer.swaps == [("champion", "failed")]


def test_challenger_comes_and_goes_but_never_equals_the_champion(setup):
    source, registry, repository, observer = setup
    source.aliases["challenger"] = "2"
    follow_all(registry, repository, observer)
    assert repository.by_alias("challenger").version == "2"
    source.aliases["challenger"] = "1"  # same as the champion: nothing to compare
    follow_all(registry, repository, observer)
    assert repository.by_alias("challenger") is None


def test_the_champion_is_never_dropped_when_its_alias_disappears(setup):
    source, registry, repository, observer = setup
    del source.aliases["champion"]
    follow_all(registry, repository, observer)
    assert repository.default.version == "1" and not repository.default.unloaded


def test_an_unreachable_registry_at_start_names_the_uri():
    registry = RegistryModels(FakeSource({}, down=True), build)
    with pytest.raises(ModelLoadError, match=r"models:/m@champion from fake://registry: registry down"):
        registry.load_champion(wait_s=0)


def test_at_start_it_waits_longer_each_time_for_the_registry_and_the_alias(caplog) -> None:
    source = FakeSource({}, down=True)
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 3:
            source.down = False  # the registry answers, the alias is not set yet
        if len(slept) == 6:
            source.aliases["champion"] = "4"

    registry = RegistryModels(source, build, sleep=sleep)
    with caplog.at_level(logging.INFO, "services.inference.registry_models"):
        champion = registry.load_champion(wait_s=3600)
    assert (champion.version, slept) == ("4", [0.5, 1.0, 2.0, 4.0, 5.0, 5.0])
    waits = [r.getMessage() for r in caplog.records]
    assert waits[0] == "waiting for models:/m@champion: registry down"
    assert waits[-1] == "waiting for models:/m@champion: the alias 'champion' of 'm' is not set"


def test_a_failed_download_at_start_is_waited_for_too() -> None:
    source = FakeSource({"champion": "1"})
    failures = iter([RegistryUnavailable("download cut")])

    def fetch(version: str) -> ModelFiles:
        for failure in failures:
            raise failure
        return ModelFiles(Path(f"v{version}.onnx"), version)

    source.fetch = fetch
    registry = RegistryModels(source, build, start_wait=wait_none(), sleep=lambda seconds: None)
    assert registry.load_champion(wait_s=3600).version == "1"


class Stop(Exception):
    """Ends a watch loop in a test, where the service would cancel its task."""


def test_watch_keeps_serving_and_backs_off_while_the_registry_is_down(setup, caplog) -> None:
    source, _, repository, observer = setup
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        source.down = 2 <= len(slept) <= 5  # down for the polls after the first, up again after four tries
        if len(slept) == 8:
            raise Stop

    registry = RegistryModels(source, build, poll_s=1.0, backoff_max_s=5.0, async_sleep=sleep)
    with caplog.at_level(logging.WARNING, "services.inference.registry_models"), pytest.raises(Stop):
        asyncio.run(registry.watch(repository, observer))
    # poll, poll (down), then 2 x, 4 x the poll capped at 5 s, until it answers; then the poll again
    assert slept == [1.0, 1.0, 2.0, 4.0, 5.0, 5.0, 1.0, 1.0]
    assert observer.registry_errors == 4
    assert caplog.records[0].getMessage() == "registry down; keeping the loaded versions, next try in 2 s"
    assert repository.default.version == "1" and not repository.default.unloaded


def test_watch_follows_a_moved_alias_at_the_next_poll(setup) -> None:
    source, _, repository, observer = setup

    async def sleep(seconds: float) -> None:
        if repository.default.version == "2":
            raise Stop
        source.aliases["champion"] = "2"

    registry = RegistryModels(source, build, async_sleep=sleep)
    with pytest.raises(Stop):
        asyncio.run(registry.watch(repository, observer))
    assert observer.swaps == [("champion", "success")]
