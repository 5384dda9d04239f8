"""Serving a registered model: the versions its aliases point at, kept in step by hot swaps.

The champion alias is the default model; the challenger, when set, is served beside it (for
shadow traffic and comparison). When an alias moves, the new version is downloaded, loaded and
warmed beside the old one, swapped in with one assignment, and the old one unloaded once no
request uses it. A version that fails to load is refused and remembered: the old one keeps
serving, the failure is logged and counted. When the registry does not answer, the loaded
versions keep serving and the watcher retries with a growing delay. Both waits, at start and
while watching, are tenacity's retry policies; their sleeps can be replaced (tests do).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_before_delay,
    wait_exponential,
)
from tenacity.wait import wait_base

from services.inference.errors import ModelLoadError
from services.inference.observer import Observer
from services.inference.repository import ModelRepository
from services.inference.runtime import Identity, OnnxClassifier
from services.inference.sources import ModelFiles, RegistrySource, RegistryUnavailable

log = logging.getLogger(__name__)
Build = Callable[[ModelFiles, Identity], OnnxClassifier]
# At start: 0.5 s, then twice as long each time, 5 s at most, until the wait is over.
START_WAIT = wait_exponential(multiplier=0.5, max=5.0)


class AliasNotSet(RegistryUnavailable):
    """The registry answers, but the alias points at no version (yet)."""


class RegistryModels:
    def __init__(
        self,
        source: RegistrySource,
        build: Build,
        *,
        challenger_alias: str | None = "challenger",
        poll_s: float = 10.0,
        backoff_max_s: float = 120.0,
        start_wait: wait_base = START_WAIT,
        sleep: Callable[[float], None] = time.sleep,
        async_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.source = source
        self._build = build
        self.aliases = [source.alias] + ([challenger_alias] if challenger_alias else [])
        self.poll_s = poll_s
        # While the registry does not answer: twice the poll interval, then twice as long each time, capped.
        self.backoff = wait_exponential(multiplier=2 * poll_s, max=backoff_max_s)
        self.start_wait = start_wait
        self._sleep = sleep
        self._async_sleep = async_sleep
        self.refused: set[tuple[str, str]] = set()

    def load_champion(self, wait_s: float) -> OnnxClassifier:
        """The primary alias's version, loaded; waits up to `wait_s` for the registry and the alias."""
        retrying = Retrying(
            retry=retry_if_exception_type(RegistryUnavailable),
            wait=self.start_wait,
            stop=stop_before_delay(wait_s),
            sleep=self._sleep,
            before_sleep=lambda state: log.info("waiting for %s: %s", self.source.uri, state.outcome.exception()),
            reraise=True,
        )
        try:
            return retrying(self._load_champion_now)
        except RegistryUnavailable as exc:
            raise ModelLoadError(f"cannot load {self.source.uri} from {self.source.tracking_uri}: {exc}") from exc

    def _load_champion_now(self) -> OnnxClassifier:
        version = self.source.current_version()
        if version is None:
            raise AliasNotSet(f"the alias {self.source.alias!r} of {self.source.name!r} is not set")
        return self._load(self.source.alias, version)

    def load_others(self, champion: OnnxClassifier) -> list[OnnxClassifier]:
        """The other aliases' versions, if set now; no waiting, and a failure only logs."""
        loaded = []
        for alias in self.aliases[1:]:
            try:
                version = self.source.with_alias(alias).current_version()
                if version is not None and version != champion.version:
                    loaded.append(self._load(alias, version))
            except (RegistryUnavailable, ModelLoadError) as exc:
                log.warning("not serving %s yet: %s", alias, exc)
        return loaded

    def _load(self, alias: str, version: str) -> OnnxClassifier:
        files = self.source.fetch(version)
        return self._build(files, Identity(self.source.name, version, alias))

    async def watch(self, repository: ModelRepository, observer: Observer) -> None:
        """Until cancelled: follow every alias each poll; back off while the registry does not answer."""

        def keep_serving(state: RetryCallState) -> None:
            observer.registry_error()
            log.warning(
                "%s; keeping the loaded versions, next try in %.0f s", state.outcome.exception(), state.upcoming_sleep
            )

        while True:
            await self._async_sleep(self.poll_s)
            retrying = AsyncRetrying(
                retry=retry_if_exception_type(RegistryUnavailable),
                wait=self.backoff,
                sleep=self._async_sleep,
                before_sleep=keep_serving,
            )
            await retrying(self.follow_all, repository, observer)

    async def follow_all(self, repository: ModelRepository, observer: Observer) -> None:
        for alias in self.aliases:
            await self.follow(alias, repository, observer)

    async def follow(self, alias: str, repository: ModelRepository, observer: Observer) -> None:
        """Make the served version of `alias` the one the registry names now."""
        version = await asyncio.to_thread(self.source.with_alias(alias).current_version)
        served = repository.by_alias(alias)
        champion = repository.by_alias(self.source.alias)
        if alias != self.source.alias and champion is not None and version == champion.version:
            version = None  # a challenger equal to the champion has nothing to compare
        if version == (served.version if served else None) or (alias, str(version)) in self.refused:
            return
        if version is None:
            if alias != self.source.alias and served is not None:  # the champion is never dropped
                repository.remove(served)
                await self._retire(served, repository)
            return
        try:
            new = await asyncio.to_thread(self._load, alias, version)
        except (ModelLoadError, RegistryUnavailable) as exc:
            self.refused.add((alias, version))
            observer.swapped(alias, "failed")
            log.error(
                "refused %s version %s for %s, still serving %s: %s",
                self.source.name,
                version,
                alias,
                served.version if served else "nothing",
                exc,
            )
            return
        if served is None:
            repository.add(new)
        else:
            repository.replace(served, new)
            await self._retire(served, repository)
        observer.swapped(alias, "success")
        log.info("%s now serves %s version %s", alias, self.source.name, version)

    @staticmethod
    async def _retire(model: OnnxClassifier, repository: ModelRepository) -> None:
        if not await repository.drained(model, timeout_s=30.0):
            log.warning("unloading %s version %s with requests still on it", model.name, model.version)
        model.unload()
