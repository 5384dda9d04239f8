"""Service vs in-process throughput: what HTTP, the server and the scheduler cost per image.

For each model (fp32, int8) and image (a 224 px and a 2000 px JPEG), interleaved rounds of:

- the service (a subprocess on 127.0.0.1, default settings but its model, its access log written to
  a file, its prediction log written to a real PostgreSQL with thumbnails, as in `make up`) under wrk:
  8 keep-alive connections in a closed loop posting the raw `image/jpeg` body to `/v1/predict`;
- the same decode -> preprocess -> infer -> top-5 work in this process, on as many threads as the
  service has workers, with the service's GIL switch interval, with no HTTP.

Rounds alternate which goes first (ABBA), and each round's ratio pairs runs made seconds apart, so a
machine whose speed swings gives noisy rounds, not a biased median. Every run also measures the CPU
that neither the service, its PostgreSQL, this process nor wrk used (other processes of the host:
"foreign") and the CPU the hypervisor took (steal), so a noisy run shows as one. Then, once per model,
the forms the Python client used to measure: a multipart upload and a v2 BYTES request (tritonclient's
encoding), each against an in-process run of its own made just before it.

Prints Markdown tables; exits 1 if any request failed. The target (issue 15) is a ratio >= 0.92 in
every cell. wrk comes from Debian (`apt-get install wrk`).

    python -m benchmarks.service [--rounds 5] [--seconds 6] [--sizes 224 2000] [--env K=V ...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from benchmarks.harness import (
    Postgres,
    closed_loop,
    free_port,
    lab_postgres,
    log_dropped,
    photo,
    process_cpu,
    start_service,
)
from benchmarks.wrk import wrk
from services.inference.runtime import OnnxClassifier
from services.inference.settings import DEFAULT_MODELS, ServiceSettings

TARGET = 0.92
TOP_K = 5
MODELS = dict(zip(("fp32", "int8"), DEFAULT_MODELS, strict=True))


@dataclass
class Run:
    rate: float
    p99_s: float
    errors: int
    foreign_cores: float
    steal_cores: float
    cpu_per_image_s: float
    """CPU time of the service, wrk and this process (or of this process alone, in-process) per image."""


@dataclass
class Cell:
    model: str
    side: int
    local: list[Run] = field(default_factory=list)
    remote: list[Run] = field(default_factory=list)

    @property
    def ratios(self) -> list[float]:
        return [r.rate / loc.rate for loc, r in zip(self.local, self.remote, strict=True)]

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)

    @property
    def cpu_ratio(self) -> float:
        """In-process CPU per image over the service's: what the throughput ratio would be on idle cores."""
        pairs = zip(self.local, self.remote, strict=True)
        return statistics.median(loc.cpu_per_image_s / r.cpu_per_image_s for loc, r in pairs)


def _ticks_to_s(ticks: float) -> float:
    return ticks / os.sysconf("SC_CLK_TCK")


def host_cpu() -> tuple[float, float]:
    """Seconds of CPU the whole host has spent busy, and stolen by the hypervisor, since boot."""
    with open("/proc/stat") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return _ticks_to_s(user + nice + system + irq + softirq), _ticks_to_s(steal)


