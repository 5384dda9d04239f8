"""Finding a tool: PATH first, then the cached release, then a fetch; the release table per platform."""

from __future__ import annotations

from pathlib import Path

import pytest

from lab.tools import finder as finder_module
from lab.tools.finder import ToolFinder, release_for
from lab.tools.releases import GRAFANA, PROMETHEUS, PUSHGATEWAY, Platform, UnsupportedPlatform, this_platform
from lab.tools.settings import ToolsSettings


def finder(tmp_path: Path, which: dict[str, str] | None = None, fetching: bool = True) -> ToolFinder:
    settings = ToolsSettings(dir=tmp_path, fetch=fetching)
    return ToolFinder(settings, which=(which or {}).get, say=lambda line: None)


def test_a_binary_on_path_wins_and_nothing_is_fetched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(finder_module, "fetch", lambda *args, **kwargs: pytest.fail("fetched although on PATH"))
    assert finder(tmp_path, {"prometheus": "/usr/bin/prometheus"})("prometheus") == "/usr/bin/prometheus"


def test_a_missing_tool_is_fetched_once_for_all_its_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fetched = []

    def fake_fetch(release, where, cache, timeout_s):
        fetched.append(release.tool)
        return cache / "grafana"

    monkeypatch.setattr(finder_module, "fetch", fake_fetch)
    find = finder(tmp_path)
    assert find("grafana") == find("grafana-server") == str(tmp_path / "grafana")
    assert fetched == ["grafana"]


def test_with_fetching_off_the_problem_is_said(tmp_path: Path) -> None:
    find = finder(tmp_path, fetching=False)
    assert find("pushgateway") is None
    assert find.problems == ["fetching pushgateway 1.11.1 is off (INFERLAB_TOOLS_FETCH=false)"]


def test_a_failed_fetch_is_said_not_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(*args, **kwargs):
        raise finder_module.FetchError("cannot download x: Name or service not known")

    monkeypatch.setattr(finder_module, "fetch", failing)
    find = finder(tmp_path)
    assert find("prometheus") is None
    assert find.problems == ["fetching prometheus 3.5.0 failed: cannot download x: Name or service not known"]


def test_commands_the_lab_does_not_fetch_are_only_looked_up(tmp_path: Path) -> None:
    assert release_for("promtool") is None
    assert finder(tmp_path)("promtool") is None


@pytest.mark.parametrize(
    ("system", "machine", "expected"),
    [("Linux", "x86_64", "linux-amd64"), ("Linux", "aarch64", "linux-arm64"), ("Darwin", "arm64", "darwin-arm64")],
)
def test_the_platform_as_the_archives_name_it(system: str, machine: str, expected: str) -> None:
    assert str(this_platform(system, machine)) == expected


def test_other_platforms_are_refused_in_words() -> None:
    with pytest.raises(UnsupportedPlatform, match="Windows on AMD64"):
        this_platform("Windows", "AMD64")


def test_the_official_archive_names() -> None:
    where = Platform("darwin", "arm64")
    assert PROMETHEUS.archive(where).endswith("/v3.5.0/prometheus-3.5.0.darwin-arm64.tar.gz")
    assert PROMETHEUS.binary_path(where) == "prometheus-3.5.0.darwin-arm64/prometheus"
    assert PUSHGATEWAY.checksums(where).endswith("/pushgateway/releases/download/v1.11.1/sha256sums.txt")
    assert GRAFANA.checksums(where) == GRAFANA.archive(where) + ".sha256"
    assert GRAFANA.binary_path(where) == "grafana*/bin/grafana"
