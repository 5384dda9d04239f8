"""The official release archives `make up` fetches when a tool is not on PATH: pinned versions, per OS and CPU.

Each release is checked against the SHA-256 its project publishes beside the archive (Prometheus and
the Pushgateway: the release's `sha256sums.txt`; Grafana: a `.sha256` file next to each archive).
Versions: Prometheus 3.5 (a long-term-support release), the Pushgateway 1.11, Grafana 11.6 (the
version the dashboards are generated for, see `telemetry/grafana/`).
"""

from __future__ import annotations

import platform
from dataclasses import dataclass

OPERATING_SYSTEMS = {"Linux": "linux", "Darwin": "darwin"}
CPUS = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}


class UnsupportedPlatform(Exception):
    """No official archive for this OS or CPU."""


@dataclass(frozen=True)
class Platform:
    os: str  # as the archives spell it: linux, darwin
    arch: str  # amd64, arm64

    def __str__(self) -> str:
        return f"{self.os}-{self.arch}"


def this_platform(system: str | None = None, machine: str | None = None) -> Platform:
    system, machine = system or platform.system(), machine or platform.machine()
    if system not in OPERATING_SYSTEMS or machine.lower() not in CPUS:
        raise UnsupportedPlatform(f"no official archive for {system} on {machine} (Linux or macOS, amd64 or arm64)")
    return Platform(OPERATING_SYSTEMS[system], CPUS[machine.lower()])


@dataclass(frozen=True)
class Release:
    """One tool's archive: URL templates take {version}, {os} and {arch}."""

    tool: str
    version: str
    archive_url: str
    checksums_url: str  # a `sha256sum` listing, or a file holding the archive's digest alone
    binary: str  # glob of the executable inside the unpacked archive
    provides: tuple[str, ...]  # the command names it stands in for on PATH

    def _fill(self, template: str, where: Platform) -> str:
        return template.format(version=self.version, os=where.os, arch=where.arch)

    def archive(self, where: Platform) -> str:
        return self._fill(self.archive_url, where)

    def checksums(self, where: Platform) -> str:
        return self._fill(self.checksums_url, where)

    def binary_path(self, where: Platform) -> str:
        return self._fill(self.binary, where)

    def folder(self, where: Platform) -> str:
        """The cache folder's name: one per tool, version and platform."""
        return f"{self.tool}-{self.version}.{where}"


def _prometheus_project(tool: str, version: str, provides: tuple[str, ...]) -> Release:
    base = f"https://github.com/prometheus/{tool}/releases/download/v{{version}}"
    name = f"{tool}-{{version}}.{{os}}-{{arch}}"
    return Release(tool, version, f"{base}/{name}.tar.gz", f"{base}/sha256sums.txt", f"{name}/{tool}", provides)


PROMETHEUS = _prometheus_project("prometheus", "3.5.0", ("prometheus",))
PUSHGATEWAY = _prometheus_project("pushgateway", "1.11.1", ("prometheus-pushgateway", "pushgateway"))
GRAFANA = Release(
    "grafana",
    "11.6.0",
    "https://dl.grafana.com/oss/release/grafana-{version}.{os}-{arch}.tar.gz",
    "https://dl.grafana.com/oss/release/grafana-{version}.{os}-{arch}.tar.gz.sha256",
    "grafana*/bin/grafana",  # the top folder is grafana-v11.6.0 in recent archives, grafana-11.6.0 before
    ("grafana", "grafana-server"),
)
RELEASES = {release.tool: release for release in (PROMETHEUS, PUSHGATEWAY, GRAFANA)}
