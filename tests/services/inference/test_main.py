"""`python -m services.inference`: every setting is a flag, flags win over `INFERLAB_*`, `--help` lists them."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.inference.__main__ import parse_args
from services.inference.settings import DEFAULT_MODELS, ServiceSettings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("INFERLAB_MODELS", "INFERLAB_PORT", "INFERLAB_WORKERS", "INFERLAB_TELEMETRY", "MLFLOW_TRACKING_URI"):
        monkeypatch.delenv(name, raising=False)


def test_flags_win_over_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    first, second = tmp_path / "a.onnx", tmp_path / "b.onnx"
    first.touch(), second.touch()
    monkeypatch.setenv("INFERLAB_MODELS", '["models:/from-env@champion"]')
    monkeypatch.setenv("INFERLAB_PORT", "9001")
    monkeypatch.setenv("INFERLAB_WORKERS", "5")
    settings = parse_args(["--model", str(first), "--model", str(second), "--port", "9002", "--log-level", "debug"])
    assert (settings.models, settings.port, settings.log_level) == ([str(first), str(second)], 9002, "debug")
    assert settings.workers == 5


def test_the_environment_and_the_defaults_apply_without_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    assert parse_args([]).models == list(DEFAULT_MODELS)
    monkeypatch.setenv("INFERLAB_MODELS", '["models:/m@champion"]')
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://registry:1")
    monkeypatch.setenv("INFERLAB_TELEMETRY", "false")
    settings = parse_args([])
    assert (settings.models, settings.tracking_uri, settings.telemetry) == (
        ["models:/m@champion"],
        "http://registry:1",
        False,
    )
    assert parse_args(["--telemetry"]).telemetry


def test_a_missing_model_file_exits_with_code_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        parse_args(["--model", str(tmp_path / "missing.onnx")])
    assert stopped.value.code == 2
    assert f"no model file at {tmp_path / 'missing.onnx'}" in capsys.readouterr().err


def test_help_lists_every_setting_with_its_variable_and_default(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        parse_args(["--help"])
    assert stopped.value.code == 0
    out = "".join(capsys.readouterr().out.split())  # argparse wraps lines, and breaks words at hyphens
    assert "[env:MLFLOW_TRACKING_URI|INFERLAB_TRACKING_URI]" in out
    for name, field in ServiceSettings.model_fields.items():
        flag = field.validation_alias.choices[0] if field.validation_alias else name  # MLFLOW_TRACKING_URI
        assert f"--{flag.lower().replace('_', '-')}" in out
        factory = field.default_factory
        default = f"default factory: {factory.__name__}" if factory else f"default: {field.default}"
        variable = "" if field.validation_alias else f"[env:INFERLAB_{name.upper()}]"
        assert "".join(f"{field.description} ({default}) {variable}".split()) in out
