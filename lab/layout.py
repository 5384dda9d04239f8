"""The lab's layout: which port each component listens on, read from `lab.json` at the repo root.

Settings of every process take their default ports from here, so a port is written once.
"""

from __future__ import annotations

import json
import socket
from functools import cache
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
LAB_FILE = REPO / "lab.json"
DATA = REPO / "data"  # git-ignored: the state of the local lab's processes


def load_test_targets(data: Path = DATA) -> Path:
    """Where headless load tests announce their `/metrics` for the lab's Prometheus (`file_sd`)."""
    return data / "load-tests"


def skip_note(component: str, data: Path = DATA) -> Path:
    """Where a tool that could not start says why, for the lab's console (`lab/console.py`)."""
    return data / "skipped" / f"{component}.txt"


@cache
def components() -> dict[str, dict[str, Any]]:
    return {name: spec for name, spec in json.loads(LAB_FILE.read_text()).items() if not name.startswith("_")}


def port(component: str) -> int:
    return int(components()[component]["port"])


def url(component: str, host: str = "127.0.0.1") -> str:
    return f"http://{host}:{port(component)}"


def port_taken(port: int, host: str = "127.0.0.1") -> bool:
    """Something listens there already (e.g. the service Debian's `prometheus` package starts)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False
