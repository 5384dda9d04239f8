"""The service logs every v1 answer: the id in the answer, the row in PostgreSQL, feedback, metrics, readiness."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from services.inference.app import create_app
from tests.postgres import free_port
from tests.services.inference.api.test_v1 import GREEN, RED, png
from tests.services.inference.conftest import service_settings

pytestmark = pytest.mark.integration


def logging_service(monkeypatch: pytest.MonkeyPatch, model: Path, url: str) -> TestClient:
    monkeypatch.setenv("INFERLAB_PREDICTIONS_ENABLED", "true")
    monkeypatch.setenv("INFERLAB_PREDICTIONS_DATABASE_URL", url)
    monkeypatch.setenv("INFERLAB_PREDICTIONS_RECONNECT_S", "60")
    return TestClient(create_app(service_settings([model])))


@pytest.fixture
def client(monkeypatch, tiny_model_file: Path, database_url: str) -> Iterator[TestClient]:
    with logging_service(monkeypatch, tiny_model_file, database_url) as client:
        yield client


def test_an_answer_carries_its_id_and_is_in_the_log_with_its_feedback(client: TestClient) -> None:
    answer = client.post("/v1/predict", content=png(RED), headers={"Content-Type": "image/png", "X-Request-ID": "r1"})
    body = answer.json()
    assert body["id"] and answer.headers["x-prediction-id"] == body["id"]
    logged = client.get(f"/v1/predictions/{body['id']}").json()  # the route waits for the buffer if need be
    assert (logged["label"], logged["model"], logged["route"], logged["request_id"]) == ("red", "tiny", "v1", "r1")
    assert (logged["width"], logged["height"], logged["format"]) == (40, 30, "PNG")
    assert set(logged["signals"]) == {"brightness", "contrast", "aspect_ratio"}
    assert client.get(logged["thumbnail_url"]).headers["content-type"] == "image/jpeg"
    unknown = client.post(f"/v1/predictions/{body['id']}/feedback", json={"label": "purple"})
    assert unknown.status_code == 400 and "no class 'purple'" in unknown.json()["error"]
    judged = client.post(f"/v1/predictions/{body['id']}/feedback", json={"label": "green"}).json()
    assert judged["prediction"]["feedback"]["correct"] is False
    metrics = client.get("/metrics").text
    assert 'inferlab_prediction_feedback_total{model="tiny",verdict="wrong",version="1"} 1.0' in metrics


def test_each_image_of_a_batch_gets_its_own_id(client: TestClient) -> None:
    files = [("file", ("r.png", png(RED), "image/png")), ("file", ("g.png", png(GREEN), "image/png"))]
    results = client.post("/v1/predict/batch", files=files).json()["results"]
    ids = [item["result"]["id"] for item in results]
    assert len(set(ids)) == 2
    assert [client.get(f"/v1/predictions/{i}").json()["label"] for i in ids] == ["red", "green"]


def test_readiness_tells_of_the_log_and_does_not_depend_on_it(monkeypatch, tiny_model_file: Path) -> None:
    down = f"postgresql://postgres@127.0.0.1:{free_port()}/inferlab"
    with logging_service(monkeypatch, tiny_model_file, down) as client:
        assert client.post("/v1/predict", content=png(RED), headers={"Content-Type": "image/png"}).status_code == 200
        assert client.app.state.prediction_log.flush()
        assert (
            'inferlab_prediction_log_dropped_total{reason="sink_down",sink="postgres"} 1.0'
            in client.get("/metrics").text
        )
        ready = client.get("/v2/health/ready")
        assert ready.status_code == 200 and ready.json()["ready"] is True
        assert ready.json()["prediction_log"] == {"postgres": {"up": False, "buffered": 0}}
        answer = client.get("/v1/predictions")
        assert answer.status_code == 503 and answer.headers["retry-after"]
