"""What the inference service records: the `Observer` it reports to, in OpenTelemetry.

Instruments are created once, from the declarations in `instruments`; the state the service
already keeps (queue depth, capacity, rejections, models) is read by observable callbacks at
scrape time instead of being copied on every request. The per-request hot path is kept cheap:
counts go to `Tally`s that observable instruments read at scrape time, and the per-image
histograms are recorded for the images a `DetailSampler` keeps (all of them at lab traffic).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from opentelemetry.metrics import CallbackOptions, Meter, Observation
from opentelemetry.sdk.metrics import MeterProvider

from telemetry import instruments as i
from telemetry.sampling import DetailSampler
from telemetry.stages import TOTAL, Stage
from telemetry.tally import Tally

if TYPE_CHECKING:
    from services.inference.pipeline import Prediction
    from services.inference.preprocessing import InputStats
    from services.inference.repository import ModelRepository
    from services.inference.runtime import OnnxClassifier
    from services.inference.scheduler import Scheduler


def _create(meter: Meter, spec: i.Instrument, **kwargs):
    factory = {
        i.Kind.COUNTER: meter.create_counter,
        i.Kind.UP_DOWN_COUNTER: meter.create_up_down_counter,
        i.Kind.HISTOGRAM: meter.create_histogram,
    }[spec.kind]
    return factory(spec.name, unit=spec.unit, description=spec.description, **kwargs)


def model_attributes(model: OnnxClassifier) -> dict[str, str]:
    return {"model.name": model.name, "model.version": model.version}


MODEL_KEYS = ("model.name", "model.version")


class ServiceMetrics:
    def __init__(self, provider: MeterProvider, sampler: DetailSampler | None = None) -> None:
        meter = provider.get_meter("inferlab.inference")
        self._meter = meter
        self.sampler = sampler or DetailSampler(0)
        self.http_duration = _create(meter, i.HTTP_DURATION)
        self.http_active = self._tallied(i.HTTP_ACTIVE, "http.request.method", "http.route")
        self._images = self._tallied(i.IMAGES, *MODEL_KEYS)
        self._top_class = self._tallied(i.TOP_CLASS, *MODEL_KEYS, "class.label")
        self._stage = _create(meter, i.STAGE_DURATION)
        self._batch = _create(meter, i.BATCH_SIZE)
        self._errors = _create(meter, i.ERRORS)
        self._pixels = _create(meter, i.INPUT_PIXELS)
        self._bytes = _create(meter, i.INPUT_BYTES)
        self._brightness = _create(meter, i.BRIGHTNESS)
        self._contrast = _create(meter, i.CONTRAST_I)
        self._aspect = _create(meter, i.ASPECT_RATIO)
        self._confidence = _create(meter, i.CONFIDENCE)
        self._entropy = _create(meter, i.ENTROPY)
        self._shadow = _create(meter, i.SHADOW_COMPARISONS)
        self._shadow_confidence = _create(meter, i.SHADOW_CONFIDENCE)
        self._shadow_duration = _create(meter, i.SHADOW_DURATION)
        self._swaps = _create(meter, i.MODEL_SWAPS)
        self._registry_errors = _create(meter, i.REGISTRY_ERRORS)

    def _tallied(self, spec: i.Instrument, *keys: str) -> Tally:
        """A counter kept in a `Tally` and exported by an observable instrument of the declared kind."""
        tally = Tally(*keys)
        factory = {
            i.Kind.COUNTER: self._meter.create_observable_counter,
            i.Kind.UP_DOWN_COUNTER: self._meter.create_observable_up_down_counter,
        }[spec.kind]
        factory(spec.name, [tally.observe], unit=spec.unit, description=spec.description)
        return tally

    def watch(self, scheduler: Scheduler, repository: ModelRepository) -> None:
        """Observe the service's own state at scrape time: queue, capacity, rejections, models."""

        def gauge(spec: i.Instrument, read: Callable[[], Iterable[Observation]]) -> None:
            self._meter.create_observable_gauge(
                spec.name, callbacks=[lambda _: list(read())], unit=spec.unit, description=spec.description
            )

        gauge(i.QUEUE_DEPTH, lambda: [Observation(scheduler.queued)])
        gauge(i.IN_PROGRESS, lambda: [Observation(scheduler.admitted)])
        gauge(i.CAPACITY, lambda: [Observation(scheduler.capacity)])
        gauge(i.MODEL_READY, lambda: [Observation(int(m.ready), model_attributes(m)) for m in repository])
        gauge(i.MODEL_INFO, lambda: [Observation(1, self._info(m, repository.default)) for m in repository])
        gauge(i.DETAIL_SHARE, lambda: [Observation(self.sampler.share())])

        def rejections(_: CallbackOptions) -> list[Observation]:
            return [Observation(scheduler.rejected)]

        self._meter.create_observable_counter(
            i.REJECTIONS.name, callbacks=[rejections], unit=i.REJECTIONS.unit, description=i.REJECTIONS.description
        )

    @staticmethod
    def _info(model: OnnxClassifier, default: OnnxClassifier) -> dict[str, str]:
        alias = model.alias or ("default" if model is default else "none")
        return {**model_attributes(model), "model.alias": alias}

    def predicted(self, prediction: Prediction) -> None:
        top = prediction.predictions[0]
        self._count(prediction.model, prediction.version, top.label)
        if not self.sampler.keep():
            return
        attributes = {"model.name": prediction.model, "model.version": prediction.version}
        for stage in Stage:
            if stage in prediction.timings:
                self._stage.record(prediction.timings[stage], {**attributes, "stage": stage.value})
        if prediction.batch_index == 0:  # once per network call
            self._batch.record(prediction.batch_size, attributes)
        if prediction.image is not None:
            self._input(prediction.image, attributes)
        self._confidence.record(prediction.confidence, attributes)
        self._entropy.record(prediction.entropy, attributes)

    def failed(self, error_type: str) -> None:
        self._errors.add(1, {"error.type": error_type})

    def shadowed(self, primary: Prediction, shadow: Prediction) -> None:
        versions = {
            "model.name": primary.model,
            "champion.version": primary.version,
            "challenger.version": shadow.version,
        }
        agree = primary.predictions[0].index == shadow.predictions[0].index
        self._shadow.add(1, {**versions, "agreement": "agree" if agree else "disagree"})
        for role, result in (("champion", primary), ("challenger", shadow)):
            attributes = {"model.name": result.model, "model.version": result.version, "role": role}
            self._shadow_confidence.record(result.predictions[0].score, attributes)
            self._shadow_duration.record(result.timings[TOTAL], attributes)

    def swapped(self, alias: str, outcome: str) -> None:
        self._swaps.add(1, {"model.alias": alias, "outcome": outcome})

    def registry_error(self) -> None:
        self._registry_errors.add(1)

    def _input(self, stats: InputStats, attributes: dict[str, str]) -> None:
        self._pixels.record(stats.pixels, attributes)
        self._bytes.record(stats.encoded_bytes, attributes)
        self._brightness.record(stats.brightness, attributes)
        self._contrast.record(stats.contrast, attributes)
        self._aspect.record(stats.aspect_ratio, attributes)

    def _count(self, name: str, version: str, label: str) -> None:
        self._images.add(1, name, version)
        self._top_class.add(1, name, version, label)
