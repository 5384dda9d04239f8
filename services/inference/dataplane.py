"""The protocol-free data plane: what both HTTP APIs (v1 and Open Inference Protocol) call.

It routes to a model, admits the request (or refuses it at once), offloads the model's pipeline to
the scheduler's workers (never the event loop), and reports one `Prediction` per image to the
observer, whichever protocol asked. The pipeline itself is the runtime's.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from services.inference.batching import MicroBatcher
from services.inference.errors import BadInput, InferlabError
from services.inference.observer import NullObserver, Observer
from services.inference.pipeline import Prediction, StageTimer, completed
from services.inference.repository import ModelRepository
from services.inference.runtime import OnnxClassifier
from services.inference.scheduler import Scheduler
from services.inference.shadow import Shadow
from telemetry.stages import Stage

T = TypeVar("T")


@dataclass(frozen=True)
class BatchingConfig:
    max_size: int
    max_wait_s: float


class DataPlane:
    def __init__(
        self,
        repository: ModelRepository,
        scheduler: Scheduler,
        *,
        max_batch_images: int = 32,
        default_top_k: int = 5,
        batching: BatchingConfig | None = None,
        observer: Observer | None = None,
        shadow: Shadow | None = None,
    ) -> None:
        self.repository = repository
        self.scheduler = scheduler
        self.observer = observer or NullObserver()
        self.shadow = shadow
        self.max_batch_images = max_batch_images
        self.default_top_k = default_top_k
        self._batching = batching
        self._batchers: dict[OnnxClassifier, MicroBatcher] = {}

    def model(self, name: str | None = None, version: str | None = None) -> OnnxClassifier:
        return self.repository.get(name, version)

    @contextmanager
    def using(self, model: OnnxClassifier, images: int = 1) -> Iterator[None]:
        """Capacity for `images`, and `model` leased until the block ends (a hot swap waits for it)."""
        with self.scheduler.admit(images), self.repository.lease(model):
            yield

    async def classify(
        self, data: bytes, top_k: int, name: str | None = None, version: str | None = None
    ) -> Prediction:
        model = self.model(name, version)
        with self.using(model):
            result = await self._classify(model, data, top_k)
        self.observer.predicted(result)
        if self.shadow is not None and model is self.repository.default:
            self.shadow.mirror(data, result)
        return result

    async def classify_many(
        self, items: list[bytes], top_k: int, name: str | None = None, version: str | None = None
    ) -> list[Prediction | InferlabError]:
        """One outcome per image: a bad image fails alone, the others are still answered."""
        self._check_batch_size(len(items))
        model = self.model(name, version)
        with self.using(model, len(items)):
            await self._check_request_budget(model, items)
            outcomes = await asyncio.gather(
                *(self._classify(model, data, top_k) for data in items), return_exceptions=True
            )
        for outcome in outcomes:
            if isinstance(outcome, Prediction):
                self.observer.predicted(outcome)
            elif isinstance(outcome, InferlabError):
                self.observer.failed(type(outcome).__name__)
            else:
                raise outcome
        return outcomes

    async def infer_tensor(self, model: OnnxClassifier, batch: np.ndarray) -> list[Prediction]:
        """One prediction per row of a preprocessed batch [N, ...input_shape]."""
        self._check_batch_size(batch.shape[0] if batch.ndim else 0)
        started = time.perf_counter()
        with self.using(model, batch.shape[0]):
            results, waited = await self.scheduler.run(model.classify_tensor, batch, 1)
        return self._report([completed(result, waited, started) for result in results])

    async def infer_images(self, model: OnnxClassifier, items: list[bytes]) -> list[Prediction]:
        """One prediction per encoded image, decoded in parallel and inferred as one batch."""
        self._check_batch_size(len(items))
        started = time.perf_counter()
        with self.using(model, len(items)):
            await self._check_request_budget(model, items)
            prepared = [image for image, _ in await _all_or_none(self.scheduler.run(model.prepare, d) for d in items)]
            results, waited = await self.scheduler.run(model.classify_batch, prepared, 1)
        return self._report([completed(result, waited, started) for result in results])

    def _report(self, results: list[Prediction]) -> list[Prediction]:
        for result in results:
            self.observer.predicted(result)
        return results

    async def _check_request_budget(self, model: OnnxClassifier, items: list[bytes]) -> None:
        """Headers first, in one job: a request whose images would take too long to decode is refused whole."""
        if len(items) > 1:
            await self.scheduler.run(model.check_request_budget, items)

    def _check_batch_size(self, count: int) -> None:
        if count < 1:
            raise BadInput("The request holds no image.")
        if count > self.max_batch_images:
            raise BadInput(f"The request holds {count} images; the limit is {self.max_batch_images}.")

    async def _classify(self, model: OnnxClassifier, data: bytes, top_k: int) -> Prediction:
        """The model's whole pipeline in one worker call; with micro-batching, its inference shared."""
        started = time.perf_counter()
        if self._batching is None:
            result, waited = await self.scheduler.run(model.classify, data, top_k)
            return completed(result, waited, started)
        prepared, waited = await self.scheduler.run(model.prepare, data)
        start = time.perf_counter()
        logits, batch_waited, batch_size, batch_index = await self._batcher(model).infer(prepared.tensor)
        timer: StageTimer = prepared.timer
        timer.add(Stage.INFERENCE, time.perf_counter() - start - batch_waited)
        result = model.predict(logits, top_k, timer, prepared.stats, batch_size, batch_index)
        return completed(result, waited + batch_waited, started)

    def _batcher(self, model: OnnxClassifier) -> MicroBatcher:
        batcher = self._batchers.get(model)
        if batcher is None:
            config = self._batching
            batcher = MicroBatcher(model.infer, self.scheduler, config.max_size, config.max_wait_s)
            self._batchers[model] = batcher
        return batcher

    async def close(self) -> None:
        if self.shadow is not None:
            await self.shadow.close()
        for batcher in self._batchers.values():
            await batcher.close()


async def _all_or_none(jobs: Iterable[Awaitable[T]]) -> list[T]:
    """Every result, or the first failure with the other jobs cancelled (those already on a worker
    run to their end, and keep their slots until then: see `Scheduler.run`)."""
    tasks = [asyncio.ensure_future(job) for job in jobs]
    try:
        return await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
