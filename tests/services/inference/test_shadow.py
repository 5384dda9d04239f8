"""Shadow: sampled, off the response path, only in spare capacity, reported to the observer."""

from __future__ import annotations

import asyncio
import random
from types import SimpleNamespace

from services.inference.scheduler import Scheduler
from services.inference.shadow import Shadow


class FakeDataPlane:
    def __init__(self, challenger, workers: int = 1, queue_size: int = 1) -> None:
        self.scheduler = Scheduler(workers, queue_size)
        self.repository = SimpleNamespace(by_alias=lambda alias: challenger if alias == "challenger" else None)
        self.shadowed: list[tuple[object, object]] = []
        self.observer = SimpleNamespace(shadowed=lambda primary, shadow: self.shadowed.append((primary, shadow)))
        self.calls = 0

    async def classify_with(self, model, data: bytes, top_k: int):
        self.calls += 1
        return SimpleNamespace(model=model, data=data, top_k=top_k)


PRIMARY = SimpleNamespace(predictions=[1, 2, 3])


def run(shadow: Shadow, times: int) -> None:
    async def go() -> None:
        for _ in range(times):
            shadow.mirror(b"image", PRIMARY)
        await shadow.close()

    asyncio.run(go())


def test_every_request_is_shadowed_at_fraction_one():
    dataplane = FakeDataPlane(SimpleNamespace(ready=True))
    run(Shadow(dataplane, 1.0), 3)
    assert dataplane.calls == 3 and len(dataplane.shadowed) == 3
    assert dataplane.shadowed[0][1].top_k == 3  # as many classes as the client asked for


def test_the_fraction_samples_requests():
    dataplane = FakeDataPlane(SimpleNamespace(ready=True))
    run(Shadow(dataplane, 0.25, random.Random(7)), 400)
    assert 60 < dataplane.calls < 140


def test_no_challenger_no_shadow():
    dataplane = FakeDataPlane(None)
    run(Shadow(dataplane, 1.0), 3)
    assert dataplane.calls == 0


def test_the_shadow_never_takes_the_clients_capacity():
    dataplane = FakeDataPlane(SimpleNamespace(ready=True), workers=1, queue_size=1)
    with dataplane.scheduler.admit(1):  # one client in: only the worker's spare slot would be left
        run(Shadow(dataplane, 1.0), 3)
    assert dataplane.calls == 0 and dataplane.scheduler.rejected == 0
    with dataplane.scheduler.admit(2):  # and it left nothing taken
        assert dataplane.scheduler.admitted == 2
