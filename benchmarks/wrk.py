"""wrk, the C load generator (Debian's `wrk`), posting one body over and over on keep-alive connections.

A Python client takes as much CPU per request as the service's own HTTP layer, on the same cores; wrk
takes a few per cent of that, so what the service costs shows instead of being hidden by its client.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

# The body is read from a file (a JPEG, a form, a v2 request); headers come as "name: value" lines.
SCRIPT = """
local file = io.open(os.getenv("INFERLAB_BENCH_BODY"), "rb")
wrk.method = "POST"
wrk.body = file:read("*all")
file:close()
for name, value in string.gmatch(os.getenv("INFERLAB_BENCH_HEADERS") or "", "([^:\\n]+): ([^\\n]*)") do
  wrk.headers[name] = value
end
"""
_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


@dataclass
class WrkRun:
    requests: int
    seconds: float
    non_2xx: int
    socket_errors: int
    p50_s: float
    p99_s: float

    @property
    def ok_rate(self) -> float:
        return (self.requests - self.non_2xx) / self.seconds

    @property
    def errors(self) -> int:
        return self.non_2xx + self.socket_errors


def _seconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def parse(output: str) -> WrkRun:
    """wrk's report (run with `--latency`) as figures."""
    total, elapsed = re.search(r"(\d+) requests in ([\d.]+)s", output).group(1, 2)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    quantiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", output, re.MULTILINE))
    return WrkRun(
        int(total),
        float(elapsed),
        int(non_2xx.group(1)) if non_2xx else 0,
        sum(map(int, socket_errors.groups())) if socket_errors else 0,
        _seconds(quantiles["50"]) if "50" in quantiles else float("nan"),
        _seconds(quantiles["99"]) if "99" in quantiles else float("nan"),
    )


def wrk(url: str, body_path: Path, headers: dict[str, str], connections: int, seconds: float) -> WrkRun:
    """A closed loop of `connections` keep-alive connections on one wrk thread, for `seconds`."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(SCRIPT)
    command = ["wrk", "--latency", "-t", "1", "-c", str(connections), "-d", f"{seconds:.0f}s", "-s", script.name]
    env = {
        **os.environ,
        "INFERLAB_BENCH_BODY": str(body_path),
        "INFERLAB_BENCH_HEADERS": "\n".join(f"{name}: {value}" for name, value in headers.items()),
    }
    try:
        output = subprocess.run(
            [*command, url], env=env, capture_output=True, text=True, check=True, timeout=seconds + 60
        ).stdout
    finally:
        os.unlink(script.name)
    return parse(output)
