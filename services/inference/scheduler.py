"""Admission and execution of inference work: a bounded queue in front of a thread pool.

The event loop never runs model code. Requests reserve slots (`admit`) for as long as they
run; when `workers + queue_size` slots are taken, the next request fails at once with
`Overloaded` (a 503 with Retry-After), so latency stays bounded under overload.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

from services.inference.errors import Overloaded

T = TypeVar("T")


class Scheduler:
    def __init__(self, workers: int, queue_size: int, retry_after_s: int = 1) -> None:
        self.workers = workers
        self.capacity = workers + queue_size
        self.retry_after_s = retry_after_s
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="inference")
        self._lock = threading.Lock()
        self._admitted = 0
        self._running = 0
        self.rejected = 0  # admissions refused since start; telemetry reads it as a counter

    @property
    def admitted(self) -> int:
        """Images admitted and not yet answered (running or waiting)."""
        return self._admitted

    @property
    def queued(self) -> int:
        """Jobs handed to the pool that no worker has started yet."""
        return max(0, self._admitted - self._running)

    @contextmanager
    def admit(self, images: int = 1, *, spare: int = 0) -> Iterator[None]:
        """Reserve `images` slots for the duration of the block, or raise `Overloaded` at once.

        `spare` slots must stay free after this admission: optional work (the shadow) takes only
        what clients leave, and its refusals are not counted as the clients' rejections.
        """
        with self._lock:
            if self._admitted + images > self.capacity - spare:
                if not spare:
                    self.rejected += 1
                raise Overloaded(
                    f"The service is at capacity ({self.capacity} images in progress); retry shortly.",
                    self.retry_after_s,
                )
            self._admitted += images
        try:
            yield
        finally:
            with self._lock:
                self._admitted -= images

    async def run(self, fn: Callable[..., T], *args: object) -> tuple[T, float]:
        """Run `fn(*args)` on a worker thread; answer its result and the seconds it waited to start."""
        submitted = time.perf_counter()
        future = self._pool.submit(self._timed, fn, args, submitted)
        return await asyncio.wrap_future(future)

    def _timed(self, fn: Callable[..., T], args: tuple[object, ...], submitted: float) -> tuple[T, float]:
        waited = time.perf_counter() - submitted
        with self._lock:
            self._running += 1
        try:
            return fn(*args), waited
        finally:
            with self._lock:
                self._running -= 1

    def shutdown(self) -> None:
        """Finish the jobs already submitted, then stop the threads."""
        self._pool.shutdown(wait=True)
