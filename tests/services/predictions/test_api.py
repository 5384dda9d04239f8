"""The routes against a real PostgreSQL: what was recorded is listed, shown, and takes feedback."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from PIL import Image
from prometheus_client import CollectorRegistry

from services.predictions.api import prediction_routes
from services.predictions.event import ShadowAnswer, new_prediction_id
from services.predictions.log import PredictionLog
from services.predictions.metrics import PredictionLogMetrics
from services.predictions.settings import PredictionLogSettings
from tests.fixtures import TINY_LABELS
from tests.postgres import free_port
from tests.services.predictions.events import event

pytestmark = pytest.mark.integration


def labels(model: str, version: str) -> list[str] | None:
    return TINY_LABELS if (model, version) == ("tiny", "1") else None


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (200, 20, 20)).save(out, "PNG")
    return out.getvalue()


def started_log(url: str, registry: CollectorRegistry, **settings) -> PredictionLog:
    log = PredictionLog(PredictionLogSettings(database_url=url, **settings), PredictionLogMetrics(registry), labels)
    log.start()
    return log


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
def log(database_url: str, registry: CollectorRegistry) -> Iterator[PredictionLog]:
    log = started_log(database_url, registry)
    yield log
    log.stop()


@pytest.fixture
def client(log: PredictionLog) -> Iterator[TestClient]:
    with TestClient(Litestar([prediction_routes(log)])) as client:
        yield client


def test_recorded_predictions_are_listed_newest_first_and_shown_with_a_thumbnail(log, client) -> None:
    first, second = event("red", image=photo()), event("blue", 0.6, seconds=1)
    log.record(first)
    log.record(second)
    assert log.flush()
    page = client.get("/v1/predictions").json()
    assert [p["id"] for p in page["predictions"]] == [second.id, first.id] and page["next_cursor"] is None
    shown = client.get(f"/v1/predictions/{first.id}").json()
    assert (shown["label"], shown["index"], shown["width"], shown["feedback"]) == ("red", 0, 32, None)
    thumbnail = client.get(shown["thumbnail_url"])
    assert thumbnail.headers["content-type"] == "image/jpeg"
    assert max(Image.open(io.BytesIO(thumbnail.content)).size) == 128
    assert client.get(f"/v1/predictions/{second.id}").json()["thumbnail_url"] is None


def test_filters_and_cursor_reach_the_query(log, client) -> None:
    for s in range(3):
        log.record(event("red", 0.9, seconds=s))
    log.record(event("grey", 0.2, seconds=5))
    assert log.flush()
    page = client.get("/v1/predictions", params={"label": "red", "limit": 2}).json()
    assert len(page["predictions"]) == 2 and page["next_cursor"]
    rest = client.get("/v1/predictions", params={"label": "red", "cursor": page["next_cursor"]}).json()
    assert len(rest["predictions"]) == 1 and rest["next_cursor"] is None
    low = client.get("/v1/predictions", params={"max_confidence": 0.5}).json()["predictions"]
    assert [p["label"] for p in low] == ["grey"]
    assert client.get("/v1/predictions", params={"cursor": "nope"}).status_code == 400


def test_feedback_by_label_or_index_judges_the_answer_and_counts_it(log, client, registry) -> None:
    e = event("red")
    log.record(e)  # not yet written: the route waits for the buffer rather than answer 404
    wrong = client.post(f"/v1/predictions/{e.id}/feedback", json={"label": "blue"})
    assert wrong.status_code == 200, wrong.text
    assert wrong.json()["prediction"]["feedback"] | {"received_at": None} == {
        "label": "blue", "index": 2, "correct": False, "received_at": None}  # fmt: skip
    assert wrong.json()["replaced"] is False
    right = client.post(f"/v1/predictions/{e.id}/feedback", json={"index": 0}).json()
    assert right["replaced"] is True and right["prediction"]["feedback"]["correct"] is True
    assert client.get(f"/v1/predictions/{e.id}").json()["feedback"]["label"] == "red"
    sample = lambda verdict: registry.get_sample_value(  # noqa: E731
        "inferlab_prediction_feedback_total", {"model": "tiny", "version": "1", "verdict": verdict})  # fmt: skip
    assert (sample("right"), sample("wrong")) == (1, 1)
    only_true = client.get("/v1/predictions", params={"feedback": True}).json()["predictions"]
    assert [p["id"] for p in only_true] == [e.id]


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"label": "purple"}, 400, "no class 'purple'"),
        ({"index": 9}, 400, "out of range"),
        ({}, 400, "one of the two"),
        ({"label": "red", "index": 0}, 400, "one of the two"),
        ({"colour": "red"}, 400, "colour"),
    ],
)
def test_bad_feedback_says_what_is_wrong(log, client, body, status, words) -> None:
    e = event()
    log.record(e)
    answer = client.post(f"/v1/predictions/{e.id}/feedback", json=body)
    assert answer.status_code == status and words in answer.json()["error"], answer.text


def test_unknown_and_malformed_ids_are_404(client) -> None:
    for prediction_id in ("5b0a36a6-9d4c-4b0e-9f8e-3a2f4a3c1d00", "not-an-id"):
        answer = client.post(f"/v1/predictions/{prediction_id}/feedback", json={"label": "red"})
        assert answer.status_code == 404 and "No prediction" in answer.json()["error"]
        assert client.get(f"/v1/predictions/{prediction_id}").status_code == 404


def test_a_version_no_longer_served_takes_a_label_as_given(log, client) -> None:
    e = event("red", version="retired")
    log.record(e)
    assert client.post(f"/v1/predictions/{e.id}/feedback", json={"label": "green"}).json()["prediction"][
        "feedback"]["correct"] is False  # fmt: skip
    assert client.post(f"/v1/predictions/{e.id}/feedback", json={"index": 1}).status_code == 400


def test_with_the_database_down_routes_answer_503_with_retry_after_and_recording_goes_on(registry) -> None:
    log = started_log(f"postgresql://postgres@127.0.0.1:{free_port()}/inferlab", registry, retry_after_s=7)
    try:
        with TestClient(Litestar([prediction_routes(log)])) as client:
            log.record(event())
            answer = client.get("/v1/predictions")
            assert (answer.status_code, answer.headers["retry-after"]) == (503, "7")
            assert "does not answer" in answer.json()["error"]
            assert client.post(f"/v1/predictions/{event().id}/feedback", json={"label": "red"}).status_code == 503
        assert log.flush()
        assert log.health()["postgres"]["up"] is False
        dropped = {"sink": "postgres", "reason": "sink_down"}
        assert registry.get_sample_value("inferlab_prediction_log_dropped_total", dropped) >= 1
    finally:
        log.stop()


def test_the_classes_feedback_may_name_are_the_model_version_s(log, client) -> None:
    served, retired = event(), event(version="retired")
    log.record(served)
    log.record(retired)
    assert client.get(f"/v1/predictions/{served.id}/classes").json() == {
        "model": "tiny", "version": "1", "classes": TINY_LABELS}  # fmt: skip
    assert client.get(f"/v1/predictions/{retired.id}/classes").json()["classes"] == []


def test_the_challengers_answer_joins_the_prediction_it_shadowed(log, client) -> None:
    shadowed, alone = event("red"), event("green", seconds=1)
    log.record(shadowed)
    log.record(alone)
    log.record_shadow(shadowed.id, ShadowAnswer("tiny", "2", "blue", 2, 0.7))
    log.record_shadow(new_prediction_id(), ShadowAnswer("tiny", "2", "red", 0, 0.9))  # its event was dropped
    assert log.flush()
    shown = client.get(f"/v1/predictions/{shadowed.id}").json()
    assert shown["shadow"] == {"model": "tiny", "version": "2", "label": "blue", "index": 2, "score": 0.7}
    assert client.get(f"/v1/predictions/{alone.id}").json()["shadow"] is None


def test_images_over_the_byte_budget_leave_their_event_without_a_thumbnail(database_url, registry) -> None:
    big = photo()
    # A long batch interval: the writer holds the first image until the flush, whatever the machine's speed.
    log = started_log(database_url, registry, image_buffer_bytes=len(big) + 10, flush_interval_s=60)
    try:
        with_thumbnail, without = event("red", image=big), event("green", image=big, seconds=1)
        log.record(with_thumbnail)  # fits in the budget
        log.record(without)  # the first still waits for the writer: over the budget
        assert log.flush()
        with TestClient(Litestar([prediction_routes(log)])) as client:
            kept = client.get(f"/v1/predictions/{with_thumbnail.id}").json()
            skipped = client.get(f"/v1/predictions/{without.id}").json()
        assert kept["thumbnail_url"] and skipped["thumbnail_url"] is None
        assert skipped["format"] == "PNG"  # read from the header before the image was let go
        assert registry.get_sample_value("inferlab_prediction_log_thumbnails_skipped_total") == 1
        assert log.image_bytes_waiting == 0  # the writer let every image go
        log.record(event("blue", image=big, seconds=2))  # so the budget takes an image again
        assert log.flush()
        assert registry.get_sample_value("inferlab_prediction_log_thumbnails_skipped_total") == 1
    finally:
        log.stop()
