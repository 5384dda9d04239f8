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
    # Share of all cores' time that other processes used while measuring;
    # None where /proc/stat is unavailable.
    others_cpu_share: float | None


def measure(models: dict[str, Path], images: np.ndarray) -> Bench:
    """Median batch-1 latency and median batch-8 throughput, per model and thread count.

    Cases run round-robin in short bursts so that load from other processes
    on a shared machine lands on all of them alike instead of on whichever
    case happened to run at that moment.
    """
    cases = {(name, threads): session(path, threads) for name, path in models.items() for threads in THREADS}
    single, batch = images[:1], images[:BATCH]
    samples = {case: ([], []) for case in cases}
    for sess in cases.values():
        _timed(sess, single, 5)
        _timed(sess, batch, 1)
    start = _cpu_clock()
    for _ in range(ROUNDS):
        for case, sess in cases.items():
            samples[case][0].extend(_timed(sess, single, SINGLE_RUNS_PER_ROUND))
            samples[case][1].extend(_timed(sess, batch, BATCH_RUNS_PER_ROUND))
    speeds = [
        Speed(name, threads, statistics.median(one) * 1e3, BATCH / statistics.median(eight))
        for (name, threads), (one, eight) in samples.items()
    ]
    return Bench(speeds, _others_share(start, _cpu_clock()))


def _timed(sess, batch: np.ndarray, runs: int) -> list[float]:
    feed = {"input": batch}
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        sess.run(None, feed)
        times.append(time.perf_counter() - start)
    return times


def _cpu_clock() -> tuple[float, float, float] | None:
    """(wall s, busy CPU s of the whole machine, CPU s of this process)."""
    try:
        first_line = Path("/proc/stat").read_text(encoding="ascii").split("\n", 1)[0]
        fields = [int(v) for v in first_line.split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + fields[4]  # idle + iowait
    busy = (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")
    own = os.times()
    return time.monotonic(), busy, own.user + own.system


def _others_share(start, end) -> float | None:
    # Load average cannot tell this: it counts this process's own threads.
    if start is None or end is None:
        return None
    wall = end[0] - start[0]
    others = (end[1] - start[1]) - (end[2] - start[2])
    return max(0.0, others / (wall * os.cpu_count()))
