"""CPU latency and throughput of ONNX models under onnxruntime."""

import os
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .runtime import session

THREADS = (1, 2)
BATCH = 8
ROUNDS = 10
SINGLE_RUNS_PER_ROUND = 10
BATCH_RUNS_PER_ROUND = 3


@dataclass(frozen=True)
class Speed:
    model: str
    threads: int
    latency_ms: float
    images_per_s: float


@dataclass(frozen=True)
class Bench:
    speeds: list[Speed]
    load_before: float
    load_after: float


def measure(models: dict[str, Path], images: np.ndarray) -> Bench:
    """Median batch-1 latency and median batch-8 throughput, per model and thread count.

    Cases run round-robin in short bursts so that load from other processes
    on a shared machine lands on all of them alike instead of on whichever
    case happened to run at that moment.
    """
    load_before = os.getloadavg()[0]
    cases = {(name, threads): session(path, threads) for name, path in models.items() for threads in THREADS}
    single, batch = images[:1], images[:BATCH]
    samples = {case: ([], []) for case in cases}
    for sess in cases.values():
        _timed(sess, single, 5)
        _timed(sess, batch, 1)
    for _ in range(ROUNDS):
        for case, sess in cases.items():
            samples[case][0].extend(_timed(sess, single, SINGLE_RUNS_PER_ROUND))
            samples[case][1].extend(_timed(sess, batch, BATCH_RUNS_PER_ROUND))
    speeds = [
        Speed(name, threads, statistics.median(one) * 1e3, BATCH / statistics.median(eight))
        for (name, threads), (one, eight) in samples.items()
    ]
    return Bench(speeds, load_before, os.getloadavg()[0])


def _timed(sess, batch: np.ndarray, runs: int) -> list[float]:
    feed = {"input": batch}
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        sess.run(None, feed)
        times.append(time.perf_counter() - start)
    return times
