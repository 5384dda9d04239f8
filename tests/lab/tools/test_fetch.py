"""Fetching a release: verified against its published checksum, never used half-done, fetched only once.

A small HTTP server on 127.0.0.1 (a thread of this process) serves a tiny release archive and its
checksum listing, as the release hosts do.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import tarfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from lab.tools.fetch import FetchError, expected_digest, fetch
from lab.tools.releases import Platform, Release

WHERE = Platform("linux", "amd64")
ARCHIVE = "tool-1.0.linux-amd64.tar.gz"


def tiny_archive() -> bytes:
    """`tool-1.0.linux-amd64/tool`: an executable script that says who it is."""
    script = b"#!/bin/sh\necho tool 1.0\n"
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo("tool-1.0.linux-amd64/tool")
        info.size, info.mode = len(script), 0o755
        tar.addfile(info, io.BytesIO(script))
    return buffer.getvalue()


@dataclass
class Host:
    """What the fake release host serves, and what it was asked for."""

    files: dict[str, bytes] = field(default_factory=dict)
    truncate: set[str] = field(default_factory=set)  # paths sent short of their Content-Length
    requests: list[str] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def host() -> Iterator[Host]:
    state = Host()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append(self.path)
            body = state.files.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2] if self.path in state.truncate else body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def release_on(host: Host, listing: str | None = None) -> Release:
    archive = tiny_archive()
    digest = hashlib.sha256(archive).hexdigest()
    host.files[f"/v1.0/{ARCHIVE}"] = archive
    host.files["/v1.0/sha256sums.txt"] = (listing or f"{'0' * 64}  other.tar.gz\n{digest}  {ARCHIVE}\n").encode()
    base = host.url + "/v{version}"
    return Release(
        "tool",
        "1.0",
        base + "/tool-{version}.{os}-{arch}.tar.gz",
        base + "/sha256sums.txt",
        "tool-{version}.{os}-{arch}/tool",
        ("tool",),
    )


@pytest.mark.integration  # downloads from a release server on 127.0.0.1, then runs the tool
def test_a_verified_release_is_unpacked_and_runs(host: Host, tmp_path: Path) -> None:
    binary = fetch(release_on(host), WHERE, tmp_path)
    assert binary == tmp_path / "tool-1.0.linux-amd64" / "tool-1.0.linux-amd64" / "tool"
    assert subprocess.run([binary], capture_output=True, text=True, check=True, timeout=10).stdout == "tool 1.0\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["tool-1.0.linux-amd64"]  # no archive left


@pytest.mark.integration  # downloads from a release server on 127.0.0.1
def test_the_cache_is_reused_without_a_request(host: Host, tmp_path: Path) -> None:
    release = release_on(host)
    first = fetch(release, WHERE, tmp_path)
    asked = len(host.requests)
    assert fetch(release, WHERE, tmp_path) == first
    assert len(host.requests) == asked == 2  # the checksums and the archive, once


@pytest.mark.integration  # downloads from a release server on 127.0.0.1
def test_a_checksum_mismatch_is_refused_and_nothing_is_kept(host: Host, tmp_path: Path) -> None:
    release = release_on(host, listing=f"{'ab' * 32}  {ARCHIVE}\n")
    with pytest.raises(FetchError, match="is not the published abab"):
        fetch(release, WHERE, tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.integration  # downloads from a release server on 127.0.0.1
def test_a_partial_download_is_not_used(host: Host, tmp_path: Path) -> None:
    release = release_on(host)
    host.truncate.add(f"/v1.0/{ARCHIVE}")
    with pytest.raises(FetchError):
        fetch(release, WHERE, tmp_path)
    assert list(tmp_path.iterdir()) == []  # neither the .part file nor a folder
    host.truncate.clear()
    assert fetch(release, WHERE, tmp_path).is_file()  # and the next try starts afresh


@pytest.mark.integration  # downloads from a release server on 127.0.0.1
def test_a_missing_checksum_listing_stops_before_the_download(host: Host, tmp_path: Path) -> None:
    release = release_on(host)
    del host.files["/v1.0/sha256sums.txt"]
    with pytest.raises(FetchError, match="published checksums"):
        fetch(release, WHERE, tmp_path)
    assert f"/v1.0/{ARCHIVE}" not in host.requests


def test_checksum_listings_as_the_projects_publish_them() -> None:
    digest = "a" * 64
    assert expected_digest(f"{'b' * 64}  x.tar.gz\n{digest} *tool.tar.gz\n", "tool.tar.gz") == digest
    assert expected_digest(f"{digest.upper()}\n", "tool.tar.gz") == digest  # Grafana's .sha256 file
    with pytest.raises(FetchError, match=r"do not list tool\.tar\.gz"):
        expected_digest(f"{digest}  other.tar.gz\n", "tool.tar.gz")
