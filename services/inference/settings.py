"""The service's settings: one typed object, read from `INFERLAB_*` environment variables.

Every field is a command-line flag too (pydantic-settings' CLI, see `__main__`), which overrides the
environment; every field says what it is for, and `--help` lists them with their variables and defaults.
Defaults are values, not factories, so that `--help` shows them.
"""

from __future__ import annotations

import os

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from lab import layout

DEFAULT_MODEL = "models/efficientnet-lite0.onnx"
# Both versions by default, so that the UI's compare page has two to compare.
DEFAULT_MODELS = (DEFAULT_MODEL, "models/efficientnet-lite0-int8.onnx")


def _default_workers() -> int:
    # One onnxruntime call per core beats one call spread over all cores on small CPUs:
    # on 2 cores, two callers with one thread each outran one caller with two threads.
    return max(1, os.cpu_count() or 1)


class ServiceSettings(BaseSettings):
    """Settings of one inference-service process."""

    model_config = SettingsConfigDict(
        env_prefix="INFERLAB_",
        extra="ignore",
        cli_prog_name="python -m services.inference",
        cli_kebab_case=True,
        cli_implicit_flags=True,
        cli_show_env_vars=True,
        cli_shortcuts={"models": "model"},  # `--model URI`, repeated for several
    )

    host: str = Field("127.0.0.1", description="Address to listen on.")
    port: int = Field(layout.port("service"), ge=0, le=65535, description="Port to listen on (lab.json).")
    models: list[str] = Field(
        list(DEFAULT_MODELS),
        description="Model URIs to serve: .onnx paths or models:/NAME@ALIAS; the first is the default.",
    )
    workers: int = Field(default_factory=_default_workers, ge=1, description="Concurrent inference calls.")
    intra_op_threads: int = Field(1, ge=1, description="onnxruntime threads inside one inference call.")
    gil_switch_interval_ms: float = Field(
        0.1,
        gt=0,
        le=100,
        description="Longest time one thread keeps the GIL while another waits for it (Python's default: 5). "
        "Short, a worker back from onnxruntime or Pillow resumes without waiting out the event loop's turn "
        "(docs/performance.md).",
    )
    queue_size: int = Field(32, ge=0, description="Images that may wait for a worker before 503s start.")
    retry_after_s: int = Field(1, ge=1, description="Retry-After sent with a 503 when the queue is full.")
    batch_max_size: int = Field(1, ge=1, description="Micro-batching: images per inference call (1 = off).")
    batch_max_wait_ms: float = Field(2.0, ge=0, description="Micro-batching: longest wait to fill a batch.")
    max_body_bytes: int = Field(20 * 2**20, ge=1024, description="Largest request body accepted (else 413).")
    max_image_pixels: int = Field(
        50_000_000, ge=1, description="Largest image (width x height) decoded; bigger ones are refused."
    )
    decode_side_factor: float = Field(
        16.0,
        gt=0,
        description="Largest image decoded, per side, in multiples of what the model uses (16: 4096 px for a "
        "224 px model; JPEGs count at their reduced decoding size); bigger ones are refused (413).",
    )
    decode_floor_side: int = Field(
        2048,
        ge=0,
        description="Pixels a side under which no image is refused by the decode budget, whatever the model's "
        "input size (a small model still takes ordinary photos).",
    )
    request_decode_images: float = Field(
        4.0, gt=0, description="Pixels one request may decode in all, in images of the largest size (else 413)."
    )
    max_batch_images: int = Field(32, ge=1, description="Most images accepted in one batch request.")
    default_top_k: int = Field(5, ge=1, description="Predictions returned when the request does not say.")
    warmup_runs: int = Field(2, ge=0, description="Inference calls made on a blank image before ready.")
    shutdown_grace_s: float = Field(20.0, ge=0, description="Time given to requests in flight on SIGTERM.")
    drain_s: float = Field(
        0.5,
        ge=0,
        description="On SIGTERM, how long new requests (the listen backlog's) get 503 before the socket closes.",
    )
    max_connections: int = Field(
        512, ge=1, description="Connections held at once; a new one beyond is answered 503 and closed."
    )
    refusal_delay_ms: float = Field(
        50.0,
        ge=0,
        le=1000,
        description="How long the door holds a 503 for a full queue before sending it: a client that retries at "
        "once is paced to a few retries a second (a timer, no CPU), and the workers keep the cores.",
    )
    header_timeout_s: float = Field(10.0, gt=0, description="Time a client has to send a request's headers (else 408).")
    body_timeout_s: float = Field(
        60.0, gt=0, description="Time a client has to send a request's body after its headers (else 408)."
    )
    max_header_bytes: int = Field(64 * 1024, ge=1024, description="Largest request line and headers (else 431).")
    keep_alive_s: float = Field(5.0, gt=0, description="An idle kept-alive connection is closed after this.")
    log_level: str = Field("info", description="Log level of the service and its server.")
    log_probes: bool = Field(
        False, description="Log scrapes, health probes and registry polls too (off: they would drown the rest)."
    )
    tracking_uri: str = Field(
        layout.url("mlflow"),
        validation_alias=AliasChoices("MLFLOW_TRACKING_URI", "INFERLAB_TRACKING_URI"),
        description="MLflow tracking/registry URI for models:/NAME@ALIAS (env MLFLOW_TRACKING_URI).",
    )
    challenger_alias: str = Field("challenger", description="Alias served beside the champion ('' = none).")
    shadow_fraction: float = Field(
        0.2, ge=0, le=1, description="Share of the champion's requests also run on the challenger."
    )
    registry_poll_s: float = Field(10.0, gt=0, description="How often to look for a moved alias.")
    registry_backoff_max_s: float = Field(120.0, gt=0, description="Longest wait between tries when it fails.")
    registry_wait_s: float = Field(60.0, ge=0, description="How long to wait at start for the registry.")
    model_cache_dir: str = Field("data/model-cache", description="Where registry versions are downloaded.")
    telemetry: bool = Field(True, description="Export metrics at /metrics (off: to measure their cost).")
    telemetry_detail_budget: float = Field(
        10.0,
        ge=0,
        description="Images per second whose per-image histograms (stage durations, input signals, confidence, "
        "entropy) are recorded; above it, a uniform random share of that size. 0: every image. Counts stay exact.",
    )
    service_name: str = Field("inferlab-inference", description="service.name of the metrics' resource.")
