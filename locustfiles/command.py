"""The `locust` command lines, built from the settings: headless runs (`make load`) and the web UI (`make up`)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from locustfiles.settings import LoadSettings
from locustfiles.shapes import DEFAULT_SECONDS, plan_for
from locustfiles.summary import PREFIX

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
# Time for Locust to start (and its workers to connect) and to stop its users and write its files.
START_GRACE_S = 30.0
STOP_TIMEOUT_S = 5.0


def run_directory(runs_dir: Path, now: datetime | None = None) -> Path:
    """`runs_dir/<UTC timestamp>`, e.g. runs/20250101T120000Z (sorts by time)."""
    return runs_dir / (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")


def _locust(settings: LoadSettings, python: str) -> list[str]:
    command = [python, "-m", "locust", "-f", str(LOCUSTFILE), "--host", settings.host]
    if settings.tags:
        command += ["--tags", *settings.tags]
    return command


def _load_options(settings: LoadSettings) -> list[str]:
    """Users, rate and time go to Locust only without a shape: a shape decides them itself."""
    if settings.shape != "none":
        return []
    options = ["--users", str(settings.users), "--spawn-rate", f"{settings.spawn_rate:g}"]
    return [*options, "--run-time", f"{settings.run_time or DEFAULT_SECONDS['none']:g}s"]


def _local_workers(settings: LoadSettings) -> list[str]:
    """Workers forked on this machine: their master listens for them on loopback only, not on every interface."""
    return ["--processes", str(settings.workers), "--master-bind-host", "127.0.0.1"] if settings.workers else []


def headless_command(settings: LoadSettings, run_dir: Path, python: str = sys.executable) -> list[str]:
    command = [
        *_locust(settings, python),
        "--headless",
        "--only-summary",
        "--csv",
        str(run_dir / PREFIX),
        "--csv-full-history",
        "--html",
        str(run_dir / "report.html"),
        "--logfile",
        str(run_dir / "locust.log"),
        "--stop-timeout",
        f"{STOP_TIMEOUT_S:g}",
    ]
    return [*command, *_local_workers(settings), *_load_options(settings)]


def web_command(settings: LoadSettings, python: str = sys.executable) -> list[str]:
    """Locust's web UI; its `/metrics` serves the collector (see hooks.py)."""
    command = [*_locust(settings, python), "--web-host", settings.web_host, "--web-port", str(settings.web_port)]
    command += _local_workers(settings)
    return [*command, "--users", str(settings.users), "--spawn-rate", f"{settings.spawn_rate:g}"]


def deadline_s(settings: LoadSettings) -> float:
    """The longest a headless run may take before it is stopped: the shape's length plus grace."""
    return plan_for(settings).duration_s + START_GRACE_S + STOP_TIMEOUT_S + 10.0
