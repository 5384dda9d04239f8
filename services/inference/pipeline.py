"""What one image's trip through the pipeline yields, and the clock that times its stages.

One result type for both protocols: v1 answers from its top k, the Open Inference Protocol from its
logits; telemetry and the shadow read the same fields either way.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, TypeVar

from telemetry.stages import TOTAL, Stage

if TYPE_CHECKING:
    import numpy as np

    from services.inference.postprocessing import ClassScore
    from services.inference.preprocessing import InputStats

T = TypeVar("T")


@dataclass
class StageTimer:
    """Seconds spent per stage, in the order the stages ran."""

    seconds: dict[str, float] = field(default_factory=dict)

    def run(self, stage: Stage, fn: Callable[..., T], *args: object) -> T:
        start = time.perf_counter()
        try:
            return fn(*args)
        finally:
            self.add(stage, time.perf_counter() - start)

    def add(self, stage: Stage | str, seconds: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds


@dataclass(frozen=True)
class Prediction:
    """One image classified: by which model, the top k, and what the pipeline measured on the way."""

    model: str
    version: str
    predictions: list[ClassScore]
    """The k most probable classes, most probable first (k = 1 when the caller asked for logits)."""
    confidence: float
    """Probability of the top class."""
    entropy: float
    """Entropy (nats) of the whole predicted distribution, not only of the top k."""
    logits: np.ndarray
    """The network's output row for this image (what the Open Inference Protocol answers)."""
    timings: dict[str, float]
    """Seconds per stage (see `Stage`), and `total` once the data plane has it."""
    image: InputStats | None = None
    """The decoded image's size and signals; None when the client sent a preprocessed tensor."""
    batch_size: int = 1
    batch_index: int = 0
    """Its place in the batch it was inferred in: the batch is counted once, by its first image."""
    view: np.ndarray | None = field(default=None, compare=False, repr=False)
    """The model's view of the image: its input crop as HWC uint8 pixels (None for a tensor sent as is)."""
    id: str = field(default_factory=lambda: str(uuid.uuid4()), compare=False)
    """Made with it, so that the answer, the prediction log and the shadow's comparison name it alike."""


def completed(prediction: Prediction, waited_s: float, started: float) -> Prediction:
    """The prediction with the time it waited for a worker and the whole of its trip since `started`
    (a `time.perf_counter()` reading), as the data plane and the shadow saw them."""
    timings = {Stage.QUEUE: waited_s, **prediction.timings, TOTAL: time.perf_counter() - started}
    return replace(prediction, timings=timings)
