"""Micro-batching: concurrent calls merged into one network call, within a size and a time bound."""

from __future__ import annotations

import asyncio
import selectors
import threading
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import numpy as np
import pytest

from services.inference.batching import MicroBatcher
from services.inference.scheduler import Scheduler

T = TypeVar("T")


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """An event loop whose clock moves only when the loop would sleep: it jumps to the next timer at once.

    The batcher's window (`max_wait_s`) and the tests' own `asyncio.sleep` then run in virtual seconds,
    exact and instant whatever the machine's load. Waiting for a worker thread with no timer pending is
    a real wait; with a timer pending, the clock jumps to it (as if the thread took that long).
    """

    def __init__(self) -> None:
        self.now = 0.0
        super().__init__(_VirtualSelector(self))

    def time(self) -> float:
        return self.now


class _VirtualSelector(selectors.DefaultSelector):
    def __init__(self, loop: VirtualTimeLoop) -> None:
        super().__init__()
        self._loop = loop

    def select(self, timeout: float | None = None) -> list:
        ready = super().select(0)
        if ready or timeout == 0:
            return ready
        if timeout is None:  # nothing scheduled: only a thread or a socket can wake the loop
            return super().select(None)
        self._loop.now += timeout
        return []


def run_virtual(main: Coroutine[Any, Any, T]) -> T:
    with asyncio.Runner(loop_factory=VirtualTimeLoop) as runner:
        return runner.run(main)


class FakeInfer:
    """Records the batch sizes it is called with; answers each row times ten."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.sizes: list[int] = []
        self._lock = threading.Lock()

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        with self._lock:
            self.sizes.append(batch.shape[0])
        if self.error is not None:
            raise self.error
        return batch * 10


@pytest.fixture
def scheduler() -> Iterator[Scheduler]:
    scheduler = Scheduler(workers=2, queue_size=32)
    yield scheduler
    scheduler.shutdown()


def row(i: int) -> np.ndarray:
    return np.full(3, float(i), np.float32)


async def infer_all(batcher: MicroBatcher, count: int):
    try:
        return await asyncio.gather(*(batcher.infer(row(i)) for i in range(count)))
    finally:
        await batcher.close()


def test_concurrent_calls_are_merged_into_one_batch(scheduler: Scheduler):
    fake = FakeInfer()
    results = run_virtual(infer_all(MicroBatcher(fake, scheduler, max_size=8, max_wait_s=0.05), 5))
    assert fake.sizes == [5]
    for i, (logits, waited, batch_size, index) in enumerate(results):
        np.testing.assert_array_equal(logits, row(i) * 10)  # each caller gets its own row back
        assert (batch_size, index) == (5, i)
        assert waited >= 0


def test_max_size_is_respected(scheduler: Scheduler):
    fake = FakeInfer()
    results = run_virtual(infer_all(MicroBatcher(fake, scheduler, max_size=4, max_wait_s=0.05), 10))
    assert sorted(fake.sizes) == [2, 4, 4]
    assert sorted(size for _, _, size, _ in results) == [2, 2] + [4] * 8
    assert sorted(index for _, _, _, index in results) == [0, 0, 0, 1, 1, 1, 2, 2, 3, 3]
    assert [float(logits[0]) for logits, _, _, _ in results] == [i * 10.0 for i in range(10)]


def test_a_lone_call_waits_at_most_max_wait(scheduler: Scheduler):
    fake = FakeInfer()
    batcher = MicroBatcher(fake, scheduler, max_size=8, max_wait_s=0.1)

    async def main() -> float:
        loop = asyncio.get_running_loop()
        started = loop.time()
        await batcher.infer(row(1))
        elapsed = loop.time() - started
        await batcher.close()
        return elapsed

    assert run_virtual(main()) == pytest.approx(0.1)  # the window, waited for company, then no more
    assert fake.sizes == [1]


def test_zero_wait_does_not_wait(scheduler: Scheduler):
    fake = FakeInfer()

    async def main() -> float:
        loop = asyncio.get_running_loop()
        batcher = MicroBatcher(fake, scheduler, max_size=8, max_wait_s=0.0)
        started = loop.time()
        await batcher.infer(row(1))
        await batcher.infer(row(2))
        await batcher.close()
        return loop.time() - started

    assert run_virtual(main()) == 0.0
    assert fake.sizes == [1, 1]


def test_calls_within_the_window_join_the_batch_and_later_ones_do_not(scheduler: Scheduler):
    fake = FakeInfer()
    batcher = MicroBatcher(fake, scheduler, max_size=8, max_wait_s=0.08)

    async def late(delay: float, i: int):
        await asyncio.sleep(delay)
        return await batcher.infer(row(i))

    async def main():
        try:
            return await asyncio.gather(late(0, 0), late(0.02, 1), late(0.2, 2))
        finally:
            await batcher.close()

    results = run_virtual(main())
    assert fake.sizes == [2, 1]
    assert [size for _, _, size, _ in results] == [2, 2, 1]


def test_an_exception_fails_every_member_of_the_batch(scheduler: Scheduler):
    error = ValueError("the network failed")
    fake = FakeInfer(error)
    batcher = MicroBatcher(fake, scheduler, max_size=8, max_wait_s=0.05)

    async def main():
        try:
            return await asyncio.gather(*(batcher.infer(row(i)) for i in range(3)), return_exceptions=True)
        finally:
            await batcher.close()

    outcomes = run_virtual(main())
    assert fake.sizes == [3]
    assert outcomes == [error, error, error]


def test_mismatched_tensors_fail_their_batch_not_the_batcher(scheduler: Scheduler):
    fake = FakeInfer()
    batcher = MicroBatcher(fake, scheduler, max_size=2, max_wait_s=0.05)

    async def main():
        try:
            bad = await asyncio.gather(
                batcher.infer(row(0)), batcher.infer(np.zeros(5, np.float32)), return_exceptions=True
            )
            good = await batcher.infer(row(3))
            return bad, good
        finally:
            await batcher.close()

    bad, (logits, _, size, _) = run_virtual(main())
    assert all(isinstance(outcome, ValueError) for outcome in bad)
    np.testing.assert_array_equal(logits, row(3) * 10)
    assert size == 1


def test_a_cancelled_caller_does_not_disturb_the_others(scheduler: Scheduler):
    fake = FakeInfer()
    batcher = MicroBatcher(fake, scheduler, max_size=8, max_wait_s=0.05)

    async def main():
        tasks = [asyncio.ensure_future(batcher.infer(row(i))) for i in range(3)]
        await asyncio.sleep(0)
        tasks[1].cancel()
        outcomes = await asyncio.gather(*tasks, return_exceptions=True)
        await batcher.close()
        return outcomes

    first, cancelled, third = run_virtual(main())
    assert isinstance(cancelled, asyncio.CancelledError)
    np.testing.assert_array_equal(first[0], row(0) * 10)
    np.testing.assert_array_equal(third[0], row(2) * 10)


def test_close_stops_the_collector(scheduler: Scheduler):
    async def main() -> MicroBatcher:
        batcher = MicroBatcher(FakeInfer(), scheduler, max_size=8, max_wait_s=0.0)
        await batcher.close()  # nothing started yet
        await batcher.infer(row(0))
        await batcher.close()
        return batcher

    batcher = run_virtual(main())
    assert batcher._collector is not None and batcher._collector.cancelled()
