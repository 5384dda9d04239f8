"""What telemetry costs: the same load against a service with metrics on and one with them off.

Both services run side by side (one at a time under load); runs alternate on, off, on, off...
so that the machine's drift hits both alike, and the medians are compared. Target: <= 3 %.

    python -m benchmarks.telemetry [--rounds 5] [--seconds 6] [--concurrency 8] [--side 224]
"""

from __future__ import annotations

import argparse
import os
import statistics

from benchmarks.service import closed_loop, free_port, http_caller, photo, start_service
from services.inference.settings import DEFAULT_MODEL


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--side", type=int, default=224)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    args = parser.parse_args()
    body = photo(args.side)
    services = {}
    try:
        for name, flag in (("on", "true"), ("off", "false")):
            port = free_port()
            services[name] = (port, start_service(args.model, port, {"INFERLAB_TELEMETRY": flag}))
        rates: dict[str, list[float]] = {"on": [], "off": []}
        errors = 0
        for _ in range(args.rounds):
            for name, (port, _) in services.items():
                result = closed_loop(name, http_caller(port, body), args.concurrency, args.seconds)
                rates[name].append(result.rate)
                errors += result.errors
    finally:
        for _, process in services.values():
            process.terminate()
            process.wait(timeout=30)
    on, off = statistics.median(rates["on"]), statistics.median(rates["off"])
    print(
        f"model {args.model}, {args.side} px, concurrency {args.concurrency}, {args.rounds} alternating rounds "
        f"of {args.seconds:.0f} s, {os.cpu_count()} cores\n"
    )
    print("| telemetry | median images/s | runs |")
    print("|---|---|---|")
    for name in ("on", "off"):
        print(f"| {name} | {statistics.median(rates[name]):.1f} | {', '.join(f'{r:.1f}' for r in rates[name])} |")
    print(
        f"\ncost of telemetry: {100 * (1 - on / off):.1f} % of throughput (on / off = {on / off:.3f}); errors: {errors}"
    )


if __name__ == "__main__":
    main()
