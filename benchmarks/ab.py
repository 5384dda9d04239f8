"""A/B: two services that differ by settings, loaded in turn under wrk, compared round by round.

How docs/performance.md measured each change of issue 15. Both services run at once (idle when not
loaded), each loaded in turn by wrk (8 keep-alive connections, the raw JPEG to `/v1/predict`), in ABBA
order, so that the machine's swings fall on both alike; with their prediction log writing to one real
PostgreSQL, as by default. Per run it reads each thread's CPU from `/proc`: the event loop's (the main
thread) and all threads' per request, the figures that move less than throughput on a shared machine.

Prints the medians of each side, and B over A: the median of per-round throughput ratios with its
quartiles, and the ratios of CPU per request. Run it A/A first (no settings on either side) to see the
machine's own noise: a change must beat it to count.

    python -m benchmarks.ab --b INFERLAB_GIL_SWITCH_INTERVAL_MS=5 [--a K=V ...] [--model int8] [--side 224]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.harness import free_port, lab_postgres, photo, start_service, stat_cpu
from benchmarks.service import MODELS
from benchmarks.wrk import WrkRun, wrk


def thread_cpu_s(pid: int) -> dict[int, float]:
    """Seconds of CPU per thread of a process, by thread id (the main thread's id is the pid)."""
    seconds = {}
    for entry in os.scandir(f"/proc/{pid}/task"):
        try:
            seconds[int(entry.name)] = stat_cpu(f"{entry.path}/stat")[1]
        except OSError:  # a thread that ended meanwhile
            continue
    return seconds


@dataclass
class Side:
    rates: list[float] = field(default_factory=list)
    loop_ms: list[float] = field(default_factory=list)
    """The event loop's CPU per request, per run."""
    all_ms: list[float] = field(default_factory=list)
    """All threads' CPU per request, per run."""
    p99_ms: list[float] = field(default_factory=list)

    def add(self, pid: int, before: dict[int, float], after: dict[int, float], run: WrkRun) -> None:
        """One run: `before` and `after` are `thread_cpu_s(pid)` around it."""
        self.rates.append(run.ok_rate)
        self.loop_ms.append(1000 * (after.get(pid, 0.0) - before.get(pid, 0.0)) / run.requests)
        self.all_ms.append(1000 * sum(after[t] - before.get(t, 0.0) for t in after) / run.requests)
        self.p99_ms.append(1000 * run.p99_s)

    def row(self, name: str) -> str:
        m = statistics.median
        return f"| {name} | {m(self.rates):.1f} | {m(self.loop_ms):.3f} | {m(self.all_ms):.3f} | {m(self.p99_ms):.1f} |"


def compare(a: Side, b: Side) -> str:
    """B over A: the median of per-round throughput ratios, its quartiles, and the CPU ratios of the medians."""
    ratios = [rb / ra for ra, rb in zip(a.rates, b.rates, strict=True)]
    low, _, high = statistics.quantiles(ratios, n=4)
    m = statistics.median
    return (
        f"B/A throughput: median {m(ratios):.3f} (quartiles {low:.3f}..{high:.3f}); "
        f"loop CPU per request {m(b.loop_ms) / m(a.loop_ms):.3f}x; all threads {m(b.all_ms) / m(a.all_ms):.3f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--a", nargs="*", default=[], metavar="K=V", help="INFERLAB_* settings of service A")
    parser.add_argument("--b", nargs="*", default=[], metavar="K=V", help="INFERLAB_* settings of service B")
    parser.add_argument("--model", default="int8", choices=list(MODELS))
    parser.add_argument("--side", type=int, default=224)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    if args.rounds < 2:
        parser.error("--rounds: at least 2, for the ratios' quartiles")
    sides = {"A": Side(), "B": Side()}
    with tempfile.TemporaryDirectory() as directory, lab_postgres() as database:
        body = Path(directory) / "photo.jpg"
        body.write_bytes(photo(args.side))
        services = {}
        try:
            for name, settings in (("A", args.a), ("B", args.b)):
                env = {"INFERLAB_PREDICTIONS_DATABASE_URL": database.url, **dict(s.split("=", 1) for s in settings)}
                port = free_port()
                services[name] = (port, start_service(MODELS[args.model], port, env, log_level=None))
            headers = {"Content-Type": "image/jpeg"}
            for port, _ in services.values():  # warm both before the first measured run
                wrk(f"http://127.0.0.1:{port}/v1/predict", body, headers, args.concurrency, 2)
            for round_ in range(args.rounds):
                for name in ("A", "B") if round_ % 2 == 0 else ("B", "A"):
                    port, process = services[name]
                    before = thread_cpu_s(process.pid)
                    run = wrk(f"http://127.0.0.1:{port}/v1/predict", body, headers, args.concurrency, args.seconds)
                    if run.errors:
                        sys.exit(f"service {name}: {run.errors} requests failed")
                    sides[name].add(process.pid, before, thread_cpu_s(process.pid), run)
                rates = f"A {sides['A'].rates[-1]:.1f}, B {sides['B'].rates[-1]:.1f} images/s"
                print(f"round {round_ + 1}: {rates}", file=sys.stderr)
        finally:
            for _, process in services.values():
                process.terminate()
                process.wait(timeout=30)
    a, b = " ".join(args.a) or "default", " ".join(args.b) or "default"
    print(
        f"{args.model}, {args.side} px, {args.rounds} rounds x {args.seconds:g} s, wrk -c {args.concurrency}, "
        f"{os.cpu_count()} cores; A: {a}; B: {b}\n"
    )
    print("| service | images/s | loop CPU ms per request | all threads CPU ms per request | p99 ms |")
    print("|---|---|---|---|---|")
    print(sides["A"].row("A"))
    print(sides["B"].row("B"))
    print("\n" + compare(sides["A"], sides["B"]))


if __name__ == "__main__":
    main()
