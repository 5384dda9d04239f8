"""The service's version: the installed distribution's, as `/v2` and the metrics' `service.version` say."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version


def server_version() -> str:
    try:
        return package_version("inferlab")
    except PackageNotFoundError:
        return "0+unknown"
