"""Shadow: sampled, off the response path, only in spare capacity, reported to the observer."""

from __future__ import annotations

import asyncio
import random
from types import SimpleNamespace

from services.inference.pipeline import Prediction
from services.inference.postprocessing import ClassScore
from services.inference.repository import ModelRepository
from services.inference.scheduler import Scheduler
from services.inference.shadow import Shadow


class FakeChallenger:
    """A model served as the challenger: its pipeline counts its calls (on the scheduler's workers)."""

    name, version, alias = "m", "2", "challenger"

    def __init__(self, ready: bool = True) -> None:
        self.ready = ready
        self.calls = 0

    def classify(self, data: bytes, top_k: int) -> Prediction:
        self.calls += 1
        return Prediction(self.name, self.version, [ClassScore(0, "x", 1.0)] * top_k, 1.0, 0.0, None, {})


class Lab:
    """The shadow's collaborators: a repository with `challenger` (or none), workers, an observer."""

    def __init__(self, challenger: FakeChallenger | None, workers: int = 1, queue_size: int = 1000) -> None:
        self.challenger = challenger
        self.repository = ModelRepository([challenger] if challenger else [])
        self.scheduler = Scheduler(workers, queue_size)
        self.shadowed: list[tuple[object, Prediction]] = []
        self.observer = SimpleNamespace(shadowed=lambda primary, shadow: self.shadowed.append((primary, shadow)))

    def shadow(self, fraction: float, rng: random.Random | None = None) -> Shadow:
        return Shadow(self.repository, self.scheduler, self.observer, fraction, rng)

    @property
    def calls(self) -> int:
        return self.challenger.calls if self.challenger else 0


PRIMARY = SimpleNamespace(predictions=[1, 2, 3])


def run(shadow: Shadow, times: int) -> None:
    async def go() -> None:
        for _ in range(times):
            shadow.mirror(b"image", PRIMARY)
        await shadow.close()

    asyncio.run(go())


def test_every_request_is_shadowed_at_fraction_one():
    lab = Lab(FakeChallenger())
    run(lab.shadow(1.0), 3)
    assert lab.calls == 3 and len(lab.shadowed) == 3
    shadowed = lab.shadowed[0][1]
    assert len(shadowed.predictions) == 3  # as many classes as the client asked for
    assert set(shadowed.timings) == {"queue", "total"}  # timed as the data plane times a request


def test_the_fraction_samples_requests():
    lab = Lab(FakeChallenger())
    run(lab.shadow(0.25, random.Random(7)), 400)
    assert 60 < lab.calls < 140


def test_no_challenger_no_shadow():
    lab = Lab(None)
    run(lab.shadow(1.0), 3)
    assert lab.shadowed == []


def test_a_challenger_not_ready_is_not_shadowed():
    lab = Lab(FakeChallenger(ready=False))
    run(lab.shadow(1.0), 3)
    assert lab.calls == 0


def test_the_shadow_never_takes_the_clients_capacity():
    lab = Lab(FakeChallenger(), workers=1, queue_size=1)
    with lab.scheduler.admit(1):  # one client in: only the worker's spare slot would be left
        run(lab.shadow(1.0), 3)
    assert lab.calls == 0 and lab.scheduler.rejected == 0
    with lab.scheduler.admit(2):  # and it left nothing taken
        assert lab.scheduler.admitted == 2


def test_the_challenger_is_leased_while_the_shadow_runs_it():
    """A hot swap that retires the challenger waits for the shadow's run (`ModelRepository.drained`)."""
    lab = Lab(FakeChallenger())
    leased = []
    original = lab.challenger.classify
    lab.challenger.classify = lambda data, k: (
        leased.append(lab.repository._in_use[lab.challenger]),
        original(data, k),
    )[1]
    run(lab.shadow(1.0), 1)
    assert leased == [1] and lab.repository._in_use[lab.challenger] == 0
