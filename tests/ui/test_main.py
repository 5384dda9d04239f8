"""`python -m ui`: flags override `INFERLAB_UI_*` and the lab-wide `INFERLAB_*` variables; defaults from lab.json."""

from __future__ import annotations

import pytest

from lab import layout
from ui.__main__ import parse_args
from ui.settings import UiSettings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("INFERLAB_API_URL", "INFERLAB_UI_API_URL", "INFERLAB_UI_PORT", "INFERLAB_PORT", "INFERLAB_UI_TOP_K"):
        monkeypatch.delenv(name, raising=False)


def test_defaults_come_from_lab_json() -> None:
    settings = parse_args([])
    assert settings.port == layout.port("ui") == 8600
    assert settings.api_url == layout.url("service")
    assert settings.prometheus_url == layout.url("prometheus")


def test_the_lab_wide_variable_is_read_and_the_ui_one_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INFERLAB_API_URL", "http://shared:1")
    assert parse_args([]).api_url == "http://shared:1"
    monkeypatch.setenv("INFERLAB_UI_API_URL", "http://mine:2")
    assert parse_args([]).api_url == "http://mine:2"


def test_the_services_port_variable_does_not_move_the_ui(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INFERLAB_PORT", "9999")
    monkeypatch.setenv("INFERLAB_UI_TOP_K", "3")
    settings = parse_args([])
    assert (settings.port, settings.top_k) == (8600, 3)


def test_flags_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INFERLAB_API_URL", "http://shared:1")
    settings = parse_args(["--host", "0.0.0.0", "--port", "8611", "--api", "http://flag:3", "--prometheus", ""])
    assert (settings.host, settings.port, settings.api_url, settings.prometheus_url) == (
        "0.0.0.0", 8611, "http://flag:3", ""
    )  # fmt: skip


def test_help_lists_every_setting_with_its_variables_and_default(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        parse_args(["--help"])
    assert stopped.value.code == 0
    out = "".join(capsys.readouterr().out.split())  # argparse wraps lines, and breaks words at hyphens
    assert "[env:INFERLAB_UI_API_URL|INFERLAB_API_URL]" in out
    for name, field in UiSettings.model_fields.items():
        assert f"--{name.replace('_', '-')}" in out
        assert "".join(f"{field.description} (default: {field.default}) [env:".split()) in out


def test_the_short_flags_of_before_still_work() -> None:
    settings = parse_args(["--api", "http://a:1", "--prometheus", "http://p:2", "--timeout", "3"])
    assert (settings.api_url, settings.prometheus_url, settings.timeout_s) == ("http://a:1", "http://p:2", 3.0)
