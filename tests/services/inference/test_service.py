"""The service object (services/inference/service.py): models load and warm at start and unload at close,
a model that cannot load stops the start, and the data plane is built as the settings say."""

from __future__ import annotations

from pathlib import Path

import pytest
from litestar.testing import TestClient

from services.inference.app import create_app
from services.inference.errors import ModelLoadError
from services.inference.repository import ModelRepository
from services.inference.service import build_dataplane


def test_a_model_that_cannot_load_stops_the_start(tmp_path: Path, settings_for):
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"no model here")
    with pytest.raises(BaseException) as caught, TestClient(create_app(settings_for([broken]))):
        pass
    assert caught.group_contains(ModelLoadError)  # the test client wraps start-up errors in a group


def test_the_lifespan_loads_warms_and_unloads(make_client):
    with make_client(workers=3, queue_size=5) as client:
        dataplane = client.app.state.service.dataplane
        models = list(dataplane.repository)
        assert [m.name for m in models] == ["tiny"]
        assert all(m.ready for m in models)
        assert dataplane.scheduler.capacity == 8
        assert dataplane.default_top_k == 3
    assert not any(m.ready for m in models)


def test_two_files_of_the_same_name_and_version_are_refused(tiny_model_file: Path, tmp_path: Path, settings_for):
    copy = tmp_path / "copy.onnx"
    copy.write_bytes(tiny_model_file.read_bytes())
    with pytest.raises(BaseException) as caught, TestClient(create_app(settings_for([tiny_model_file, copy]))):
        pass
    assert caught.group_contains(ValueError, match="already served")


def test_batching_is_off_unless_asked_for(settings_for):
    assert build_dataplane(settings_for([]), ModelRepository())._batching is None
    batching = build_dataplane(settings_for([], batch_max_size=4, batch_max_wait_ms=5), ModelRepository())._batching
    assert (batching.max_size, batching.max_wait_s) == (4, 0.005)


def test_the_shadow_runs_beside_a_registry_only_and_when_asked_for(settings_for):
    assert build_dataplane(settings_for([]), ModelRepository(), shadowed=True).shadow.fraction == 0.2
    assert build_dataplane(settings_for([]), ModelRepository(), shadowed=False).shadow is None
    assert build_dataplane(settings_for([], shadow_fraction=0), ModelRepository(), shadowed=True).shadow is None


def test_the_detail_budget_reaches_the_metrics(tmp_path: Path, settings_for):
    app = create_app(settings_for([tmp_path / "model.onnx"], telemetry_detail_budget=3.5))
    assert app.state.service.observer.sampler.budget == 3.5


@pytest.mark.parametrize(
    ("telemetry", "logged", "expected"),
    [
        (False, False, "NullObserver"),
        (True, False, "ServiceMetrics"),
        (False, True, "ShadowRecorder"),
        (True, True, "Observers"),
    ],
)
def test_the_observer_is_what_is_on(tmp_path: Path, settings_for, monkeypatch, telemetry, logged, expected):
    monkeypatch.setenv("INFERLAB_PREDICTIONS_ENABLED", str(logged).lower())
    app = create_app(settings_for([tmp_path / "model.onnx"], telemetry=telemetry))
    assert type(app.state.service.observer).__name__ == expected
