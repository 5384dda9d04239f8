"""The protocol-free data plane: what both HTTP APIs (v1 and Open Inference Protocol) call.

It picks the model, reserves capacity, runs decode -> preprocess -> inference -> postprocess
on the scheduler's workers (never on the event loop), and times each stage.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from services.inference.batching import MicroBatcher
from services.inference.errors import BadInput, InferlabError
from services.inference.observer import NullObserver, Observer
from services.inference.postprocessing import ClassScore, entropy
from services.inference.preprocessing import InputStats
from services.inference.repository import ModelRepository
from services.inference.runtime import OnnxClassifier, PreparedImage
from services.inference.scheduler import Scheduler

if TYPE_CHECKING:
    from services.inference.shadow import Shadow

T = TypeVar("T")


@dataclass(frozen=True)
class Classification:
    model: str
    version: str
    predictions: list[ClassScore]
    timings: dict[str, float]
    """Seconds per stage: queue, decode, preprocess, inference, postprocess, and total."""
    image: InputStats
    entropy: float
    """Entropy (nats) of the whole predicted distribution, not only of the top k."""
    batch_size: int = 1

    @property
    def original_size(self) -> tuple[int, int]:
        return (self.image.width, self.image.height)


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
    ) -> None:
        self.repository = repository
        self.observer = observer or NullObserver()
        self.scheduler = scheduler
        self.max_batch_images = max_batch_images
        self.default_top_k = default_top_k
        self._batching = batching
        self._batchers: dict[OnnxClassifier, MicroBatcher] = {}
        self._in_use: Counter[OnnxClassifier] = Counter()
        self.shadow: Shadow | None = None

    def model(self, name: str | None = None, version: str | None = None) -> OnnxClassifier:
        return self.repository.get(name, version)

    @contextmanager
    def using(self, model: OnnxClassifier, images: int = 1) -> Iterator[None]:
        """Capacity for `images`, and a mark that `model` is in use until the block ends (see `drained`)."""
        with self.scheduler.admit(images):
            self._in_use[model] += 1
            try:
                yield
            finally:
                self._in_use[model] -= 1

    async def drained(self, model: OnnxClassifier, timeout_s: float) -> bool:
        """Wait until no request uses `model` (after it left the repository); False on time-out."""
        deadline = time.monotonic() + timeout_s
        while self._in_use[model] > 0:
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(0.05)
        self._in_use.pop(model, None)
        return True

    async def classify(
        self, data: bytes, top_k: int, name: str | None = None, version: str | None = None
    ) -> Classification:
        model = self.model(name, version)
        with self.using(model):
            result = await self._classify(model, data, top_k)
        self.observer.classified(model, result)
        if self.shadow is not None and model is self.repository.default:
            self.shadow.mirror(data, result)
        return result

    async def classify_many(
        self, items: list[bytes], top_k: int, name: str | None = None, version: str | None = None
    ) -> list[Classification | InferlabError]:
        """One outcome per image: a bad image fails alone, the others are still answered."""
        self._check_batch_size(len(items))
        model = self.model(name, version)
        with self.using(model, len(items)):
            await self._check_request_budget(model, items)
            outcomes = await asyncio.gather(
                *(self._classify(model, data, top_k) for data in items), return_exceptions=True
            )
        for outcome in outcomes:
            if isinstance(outcome, Classification):
                self.observer.classified(model, outcome)
            elif isinstance(outcome, InferlabError):
                self.observer.failed(type(outcome).__name__)
            else:
                raise outcome
        return outcomes

    async def infer_tensor(self, model: OnnxClassifier, batch: np.ndarray) -> np.ndarray:
        """Logits for a preprocessed batch [N, ...input_shape]."""
        self._check_batch_size(batch.shape[0] if batch.ndim else 0)
        with self.using(model, batch.shape[0]):
            started = time.perf_counter()
            logits, waited = await self.scheduler.run(model.infer, batch)
        inference = time.perf_counter() - started - waited
        self.observer.scored(model, logits, [], {"queue": waited, "inference": inference})
        return logits

    async def infer_images(self, model: OnnxClassifier, items: list[bytes]) -> np.ndarray:
        """Logits for encoded images, decoded and preprocessed as the model's spec says."""
        self._check_batch_size(len(items))
        with self.using(model, len(items)):
            await self._check_request_budget(model, items)
            prepared = await _all_or_none(self.scheduler.run(model.prepare, data) for data in items)
            started = time.perf_counter()
            logits, waited = await self.scheduler.run(model.infer, np.stack([p.tensor for p, _ in prepared]))
        timings = {"queue": waited, "inference": time.perf_counter() - started - waited}
        self.observer.scored(model, logits, [p.stats for p, _ in prepared], timings)
        return logits

    async def _check_request_budget(self, model: OnnxClassifier, items: list[bytes]) -> None:
        """Headers first, in one job: a request whose images would take too long to decode is refused whole."""
        if len(items) > 1:
            await self.scheduler.run(model.check_request_budget, items)

    def _check_batch_size(self, count: int) -> None:
        if count < 1:
            raise BadInput("The request holds no image.")
        if count > self.max_batch_images:
            raise BadInput(f"The request holds {count} images; the limit is {self.max_batch_images}.")

    async def classify_with(self, model: OnnxClassifier, data: bytes, top_k: int) -> Classification:
        """The pipeline on a given model, for callers that already hold capacity (the shadow)."""
        self._in_use[model] += 1
        try:
            return await self._classify(model, data, top_k)
        finally:
            self._in_use[model] -= 1

    async def _classify(self, model: OnnxClassifier, data: bytes, top_k: int) -> Classification:
        started = time.perf_counter()
        if self._batching is None:
            (prepared, predictions, spread), waited = await self.scheduler.run(_classify_sync, model, data, top_k)
            batch_size = 1
        else:
            prepared, predictions, spread, waited, batch_size = await self._classify_batched(model, data, top_k)
        timings = {"queue": waited, **prepared.timer.seconds, "total": time.perf_counter() - started}
        return Classification(model.name, model.version, predictions, timings, prepared.stats, spread, batch_size)

    async def _classify_batched(
        self, model: OnnxClassifier, data: bytes, top_k: int
    ) -> tuple[PreparedImage, list[ClassScore], float, float, int]:
        prepared, waited = await self.scheduler.run(model.prepare, data)
        batcher = self._batchers.get(model)
        if batcher is None:
            config = self._batching
            batcher = MicroBatcher(model.infer, self.scheduler, config.max_size, config.max_wait_s)
            self._batchers[model] = batcher
        start = time.perf_counter()
        logits, batch_waited, batch_size = await batcher.infer(prepared.tensor)
        timer = prepared.timer
        timer.seconds["inference"] = time.perf_counter() - start - batch_waited
        predictions = timer.run("postprocess", model.rank, logits, top_k)
        spread = timer.run("postprocess", entropy, logits)
        return prepared, predictions, spread, waited + batch_waited, batch_size

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


def _classify_sync(model: OnnxClassifier, data: bytes, top_k: int) -> tuple[PreparedImage, list[ClassScore], float]:
    """The whole pipeline for one image, in one worker call: prepared image, top k, entropy."""
    prepared = model.prepare(data)
    timer = prepared.timer
    logits = timer.run("inference", model.infer, prepared.tensor[np.newaxis])
    predictions = timer.run("postprocess", model.rank, logits[0], top_k)
    return prepared, predictions, timer.run("postprocess", entropy, logits[0])
