"""The lab's Grafana: found with its homepath, provisioned from the repo, no admin/admin, or skipped with a reason."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from lab import layout
from lab.tools.grafana import admin_password, find_home, grafana_launch
from telemetry.grafana.paths import DASHBOARDS_DIR, PROVISIONING_DIR


def grafana_home(root: Path) -> Path:
    (root / "conf").mkdir(parents=True)
    (root / "conf" / "defaults.ini").write_text("")
    return root


@pytest.fixture(autouse=True)
def no_prometheus_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INFERLAB_PROMETHEUS_URL", raising=False)


def test_a_tarball_home_is_beside_its_binary(tmp_path: Path) -> None:
    home = grafana_home(tmp_path / "grafana-11.6.0")
    (home / "bin").mkdir()
    assert find_home(str(home / "bin" / "grafana"), candidates=()) == home


def test_a_package_home_is_found_among_the_candidates(tmp_path: Path) -> None:
    home = grafana_home(tmp_path / "usr-share-grafana")
    assert find_home("/usr/sbin/grafana-server", candidates=(tmp_path / "absent", home)) == home


def test_the_new_binary_runs_as_grafana_server(tmp_path: Path) -> None:
    home = grafana_home(tmp_path / "home")
    launch = grafana_launch(which=lambda name: "/usr/sbin/grafana" if name == "grafana" else None,
                            data=tmp_path / "data", homes=(home,))  # fmt: skip
    assert launch.command == ["/usr/sbin/grafana", "server", "--homepath", str(home)]


def test_the_old_binary_and_the_provisioning_environment(tmp_path: Path) -> None:
    home = grafana_home(tmp_path / "home")
    which = {"grafana-server": "/usr/sbin/grafana-server"}.get
    launch = grafana_launch(which=which, data=tmp_path / "data", homes=(home,))
    assert launch.command == ["/usr/sbin/grafana-server", "--homepath", str(home)]
    env = launch.env
    assert env["GF_PATHS_PROVISIONING"] == str(PROVISIONING_DIR)
    assert env["INFERLAB_GRAFANA_DASHBOARDS"] == str(DASHBOARDS_DIR)
    assert env["INFERLAB_PROMETHEUS_URL"] == layout.url("prometheus")
    assert (env["GF_SERVER_HTTP_ADDR"], env["GF_SERVER_HTTP_PORT"]) == ("127.0.0.1", str(layout.port("grafana")))
    assert env["GF_AUTH_ANONYMOUS_ORG_ROLE"] == "Viewer"
    assert env["GF_SECURITY_ADMIN_PASSWORD"] not in ("", "admin")
    assert env["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"].endswith("inferlab-service.json")


def test_the_admin_password_is_made_once_and_kept_private(tmp_path: Path) -> None:
    path = tmp_path / "grafana" / "admin-password"
    first = admin_password(path)
    assert len(first) >= 20 and admin_password(path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_admin_password_is_never_readable_by_others_not_even_for_a_moment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Path, "chmod", lambda self, mode: None)  # no fixing up afterwards
    umask = os.umask(0o022)  # the usual umask, whatever the shell's
    try:
        path = tmp_path / "admin-password"
        admin_password(path)
    finally:
        os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_without_a_binary_or_a_home_it_says_why(tmp_path: Path) -> None:
    missing = grafana_launch(which=lambda name: None, data=tmp_path)
    assert "on PATH" in missing.skipped and "apt" in missing.hint and not missing.command
    homeless = grafana_launch(which=lambda name: "/nowhere/bin/grafana", data=tmp_path, homes=())
    assert "homepath" in homeless.skipped and not homeless.command
