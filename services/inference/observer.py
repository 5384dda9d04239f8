"""What the service reports as it works, for telemetry to record.

The data plane, the shadow and the registry watcher call these hooks and know nothing of metrics;
`services.inference.metrics` implements them with OpenTelemetry, and `NullObserver` (telemetry off)
does nothing. v1 and v2 report the same way: one `Prediction` per image.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from services.inference.pipeline import Prediction


class Observer(Protocol):
    def predicted(self, prediction: Prediction) -> None:
        """One image went through the pipeline, by either protocol."""

    def failed(self, error_type: str) -> None:
        """An error was answered to a client (or to one image of a batch)."""

    def shadowed(self, primary: Prediction, shadow: Prediction) -> None:
        """The challenger classified a copy of an image the default model answered."""

    def swapped(self, alias: str, outcome: str) -> None:
        """A registry alias moved and the service tried to follow: outcome "success" or "failed"."""

    def registry_error(self) -> None:
        """The registry could not be asked where an alias points."""


class NullObserver:
    def predicted(self, prediction: Prediction) -> None:
        pass

    def failed(self, error_type: str) -> None:
        pass

    def shadowed(self, primary: Prediction, shadow: Prediction) -> None:
        pass

    def swapped(self, alias: str, outcome: str) -> None:
        pass

    def registry_error(self) -> None:
        pass


class Observers:
    """Several observers as one: each hook goes to every one, in order."""

    def __init__(self, *observers: Observer) -> None:
        self._observers = observers

    def predicted(self, prediction: Prediction) -> None:
        for observer in self._observers:
            observer.predicted(prediction)

    def failed(self, error_type: str) -> None:
        for observer in self._observers:
            observer.failed(error_type)

    def shadowed(self, primary: Prediction, shadow: Prediction) -> None:
        for observer in self._observers:
            observer.shadowed(primary, shadow)

    def swapped(self, alias: str, outcome: str) -> None:
        for observer in self._observers:
            observer.swapped(alias, outcome)

    def registry_error(self) -> None:
        for observer in self._observers:
            observer.registry_error()
