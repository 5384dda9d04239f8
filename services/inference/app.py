"""The Litestar app factory. Nothing is loaded at import: models load in the lifespan hook."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from prometheus_client import CollectorRegistry

from services.inference.api.errors import EXCEPTION_HANDLERS
from services.inference.api.http_metrics import http_metrics
from services.inference.api.metrics import MetricsController
from services.inference.api.v1 import PredictController
from services.inference.api.v2 import OpenInferenceController, _server_version
from services.inference.dataplane import BatchingConfig, DataPlane
from services.inference.errors import ModelLoadError
from services.inference.observer import NullObserver, Observer
from services.inference.registry_models import RegistryModels
from services.inference.repository import ModelRepository
from services.inference.runtime import Identity, OnnxClassifier
from services.inference.scheduler import Scheduler
from services.inference.settings import ServiceSettings
from services.inference.shadow import Shadow
from services.inference.sources import ModelFiles, RegistrySource, is_registry_uri
from services.predictions.api import prediction_routes
from services.predictions.log import PredictionLog
from services.predictions.metrics import PredictionLogMetrics
from services.predictions.settings import PredictionLogSettings
from telemetry.provider import create_meter_provider
from telemetry.sampling import DetailSampler
from telemetry.service_metrics import ServiceMetrics

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
    settings: ServiceSettings, repository: ModelRepository, observer: Observer | None = None
) -> DataPlane:
    batching = None
    if settings.batch_max_size > 1:
        batching = BatchingConfig(settings.batch_max_size, settings.batch_max_wait_ms / 1000)
    return DataPlane(
        repository,
        Scheduler(settings.workers, settings.queue_size, settings.retry_after_s),
        max_batch_images=settings.max_batch_images,
        default_top_k=settings.default_top_k,
        batching=batching,
        observer=observer,
    )


def create_app(settings: ServiceSettings | None = None, registry: CollectorRegistry | None = None) -> Litestar:
    """The service. Metrics go to `registry` (a fresh one by default), served at `/metrics`."""
    settings = settings or ServiceSettings()
    registry = registry or CollectorRegistry()
    provider = metrics = None
    if settings.telemetry:
        provider = create_meter_provider(
            registry, {"service.name": settings.service_name, "service.version": _server_version()}
        )
        metrics = ServiceMetrics(provider, DetailSampler(settings.telemetry_detail_budget))
    observer: Observer = metrics or NullObserver()
    state = State({"settings": settings, "observer": observer, "registry": registry})
    predictions = state.prediction_log = build_prediction_log(
        state, registry, f"http://{settings.host}:{settings.port}/"
    )

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        try:
            repository, registries = await asyncio.to_thread(load_models, settings)
        except ModelLoadError as exc:
            log.error("cannot start: %s", exc)  # one readable line above the server's traceback
            raise
        dataplane = build_dataplane(settings, repository, observer)
        if metrics is not None:
            metrics.watch(dataplane)
        if registries and settings.shadow_fraction > 0:
            dataplane.shadow = Shadow(dataplane, settings.shadow_fraction)
        watchers = [asyncio.create_task(r.watch(repository, dataplane, observer)) for r in registries]
        app.state.dataplane = dataplane
        if predictions is not None:
            await asyncio.to_thread(predictions.start)
        try:
            yield
        finally:
            if predictions is not None:
                await asyncio.to_thread(predictions.stop)
            for watcher in watchers:
                watcher.cancel()
            await asyncio.gather(*watchers, return_exceptions=True)
            await dataplane.close()
            await asyncio.to_thread(dataplane.scheduler.shutdown)
            repository.unload_all()
            if provider is not None:
                provider.shutdown()

    def provide_dataplane(state: State) -> DataPlane:
        return state.dataplane

    return Litestar(
        route_handlers=[
            PredictController,
            OpenInferenceController,
            *([MetricsController] if metrics else []),
            *([prediction_routes(predictions)] if predictions else []),
        ],
        middleware=[http_metrics(metrics)] if metrics else [],
        lifespan=[lifespan],
        dependencies={
            "dataplane": Provide(provide_dataplane, sync_to_thread=False),
            "prediction_log": Provide(lambda: predictions, sync_to_thread=False),
        },
        exception_handlers=EXCEPTION_HANDLERS,
        request_max_body_size=settings.max_body_bytes,
        openapi_config=OpenAPIConfig(
            title="inferlab inference service",
            version=_server_version(),
            description="Image classification with ONNX models: a simple upload API (v1) and the "
            "Open Inference Protocol (v2).",
        ),
        state=state,
    )


def build_prediction_log(state: State, registry: CollectorRegistry, source: str) -> PredictionLog | None:
    """The prediction log (None when off); the class names of a served version come from the data plane."""
    settings = PredictionLogSettings()
    if not settings.enabled:
        return None

    def labels(name: str, version: str) -> list[str] | None:
        try:
            return list(state.dataplane.model(name, version).spec.labels)
        except Exception:  # not served (any more), or not loaded yet
            return None

    return PredictionLog(settings, PredictionLogMetrics(registry), labels, source=source)
