"""Opt-in micro-batching: concurrent single-image inferences merged into one network call.

A wrapper around a model's `infer`, as MLServer's adaptive batching is: requests queue their
tensor; a collector task takes up to `max_size` of them, waiting at most `max_wait_s` after the
first, and runs them as one batch on the scheduler's workers. Off by default: see
docs/performance.md for when it pays.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import Callable

import numpy as np

from services.inference.scheduler import Reservation, Scheduler

Infer = Callable[[np.ndarray], np.ndarray]
Pending = tuple[np.ndarray, asyncio.Future[tuple[np.ndarray, float, int, int]], Reservation | None]


class MicroBatcher:
    def __init__(self, infer: Infer, scheduler: Scheduler, max_size: int, max_wait_s: float) -> None:
        self._infer = infer
        self._scheduler = scheduler
        self.max_size = max_size
        self.max_wait_s = max_wait_s
        self._queue: asyncio.Queue[Pending] = asyncio.Queue()
        self._collector: asyncio.Task[None] | None = None
        self._batches: set[asyncio.Task[None]] = set()

    async def infer(self, tensor: np.ndarray) -> tuple[np.ndarray, float, int, int]:
        """One image's logits, the seconds its batch waited for a worker, the batch size and its place in it."""
        if self._collector is None:
            # A context of its own: the collector serves every request, not the first one's admission.
            self._collector = asyncio.create_task(self._collect(), context=contextvars.Context())
        future: asyncio.Future[tuple[np.ndarray, float, int, int]] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((tensor, future, Scheduler.current()))
        return await future

    async def _collect(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self._queue.get()]
            deadline = loop.time() + self.max_wait_s
            while len(batch) < self.max_size and (timeout := deadline - loop.time()) > 0:
                try:
                    batch.append(await asyncio.wait_for(self._queue.get(), timeout))
                except TimeoutError:
                    break
            task = asyncio.create_task(self._run(batch))
            self._batches.add(task)
            task.add_done_callback(self._batches.discard)

    async def _run(self, batch: list[Pending]) -> None:
        batch = [pending for pending in batch if not pending[1].done()]  # drop requests cancelled meanwhile
        if not batch:
            return
        holding = [reservation for _, _, reservation in batch if reservation is not None]
        try:
            logits, waited = await self._scheduler.run(self._infer, np.stack([t for t, _, _ in batch]), holding=holding)
        except Exception as exc:
            for _, future, _ in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for index, (row, (_, future, _)) in enumerate(zip(logits, batch, strict=True)):
            if not future.done():
                future.set_result((row, waited, len(batch), index))

    async def close(self) -> None:
        if self._collector is not None:
            self._collector.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._collector
        if self._batches:
            await asyncio.gather(*self._batches, return_exceptions=True)
