"""A bounded buffer and one writer thread per sink: `offer` never blocks, a full buffer drops and counts.

The writer takes up to `batch_size` events, or what came within `flush_interval_s` of the first, and hands
them to its sink in one call. A sink that fails is left alone for `reconnect_s`: what comes meanwhile is
dropped and counted, so an outage costs events, never latency.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from typing import Protocol

from services.predictions.event import PredictionEvent, ShadowOutcome
from services.predictions.metrics import PredictionLogMetrics

log = logging.getLogger(__name__)
_STOP = object()
Item = PredictionEvent | ShadowOutcome


class Sink(Protocol):
    name: str

    def write(self, items: Sequence[Item]) -> None: ...

    def close(self) -> None: ...


class SinkWriter:
    def __init__(
        self,
        sink: Sink,
        metrics: PredictionLogMetrics,
        *,
        buffer_size: int,
        batch_size: int,
        flush_interval_s: float,
        reconnect_s: float,
        done: Callable[[Sequence[Item]], None] | None = None,
    ) -> None:
        """`done` gets each batch once it was written or dropped."""
        self.sink = sink
        self._done = done
        self._metrics = metrics
        self._queue: queue.Queue = queue.Queue(buffer_size)
        self._batch_size = batch_size
        self._flush_interval_s = flush_interval_s
        self._reconnect_s = reconnect_s
        self._down_until = 0.0
        self._up = True
        self._thread = threading.Thread(target=self._run, name=f"prediction-log-{sink.name}", daemon=True)

    @property
    def up(self) -> bool:
        """Whether the sink took the last batch it was given (True until one fails)."""
        return self._up

    @property
    def buffered(self) -> int:
        return self._queue.qsize()

    def start(self) -> None:
        self._thread.start()

    def offer(self, item: Item) -> bool:
        try:
            self._queue.put_nowait(item)
        except queue.Full:
            self._metrics.dropped.labels(self.sink.name, "buffer_full").inc()
            return False
        return True

    def flush(self, timeout_s: float = 5.0) -> bool:
        """Wait until what was offered before this call went to the sink (or was dropped)."""
        done = threading.Event()
        try:
            self._queue.put(done, timeout=timeout_s)
        except queue.Full:
            return False
        return done.wait(timeout_s)

    def stop(self, timeout_s: float = 5.0) -> None:
        """Write what is buffered, then end the thread and close the sink."""
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join(timeout_s)
        self.sink.close()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            batch, markers, stopping = self._take()
            if batch:
                self._write(batch)
            for marker in markers:
                marker.set()

    def _take(self) -> tuple[list[Item], list[threading.Event], bool]:
        """The next batch; flush markers end it early, and so does the stop."""
        batch: list[Item] = []
        markers: list[threading.Event] = []
        item = self._queue.get()
        deadline = time.monotonic() + self._flush_interval_s
        while True:
            if item is _STOP:
                return batch, markers, True
            if isinstance(item, threading.Event):
                markers.append(item)
                return batch, markers, False
            batch.append(item)
            if len(batch) >= self._batch_size:
                return batch, markers, False
            try:
                item = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                return batch, markers, False

    def _write(self, batch: list[Item]) -> None:
        try:
            self._write_batch(batch)
        finally:
            if self._done is not None:
                self._done(batch)

    def _write_batch(self, batch: list[Item]) -> None:
        if time.monotonic() < self._down_until:
            self._metrics.dropped.labels(self.sink.name, "sink_down").inc(len(batch))
            return
        try:
            self.sink.write(batch)
        except Exception as exc:  # a sink's failure must never reach the service: count it and go on
            log.warning("prediction log: %s is down (%s); dropping events for %.0f s", self.sink.name, exc,
                        self._reconnect_s)  # fmt: skip
            self._down_until = time.monotonic() + self._reconnect_s
            self._up = False
            self._metrics.dropped.labels(self.sink.name, "sink_down").inc(len(batch))
            return
        if not self._up:
            log.info("prediction log: %s is back", self.sink.name)
        self._up = True
        self._metrics.written.labels(self.sink.name).inc(len(batch))
