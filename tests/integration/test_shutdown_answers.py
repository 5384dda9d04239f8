"""SIGTERM under load: requests arriving while the service drains, and those cut off when the grace
period ends, are answered 503 with Retry-After (not reset, not 500)."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest

from tests.fixtures import solid_jpeg, write_slow_classifier
from tests.live import inference_server, wait_until

pytestmark = pytest.mark.integration

REQUESTS = 32  # seconds of work on one worker: more than the drain (1 s) and the grace period (0.2 s) let finish
IMAGE = solid_jpeg((200, 120, 40), (320, 240))
ENV = {
    "INFERLAB_WORKERS": "1",
    "INFERLAB_WARMUP_RUNS": "0",
    "INFERLAB_RETRY_AFTER_S": "4",
    "INFERLAB_DRAIN_S": "1",
    "INFERLAB_SHUTDOWN_GRACE_S": "0.2",
}


def post(url: str, answers: list[httpx.Response | Exception]) -> None:
    try:
        answers.append(
            httpx.post(f"{url}/v1/predict", content=IMAGE, headers={"content-type": "image/jpeg"}, timeout=30)
        )
    except httpx.HTTPError as exc:
        answers.append(exc)


def in_progress(url: str) -> float:
    """Images admitted and not yet answered, as the service reports them."""
    from prometheus_client.parser import text_string_to_metric_families

    families = text_string_to_metric_families(httpx.get(f"{url}/metrics", timeout=5).text)
    return sum(s.value for f in families for s in f.samples if s.name == "inferlab_inference_in_progress")


def draining(url: str, answers: list[httpx.Response]) -> bool:
    """Whether the liveness probe has stopped answering 200 (the SIGTERM has reached the service)."""
    answers.append(httpx.get(f"{url}/v2/health/live", timeout=5))
    return answers[-1].status_code != 200


@pytest.mark.timeout(90)
def test_requests_during_the_drain_and_cut_off_ones_get_503_with_retry_after(tmp_path: Path) -> None:
    with inference_server([write_slow_classifier(tmp_path)], tmp_path, env=ENV) as server:
        in_flight: list[httpx.Response | Exception] = []
        threads = [threading.Thread(target=post, args=(server.url, in_flight)) for _ in range(REQUESTS)]
        for thread in threads:
            thread.start()
        # Every request has reached the service (about 0.25 s of work each, one at a time): admitted or answered.
        wait_until(lambda: in_progress(server.url) + len(in_flight) >= REQUESTS, 20, "every request is in")
        server.process.terminate()
        answers: list[httpx.Response] = []
        wait_until(lambda: draining(server.url, answers), 10, "the service drains")
        during_drain = answers[-1]
        for thread in threads:
            thread.join(30)
        exit_code = server.process.wait(20)

    assert during_drain.status_code == 503 and during_drain.headers["retry-after"] == "4"
    assert "shutting down" in during_drain.json()["error"]
    statuses = sorted(a.status_code for a in in_flight if isinstance(a, httpx.Response))
    assert len(statuses) == REQUESTS, in_flight  # every request answered: none reset
    assert 503 in statuses and set(statuses) <= {200, 503}, statuses
    cut_off = [a for a in in_flight if isinstance(a, httpx.Response) and a.status_code == 503]
    assert all(a.headers["retry-after"] == "4" for a in cut_off)
    assert exit_code == 0
