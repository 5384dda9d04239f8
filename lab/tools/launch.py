"""What starting one tool takes: its command and environment, or why it cannot start and how to fix that."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from pathlib import Path

from lab.layout import DATA, REPO

__all__ = ["DATA", "REPO", "Launch", "port_taken"]


@dataclass(frozen=True)
class Launch:
    tool: str
    port: int
    command: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    directories: tuple[Path, ...] = ()  # created before the start
    files: dict[Path, str] = field(default_factory=dict)  # written before the start (rendered configs)
    skipped: str = ""  # why it cannot start, if it cannot
    hint: str = ""  # how to make it start next time


def port_taken(port: int, host: str = "127.0.0.1") -> bool:
    """Something listens there already (e.g. the service Debian's `prometheus` package starts)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False
