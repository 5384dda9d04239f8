"""Every metric the service exports, declared once: name, kind, unit, help and bucket boundaries.

Names follow OpenTelemetry's semantic conventions where one exists (`http.server.*`) and the
`inferlab.*` namespace otherwise. Durations are in seconds with explicit boundaries: the SDK's
default boundaries are sized for milliseconds and would put every latency in the first bucket.
Attributes are few and bounded: method, route template and status; model name, version and
alias; stage; error type; and the class label, bounded by the model's classes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    COUNTER = "counter"
    UP_DOWN_COUNTER = "up_down_counter"
    HISTOGRAM = "histogram"
    GAUGE = "observable_gauge"


@dataclass(frozen=True)
class Instrument:
    name: str
    kind: Kind
    unit: str
    description: str
    boundaries: tuple[float, ...] = ()

    @property
    def prometheus_name(self) -> str:
        """The name the Prometheus exporter gives it (dots to underscores, unit and `_total` suffixes)."""
        base = self.name.replace(".", "_")
        suffix = PROMETHEUS_UNITS.get(self.unit, "")
        if suffix and not base.endswith(suffix):
            base += suffix
        if self.kind is Kind.COUNTER:
            base += "_total"
        return base


# How opentelemetry-exporter-prometheus suffixes units ("1" and `{annotations}` get none).
PROMETHEUS_UNITS = {"s": "_seconds", "By": "_bytes", "nat": "_nat"}

LATENCY_S = (0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
STAGE_S = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.015, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
BATCH = (1, 2, 4, 8, 16, 32, 64)
PIXELS = (1e4, 5e4, 1e5, 3e5, 1e6, 3e6, 1e7, 3e7, 1e8)
BYTES = (1e3, 1e4, 5e4, 1e5, 5e5, 1e6, 5e6, 2e7)
UNIT_INTERVAL = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0)
ENTROPY_NATS = (0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 7.0)
CONTRAST = (0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5)
ASPECT = (0.33, 0.5, 0.67, 0.75, 0.9, 1.0, 1.11, 1.34, 1.5, 2.0, 3.0)

HTTP_DURATION = Instrument(
    "http.server.request.duration", Kind.HISTOGRAM, "s", "Duration of HTTP server requests.", LATENCY_S
)
HTTP_ACTIVE = Instrument("http.server.active_requests", Kind.UP_DOWN_COUNTER, "{request}", "HTTP requests in flight.")
STAGE_DURATION = Instrument(
    "inferlab.inference.stage.duration",
    Kind.HISTOGRAM,
    "s",
    "Time per pipeline stage of one image: queue, decode, preprocess, inference, postprocess.",
    STAGE_S,
)
BATCH_SIZE = Instrument("inferlab.inference.batch.size", Kind.HISTOGRAM, "{image}", "Images per network call.", BATCH)
QUEUE_DEPTH = Instrument(
    "inferlab.inference.queue.depth", Kind.GAUGE, "{image}", "Images admitted and waiting for a worker."
)
IN_PROGRESS = Instrument(
    "inferlab.inference.in_progress", Kind.GAUGE, "{image}", "Images admitted and not yet answered."
)
CAPACITY = Instrument(
    "inferlab.inference.capacity", Kind.GAUGE, "{image}", "Images the service admits at once (workers + queue)."
)
REJECTIONS = Instrument(
    "inferlab.overload.rejections", Kind.COUNTER, "{request}", "Requests refused with 503 because the queue was full."
)
IMAGES = Instrument("inferlab.images.classified", Kind.COUNTER, "{image}", "Images classified, by model.")
ERRORS = Instrument("inferlab.errors", Kind.COUNTER, "{error}", "Errors answered to clients, by type.")
INPUT_PIXELS = Instrument("inferlab.input.pixels", Kind.HISTOGRAM, "{pixel}", "Pixels of each input image.", PIXELS)
INPUT_BYTES = Instrument("inferlab.input.size", Kind.HISTOGRAM, "By", "Encoded size of each input image.", BYTES)
BRIGHTNESS = Instrument(
    "inferlab.input.brightness", Kind.HISTOGRAM, "1", "Mean luminance of the model's input crop (0-1).", UNIT_INTERVAL
)
CONTRAST_I = Instrument(
    "inferlab.input.contrast", Kind.HISTOGRAM, "1", "Standard deviation of luminance of the crop (0-1).", CONTRAST
)
ASPECT_RATIO = Instrument(
    "inferlab.input.aspect_ratio", Kind.HISTOGRAM, "1", "Width / height of each input image.", ASPECT
)
TOP_CLASS = Instrument("inferlab.prediction.top_class", Kind.COUNTER, "{image}", "Top-1 predictions, by class label.")
CONFIDENCE = Instrument(
    "inferlab.prediction.confidence", Kind.HISTOGRAM, "1", "Probability of the top-1 class.", UNIT_INTERVAL
)
ENTROPY = Instrument(
    "inferlab.prediction.entropy", Kind.HISTOGRAM, "nat", "Entropy of the predicted distribution.", ENTROPY_NATS
)
MODEL_INFO = Instrument(
    "inferlab.model.info", Kind.GAUGE, "1", "1 for every model served, labelled with its name, version and alias."
)
MODEL_READY = Instrument("inferlab.model.ready", Kind.GAUGE, "1", "1 when the model answers requests, else 0.")
DETAIL_SHARE = Instrument(
    "inferlab.telemetry.detail_share",
    Kind.GAUGE,
    "1",
    "Share of images whose per-image histograms are recorded now: 1 under the detail budget.",
)

SHADOW_COMPARISONS = Instrument(
    "inferlab.shadow.comparisons",
    Kind.COUNTER,
    "{image}",
    "Images answered by the champion and shadowed by the challenger, by top-1 agreement.",
)
# Per role, not as a delta: OpenTelemetry histograms take no negative values. The delta is
# the difference of the two roles' means, in PromQL.
SHADOW_CONFIDENCE = Instrument(
    "inferlab.shadow.confidence",
    Kind.HISTOGRAM,
    "1",
    "Top-1 probability of a shadowed image, per model role (champion, challenger).",
    UNIT_INTERVAL,
)
SHADOW_DURATION = Instrument(
    "inferlab.shadow.duration", Kind.HISTOGRAM, "s", "Pipeline time of a shadowed image, per model role.", LATENCY_S
)
MODEL_SWAPS = Instrument(
    "inferlab.model.swaps", Kind.COUNTER, "{swap}", "Hot swaps after an alias moved, by alias and outcome."
)
REGISTRY_ERRORS = Instrument(
    "inferlab.registry.errors", Kind.COUNTER, "{error}", "Failed attempts to ask the registry where an alias points."
)

ALL = (
    HTTP_DURATION,
    HTTP_ACTIVE,
    STAGE_DURATION,
    BATCH_SIZE,
    QUEUE_DEPTH,
    IN_PROGRESS,
    CAPACITY,
    REJECTIONS,
    IMAGES,
    ERRORS,
    INPUT_PIXELS,
    INPUT_BYTES,
    BRIGHTNESS,
    CONTRAST_I,
    ASPECT_RATIO,
    TOP_CLASS,
    CONFIDENCE,
    ENTROPY,
    MODEL_INFO,
    MODEL_READY,
    DETAIL_SHARE,
    SHADOW_COMPARISONS,
    SHADOW_CONFIDENCE,
    SHADOW_DURATION,
    MODEL_SWAPS,
    REGISTRY_ERRORS,
)
