"""What telemetry costs: the same load on a service with metrics on and one with them off, at once.

These VMs change speed by a factor of up to 1.7 from one minute to the next (other tenants,
clock), which swamps a few per cent when the two services are loaded in turn. So both are
loaded at the same time, each by its own closed loop of callers: they share the cores and
every swing of the machine hits both alike, and the one that needs more CPU per image answers
fewer images. Each round gives a ratio of images answered, on/off; the figure is the median
ratio over the rounds. The services' own CPU time per image (from /proc) is reported beside it.
Target: <= 3 %.

While the "on" service runs alone under the same load, py-spy (in the dev extra) samples it: the
share of its CPU samples spent recording (OpenTelemetry SDK frames, or a leaf frame in the
telemetry code) is a figure from one process at one time, which the machine's swings do not touch.

Then, in this process, the hot path alone: what the HTTP middleware and `ServiceMetrics` spend
per request at the rate the service reached, with the default detail budget and with every
image recorded (budget 0, the cost before sampling), as a share of the service's CPU per image.

`--alternate` loads them in turn instead (on-off, then off-on: ABBA), one service alone on the
machine as in use, at the price of that noise.

    python -m benchmarks.telemetry [--rounds 10] [--seconds 6] [--concurrency 8] [--side 224] [--alternate]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from prometheus_client import CollectorRegistry

from benchmarks.harness import closed_loop, free_port, http_caller, photo, process_cpu, start_service
from services.inference.metrics import ServiceMetrics
from services.inference.pipeline import Prediction
from services.inference.postprocessing import ClassScore
from services.inference.preprocessing import InputStats
from services.inference.settings import DEFAULT_MODEL, ServiceSettings
from telemetry.provider import create_meter_provider
from telemetry.sampling import DetailSampler

NAMES = ("on", "off")


@dataclass
class Runs:
    rates: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    """Service CPU milliseconds per image, per run."""
    errors: int = 0


@dataclass
class Comparison:
    """On against off, round by round: the median throughput ratio, its quartiles, the extra CPU per image."""

    ratio: float
    quartiles: list[float]
    cpu_extra_ms: float

    @classmethod
    def of(cls, on: Runs, off: Runs) -> Comparison:
        ratios = [a / b for a, b in zip(on.rates, off.rates, strict=True)]
        cpu_extra = statistics.median(a - b for a, b in zip(on.cpu_ms, off.cpu_ms, strict=True))
        return cls(statistics.median(ratios), statistics.quantiles(ratios, n=4), cpu_extra)


def print_runs(what: str, runs: dict[str, Runs]) -> None:
    """A Markdown table: per service, its median rate, its CPU per image and each round's rate."""
    print(f"| {what} | median images/s | service CPU ms per image | rounds, images/s |")
    print("|---|---|---|---|")
    for name, r in runs.items():
        rates = ", ".join(f"{x:.0f}" for x in r.rates)
        print(f"| {name} | {statistics.median(r.rates):.1f} | {statistics.median(r.cpu_ms):.2f} | {rates} |")


def measure(port: int, pid: int, body: bytes, concurrency: int, seconds: float, runs: Runs) -> None:
    before = process_cpu(pid)
    result = closed_loop("", http_caller(port, body), concurrency, seconds)
    runs.rates.append(result.rate)
    runs.cpu_ms.append(1000 * (process_cpu(pid) - before) / max(result.images, 1))
    runs.errors += result.errors


def measure_together(services: dict[str, tuple[int, int]], body: bytes, args: argparse.Namespace, runs) -> None:
    """One round: every service under its own closed loop, all at the same time."""
    threads = [
        threading.Thread(target=measure, args=(port, pid, body, args.concurrency, args.seconds, runs[name]))
        for name, (port, pid) in services.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


SDK_FRAMES = ("metrics/_internal/", "opentelemetry/", "attributes/__init__.py")
OWN_FRAMES = ("telemetry/", "inference/metrics.py", "api/http_metrics.py")


def is_telemetry(frames: list[str]) -> bool:
    """A sample spent recording: inside the OpenTelemetry SDK, or with telemetry code at the leaf.

    Only the leaf counts for our own code: the HTTP middleware is on the stack of every request.
    """
    return any(marker in frame for frame in frames for marker in SDK_FRAMES) or any(
        marker in frames[-1] for marker in OWN_FRAMES
    )


def telemetry_share(pid: int, port: int, body: bytes, concurrency: int, seconds: float) -> tuple[float, int] | None:
    """Share of the service's CPU samples spent recording, under load, and the number of samples.

    None when py-spy is not installed or may not attach (it needs ptrace).
    """
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).is_file():
        return None
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "samples.txt"
        command = [spy, "record", "--pid", str(pid), "--duration", str(round(seconds)), "--rate", "100"]
        command += ["--format", "raw", "--nonblocking", "--output", str(output)]
        sampler = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        closed_loop("", http_caller(port, body), concurrency, seconds)
        if sampler.wait(timeout=seconds + 60) != 0 or not output.is_file():
            return None
        return recording_share(output.read_text().splitlines())


