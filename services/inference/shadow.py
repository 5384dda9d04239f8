"""Shadow traffic: a sampled share of the default model's requests also runs on the challenger.

Off the response path: the client has its answer before the shadow starts, the shadow only
takes capacity that clients leave free, and its outcome goes to telemetry only (agreement of
the top-1 class, confidence delta, latency of each version).
"""

from __future__ import annotations

import asyncio
import logging
import random
from typing import TYPE_CHECKING

from services.inference.errors import InferlabError

if TYPE_CHECKING:
    from services.inference.dataplane import Classification, DataPlane

log = logging.getLogger(__name__)
CHALLENGER = "challenger"


class Shadow:
    def __init__(self, dataplane: DataPlane, fraction: float, rng: random.Random | None = None) -> None:
        self._dataplane = dataplane
        self.fraction = fraction
        self._rng = rng or random.Random()
        self._tasks: set[asyncio.Task[None]] = set()

    def mirror(self, data: bytes, primary: Classification) -> None:
        """Maybe run `data` on the challenger too, in the background."""
        challenger = self._dataplane.repository.by_alias(CHALLENGER)
        if challenger is None or not challenger.ready or self._rng.random() >= self.fraction:
            return
        task = asyncio.create_task(self._run(challenger, data, primary))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, challenger, data: bytes, primary: Classification) -> None:
        dataplane = self._dataplane
        try:
            # Leave a worker's worth of slots to clients: the shadow never causes a 503.
            with dataplane.scheduler.admit(spare=dataplane.scheduler.workers):
                result = await dataplane.classify_with(challenger, data, len(primary.predictions))
        except InferlabError:
            return  # no room, or the challenger refused the image: nothing to compare
        except Exception:
            log.exception("shadow run on %s version %s failed", challenger.name, challenger.version)
            return
        dataplane.observer.shadowed(primary, result)

    async def close(self) -> None:
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
