"""Tally: counts on the hot path, observations at scrape time."""

from __future__ import annotations

import threading

from telemetry.tally import Tally


def test_counts_per_series_become_one_observation_each():
    tally = Tally("model.name", "class.label")
    tally.add(1, "m", "cat")
    tally.add(2, "m", "cat")
    tally.add(1, "m", "dog")
    observed = {o.attributes["class.label"]: (o.value, o.attributes["model.name"]) for o in tally.observe()}
    assert observed == {"cat": (3, "m"), "dog": (1, "m")}


def test_up_and_down_returns_to_zero_and_keeps_the_series():
    tally = Tally("route")
    tally.add(1, "/a")
    tally.add(-1, "/a")
    assert [(o.value, o.attributes) for o in tally.observe()] == [(0, {"route": "/a"})]


def test_no_count_is_lost_across_threads():
    tally = Tally("k")

    def add_many() -> None:
        for _ in range(20_000):
            tally.add(1, "x")

    threads = [threading.Thread(target=add_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [o.value for o in tally.observe()] == [80_000]
