"""benchmarks.ab's arithmetic and its reading of /proc, without services."""

from __future__ import annotations

import os
import threading

from benchmarks.ab import Side, compare, thread_cpu_s
from benchmarks.wrk import WrkRun


def test_thread_cpu_reads_every_thread_of_a_process_the_main_one_by_the_pid():
    done = threading.Event()
    worker = threading.Thread(target=done.wait)
    worker.start()
    try:
        seconds = thread_cpu_s(os.getpid())
        assert os.getpid() in seconds and worker.native_id in seconds
        assert all(value >= 0 for value in seconds.values())
    finally:
        done.set()
        worker.join()


def run(requests: int, seconds: float, p99_s: float = 0.05) -> WrkRun:
    return WrkRun(requests, seconds, 0, 0, 0.01, p99_s)


def test_a_run_gives_the_loops_and_all_threads_cpu_per_request():
    side = Side()
    side.add(7, {7: 1.0, 8: 2.0}, {7: 1.5, 8: 4.0, 9: 0.5}, run(1000, 10.0))  # thread 9 started meanwhile
    assert side.rates == [100.0]
    assert side.loop_ms == [0.5]
    assert side.all_ms == [3.0]
    assert side.p99_ms == [50.0]
    assert side.row("A") == "| A | 100.0 | 0.500 | 3.000 | 50.0 |"


def test_b_over_a_pairs_the_rounds():
    a, b = Side(), Side()
    for rate_a, rate_b in ((100, 110), (200, 180), (100, 150)):
        a.add(1, {1: 0.0}, {1: 1.0}, run(rate_a, 1.0))
        b.add(1, {1: 0.0}, {1: 1.0}, run(rate_b, 1.0))
    # round ratios 1.1, 0.9, 1.5: their median, not the ratio of the median rates (150 / 100)
    assert compare(a, b).startswith("B/A throughput: median 1.100 ")
