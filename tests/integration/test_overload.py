"""Overload on a live server: one worker and no queue, so extra requests get a quick 503 with Retry-After."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.fixtures import solid_jpeg, write_slow_classifier
from tests.live import inference_server

pytestmark = pytest.mark.integration

CLIENTS = 8
IMAGE = solid_jpeg((40, 160, 90), (320, 240))


@pytest.mark.timeout(60)
def test_requests_over_capacity_get_503_with_retry_after(tmp_path: Path) -> None:
    env = {
        "INFERLAB_WORKERS": "1",
        "INFERLAB_QUEUE_SIZE": "0",
        "INFERLAB_RETRY_AFTER_S": "2",
        "INFERLAB_WARMUP_RUNS": "0",
    }
    with inference_server([write_slow_classifier(tmp_path)], tmp_path, env=env) as server:
        start = threading.Barrier(CLIENTS, timeout=10)

        def post(_: int) -> httpx.Response:
            with httpx.Client(base_url=server.url, timeout=30.0) as client:
                client.get("/v2/health/live")  # connect first, so that the posts leave together
                start.wait()
                return client.post("/v1/predict", content=IMAGE, headers={"content-type": "image/jpeg"})

        with ThreadPoolExecutor(CLIENTS) as pool:
            responses = list(pool.map(post, range(CLIENTS)))
        ready = httpx.get(f"{server.url}/v2/health/ready", timeout=5.0)
        after = httpx.post(f"{server.url}/v1/predict", content=IMAGE, headers={"content-type": "image/jpeg"})

    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) == {200, 503}, statuses
    for response in responses:
        if response.status_code == 503:
            assert response.headers["retry-after"] == "2"
            assert response.headers["content-type"] == "application/json"
            assert "at capacity" in response.json()["error"]
        else:
            assert response.json()["predictions"]
    assert ready.status_code == 200
    assert ready.json() == {"ready": True}
    assert after.status_code == 200, after.text
