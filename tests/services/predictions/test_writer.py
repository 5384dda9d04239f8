"""The buffer and its writer thread, against a sink in memory: no database, no waiting on the clock."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pytest
from prometheus_client import CollectorRegistry

from services.predictions.event import PredictionEvent
from services.predictions.metrics import PredictionLogMetrics
from services.predictions.writer import SinkWriter
from tests.services.predictions.events import event


class MemorySink:
    name = "memory"

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.failing = False
        self.closed = False
        self.entered = threading.Event()
        self.release = threading.Event()
        self.release.set()

    def write(self, events: Sequence[PredictionEvent]) -> None:
        self.entered.set()
        assert self.release.wait(5), "the test never released the sink"
        if self.failing:
            raise ConnectionError("down")
        self.batches.append([e.id for e in events])

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


def writer_for(sink: MemorySink, registry: CollectorRegistry, **options) -> SinkWriter:
    settings = {"buffer_size": 10, "batch_size": 3, "flush_interval_s": 60.0, "reconnect_s": 60.0, **options}
    return SinkWriter(sink, PredictionLogMetrics(registry), **settings)


def value(registry: CollectorRegistry, name: str, **labels: str) -> float:
    return registry.get_sample_value(name, {"sink": "memory", **labels}) or 0.0


def test_events_go_in_batches_of_at_most_batch_size(registry: CollectorRegistry) -> None:
    sink = MemorySink()
    writer = writer_for(sink, registry)
    events = [event() for _ in range(7)]
    for e in events:
        assert writer.offer(e)
    writer.start()
    assert writer.flush()
    writer.stop()
    assert [len(b) for b in sink.batches] == [3, 3, 1]
    assert [i for batch in sink.batches for i in batch] == [e.id for e in events]
    assert value(registry, "inferlab_prediction_log_written_total") == 7
    assert sink.closed


def test_a_full_buffer_drops_and_counts_without_blocking(registry: CollectorRegistry) -> None:
    writer = writer_for(MemorySink(), registry, buffer_size=2)  # not started: nothing drains it
    assert [writer.offer(event()) for _ in range(5)] == [True, True, False, False, False]
    assert value(registry, "inferlab_prediction_log_dropped_total", reason="buffer_full") == 3


def test_a_failing_sink_costs_events_not_the_caller_and_is_left_alone_for_a_while(registry) -> None:
    sink = MemorySink()
    sink.failing = True
    writer = writer_for(sink, registry, batch_size=1)
    writer.start()
    writer.offer(event())
    assert writer.flush()
    assert not writer.up
    sink.failing = False
    writer.offer(event())  # within reconnect_s: dropped without a try
    assert writer.flush()
    writer.stop()
    assert sink.batches == []
    assert value(registry, "inferlab_prediction_log_dropped_total", reason="sink_down") == 2


def test_a_slow_sink_never_slows_offer(registry: CollectorRegistry) -> None:
    sink = MemorySink()
    sink.release.clear()
    writer = writer_for(sink, registry, buffer_size=3, batch_size=1)
    writer.start()
    writer.offer(event())
    assert sink.entered.wait(5)  # the writer holds one event inside the sink
    results = [writer.offer(event()) for _ in range(5)]  # returns at once though the sink is stuck
    sink.release.set()
    writer.stop()
    assert results == [True, True, True, False, False]