def recording_share(lines: list[str]) -> tuple[float, int] | None:
    """From py-spy's raw output (`frame;frame;... count` per line): the telemetry share and the samples."""
    total = recording = 0
    for line in lines:
        stack, _, count = line.rpartition(" ")
        total += int(count)
        recording += int(count) if is_telemetry(stack.split(";")) else 0
    return (recording / total, total) if total else None


class SteadyClock:
    """The sampler's clock for a steady `rate` of requests: each reading is one request later."""

    def __init__(self, rate: float) -> None:
        self.now, self.step = 0.0, 1 / rate

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def hot_path_us(budget: float, rate: float, requests: int = 20_000) -> float:
    """Microseconds the telemetry spends on one request of one image: what the middleware and
    `ServiceMetrics.predicted` record, on a fresh registry, best of five repeats."""
    provider = create_meter_provider(CollectorRegistry(), {"service.name": "bench"})
    metrics = ServiceMetrics(provider, DetailSampler(budget, clock=SteadyClock(rate)))
    timings = {"queue": 0.004, "decode": 0.001, "preprocess": 0.002, "inference": 0.02, "postprocess": 0.0003}
    stats = InputStats(width=224, height=224, encoded_bytes=18_000, brightness=0.45, contrast=0.21)
    logits = np.zeros(1000, np.float32)
    result = Prediction("efficientnet-lite0", "1", [ClassScore(281, "tabby", 0.62)], 0.62, 1.9, logits, timings, stats)
    http = {"http.request.method": "POST", "http.route": "/v1/predict", "http.response.status_code": 200}

    def request() -> None:  # what api/http_metrics.py and the data plane call per request
        metrics.http_active.add(1, "POST", "/v1/predict")
        metrics.predicted(result)
        metrics.http_active.add(-1, "POST", "/v1/predict")
        metrics.http_duration.record(0.03, dict(http))

    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(requests):
            request()
        best = min(best, (time.perf_counter() - started) / requests)
    provider.shutdown()
    return best * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--side", type=int, default=224)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--alternate", action="store_true", help="load one service at a time (ABBA order)")
    args = parser.parse_args()
    body = photo(args.side)
    services = {}
    runs = {name: Runs() for name in NAMES}
    try:
        for name in NAMES:
            port = free_port()
            services[name] = (port, start_service(args.model, port, {"INFERLAB_TELEMETRY": str(name == "on")}))
        pids = {name: (port, process.pid) for name, (port, process) in services.items()}
        for round_ in range(args.rounds):
            if not args.alternate:
                measure_together(pids, body, args, runs)
                continue
            for name in NAMES if round_ % 2 == 0 else reversed(NAMES):
                measure(*pids[name], body, args.concurrency, args.seconds, runs[name])
        port, pid = pids["on"]
        share = telemetry_share(pid, port, body, args.concurrency, max(args.seconds, 20))
    finally:
        for _, process in services.values():
            process.terminate()
            process.wait(timeout=30)
    on, off = runs["on"], runs["off"]
    compared = Comparison.of(on, off)
    ratio, quartiles, cpu_extra = compared.ratio, compared.quartiles, compared.cpu_extra_ms
    print(
        f"model {args.model}, {args.side} px, concurrency {args.concurrency}, {args.rounds} rounds "
        f"of {args.seconds:.0f} s, {'one service at a time' if args.alternate else 'both services at once'}, "
        f"{os.cpu_count()} cores\n"
    )
    print_runs("telemetry", runs)
    print(
        f"\ncost of telemetry: {100 * (1 - ratio):.1f} % of throughput (median of per-round ratios on/off "
        f"{ratio:.3f}, quartiles {quartiles[0]:.3f}..{quartiles[2]:.3f}); service CPU per image "
        f"{cpu_extra:+.2f} ms (median per-round difference); errors: {on.errors + off.errors}"
    )
    if share is None:
        print("\nno profile of the service: py-spy is not installed (the dev extra has it) or may not attach")
    else:
        print(
            f"\nprofile of the service alone under load (py-spy, {share[1]} samples): "
            f"{100 * share[0]:.1f} % of its CPU spent recording metrics"
        )
    rate, cpu_off = statistics.median(off.rates), statistics.median(off.cpu_ms)
    budget = ServiceSettings().telemetry_detail_budget
    print(f"\nhot path at {rate:.0f} requests/s, against {cpu_off:.2f} ms of service CPU per image:\n")
    print("| detail budget | us per request | share of an image's CPU |")
    print("|---|---|---|")
    for label, value in ((f"{budget:g} images/s (default)", budget), ("0 (every image)", 0.0)):
        us = hot_path_us(value, rate)
        print(f"| {label} | {us:.0f} | {us / (10 * cpu_off):.2f} % |")


if __name__ == "__main__":
    main()
