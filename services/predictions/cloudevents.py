"""The second sink: each event as a CloudEvent over HTTP, binary mode, with KServe's payload-logger attributes.

A Knative broker or a Kafka bridge can take them where one machine's PostgreSQL is not enough. The body is
the prediction as JSON (no thumbnail); the attributes are those KServe's logger sends with a response.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict

import httpx

from services.predictions.event import PredictionEvent

EVENT_TYPE = "org.kubeflow.serving.inference.response"  # KServe's CEInferenceResponse


def payload(event: PredictionEvent) -> dict:
    body = asdict(event)
    for binary in ("image", "thumbnail"):
        body.pop(binary)
    body["created_at"] = event.created_at.isoformat()
    body.update(label=event.label, class_index=event.class_index, confidence=event.confidence)
    return body


def headers(event: PredictionEvent, *, source: str, inference_service: str, namespace: str) -> dict[str, str]:
    return {
        "ce-specversion": "1.0",
        "ce-id": event.id,
        "ce-type": EVENT_TYPE,
        "ce-source": source,
        "ce-time": event.created_at.isoformat(),
        "ce-inferenceservicename": inference_service,
        "ce-namespace": namespace,
        "ce-component": "predictor",
        "ce-endpoint": event.alias or "default",
        "content-type": "application/json",
    }


class CloudEventsSink:
    name = "cloudevents"

    def __init__(self, url: str, *, source: str, inference_service: str, namespace: str, timeout_s: float) -> None:
        self._url = url
        self._attributes = {"source": source, "inference_service": inference_service, "namespace": namespace}
        self._http = httpx.Client(timeout=timeout_s)

    def write(self, events: Sequence[PredictionEvent]) -> None:
        for event in events:
            response = self._http.post(
                self._url, content=json.dumps(payload(event)), headers=headers(event, **self._attributes)
            )
            response.raise_for_status()

    def close(self) -> None:
        self._http.close()