def own_cpu() -> float:
    """This process and its finished children (wrk)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


class CpuMeter:
    """The host's CPU that none of ours used (foreign), and the steal, in cores, over one run.

    Ours: this process, wrk, the service, and what `also` counts (the prediction log's PostgreSQL).
    """

    def __init__(self, service_pid: int, also: Callable[[], float] = lambda: 0.0) -> None:
        self.service_pid = service_pid
        self.also = also

    def _ours(self) -> float:
        return own_cpu() + process_cpu(self.service_pid) + self.also()

    def __enter__(self) -> CpuMeter:
        self._start = (time.perf_counter(), *host_cpu(), self._ours())
        return self

    def __exit__(self, *exc: object) -> None:
        now = (time.perf_counter(), *host_cpu(), self._ours())
        wall, busy, steal, ours = (b - a for a, b in zip(self._start, now, strict=True))
        self.ours_s = ours
        self.foreign_cores = max(0.0, busy - ours) / wall
        self.steal_cores = steal / wall


def pipeline(model: OnnxClassifier, body: bytes) -> Callable[[], bool]:
    """The service's work on one image, with no HTTP and no scheduler."""

    def call() -> bool:
        try:
            model.classify(body, TOP_K)
        except Exception:  # counted: the table says how many
            return False
        return True

    return call


@contextmanager
def switch_interval(seconds: float) -> Iterator[None]:
    """Python's GIL switch interval set as the service sets its own (`gil_switch_interval_ms`), then restored."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(seconds)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def measure_local(
    model: OnnxClassifier, body: bytes, settings: ServiceSettings, seconds: float, meter: CpuMeter
) -> Run:
    """As many threads as the service has workers, each running the pipeline again and again, with the
    service's GIL switch interval: the ceiling is measured with the interpreter set as the service's is."""
    with switch_interval(settings.gil_switch_interval_ms / 1000), meter:
        result = closed_loop("in-process", pipeline(model, body), settings.workers, seconds)
    ok = result.images - result.errors
    p99 = result.quantile_ms(0.99) / 1000
    return Run(ok / result.seconds, p99, result.errors, meter.foreign_cores, meter.steal_cores, meter.ours_s / ok)


def measure_remote(url: str, body: Path, headers: dict[str, str], args: argparse.Namespace, meter: CpuMeter) -> Run:
    with meter:
        result = wrk(url, body, headers, args.concurrency, args.seconds)
    ok = result.requests - result.non_2xx
    return Run(result.ok_rate, result.p99_s, result.errors, meter.foreign_cores, meter.steal_cores, meter.ours_s / ok)


def body_file(directory: Path, name: str, data: bytes) -> Path:
    path = directory / name
    path.write_bytes(data)
    return path


def multipart(image: bytes) -> tuple[bytes, dict[str, str]]:
    boundary = "inferlab-bench-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="photo.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    )
    body = head.encode() + image + f"\r\n--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def v2_bytes(image: bytes) -> tuple[bytes, dict[str, str]]:
    """A v2 infer request of one BYTES image with the top 5 asked for, as tritonclient encodes it."""
    import tritonclient.http as triton

    images = triton.InferInput("image", [1], "BYTES")
    images.set_data_from_numpy(np.array([image], dtype=np.object_))
    outputs = [triton.InferRequestedOutput("logits", class_count=TOP_K)]
    body, json_size = triton.InferenceServerClient.generate_request_body([images], outputs=outputs)
    headers = {"Content-Type": "application/octet-stream"}
    if json_size is not None:
        headers["Inference-Header-Content-Length"] = str(json_size)
    return body, headers


def run_model(
    label: str, path: str, args: argparse.Namespace, env: dict[str, str], directory: Path, database: Postgres
) -> list:
    settings = ServiceSettings(**{k.removeprefix("INFERLAB_").lower(): v for k, v in env.items()})
    model = OnnxClassifier(path, intra_op_threads=settings.intra_op_threads)
    model.load()
    model.warmup()
    port = free_port()
    # Default logging, an access line per request included, written where a deployment's would go.
    with open(directory / f"service-{label}.log", "wb") as log:
        service = start_service(path, port, {"INFERLAB_PREDICTIONS_DATABASE_URL": database.url, **env}, None, log)
    meter = CpuMeter(service.pid, database.cpu_s)
    url = f"http://127.0.0.1:{port}/v1/predict"
    cells, extras = [], []
    try:
        for side in args.sizes:
            image = photo(side)
            jpeg = body_file(directory, f"{side}.jpg", image)
            cell = Cell(label, side)
            for round_ in range(args.rounds):
                for which in ("local", "remote") if round_ % 2 == 0 else ("remote", "local"):
                    if which == "local":
                        cell.local.append(measure_local(model, image, settings, args.seconds, meter))
                    else:
                        headers = {"Content-Type": "image/jpeg"}
                        cell.remote.append(measure_remote(url, jpeg, headers, args, meter))
                print(f"{label} {side} px round {round_ + 1}: ratio {cell.ratios[-1]:.3f}", file=sys.stderr)
            cells.append(cell)
        if args.forms:
            image = photo(args.sizes[0])
            for name, (data, headers), target in (
                ("v1 multipart", multipart(image), url),
                ("v2 BYTES, top 5", v2_bytes(image), f"http://127.0.0.1:{port}/v2/models/{model.name}/infer"),
            ):
                # Its own ceiling, measured just before it: the machine's speed drifts over a whole cell.
                local = measure_local(model, image, settings, args.seconds, meter)
                run = measure_remote(target, body_file(directory, "form", data), headers, args, meter)
                extras.append((label, name, args.sizes[0], run, local))
        print(f"{label}: prediction log events dropped {log_dropped(port):.0f}", file=sys.stderr)
    finally:
        service.terminate()
        service.wait(timeout=30)
    return [cells, extras]


def summary_row(cell: Cell) -> str:
    local = statistics.median(r.rate for r in cell.local)
    remote = statistics.median(r.rate for r in cell.remote)
    p99 = statistics.median(r.p99_s for r in cell.remote) * 1000
    local_p99 = statistics.median(r.p99_s for r in cell.local) * 1000
    errors = sum(r.errors for r in cell.local + cell.remote)
    runs = cell.local + cell.remote
    foreign = statistics.median(r.foreign_cores for r in runs)
    steal = statistics.median(r.steal_cores for r in runs)
    low, high = min(cell.ratios), max(cell.ratios)
    return (
        f"| {cell.model} | {cell.side} px | {remote:.1f} | {local:.1f} | **{cell.ratio:.3f}** ({low:.2f}..{high:.2f}) "
        f"| {p99:.1f} | {local_p99:.1f} | {errors} | {foreign:.2f} (max {max(r.foreign_cores for r in runs):.2f}) "
        f"| {steal:.2f} | {cell.cpu_ratio:.3f} |"
    )


def extra_row(label: str, name: str, side: int, run: Run, local: Run) -> str:
    return (
        f"| {label} | {name}, {side} px | {run.rate:.1f} | {local.rate:.1f} | {run.rate / local.rate:.3f} "
        f"| {run.p99_s * 1000:.1f} | {run.errors} | {run.foreign_cores:.2f} |"
    )


def machine() -> str:
    with open("/proc/cpuinfo") as cpuinfo:
        name = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "?")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores ({name}), Python {sys.version.split()[0]}, load average before: {load}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds per cell")
    parser.add_argument("--seconds", type=float, default=6.0, help="length of one run")
    parser.add_argument("--concurrency", type=int, default=8, help="wrk's keep-alive connections")
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--sizes", type=int, nargs="+", default=[224, 2000])
    parser.add_argument("--no-forms", dest="forms", action="store_false", help="skip the multipart and v2 runs")
    parser.add_argument("--env", nargs="*", default=[], help="INFERLAB_*=value for the service")
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.env)
    print(machine())
    print(f"{args.rounds} rounds x {args.seconds:.0f} s, wrk -c {args.concurrency}, settings {env or 'default'}\n")
    cells, extras = [], []
    with tempfile.TemporaryDirectory() as directory, lab_postgres() as database:
        for label in args.models:
            model_cells, model_extras = run_model(label, MODELS[label], args, env, Path(directory), database)
            cells += model_cells
            extras += model_extras
    print(
        "| model | image | service img/s | in-process img/s | service / in-process, median of rounds (range) "
        "| service p99 ms | in-process p99 ms | errors | foreign load, cores (max) | steal, cores "
        "| CPU per image, in-process / service |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for cell in cells:
        print(summary_row(cell))
    if extras:
        print("\n| model | request | service img/s | in-process img/s | ratio | p99 ms | errors | foreign load |")
        print("|---|---|---|---|---|---|---|---|")
        for extra in extras:
            print(extra_row(*extra))
    missed = [f"{c.model} {c.side} px" for c in cells if c.ratio < TARGET]
    print(f"\ntarget >= {TARGET}: " + (f"missed in {', '.join(missed)}" if missed else "met in every cell"))
    if any(r.errors for c in cells for r in c.local + c.remote) or any(e[3].errors or e[4].errors for e in extras):
        sys.exit("some requests failed")


if __name__ == "__main__":
    main()
