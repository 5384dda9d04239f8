"""Which images get their per-image histograms recorded: all of them at lab traffic, a share under load.

Per-image detail (stage durations, input size and drift signals, confidence, entropy) is about a
dozen histogram records, and each one costs the OpenTelemetry SDK 10-30 us of Python holding the
GIL: the largest part of what telemetry cost the service under load (`docs/performance.md`).
Those histograms are read as distributions (quantiles, means, heatmaps), which a uniform random
sample keeps, so above a budget of images per second only a uniform random share is recorded.
Counts that are read as counts (images, top-1 classes, requests, errors) are never sampled.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable


class DetailSampler:
    """Keep every image while the rate stays under `budget_per_s`, then a uniform `budget / rate` share.

    The rate is measured over windows of at least a second, each closed by the first call after
    it ends, so the share follows load within about a second either way. A budget of 0 keeps
    every image. Above the budget each second contributes about `budget` images, however busy:
    means over long windows weigh busy periods like quiet ones. Not thread-safe: the service
    calls it from the event loop only.
    """

    def __init__(
        self,
        budget_per_s: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        draw: Callable[[], float] = random.random,
    ) -> None:
        self.budget = budget_per_s
        self._clock, self._draw = clock, draw
        self._window_start = clock()
        self._seen = 0
        self.probability = 1.0
        """The share of images kept at the moment."""

    def share(self) -> float:
        """The share kept now: that of the last window, or of the open one once it is a second old."""
        if self.budget <= 0:
            return 1.0
        elapsed = self._clock() - self._window_start
        return self._window_share(elapsed) if elapsed >= 1.0 else self.probability

    def keep(self, images: int = 1) -> bool:
        """Whether to record the details of the next request, of `images` images."""
        if self.budget <= 0:
            return True
        now = self._clock()
        elapsed = now - self._window_start
        if elapsed >= 1.0:
            self.probability = self._window_share(elapsed)
            self._window_start, self._seen = now, 0
        self._seen += images
        return self.probability >= 1.0 or self._draw() < self.probability

    def _window_share(self, elapsed: float) -> float:
        rate = self._seen / elapsed
        return min(1.0, self.budget / rate) if rate > 0 else 1.0
