"""The log's metrics, on the registry it is given: what was kept, what was dropped and why, and feedback."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter


class PredictionLogMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.written = Counter(
            "inferlab_prediction_log_written",
            "Prediction events a sink accepted.",
            ["sink"],
            registry=registry,
        )
        self.dropped = Counter(
            "inferlab_prediction_log_dropped",
            "Prediction events dropped: the sink's buffer was full (buffer_full) or the sink was down (sink_down).",
            ["sink", "reason"],
            registry=registry,
        )
        self.thumbnails_skipped = Counter(
            "inferlab_prediction_log_thumbnails_skipped",
            "Prediction events kept without a thumbnail: the images waiting for the writer were at their byte "
            "budget (image_buffer_bytes).",
            registry=registry,
        )
        self.feedback = Counter(
            "inferlab_prediction_feedback",
            "Feedback received on predictions, by whether the model's top-1 was right (a replaced answer counts "
            "again).",
            ["model", "version", "verdict"],
            registry=registry,
        )

    def feedback_received(self, model: str, version: str, correct: bool) -> None:
        self.feedback.labels(model, version, "right" if correct else "wrong").inc()
