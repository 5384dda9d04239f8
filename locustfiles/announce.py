"""Headless load tests tell the lab's Prometheus where their `/metrics` is: one `file_sd` file per run.

Prometheus watches the folder (`lab.layout.load_test_targets()`, the Locust job's `file_sd_configs`),
so a run's figures are scraped while it lasts and the target is gone when it ends. A file is written
whole (temporary name, then rename), and one left by a run that was killed is removed by the next.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

PREFIX = "locust-"


def target_file(folder: Path, pid: int) -> Path:
    return folder / f"{PREFIX}{pid}.json"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def remove_stale(folder: Path) -> list[Path]:
    """Remove the files of runs whose process is gone; answer what was removed."""
    removed = []
    for path in folder.glob(f"{PREFIX}*.json"):
        pid = path.stem.removeprefix(PREFIX)
        if pid.isdigit() and not _alive(int(pid)):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def announce(folder: Path, address: str, labels: dict[str, str], pid: int | None = None) -> Path:
    """Write this run's target (`host:port`) with its labels; answer the file, to remove when the run ends."""
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale(folder)
    path = target_file(folder, pid or os.getpid())
    partial = path.with_suffix(".tmp")  # not *.json: Prometheus never reads a half-written file
    partial.write_text(json.dumps([{"targets": [address], "labels": labels}]) + "\n")
    partial.replace(path)
    return path
