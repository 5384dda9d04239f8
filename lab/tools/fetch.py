"""Fetch a tool's release archive once, verify it against its published SHA-256, unpack it into the cache.

Nothing half-done is ever used: the archive is written to a `.part` file and hashed as it arrives, a
short or mismatching download is deleted, and the archive is unpacked into a temporary folder that
is renamed into place only when whole. A second call finds the folder and fetches nothing.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import tarfile
import tempfile
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from lab.tools.releases import Platform, Release

CHUNK = 1 << 20
Opener = Callable[[str, float], BinaryIO]


class FetchError(Exception):
    """The release could not be fetched or did not verify; the message says which and why."""


def _open(url: str, timeout_s: float) -> BinaryIO:
    return urllib.request.urlopen(url, timeout=timeout_s)  # the https URLs of the release table


def expected_digest(listing: str, filename: str) -> str:
    """The SHA-256 for `filename` in a `sha256sum` listing, or the lone digest of a `.sha256` file."""
    lines = [line.split() for line in listing.splitlines() if line.strip()]
    if len(lines) == 1 and len(lines[0]) == 1:
        return lines[0][0].lower()
    for fields in lines:
        if len(fields) == 2 and fields[1].lstrip("*") == filename:
            return fields[0].lower()
    raise FetchError(f"the published checksums do not list {filename}")


def download(url: str, target: Path, timeout_s: float, opener: Opener = _open) -> str:
    """Stream `url` into `target` (a `.part` file until whole); answer the SHA-256 of what arrived."""
    part = target.with_name(target.name + ".part")
    digest = hashlib.sha256()
    try:
        with opener(url, timeout_s) as response, part.open("wb") as out:
            announced = response.headers.get("Content-Length") if hasattr(response, "headers") else None
            received = 0
            while chunk := response.read(CHUNK):
                out.write(chunk)
                digest.update(chunk)
                received += len(chunk)
        if announced is not None and received != int(announced):
            raise FetchError(f"{url}: {received} of {announced} bytes arrived")
    except (OSError, ValueError, http.client.HTTPException) as exc:
        part.unlink(missing_ok=True)
        raise FetchError(f"cannot download {url}: {exc}") from exc
    except FetchError:
        part.unlink(missing_ok=True)
        raise
    part.replace(target)
    return digest.hexdigest()


def unpack(archive: Path, into: Path) -> None:
    """Unpack into a sibling temporary folder, then rename it to `into`: never a partial tree."""
    staging = Path(tempfile.mkdtemp(prefix=f".{into.name}-", dir=into.parent))
    try:
        with tarfile.open(archive) as tar:
            tar.extractall(staging, filter="data")
        staging.replace(into)
    except (OSError, tarfile.TarError) as exc:
        raise FetchError(f"cannot unpack {archive.name}: {exc}") from exc
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def cached_binary(release: Release, where: Platform, cache: Path) -> Path | None:
    """The unpacked executable, matched by the release's pattern (archives name their top folder loosely)."""
    folder = cache / release.folder(where)
    found = sorted(path for path in folder.glob(release.binary_path(where)) if path.is_file())
    return found[0] if found and os.access(found[0], os.X_OK) else None


def fetch(release: Release, where: Platform, cache: Path, timeout_s: float = 30.0, opener: Opener = _open) -> Path:
    """The release's binary from the cache, fetched and verified first if it is not there yet."""
    if found := cached_binary(release, where, cache):
        return found
    cache.mkdir(parents=True, exist_ok=True)
    url = release.archive(where)
    filename = url.rsplit("/", 1)[-1]
    try:
        with opener(release.checksums(where), timeout_s) as response:
            wanted = expected_digest(response.read().decode(errors="replace"), filename)
    except OSError as exc:
        raise FetchError(f"cannot read the published checksums of {filename}: {exc}") from exc
    archive = cache / filename
    got = download(url, archive, timeout_s, opener)
    if got != wanted:
        archive.unlink(missing_ok=True)
        raise FetchError(f"{filename}: SHA-256 {got} is not the published {wanted}; the download was deleted")
    folder = cache / release.folder(where)
    shutil.rmtree(folder, ignore_errors=True)  # an incomplete tree left by hand: not a cache entry
    try:
        unpack(archive, folder)
    finally:
        archive.unlink(missing_ok=True)
    if found := cached_binary(release, where, cache):
        return found
    raise FetchError(f"{filename} has no executable {release.binary_path(where)}")
