"""Where the generated Grafana files live, apart from the code that generates them (and its SDK)."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
DASHBOARDS_DIR = HERE / "dashboards"
PROVISIONING_DIR = HERE / "provisioning"


def dashboard_path(uid: str) -> Path:
    return DASHBOARDS_DIR / f"{uid}.json"
