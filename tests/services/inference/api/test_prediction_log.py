"""The service logs every answer of both protocols: the id in the answer, the row in PostgreSQL, feedback,
metrics, readiness."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient
from PIL import Image

from services.inference.app import create_app
from tests.fixtures import TINY_SIZE
from tests.postgres import free_port
from tests.services.inference.api.test_v1 import GREEN, RED, png
from tests.services.inference.api.test_v2 import fp32_input, random_batch
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
    thumbnail = client.get(logged["thumbnail_url"])
    assert thumbnail.headers["content-type"] == "image/jpeg"
    # Made from the model's view (its 16 px input crop), not by decoding the 40 x 30 upload again.
    assert Image.open(io.BytesIO(thumbnail.content)).size == (TINY_SIZE, TINY_SIZE)
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


def test_each_image_of_a_v2_request_is_logged_with_its_ids_in_the_parameters(client: TestClient) -> None:
    data = [base64.b64encode(png(colour)).decode() for colour in (GREEN, RED)]
    request = {"id": "req-7", "inputs": [{"name": "images", "datatype": "BYTES", "shape": [2], "data": data}]}
    answer = client.post("/v2/models/tiny/infer", json=request).json()
    assert answer["id"] == "req-7"  # the protocol's id stays the client's own
    ids = answer["parameters"]["prediction_ids"]
    logged = [client.get(f"/v1/predictions/{i}").json() for i in ids]
    assert [(row["label"], row["route"], row["request_id"]) for row in logged] == [
        ("green", "v2", "req-7"),
        ("red", "v2", "req-7"),
    ]
    assert (logged[0]["width"], logged[0]["height"], logged[0]["format"]) == (40, 30, "PNG")


def test_a_v2_tensor_is_logged_without_an_image(client: TestClient) -> None:
    request = {"inputs": [fp32_input(random_batch(1))]}
    answer = client.post("/v2/models/tiny/infer", json=request, headers={"X-Request-ID": "t1"}).json()
    [prediction_id] = answer["parameters"]["prediction_ids"]
    logged = client.get(f"/v1/predictions/{prediction_id}").json()
    assert (logged["route"], logged["request_id"], logged["width"], logged["thumbnail_url"]) == ("v2", "t1", None, None)
    logits = answer["outputs"][0]["data"]
    assert logged["index"] == logits.index(max(logits))  # the top class of the logits the client got


def test_readiness_tells_of_the_log_and_does_not_depend_on_it(monkeypatch, tiny_model_file: Path) -> None:
    down = f"postgresql://postgres@127.0.0.1:{free_port()}/inferlab"
    with logging_service(monkeypatch, tiny_model_file, down) as client:
        assert client.post("/v1/predict", content=png(RED), headers={"Content-Type": "image/png"}).status_code == 200
        assert client.app.state.service.predictions.flush()
        assert (
            'inferlab_prediction_log_dropped_total{reason="sink_down",sink="postgres"} 1.0'
            in client.get("/metrics").text
        )
        ready = client.get("/v2/health/ready")
        assert ready.status_code == 200 and ready.json()["ready"] is True
        assert ready.json()["prediction_log"] == {"postgres": {"up": False, "buffered": 0}}
        answer = client.get("/v1/predictions")
        assert answer.status_code == 503 and answer.headers["retry-after"]
