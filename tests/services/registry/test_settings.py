"""Settings: INFERLAB_REGISTRY_* variables, MLflow's own MLFLOW_TRACKING_URI, and defaults from lab.json."""

from __future__ import annotations

import pytest

from lab import layout
from services.registry.settings import RegistrySettings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MLFLOW_TRACKING_URI", "INFERLAB_REGISTRY_TRACKING_URI", "INFERLAB_REGISTRY_PORT"):
        monkeypatch.delenv(name, raising=False)


def test_defaults_point_at_the_lab() -> None:
    settings = RegistrySettings()
    assert settings.tracking_uri == layout.url("mlflow") == "http://127.0.0.1:5000"
    assert settings.service_url == layout.url("service")
    assert settings.pushgateway_url == layout.url("pushgateway")
    assert (settings.port, settings.server_workers, settings.model_name) == (5000, 1, "efficientnet-lite0")
    assert settings.labels_file.is_file() and settings.champion_file.is_file() and settings.challenger_file.is_file()


def test_mlflows_own_variable_sets_the_tracking_uri(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://mlflow:5000")
    assert RegistrySettings().tracking_uri == "http://mlflow:5000"
    assert RegistrySettings(tracking_uri="sqlite:///x.db").tracking_uri == "sqlite:///x.db"  # a flag wins


def test_prefixed_variables_set_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INFERLAB_REGISTRY_PORT", "5123")
    monkeypatch.setenv("INFERLAB_REGISTRY_MIN_ACCURACY", "0.9")
    settings = RegistrySettings()
    assert (settings.port, settings.min_accuracy) == (5123, 0.9)


def test_every_setting_is_documented() -> None:
    assert all(field.description for field in RegistrySettings.model_fields.values())
