"""The local lab's Prometheus Pushgateway (Debian's `prometheus-pushgateway`), where the canary pushes.

Pushed metrics persist in `data/pushgateway/`, so the last canary run survives a restart.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from services import lab
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
