"""`GET /metrics` and the HTTP middleware, through the app: names, labels and values that requests produce."""

from __future__ import annotations

import numpy as np
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families

from tests.fixtures import TINY_SIZE, solid_jpeg


def scrape(client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples, name: str, **labels: str) -> float:
    """The sum of the samples of `name` whose labels include `labels`."""
    return sum(v for (n, ls), v in samples.items() if n == name and set(labels.items()) <= set(ls))


def test_a_classification_shows_in_every_image_metric(client):
    before = scrape(client)
    response = client.post(
        "/v1/predict", content=solid_jpeg((250, 10, 10), (40, 20)), headers={"content-type": "image/jpeg"}
    )
    assert response.status_code == 200
    after = scrape(client)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    model = {"model_name": "tiny", "model_version": "1"}
    assert delta("inferlab_images_classified_total", **model) == 1
    assert delta("inferlab_prediction_top_class_total", class_label="red", **model) == 1
    for stage in ("queue", "decode", "preprocess", "inference", "postprocess"):
        assert delta("inferlab_inference_stage_duration_seconds_count", stage=stage, **model) == 1
    assert delta("inferlab_input_pixels_sum", **model) == 40 * 20
    assert delta("inferlab_input_aspect_ratio_sum", **model) == 2.0
    assert 0.0 < delta("inferlab_input_brightness_sum", **model) < 1.0
    assert 0.9 < delta("inferlab_prediction_confidence_sum", **model) <= 1.0
    assert (
        delta("http_server_request_duration_seconds_count", http_route="/v1/predict", http_response_status_code="200")
        == 1
    )


def test_routes_are_templates_and_errors_are_counted_by_type(client):
    before = scrape(client)
    assert client.get("/v2/models/no-such-model/ready").status_code == 404
    bad = client.post("/v1/predict", content=b"not an image", headers={"content-type": "image/jpeg"})
    assert bad.status_code == 400
    after = scrape(client)
    routes = {dict(labels).get("http_route") for name, labels in after if name.startswith("http_server_request")}
    assert "/v2/models/{name}/ready" in routes
    assert not any("no-such-model" in (route or "") for route in routes)
    assert (
        value(after, "inferlab_errors_total", error_type="ModelNotFound")
        - value(before, "inferlab_errors_total", error_type="ModelNotFound")
        == 1
    )
    assert (
        value(after, "inferlab_errors_total", error_type="InvalidImage")
        - value(before, "inferlab_errors_total", error_type="InvalidImage")
        == 1
    )


def test_open_inference_tensors_are_counted_with_their_batch(client):
    before = scrape(client)
    tensor = np.zeros((3, 3, TINY_SIZE, TINY_SIZE), np.float32)
    body = {
        "inputs": [{"name": "input", "datatype": "FP32", "shape": list(tensor.shape), "data": tensor.ravel().tolist()}]
    }
    assert client.post("/v2/models/tiny/infer", json=body).status_code == 200
    after = scrape(client)
    assert value(after, "inferlab_images_classified_total") - value(before, "inferlab_images_classified_total") == 3
    assert value(after, "inferlab_inference_batch_size_sum") - value(before, "inferlab_inference_batch_size_sum") == 3
    # A raw tensor has no image: the input metrics do not move.
    assert value(after, "inferlab_input_pixels_count") == value(before, "inferlab_input_pixels_count")


def test_state_gauges_read_the_service(client):
    samples = scrape(client)
    assert value(samples, "inferlab_inference_capacity") == 2 + 8  # workers + queue_size of TEST_SETTINGS
    assert value(samples, "inferlab_inference_in_progress") == 0
    assert value(samples, "inferlab_model_ready", model_name="tiny") == 1
    assert value(samples, "inferlab_model_info", model_name="tiny", model_alias="default") == 1
    assert value(samples, "process_resident_memory_bytes") > 0


def test_rejections_are_counted(make_client):
    with make_client(workers=1, queue_size=0) as client:
        dataplane = client.app.state.service.dataplane
        with dataplane.scheduler.admit(1):
            response = client.post("/v1/predict", content=solid_jpeg((1, 2, 3)), headers={"content-type": "image/jpeg"})
        assert response.status_code == 503
        assert value(scrape(client), "inferlab_overload_rejections_total") == 1


def test_telemetry_off_serves_no_metrics(make_client):
    with make_client(telemetry=False) as client:
        assert (
            client.post(
                "/v1/predict", content=solid_jpeg((1, 2, 3)), headers={"content-type": "image/jpeg"}
            ).status_code
            == 200
        )
        assert client.get("/metrics").status_code == 404


def test_each_app_exports_on_its_own_registry(tiny_model_file):
    from litestar.testing import TestClient

    from services.inference.app import create_app
    from tests.services.inference.conftest import service_settings

    registry = CollectorRegistry()
    with TestClient(create_app(service_settings([tiny_model_file]), registry=registry)) as client:
        client.post("/v1/predict", content=solid_jpeg((1, 2, 3)), headers={"content-type": "image/jpeg"})
        assert (
            registry.get_sample_value("inferlab_images_classified_total", {"model_name": "tiny", "model_version": "1"})
            == 1
        )
