"""What starting one tool takes: its command and environment, or why it cannot start and how to fix that."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lab.layout import DATA, REPO, port_taken

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
