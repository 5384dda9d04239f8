"""What the data plane reports as it works, for telemetry to record.

The data plane calls these hooks and knows nothing of metrics; `telemetry.service_metrics`
implements them with OpenTelemetry, and `NullObserver` (telemetry off) does nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from services.inference.dataplane import Classification
    from services.inference.preprocessing import InputStats
    from services.inference.runtime import OnnxClassifier


class Observer(Protocol):
    def classified(self, model: OnnxClassifier, result: Classification) -> None:
        """One image went through the whole pipeline (v1)."""

    def scored(
        self, model: OnnxClassifier, logits: np.ndarray, inputs: list[InputStats], timings: dict[str, float]
    ) -> None:
        """A batch of logits was computed for the Open Inference Protocol (inputs empty for raw tensors)."""

    def failed(self, error_type: str) -> None:
        """An error was answered to a client (or to one image of a batch)."""

    def shadowed(self, primary: Classification, shadow: Classification) -> None:
        """The challenger classified a copy of a request the default model answered."""

    def swapped(self, alias: str, outcome: str) -> None:
        """A registry alias moved and the service tried to follow: outcome "success" or "failed"."""

    def registry_error(self) -> None:
        """The registry could not be asked where an alias points."""


class NullObserver:
    def classified(self, model: OnnxClassifier, result: Classification) -> None:
        pass

    def scored(
        self, model: OnnxClassifier, logits: np.ndarray, inputs: list[InputStats], timings: dict[str, float]
    ) -> None:
        pass

    def failed(self, error_type: str) -> None:
        pass

    def shadowed(self, primary: Classification, shadow: Classification) -> None:
        pass

    def swapped(self, alias: str, outcome: str) -> None:
        pass

    def registry_error(self) -> None:
        pass
