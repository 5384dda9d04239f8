"""Shadow traffic: a sampled share of the default model's requests also runs on the challenger.

Off the response path: the client has its answer before the shadow starts, the shadow only
takes capacity that clients leave free, and its outcome goes to telemetry only (agreement of
the top-1 class, confidence delta, latency of each version). It is given what it needs (the
models, the workers, the observer) and runs the challenger's pipeline itself.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time

from services.inference.errors import InferlabError
from services.inference.observer import Observer
from services.inference.pipeline import Prediction, completed
from services.inference.repository import ModelRepository
from services.inference.runtime import OnnxClassifier
from services.inference.scheduler import Scheduler

log = logging.getLogger(__name__)
CHALLENGER = "challenger"


class Shadow:
    def __init__(
        self,
        repository: ModelRepository,
        scheduler: Scheduler,
        observer: Observer,
        fraction: float,
        rng: random.Random | None = None,
    ) -> None:
        self._repository = repository
        self._scheduler = scheduler
        self._observer = observer
        self.fraction = fraction
        self._rng = rng or random.Random()
        self._tasks: set[asyncio.Task[None]] = set()

    def mirror(self, data: bytes, primary: Prediction) -> None:
        """Maybe run `data` on the challenger too, in the background."""
        challenger = self._repository.by_alias(CHALLENGER)
        if challenger is None or not challenger.ready or self._rng.random() >= self.fraction:
            return
        task = asyncio.create_task(self._run(challenger, data, primary))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, challenger: OnnxClassifier, data: bytes, primary: Prediction) -> None:
        started = time.perf_counter()
        try:
            # Leave a worker's worth of slots to clients: the shadow never causes a 503.
            with self._scheduler.admit(spare=self._scheduler.workers), self._repository.lease(challenger):
                result, waited = await self._scheduler.run(challenger.classify, data, len(primary.predictions))
        except InferlabError:
            return  # no room, or the challenger refused the image: nothing to compare
        except Exception:
            log.exception("shadow run on %s version %s failed", challenger.name, challenger.version)
            return
        self._observer.shadowed(primary, completed(result, waited, started))

    async def close(self) -> None:
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
