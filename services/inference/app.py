"""The Litestar app factory. Nothing is loaded at import: the service starts in the lifespan hook."""

from __future__ import annotations

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from prometheus_client import CollectorRegistry

from services.inference.api.errors import exception_handlers
from services.inference.api.http_metrics import http_metrics
from services.inference.api.metrics import MetricsController
from services.inference.api.v1 import PredictController
from services.inference.api.v2 import OpenInferenceController
from services.inference.service import InferenceService
from services.inference.settings import ServiceSettings
from services.inference.version import server_version
from services.predictions.api import prediction_routes


def create_app(settings: ServiceSettings | None = None, registry: CollectorRegistry | None = None) -> Litestar:
    """The service. Metrics go to `registry` (a fresh one by default), served at `/metrics`."""
    service = InferenceService(settings or ServiceSettings(), registry or CollectorRegistry())
    metrics, predictions = service.metrics, service.predictions
    return Litestar(
        route_handlers=[
            PredictController,
            OpenInferenceController,
            *([MetricsController] if metrics else []),
            *([prediction_routes(predictions)] if predictions else []),
        ],
        middleware=[http_metrics(metrics)] if metrics else [],
        lifespan=[service.running],
        dependencies={
            "dataplane": Provide(lambda: service.dataplane, sync_to_thread=False),
            "prediction_log": Provide(lambda: predictions, sync_to_thread=False),
        },
        exception_handlers=exception_handlers(service.observer),
        request_max_body_size=service.settings.max_body_bytes,
        openapi_config=OpenAPIConfig(
            title="inferlab inference service",
            version=server_version(),
            description="Image classification with ONNX models: a simple upload API (v1) and the "
            "Open Inference Protocol (v2).",
        ),
        state=State({"service": service}),
    )
