"""The app factory: nothing loads at creation; the routes, batching and telemetry follow the settings.

The service object it runs (loading, warming, refusing, the data plane it builds) is tested in test_service.py.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from services.inference.app import create_app
from services.inference.errors import ModelNotReady
from tests.fixtures import encode, solid


def test_creating_the_app_loads_nothing(tmp_path: Path, settings_for):
    app = create_app(settings_for([tmp_path / "not-there-yet.onnx"]))
    with pytest.raises(ModelNotReady, match="starting"):
        app.state.service.dataplane  # noqa: B018 (the property is what is tested)


def test_concurrent_requests_are_batched_when_enabled(make_client):
    images = [encode(solid(colour)) for colour in [(255, 0, 0), (0, 255, 0), (0, 0, 255)]]
    # A window far longer than the requests take: the batch closes when the three are in (max size), not on time.
    with make_client(batch_max_size=3, batch_max_wait_ms=30_000) as client, ThreadPoolExecutor(3) as pool:
        responses = list(
            pool.map(
                lambda data: client.post("/v1/predict", content=data, headers={"Content-Type": "image/png"}),
                images,
            )
        )
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert [r.json()["predictions"][0]["label"] for r in responses] == ["red", "green", "blue"]
    assert max(r.json()["batch_size"] for r in responses) > 1


def test_without_telemetry_nothing_is_recorded_nor_served(tmp_path: Path, settings_for):
    app = create_app(settings_for([tmp_path / "model.onnx"], telemetry=False))
    assert not hasattr(app.state.service.observer, "sampler")
    assert all(route.path != "/metrics" for route in app.routes)
