"""Admission (503 at once when full) and execution on worker threads, off the event loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest

from services.inference.errors import Overloaded
from services.inference.scheduler import Scheduler


class FakeClock:
    """A clock the test moves: the scheduler reads it when a job is submitted and when a worker starts it."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def scheduler() -> Iterator[Scheduler]:
    scheduler = Scheduler(workers=2, queue_size=1, retry_after_s=3)
    yield scheduler
    scheduler.shutdown()


class TestAdmission:
    def test_capacity_is_workers_plus_queue(self, scheduler: Scheduler):
        assert scheduler.capacity == 3

    def test_beyond_capacity_raises_overloaded_at_once(self, scheduler: Scheduler):
        caught: list[BaseException] = []

        def admit_one() -> None:
            try:
                with scheduler.admit(1):
                    pass
            except Overloaded as exc:
                caught.append(exc)

        with scheduler.admit(2), scheduler.admit(1):
            assert scheduler.admitted == 3
            # No waiting for a slot: the refusal comes while every slot is still held (they are freed
            # only after the join), so an admission that waited would still be running here.
            refused = threading.Thread(target=admit_one)
            refused.start()
            refused.join(timeout=30)
            assert not refused.is_alive(), "the admission waited for a slot"
        (overloaded,) = caught
        assert isinstance(overloaded, Overloaded)
        assert overloaded.retry_after_s == 3
        assert overloaded.status_code == 503
        assert "capacity" in overloaded.message

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

    def test_passes_arguments_and_returns_the_result(self):
        readings = iter([10.0, 10.25])  # when the job is submitted, when a worker starts it
        scheduler = Scheduler(workers=2, queue_size=1, clock=lambda: next(readings))
        try:
            result, waited = asyncio.run(scheduler.run(divmod, 17, 5))
        finally:
            scheduler.shutdown()
        assert result == (3, 2)
        assert waited == 0.25

    def test_exceptions_reach_the_caller(self, scheduler: Scheduler):
        with pytest.raises(ZeroDivisionError):
            asyncio.run(scheduler.run(lambda: 1 / 0))

    def test_queue_wait_is_measured(self):
        clock = FakeClock()
        scheduler = Scheduler(workers=1, queue_size=1, clock=clock)
        started, release = threading.Event(), threading.Event()

        def first_job() -> bool:
            started.set()
            return release.wait(30)

        async def main():
            with scheduler.admit(2):
                first = asyncio.ensure_future(scheduler.run(first_job))
                second = asyncio.ensure_future(scheduler.run(lambda: "second"))
                assert await asyncio.to_thread(started.wait, 30)  # the only worker is busy
                queued = scheduler.queued  # the second job has no worker yet
                clock.now += 5.0  # the time the first job takes
                release.set()
                return queued, await first, await second

        try:
            queued, (released, first_waited), (result, second_waited) = asyncio.run(main())
        finally:
            scheduler.shutdown()
        assert queued == 1
        assert released and result == "second"
        assert first_waited == 0.0
        assert second_waited == 5.0  # it waited for the first job to finish

    def test_the_event_loop_stays_free_while_workers_run(self, scheduler: Scheduler):
        """The job waits for the event loop: had `run` blocked the loop, the job would time out."""
        started, release = threading.Event(), threading.Event()

        def job() -> bool:
            started.set()
            return release.wait(30)

        async def main() -> bool:
            running = asyncio.ensure_future(scheduler.run(job))
            assert await asyncio.to_thread(started.wait, 30)
            release.set()  # the loop runs this while the job runs
            released, _ = await running
            return released

        assert asyncio.run(main())


def test_spare_admissions_leave_room_for_clients_and_are_not_rejections():
    from services.inference.errors import Overloaded
    from services.inference.scheduler import Scheduler

    scheduler = Scheduler(workers=2, queue_size=2)
    with scheduler.admit(2), pytest.raises(Overloaded), scheduler.admit(spare=2):
        pass
    assert scheduler.rejected == 0
    with scheduler.admit(spare=2):
        assert scheduler.admitted == 1
