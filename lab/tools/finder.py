"""`which` for the lab's tools: the binary on PATH first, else the official release, fetched once into the cache.

Binaries on PATH always win, so a packaged or hand-built Prometheus is used as it is. Each release is
tried at most once per process; what went wrong is kept in `problems`, for the line that says why a
tool was skipped.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from lab.tools.fetch import FetchError, cached_binary, fetch
from lab.tools.releases import RELEASES, Release, UnsupportedPlatform, this_platform
from lab.tools.settings import ToolsSettings


def release_for(name: str) -> Release | None:
    """The release that provides the command `name`, if the lab knows one."""
    return next((release for release in RELEASES.values() if name in release.provides), None)


class ToolFinder:
    def __init__(
        self,
        settings: ToolsSettings,
        which: Callable[[str], str | None] = shutil.which,
        say: Callable[[str], None] = lambda line: print(line, flush=True),
    ) -> None:
        self._settings = settings
        self._which = which
        self._say = say
        self._found: dict[str, str | None] = {}  # release tool -> binary, or None once it failed
        self.problems: list[str] = []

    def __call__(self, name: str) -> str | None:
        if found := self._which(name):
            return found
        release = release_for(name)
        if release is None:
            return None
        if release.tool not in self._found:
            self._found[release.tool] = self._provide(release)
        return self._found[release.tool]

    def _provide(self, release: Release) -> str | None:
        try:
            where = this_platform()
        except UnsupportedPlatform as exc:
            self.problems.append(str(exc))
            return None
        cache: Path = self._settings.dir
        if found := cached_binary(release, where, cache):
            return str(found)
        if not self._settings.fetch:
            self.problems.append(f"fetching {release.tool} {release.version} is off (INFERLAB_TOOLS_FETCH=false)")
            return None
        self._say(f"fetching {release.tool} {release.version} ({where}) into {cache}: {release.archive(where)}")
        try:
            binary = fetch(release, where, cache, self._settings.timeout_s)
        except FetchError as exc:
            self.problems.append(f"fetching {release.tool} {release.version} failed: {exc}")
            return None
        self._say(f"{release.tool} {release.version}: SHA-256 verified, unpacked to {binary.parent}")
        return str(binary)
