"""The live-server harness itself: failures are fast and quote the server."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

from tests.live import ServerFailed, free_port, inference_server, live_process

pytestmark = pytest.mark.integration


def test_a_server_that_exits_at_start_fails_fast_with_its_stderr(tmp_path: Path) -> None:
    missing = tmp_path / "missing.onnx"
    with (
        pytest.raises(ServerFailed, match="exited before it was ready") as raised,
        inference_server([missing], tmp_path),
    ):
        pass
    assert "no model file at" in str(raised.value)


def test_a_server_that_never_gets_ready_fails_after_the_timeout_and_is_stopped(tmp_path: Path) -> None:
    port = free_port()
    silent = [sys.executable, "-c", "import os, sys, time; print('pid', os.getpid(), file=sys.stderr); time.sleep(60)"]
    with (
        pytest.raises(ServerFailed, match="not ready within 1 s") as raised,
        live_process(silent, f"http://127.0.0.1:{port}", "/", tmp_path / "silent.log", startup_timeout_s=1),
    ):
        pass
    pid = int(re.search(r"pid (\d+)", str(raised.value))[1])
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # stopped and reaped by the harness
