"""SIGTERM while requests are in flight: every one is answered, then the process exits with 0."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fixtures import solid_jpeg, write_slow_classifier
from tests.live import inference_server, wait_until

pytestmark = pytest.mark.integration

REQUESTS = 6  # about 0.25 s each on the one worker: well over a second of work in flight
IMAGE = solid_jpeg((200, 120, 40), (320, 240))


class Upload:
    """One POST /v1/predict on its own thread and connection; `sent` is set once the whole body is out."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.sent = threading.Event()
        self.response: httpx.Response | None = None
        self.error: Exception | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _body(self) -> Iterator[bytes]:
        yield IMAGE
        self.sent.set()  # httpx asks for the next chunk only after writing this one

    def _run(self) -> None:
        headers = {"content-type": "image/jpeg", "content-length": str(len(IMAGE))}
        try:
            with httpx.Client(timeout=30.0) as client:
                self.response = client.post(f"{self.url}/v1/predict", content=self._body(), headers=headers)
        except Exception as exc:  # reported by the test, with the server's stderr
            self.error = exc

    @property
    def done(self) -> bool:
        return self.response is not None or self.error is not None


def refuses_connections(url: str) -> bool:
    host, port = httpx.URL(url).host, httpx.URL(url).port
    try:
        socket.create_connection((host, port), timeout=1.0).close()
    except ConnectionRefusedError:
        return True
    return False


@pytest.mark.timeout(90)
def test_sigterm_drains_requests_in_flight_then_exits_cleanly(tmp_path: Path) -> None:
    model = write_slow_classifier(tmp_path)
    # No drain: the listening socket closes at once (test_shutdown_answers tests the drain's 503s).
    env = {"INFERLAB_WORKERS": "1", "INFERLAB_WARMUP_RUNS": "0", "INFERLAB_DRAIN_S": "0"}
    with inference_server([model], tmp_path, env=env) as server:
        uploads = [Upload(server.url) for _ in range(REQUESTS)]
        for upload in uploads:
            upload.thread.start()
        wait_until(lambda: all(u.sent.is_set() for u in uploads), 10, "every request is sent")
        # The first answer proves the server has read them all; the others wait for the one worker.
        wait_until(lambda: any(u.done for u in uploads), 10, "the first answer arrives")

        server.process.terminate()
        in_flight_at_sigterm = sum(not u.done for u in uploads)
        wait_until(lambda: refuses_connections(server.url), 5, "the server stops accepting connections")
        still_running_when_refused = sum(not u.done for u in uploads)

        for upload in uploads:
            upload.thread.join(30)
        exit_code = server.process.wait(20)
        stderr = server.stderr_tail()

    assert in_flight_at_sigterm >= 2, "the requests finished too fast to test a drain"
    assert still_running_when_refused >= 1, "the listening socket closed only after the drain"
    assert [u.error for u in uploads] == [None] * REQUESTS, stderr
    assert [u.response.status_code for u in uploads] == [200] * REQUESTS, stderr
    assert all(u.response.json()["model"] == "slow" for u in uploads)
    assert exit_code == 0, stderr
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{server.url}/v2/health/live", timeout=2.0)
