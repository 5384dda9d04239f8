"""Admission and execution of inference work: a bounded queue in front of a thread pool.

The event loop never runs model code. Requests reserve slots (`admit`) for as long as they
run; when `workers + queue_size` slots are taken, the next request fails at once with
`Overloaded` (a 503 with Retry-After), so latency stays bounded under overload.

A reservation outlives its request when it must: a job already on a worker cannot be stopped, so
the slots stay taken until every job the request started has finished or was cancelled before
starting. A request that fails early or whose client went away never frees capacity still in use.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

from services.inference.errors import Overloaded

T = TypeVar("T")


class Reservation:
    """Slots taken by one admission: freed once its block has ended and every job it started has ended."""

    def __init__(self, scheduler: Scheduler, images: int) -> None:
        self._scheduler = scheduler
        self.images = images
        self._holders = 1  # the admission's block itself

    def hold(self) -> None:
        with self._scheduler._lock:
            if self._holders == 0:
                raise RuntimeError("a released reservation cannot be held again")
            self._holders += 1

    def release(self) -> None:
        with self._scheduler._lock:
            self._holders -= 1
            if self._holders == 0:
                self._scheduler._admitted -= self.images


# The reservation of the admission block the current task runs in: jobs it submits hold it.
_current: contextvars.ContextVar[Reservation | None] = contextvars.ContextVar("reservation", default=None)


class Scheduler:
    def __init__(
        self, workers: int, queue_size: int, retry_after_s: int = 1, *, clock: Callable[[], float] = time.perf_counter
    ) -> None:
        self.workers = workers
        self._clock = clock  # measures the wait for a worker; the tests give one of their own
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
    def admit(self, images: int = 1, *, spare: int = 0) -> Iterator[Reservation]:
        """Reserve `images` slots for the block and the jobs it runs, or raise `Overloaded` at once.

        `spare` slots must stay free after this admission: optional work (the shadow) takes only
        what clients leave, and its refusals are not counted as the clients' rejections.
        """
        with self._lock:
            if self._admitted + images > self.capacity - spare:
                if not spare:
                    self.rejected += 1
                raise self._overloaded()
            self._admitted += images
        reservation = Reservation(self, images)
        token = _current.set(reservation)
        try:
            yield reservation
        finally:
            _current.reset(token)
            reservation.release()

    def refusal(self) -> Overloaded | None:
        """Without reserving: the `Overloaded` (a counted rejection) that one more image would get now, if any.

        For the server's door, which refuses before a request's body is read.
        """
        if self._admitted < self.capacity:
            return None
        with self._lock:
            self.rejected += 1
        return self._overloaded()

    def _overloaded(self) -> Overloaded:
        return Overloaded(
            f"The service is at capacity ({self.capacity} images in progress); retry shortly.", self.retry_after_s
        )

    async def run(
        self, fn: Callable[..., T], *args: object, holding: list[Reservation] | None = None
    ) -> tuple[T, float]:
        """Run `fn(*args)` on a worker thread; answer its result and the seconds it waited to start.

        The job holds `holding` (by default the reservation of the admission it runs in) until it
        ends, even when the caller stops waiting for it.
        """
        if holding is None:
            current = _current.get()
            holding = [] if current is None else [current]
        for reservation in holding:
            reservation.hold()
        try:
            future = self._pool.submit(self._timed, fn, args, self._clock())
        except BaseException:
            _release(holding)
            raise
        future.add_done_callback(lambda _: _release(holding))
        return await asyncio.wrap_future(future)

    @staticmethod
    def current() -> Reservation | None:
        """The reservation of the admission block the caller runs in, if any."""
        return _current.get()

    def _timed(self, fn: Callable[..., T], args: tuple[object, ...], submitted: float) -> tuple[T, float]:
        waited = self._clock() - submitted
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


def _release(reservations: list[Reservation]) -> None:
    for reservation in reservations:
        reservation.release()
