"""Grafana for the local lab: provisioned from `telemetry/grafana/`, its state under `data/grafana`.

The datasource and the dashboards arrive by file provisioning, so nothing is clicked; anonymous
visitors may view, and the admin password is made up once and kept in `data/grafana/admin-password`
(never Grafana's admin/admin).
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from lab import layout
from lab.tools.launch import DATA, Launch
from telemetry.grafana.paths import DASHBOARDS_DIR, PROVISIONING_DIR, dashboard_path
from telemetry.grafana.provisioning import (
    DASHBOARDS_DIR_VARIABLE,
    POSTGRES_ADDRESS_VARIABLE,
    POSTGRES_DATABASE_VARIABLE,
    POSTGRES_PASSWORD_VARIABLE,
    POSTGRES_USER_VARIABLE,
    PROMETHEUS_URL_VARIABLE,
)
from telemetry.panels.service import SERVICE_OVERVIEW

# Where Grafana's packages put its `conf/defaults.ini` and `public/`: the .deb/.rpm, then Homebrew.
HOMES = (Path("/usr/share/grafana"), Path("/opt/homebrew/share/grafana"), Path("/usr/local/share/grafana"))
INSTALL = (
    "Grafana is not packaged by Debian: install `grafana` from Grafana's own apt repository "
    "(see grafana.com/docs/grafana/latest/setup-grafana/installation/debian/), or unpack its tarball "
    "and put its bin/ on PATH"
)


def find_home(binary: str, candidates: Sequence[Path] = HOMES) -> Path | None:
    """Grafana's homepath: beside the binary (a tarball's bin/..), else where packages install it."""
    beside = Path(binary).resolve().parent.parent
    return next((home for home in (beside, *candidates) if (home / "conf" / "defaults.ini").is_file()), None)


def admin_password(path: Path) -> str:
    """The lab's admin password: made up on first use, then read back (owner-only file)."""
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Created owner-only: a write then a chmod would leave it readable by others in between.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(18) + "\n")
    return path.read_text().strip()


def grafana_env(port: int, state: Path) -> dict[str, str]:
    return {
        "GF_PATHS_PROVISIONING": str(PROVISIONING_DIR),
        "GF_PATHS_DATA": str(state),
        "GF_PATHS_LOGS": str(state / "log"),
        "GF_PATHS_PLUGINS": str(state / "plugins"),
        "GF_SERVER_HTTP_ADDR": "127.0.0.1",
        "GF_SERVER_HTTP_PORT": str(port),
        "GF_AUTH_ANONYMOUS_ENABLED": "true",
        "GF_AUTH_ANONYMOUS_ORG_ROLE": "Viewer",
        "GF_SECURITY_ADMIN_PASSWORD": admin_password(state / "admin-password"),
        "GF_ANALYTICS_REPORTING_ENABLED": "false",
        "GF_ANALYTICS_CHECK_FOR_UPDATES": "false",
        "GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH": str(dashboard_path(SERVICE_OVERVIEW.uid)),
        PROMETHEUS_URL_VARIABLE: os.environ.get(PROMETHEUS_URL_VARIABLE) or layout.url("prometheus"),
        DASHBOARDS_DIR_VARIABLE: str(DASHBOARDS_DIR),
        # The lab's PostgreSQL (make up), which trusts the loopback: the prediction log's database.
        POSTGRES_ADDRESS_VARIABLE: f"127.0.0.1:{layout.port('postgres')}",
        POSTGRES_DATABASE_VARIABLE: "inferlab",
        POSTGRES_USER_VARIABLE: "postgres",
        POSTGRES_PASSWORD_VARIABLE: "",
    }


def grafana_launch(
    which: Callable[[str], str | None] = shutil.which, data: Path = DATA, homes: Sequence[Path] = HOMES
) -> Launch:
    port = layout.port("grafana")
    binary = which("grafana") or which("grafana-server")
    if binary is None:
        return Launch("grafana", port, skipped="neither `grafana` nor `grafana-server` on PATH", hint=INSTALL)
    home = find_home(binary, homes)
    if home is None:
        return Launch("grafana", port, skipped=f"no Grafana homepath (conf/defaults.ini) for {binary}", hint=INSTALL)
    # Grafana 11 prefers `grafana server`; the older `grafana-server` binary takes the same flags.
    server = [binary, "server"] if Path(binary).name == "grafana" else [binary]
    state = data / "grafana"
    command = [*server, "--homepath", str(home)]
    return Launch("grafana", port, command, grafana_env(port, state), directories=(state,))
