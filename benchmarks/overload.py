"""Goodput under overload: successful answers per second, against the most the service can give.

Three runs against a live service (a subprocess on 127.0.0.1, default settings unless `--env`),
each posting the 224 px photo to `/v1/predict`:

- maximum: `wrk`, 8 connections in a closed loop, a load the queue absorbs without a 503;
- open loop at 4x that rate: requests sent on a fixed schedule whatever the answers (an asyncio
  client in this process), each on an idle connection of a pool or a new one;
- 64 retrying clients: `wrk -c 64`, each connection sending again as soon as it has an answer,
  a 503 included, with no backoff.

Goodput counts 200s only. Prints a Markdown table; the target is >= 0.8 of the maximum in both
overload runs. wrk comes from Debian (`apt-get install wrk`); the client shares the machine's cores.

    python -m benchmarks.overload [--seconds 15] [--model PATH] [--env K=V ...]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from benchmarks.harness import free_port, photo, start_service
from benchmarks.wrk import wrk
from services.inference.settings import DEFAULT_MODEL

PATH = "/v1/predict"
OPEN_LOOP_FACTOR = 4
RETRYING_CLIENTS = 64
REQUEST_TIMEOUT_S = 10.0


@dataclass
class Run:
    name: str
    seconds: float
    statuses: Counter[int]
    errors: int = 0

    @property
    def offered(self) -> float:
        return (sum(self.statuses.values()) + self.errors) / self.seconds

    @property
    def goodput(self) -> float:
        return self.statuses[200] / self.seconds


def closed_loop_wrk(port: int, body_path: Path, connections: int, seconds: float) -> Run:
    """A closed loop of `connections`; wrk reports the total and the non-2xx answers (503s: the service is full)."""
    result = wrk(f"http://127.0.0.1:{port}{PATH}", body_path, {"Content-Type": "image/jpeg"}, connections, seconds)
    statuses = Counter({200: result.requests - result.non_2xx, 503: result.non_2xx})
    return Run(f"{connections} closed-loop clients (wrk)", result.seconds, statuses, result.socket_errors)


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> tuple[int, bool]:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
    await reader.readexactly(int(headers.get("content-length", 0)))
    return int(lines[0].split()[1]), headers.get("connection") != "close"


async def open_loop(port: int, body: bytes, rate: float, seconds: float) -> Run:
    """`rate` requests per second on a fixed schedule for `seconds`, whatever the answers."""
    request = (
        f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/jpeg\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    statuses: Counter[int] = Counter()
    errors = 0

    async def one() -> None:
        nonlocal errors
        connection = idle.pop() if idle else await asyncio.open_connection("127.0.0.1", port)
        try:
            status, keep = await asyncio.wait_for(_exchange(*connection, request), REQUEST_TIMEOUT_S)
        except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError):
            errors += 1
            connection[1].close()
            return
        statuses[status] += 1
        if keep:
            idle.append(connection)
        else:
            connection[1].close()

    loop = asyncio.get_running_loop()
    start = loop.time()
    tasks = []
    for i in range(int(rate * seconds)):
        await asyncio.sleep(max(0.0, start + i / rate - loop.time()))
        tasks.append(asyncio.create_task(one()))
    await asyncio.gather(*tasks, return_exceptions=True)
    for _, writer in idle:
        writer.close()
    # Answers that came after the schedule ended still count, within the request time-out.
    return Run(f"open loop at {OPEN_LOOP_FACTOR}x the maximum", seconds, statuses, errors)


def row(run: Run, maximum: Run | None) -> str:
    refused = sum(count for status, count in run.statuses.items() if status != 200) / run.seconds
    ratio = f"{run.goodput / maximum.goodput:.2f}" if maximum else ""
    return f"| {run.name} | {run.offered:.0f} | {run.goodput:.1f} | {refused:.0f} | {run.errors} | {ratio} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--env", nargs="*", default=[], help="INFERLAB_*=value for the service")
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.env)
    port = free_port()
    body = photo(224)
    service = start_service(args.model, port, env)
    try:
        with tempfile.NamedTemporaryFile(suffix=".jpg") as body_file:
            body_file.write(body)
            body_file.flush()
            maximum = closed_loop_wrk(port, Path(body_file.name), 8, args.seconds)
            maximum.name = "maximum: " + maximum.name
            time.sleep(1)
            offered = maximum.goodput * OPEN_LOOP_FACTOR
            opened = asyncio.run(open_loop(port, body, offered, args.seconds))
            time.sleep(1)
            retrying = closed_loop_wrk(port, Path(body_file.name), RETRYING_CLIENTS, args.seconds)
            retrying.name = f"{RETRYING_CLIENTS} retrying closed-loop clients (wrk)"
    finally:
        service.terminate()
        service.wait(timeout=30)
    print(f"model {args.model}, {args.seconds:.0f} s per run, {os.cpu_count()} cores, settings {env or 'default'}\n")
    print("| run | offered req/s | goodput (200/s) | refused/s | errors | goodput / maximum |")
    print("|---|---|---|---|---|---|")
    for run, baseline in ((maximum, None), (opened, maximum), (retrying, maximum)):
        print(row(run, baseline))


if __name__ == "__main__":
    main()
