"""The local lab's Prometheus Pushgateway (Debian's `prometheus-pushgateway`), where the canary pushes.

Pushed metrics persist in `data/pushgateway/`, so the last canary run survives a restart.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from lab import layout
from lab.tools.launch import DATA, Launch

BINARIES = ("prometheus-pushgateway", "pushgateway")  # Debian's name, then the official release's
INSTALL = (
    "install it with `apt-get install prometheus-pushgateway` (Debian/Ubuntu; then stop the service the "
    "package may start, which holds the same port: `systemctl disable --now prometheus-pushgateway`), "
    "or put the official release's `pushgateway` on PATH"
)


def pushgateway_launch(which: Callable[[str], str | None] = shutil.which, data: Path = DATA) -> Launch:
    port = layout.port("pushgateway")
    binary = next(filter(None, map(which, BINARIES)), None)
    if binary is None:
        return Launch(
            "pushgateway", port, skipped="neither `prometheus-pushgateway` nor `pushgateway` on PATH", hint=INSTALL
        )
    storage = data / "pushgateway"
    command = [binary, f"--web.listen-address=127.0.0.1:{port}", f"--persistence.file={storage / 'metrics'}"]
    return Launch("pushgateway", port, command, directories=(storage,))
