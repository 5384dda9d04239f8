from __future__ import annotations

import pytest
from pydantic import ValidationError

from locustfiles.settings import LoadSettings, as_environment, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90", 90.0), ("90s", 90.0), ("2m", 120.0), ("1h30m", 5400.0), ("1m30s", 90.0), (" 2.5s ", 2.5), (None, None)],
)
def test_durations_read_as_locust_writes_them(text: str | None, seconds: float | None) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "2x", "m", "1m banana"])
def test_a_duration_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration(text)


def test_environment_variables_are_read_and_empty_ones_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INFERLAB_LOAD_USERS", "")  # what `make load USERS=` exports
    monkeypatch.setenv("INFERLAB_LOAD_RUN_TIME", "2m")
    monkeypatch.setenv("INFERLAB_LOAD_TAGS", "v1, bad oip")
    monkeypatch.setenv("INFERLAB_LOAD_SHAPE", "ramp")
    settings = LoadSettings()
    assert settings.users == LoadSettings.model_fields["users"].default
    assert (settings.run_time, settings.tags, settings.shape) == (120.0, ["v1", "bad", "oip"], "ramp")


def test_an_unknown_shape_is_refused() -> None:
    with pytest.raises(ValidationError):
        LoadSettings(shape="square")


def test_the_host_defaults_to_the_service_in_lab_json() -> None:
    from lab import layout

    assert LoadSettings().host == layout.url("service")


def test_the_environment_handed_to_locust_reads_back_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    original = LoadSettings(users=7, tags=["v2", "bad"], run_time=42, shape="spike", metrics_port=9100)
    for name, value in as_environment(original).items():
        monkeypatch.setenv(name, value)
    assert LoadSettings() == original
