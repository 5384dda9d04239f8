"""Admission (503 at once when full) and execution on worker threads, off the event loop."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import pytest

from services.inference.errors import Overloaded
from services.inference.scheduler import Scheduler


@pytest.fixture
def scheduler() -> Iterator[Scheduler]:
    scheduler = Scheduler(workers=2, queue_size=1, retry_after_s=3)
    yield scheduler
    scheduler.shutdown()


class TestAdmission:
    def test_capacity_is_workers_plus_queue(self, scheduler: Scheduler):
        assert scheduler.capacity == 3

    def test_beyond_capacity_raises_overloaded_at_once(self, scheduler: Scheduler):
        with scheduler.admit(2), scheduler.admit(1):
            assert scheduler.admitted == 3
            started = time.perf_counter()
            with pytest.raises(Overloaded) as caught, scheduler.admit(1):
                pass
            assert time.perf_counter() - started < 0.5  # no waiting for a slot
        assert caught.value.retry_after_s == 3
        assert caught.value.status_code == 503
        assert "capacity" in caught.value.message

    def test_a_batch_larger_than_the_capacity_is_refused(self, scheduler: Scheduler):
        with pytest.raises(Overloaded), scheduler.admit(4):
            pass
        assert scheduler.admitted == 0

    def test_slots_are_released_after_the_block(self, scheduler: Scheduler):
        with scheduler.admit(3):
            pass
        assert scheduler.admitted == 0
        with scheduler.admit(3):
            assert scheduler.admitted == 3

    def test_slots_are_released_when_the_block_fails(self, scheduler: Scheduler):
        with pytest.raises(RuntimeError), scheduler.admit(2):
            raise RuntimeError("inference failed")
        assert scheduler.admitted == 0

    def test_a_refused_request_takes_no_slot(self, scheduler: Scheduler):
        with scheduler.admit(2):
            with pytest.raises(Overloaded), scheduler.admit(2):
                pass
            assert scheduler.admitted == 2
            with scheduler.admit(1):
                assert scheduler.admitted == 3


class TestRun:
    def test_runs_off_the_event_loop_thread(self, scheduler: Scheduler):
        async def main() -> tuple[int, tuple[int, str]]:
            loop_thread = threading.get_ident()
            (worker, _) = await scheduler.run(lambda: (threading.get_ident(), threading.current_thread().name))
            return loop_thread, worker

        loop_thread, (worker_thread, worker_name) = asyncio.run(main())
        assert worker_thread != loop_thread
        assert worker_name.startswith("inference")

    def test_passes_arguments_and_returns_the_result(self, scheduler: Scheduler):
        result, waited = asyncio.run(scheduler.run(divmod, 17, 5))
        assert result == (3, 2)
        assert 0 <= waited < 0.5

    def test_exceptions_reach_the_caller(self, scheduler: Scheduler):
        with pytest.raises(ZeroDivisionError):
            asyncio.run(scheduler.run(lambda: 1 / 0))

    def test_queue_wait_is_measured(self):
        scheduler = Scheduler(workers=1, queue_size=1)
        release = threading.Event()

        async def main():
            with scheduler.admit(2):
                first = asyncio.ensure_future(scheduler.run(release.wait, 5))
                second = asyncio.ensure_future(scheduler.run(lambda: "second"))
                await asyncio.sleep(0.1)
                queued = scheduler.queued  # the second job has no worker yet
                release.set()
                return queued, await first, await second

        queued, (_, first_waited), (result, second_waited) = asyncio.run(main())
        scheduler.shutdown()
        assert queued == 1
        assert result == "second"
        assert second_waited >= 0.09  # it waited for the first job to finish
        assert first_waited < second_waited - 0.05

    def test_the_event_loop_stays_free_while_workers_run(self, scheduler: Scheduler):
        async def main() -> int:
            ticks = 0

            async def tick() -> None:
                nonlocal ticks
                while True:
                    ticks += 1
                    await asyncio.sleep(0.005)

            ticker = asyncio.ensure_future(tick())
            await scheduler.run(time.sleep, 0.1)
            ticker.cancel()
            return ticks

        assert asyncio.run(main()) >= 3


def test_spare_admissions_leave_room_for_clients_and_are_not_rejections():
    from services.inference.errors import Overloaded
    from services.inference.scheduler import Scheduler

    scheduler = Scheduler(workers=2, queue_size=2)
    with scheduler.admit(2), pytest.raises(Overloaded), scheduler.admit(spare=2):
        pass
    assert scheduler.rejected == 0
    with scheduler.admit(spare=2):
        assert scheduler.admitted == 1
