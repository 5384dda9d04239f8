"""The inference service as one object: what a process runs, started and closed in one place.

`start()` loads and warms every model (waiting for the registry if it must), builds the workers, the
shadow and the data plane, starts the registry watchers and the prediction log's writers; `close()`
undoes it in reverse. The app
factory hands `running` to Litestar as its lifespan, and the routes the data plane.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from prometheus_client import CollectorRegistry

from services.inference.dataplane import BatchingConfig, DataPlane
from services.inference.errors import InferlabError, ModelLoadError, ModelNotReady
from services.inference.metrics import ServiceMetrics
from services.inference.observer import NullObserver, Observer, Observers
from services.inference.prediction_log import ShadowRecorder
from services.inference.registry_models import RegistryModels
from services.inference.repository import ModelRepository
from services.inference.runtime import Identity, OnnxClassifier
from services.inference.scheduler import Scheduler
from services.inference.settings import ServiceSettings
from services.inference.shadow import Shadow
from services.inference.sources import ModelFiles, RegistrySource, is_registry_uri
from services.inference.version import server_version
from services.predictions.log import PredictionLog
from services.predictions.metrics import PredictionLogMetrics
from services.predictions.settings import PredictionLogSettings
from telemetry.provider import create_meter_provider
from telemetry.sampling import DetailSampler

log = logging.getLogger(__name__)


def model_builder(settings: ServiceSettings) -> Callable[[ModelFiles, Identity], OnnxClassifier]:
    def build(files: ModelFiles, identity: Identity) -> OnnxClassifier:
        model = OnnxClassifier(
            files.path,
            intra_op_threads=settings.intra_op_threads,
            max_image_pixels=settings.max_image_pixels,
            decode_side_factor=settings.decode_side_factor,
            decode_floor_side=settings.decode_floor_side,
            request_decode_images=settings.request_decode_images,
            identity=identity,
        )
        model.load()
        model.warmup(settings.warmup_runs)
        return model

    return build


def load_models(settings: ServiceSettings) -> tuple[ModelRepository, list[RegistryModels]]:
    """Load and warm every configured model; the service is ready only after this returns.

    Registry URIs also give the watchers that keep their aliases' versions in step.
    """
    build = model_builder(settings)
    repository, registries = ModelRepository(), []
    for uri in settings.models:
        if not is_registry_uri(uri):
            repository.add(build(ModelFiles(Path(uri)), Identity()))
            continue
        source = RegistrySource.parse(uri, settings.tracking_uri, Path(settings.model_cache_dir))
        registry = RegistryModels(
            source,
            build,
            challenger_alias=settings.challenger_alias or None,
            poll_s=settings.registry_poll_s,
            backoff_max_s=settings.registry_backoff_max_s,
        )
        champion = registry.load_champion(settings.registry_wait_s)
        repository.add(champion)
        for other in registry.load_others(champion):
            repository.add(other)
        registries.append(registry)
    return repository, registries


def build_dataplane(
    settings: ServiceSettings, repository: ModelRepository, observer: Observer | None = None, shadowed: bool = False
) -> DataPlane:
    """The data plane over `repository`, with its workers, and a shadow when `shadowed` and asked for."""
    observer = observer or NullObserver()
    batching = None
    if settings.batch_max_size > 1:
        batching = BatchingConfig(settings.batch_max_size, settings.batch_max_wait_ms / 1000)
    scheduler = Scheduler(settings.workers, settings.queue_size, settings.retry_after_s)
    shadow = None
    if shadowed and settings.shadow_fraction > 0:
        shadow = Shadow(repository, scheduler, observer, settings.shadow_fraction)
    return DataPlane(
        repository,
        scheduler,
        max_batch_images=settings.max_batch_images,
        default_top_k=settings.default_top_k,
        batching=batching,
        observer=observer,
        shadow=shadow,
    )


def build_prediction_log(
    settings: PredictionLogSettings,
    registry: CollectorRegistry,
    labels: Callable[[str, str], list[str] | None],
    source: str,
) -> PredictionLog | None:
    """The prediction log, or None when it is off."""
    if not settings.enabled:
        return None
    return PredictionLog(settings, PredictionLogMetrics(registry), labels, source=source)


class InferenceService:
    """Models, workers, data plane, shadow, registry watchers, metrics and prediction log of one process."""

    def __init__(self, settings: ServiceSettings, registry: CollectorRegistry) -> None:
        self.settings = settings
        self.registry = registry
        self.provider = self.metrics = None
        if settings.telemetry:
            resource = {"service.name": settings.service_name, "service.version": server_version()}
            self.provider = create_meter_provider(registry, resource)
            self.metrics = ServiceMetrics(self.provider, DetailSampler(settings.telemetry_detail_budget))
        source = f"http://{settings.host}:{settings.port}/"  # CloudEvents' `source`: who answered
        self.predictions = build_prediction_log(PredictionLogSettings(), registry, self.labels, source)
        observers: list[Observer] = []
        if self.metrics is not None:
            observers.append(self.metrics)
        if self.predictions is not None:  # the shadow's answers join the predictions they shadowed
            observers.append(ShadowRecorder(self.predictions))
        self.observer: Observer = NullObserver()
        if len(observers) == 1:
            self.observer = observers[0]
        elif observers:
            self.observer = Observers(*observers)
        self._dataplane: DataPlane | None = None
        self._watchers: list[asyncio.Task[None]] = []

    def labels(self, name: str, version: str) -> list[str] | None:
        """The class names of a served version (what feedback may name); None when it is not served."""
        try:
            return list(self.dataplane.model(name, version).spec.labels)
        except InferlabError:  # not served (any more), or not loaded yet
            return None

    @property
    def dataplane(self) -> DataPlane:
        if self._dataplane is None:
            raise ModelNotReady("The service is starting: its models are not loaded yet.")
        return self._dataplane

    async def start(self) -> None:
        try:
            repository, registries = await asyncio.to_thread(load_models, self.settings)
        except ModelLoadError as exc:
            log.error("cannot start: %s", exc)  # one readable line above the server's traceback
            raise
        dataplane = build_dataplane(self.settings, repository, self.observer, shadowed=bool(registries))
        if self.metrics is not None:
            self.metrics.watch(dataplane.scheduler, repository)
        self._watchers = [asyncio.create_task(r.watch(repository, self.observer)) for r in registries]
        self._dataplane = dataplane
        if self.predictions is not None:
            await asyncio.to_thread(self.predictions.start)

    async def close(self) -> None:
        if self.predictions is not None:
            await asyncio.to_thread(self.predictions.stop)
        for watcher in self._watchers:
            watcher.cancel()
        await asyncio.gather(*self._watchers, return_exceptions=True)
        if self._dataplane is not None:
            await self._dataplane.close()
            await asyncio.to_thread(self._dataplane.scheduler.shutdown)
            self._dataplane.repository.unload_all()
        if self.provider is not None:
            self.provider.shutdown()

    @asynccontextmanager
    async def running(self, _app: object = None) -> AsyncIterator[None]:
        """Started for the block, closed after it: the app's lifespan."""
        await self.start()
        try:
            yield
        finally:
            await self.close()
