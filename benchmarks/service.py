"""Service vs in-process throughput: what HTTP, the scheduler and the server cost.

Closed-loop load at a fixed concurrency against a live service (a subprocess on 127.0.0.1),
and the same decode -> preprocess -> infer pipeline in-process, with as many threads as the
service has workers, in one run, for a small and a large JPEG. Prints a Markdown table.

    python -m benchmarks.service [--seconds 10] [--concurrency 8] [--model PATH] [--env K=V ...]
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from io import BytesIO

import numpy as np
from PIL import Image

from services.inference.runtime import OnnxClassifier
from services.inference.settings import DEFAULT_MODEL, ServiceSettings


@dataclass
class Result:
    name: str
    images: int
    seconds: float
    latencies: list[float]
    errors: int

    @property
    def rate(self) -> float:
        return self.images / self.seconds

    def quantile_ms(self, q: float) -> float:
        return float(np.quantile(self.latencies, q) * 1000) if self.latencies else float("nan")


def photo(side: int) -> bytes:
    """scikit-image's astronaut photo (public domain, NASA), as a JPEG with the given long side."""
    from skimage import data

    image = Image.fromarray(data.astronaut()).resize((side, side), Image.Resampling.BICUBIC)
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def closed_loop(name: str, call: Callable[[], bool], concurrency: int, seconds: float) -> Result:
    """`concurrency` callers, each calling again as soon as its last call returns, for `seconds`."""
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency
    deadline = time.perf_counter() + seconds

    def caller(slot: int) -> None:
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            ok = call()
            latencies[slot].append(time.perf_counter() - start)
            errors[slot] += not ok

    started = time.perf_counter()
    threads = [threading.Thread(target=caller, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    flat = [x for per in latencies for x in per]
    return Result(name, len(flat), elapsed, flat, sum(errors))


def http_caller(port: int, body: bytes) -> Callable[[], bool]:
    """One keep-alive connection per calling thread, raw image body (the lightest client)."""
    local = threading.local()

    def call() -> bool:
        if not hasattr(local, "conn"):
            local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            local.conn.request("POST", "/v1/predict", body, {"Content-Type": "image/jpeg"})
            response = local.conn.getresponse()
            response.read()
            return response.status == 200
        except (OSError, http.client.HTTPException):
            local.conn.close()
            del local.conn
            return False

    return call


def in_process_caller(model: OnnxClassifier, pool: ThreadPoolExecutor, body: bytes) -> Callable[[], bool]:
    def pipeline() -> None:
        model.classify(body, 5)

    def call() -> bool:
        pool.submit(pipeline).result()
        return True

    return call


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_service(model: str, port: int, env: dict[str, str]) -> subprocess.Popen:
    command = [sys.executable, "-m", "services.inference", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen([*command, "--model", model, "--log-level", "warning"], env={**os.environ, **env})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/v2/health/ready")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"the service exited with {process.returncode}")
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("the service did not become ready in 60 s")


def row(result: Result, baseline: Result | None) -> str:
    ratio = f"{result.rate / baseline.rate:.2f}" if baseline else ""
    return (
        f"| {result.name} | {result.rate:.1f} | {result.quantile_ms(0.5):.1f} | "
        f"{result.quantile_ms(0.99):.1f} | {result.errors} | {ratio} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--sizes", type=int, nargs="+", default=[224, 2000])
    parser.add_argument("--env", nargs="*", default=[], help="INFERLAB_*=value for the service")
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.env)
    settings = ServiceSettings(**{k.removeprefix("INFERLAB_").lower(): v for k, v in env.items()})
    model = OnnxClassifier(args.model, intra_op_threads=settings.intra_op_threads)
    model.load()
    model.warmup()
    port = free_port()
    service = start_service(args.model, port, env)
    print(
        f"model {args.model}, {settings.workers} workers x {settings.intra_op_threads} threads, "
        f"concurrency {args.concurrency}, {args.seconds:.0f} s per run, {os.cpu_count()} cores\n"
    )
    print("| run | images/s | p50 ms | p99 ms | errors | service / in-process |")
    print("|---|---|---|---|---|---|")
    try:
        with ThreadPoolExecutor(settings.workers) as pool:
            for side in args.sizes:
                body = photo(side)
                local = closed_loop(
                    f"in-process {side} px", in_process_caller(model, pool, body), args.concurrency, args.seconds
                )
                remote = closed_loop(f"service {side} px", http_caller(port, body), args.concurrency, args.seconds)
                print(row(local, None))
                print(row(remote, local))
    finally:
        service.terminate()
        service.wait(timeout=30)


if __name__ == "__main__":
    main()
