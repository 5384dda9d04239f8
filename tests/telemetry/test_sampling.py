"""DetailSampler: every image at lab traffic, a uniform budget-sized share under load."""

from __future__ import annotations

import random

import pytest

from telemetry.sampling import DetailSampler


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def feed(sampler: DetailSampler, clock: Clock, rate: float, seconds: float) -> int:
    """Images arriving evenly at `rate` per second for `seconds`; how many were kept."""
    kept = 0
    for _ in range(int(rate * seconds)):
        clock.now += 1 / rate
        kept += sampler.keep()
    return kept


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_below_the_budget_every_image_is_kept(clock):
    sampler = DetailSampler(10, clock=clock, draw=random.Random(1).random)
    assert feed(sampler, clock, rate=8, seconds=30) == 240
    assert sampler.probability == 1.0


def test_above_the_budget_about_the_budget_is_kept(clock):
    sampler = DetailSampler(10, clock=clock, draw=random.Random(1).random)
    feed(sampler, clock, rate=80, seconds=2)  # the first second is kept whole, then the share adapts
    kept = feed(sampler, clock, rate=80, seconds=30)
    assert sampler.probability == pytest.approx(10 / 80, rel=0.05)
    assert 10 * 30 * 0.85 < kept < 10 * 30 * 1.15


def test_the_share_comes_back_to_one_when_load_falls(clock):
    sampler = DetailSampler(10, clock=clock, draw=random.Random(1).random)
    feed(sampler, clock, rate=100, seconds=3)
    assert sampler.probability < 0.2
    feed(sampler, clock, rate=2, seconds=3)  # the first slow image closes the busy window, the next one a slow one
    assert sampler.probability == 1.0
    assert feed(sampler, clock, rate=2, seconds=3) == 6


def test_a_request_of_many_images_counts_as_many(clock):
    """The budget is in images: a request of 32 images weighs 32 in the rate, not one."""
    sampler = DetailSampler(10, clock=clock, draw=random.Random(1).random)
    for _ in range(4 * 3):  # four requests of 32 images per second, for three seconds
        clock.now += 0.25
        sampler.keep(32)
    assert sampler.probability == pytest.approx(10 / 128, rel=0.1)


def test_a_budget_of_zero_keeps_every_image(clock):
    sampler = DetailSampler(0, clock=clock, draw=lambda: 1.0)
    assert feed(sampler, clock, rate=500, seconds=3) == 1500


def test_the_share_reported_between_images_does_not_stay_low_when_traffic_stops(clock):
    sampler = DetailSampler(10, clock=clock, draw=random.Random(1).random)
    feed(sampler, clock, rate=100, seconds=3)
    assert sampler.share() == pytest.approx(0.1, rel=0.1)
    clock.now += 30  # no image since: a scrape must not report the busy share
    assert sampler.share() == 1.0
