"""The stages of the service's pipeline, named once: the runtime times them, telemetry labels the stage
histogram with them (its `stage` attribute), the UI draws them, in this order."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    QUEUE = "queue"  # waiting for a worker
    DECODE = "decode"
    PREPROCESS = "preprocess"
    INFERENCE = "inference"
    POSTPROCESS = "postprocess"


TOTAL = "total"  # the whole request as the data plane saw it; not a stage of its own
