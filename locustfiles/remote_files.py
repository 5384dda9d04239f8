"""A remote run's evidence, in the files a headless run leaves, so `summary.py` reads both alike.

The master's own downloads (stats, failures, exceptions CSVs and the HTML report), the windows read
during the run as `locust_stats_history.csv` (the Aggregated rows, with the columns the summary's
soak drift reads), and the ramp's judged steps as `ramp_steps.json`.
"""

from __future__ import annotations

import csv
import json
import time
from dataclasses import asdict
from pathlib import Path

from locustfiles.master_api import DOWNLOADS, Master
from locustfiles.remote_plan import Reading
from locustfiles.shapes import Plan, ramp_of
from locustfiles.summary import AGGREGATED, PREFIX, STEPS_FILE

STOPPED = ("stopped", "ready")
STOP_WAIT_S = 30.0
HISTORY_COLUMNS = ["Timestamp", "User Count", "Type", "Name", "Requests/s", "Failures/s", "50%", "95%"]


def wait_until_stopped(master: Master, poll_s: float, timeout_s: float = STOP_WAIT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while master.state().state not in STOPPED and time.monotonic() < deadline:
        time.sleep(poll_s)


def write_history(path: Path, readings: list[Reading]) -> None:
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(HISTORY_COLUMNS)
        for reading in readings:
            state, window = reading.state, reading.state.window
            p50, p95 = ("N/A" if v is None else f"{v:g}" for v in (state.p50_ms, window.p95_ms))
            row = [int(reading.at), state.users, "", AGGREGATED, f"{window.rate:g}", f"{window.failure_rate:g}"]
            writer.writerow([*row, p50, p95])


def write_files(master: Master, run_dir: Path, plan: Plan, readings: list[Reading], poll_s: float) -> None:
    wait_until_stopped(master, poll_s)
    for name, path in DOWNLOADS.items():
        (run_dir / name).write_bytes(master.download(path))
    write_history(run_dir / f"{PREFIX}_stats_history.csv", readings)
    ramp = ramp_of(plan)
    if ramp is not None:
        (run_dir / STEPS_FILE).write_text(json.dumps([asdict(step) for step in ramp.steps], indent=2) + "\n")
