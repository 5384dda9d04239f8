"""`pushgateway`: the local lab's Prometheus Pushgateway (Debian's `prometheus-pushgateway`), or a wait.

Launched like the lab's Prometheus and Grafana (`telemetry.local`): when the binary is missing or its
port taken, it says so and waits for the stop signal, since honcho stops the whole lab when one process
exits. Pushed metrics persist in `data/pushgateway/`, so the last canary run survives a restart.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from services import lab
from telemetry.local.__main__ import checked, wait_for_stop
from telemetry.local.launch import DATA, Launch

BINARY = "prometheus-pushgateway"
INSTALL = (
    "install it with `apt-get install prometheus-pushgateway` (Debian/Ubuntu), then stop the service the "
    "package may start, which holds the same port: `systemctl disable --now prometheus-pushgateway`"
)


def pushgateway_launch(which: Callable[[str], str | None] = shutil.which, data: Path = DATA) -> Launch:
    port = lab.port("pushgateway")
    binary = which(BINARY)
    if binary is None:
        return Launch("pushgateway", port, skipped=f"no `{BINARY}` on PATH", hint=INSTALL)
    storage = data / "pushgateway"
    command = [binary, f"--web.listen-address=127.0.0.1:{port}", f"--persistence.file={storage / 'metrics'}"]
    return Launch("pushgateway", port, command, directories=(storage,))


def run_pushgateway(launch: Launch | None = None) -> int:
    """Become the Pushgateway (exec, so honcho's signals reach it), or say why not and wait."""
    launch = checked(launch or pushgateway_launch())
    if launch.skipped:
        print(f"{launch.tool} skipped: {launch.skipped}.\nTo run it: {launch.hint}.\nWaiting for the lab to stop.")
        sys.stdout.flush()
        return wait_for_stop()
    for directory in launch.directories:
        directory.mkdir(parents=True, exist_ok=True)
    print(f"{launch.tool} on http://127.0.0.1:{launch.port}: {' '.join(launch.command)}", flush=True)
    os.execv(launch.command[0], launch.command)
    return 1  # not reached: exec replaces this process
