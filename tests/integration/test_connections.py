"""Slow and idle clients against a live server: deadlines answer them 408, the connection limit 503,
the log says so, and normal requests are answered again as soon as the offenders are gone."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from tests.live import inference_server

pytestmark = pytest.mark.integration

ENV = {"INFERLAB_HEADER_TIMEOUT_S": "1", "INFERLAB_BODY_TIMEOUT_S": "1", "INFERLAB_MAX_CONNECTIONS": "20"}


def connect(url: str) -> socket.socket:
    address = httpx.URL(url)
    return socket.create_connection((address.host, address.port), timeout=10)


def first_answer(client: socket.socket) -> bytes:
    """What the server sends before it ends the connection (bounded by the socket's 10 s time-out); then close."""
    chunks = []
    while chunk := client.recv(4096):
        chunks.append(chunk)
    client.close()
    return b"".join(chunks)


@pytest.mark.timeout(60)
def test_slow_and_idle_clients_are_cut_off_and_logged(tiny_model_file: Path, tmp_path: Path) -> None:
    with inference_server([tiny_model_file], tmp_path, env=ENV) as server:
        slowloris = connect(server.url)
        slowloris.sendall(b"GET /v2/health/live HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        stalled = connect(server.url)
        stalled.sendall(
            b"POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: 9000\r\n\r\n"
        )
        stalled.sendall(b"\x89PNG" * 10)
        idle = [connect(server.url) for _ in range(18)]  # with the two above: the limit of 20
        over = connect(server.url)
        assert first_answer(over).startswith(b"HTTP/1.1 503")
        assert first_answer(slowloris).startswith(b"HTTP/1.1 408")
        assert first_answer(stalled).startswith(b"HTTP/1.1 408")
        assert all(first_answer(client).startswith(b"HTTP/1.1 408") for client in idle)
        assert httpx.get(f"{server.url}/v2/health/ready", timeout=5).status_code == 200
        log = server.stderr()
    assert "no complete request headers within 1 s" in log
    assert "body of POST /v1/predict not complete within 1 s" in log
    assert "over 20 connections" in log
