"""`python -m services.registry`: flags over the environment, exit codes, one-line errors."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from services.registry import cli, commands
from services.registry.canary import Answer, CanaryResult
from services.registry.errors import BELOW_THRESHOLD, ERROR, OK, RegistryError
from services.registry.samples import LabelledPhoto
from services.registry.settings import RegistrySettings
from tests.live import free_port
from tests.services.registry.conftest import MODEL_NAME


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, settings: RegistrySettings) -> RegistrySettings:
    """The test settings as the CLI reads them: from the environment."""
    for name, value in settings.model_dump().items():
        variable = "MLFLOW_TRACKING_URI" if name == "tracking_uri" else f"INFERLAB_REGISTRY_{name.upper()}"
        monkeypatch.setenv(variable, str(value))
    return settings


def test_flags_override_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INFERLAB_REGISTRY_SERVICE_URL", "http://from-env:1")
    monkeypatch.setenv("INFERLAB_REGISTRY_CANARY_ROUNDS", "7")
    settings = cli.parse_args(["--model-name", "m", "--service", "http://flag:2", "--min-accuracy", "0.9", "canary"])
    assert (settings.model_name, settings.service_url, settings.min_accuracy) == ("m", "http://flag:2", 0.9)
    assert settings.canary_rounds == 7


def test_the_tracking_uri_flag_wins_over_mlflows_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://from-env:1")
    assert cli.parse_args(["status"]).tracking_uri == "http://from-env:1"
    assert cli.parse_args(["--tracking-uri", "http://flag:2", "status"]).tracking_uri == "http://flag:2"


def test_each_subcommand_takes_its_own_arguments() -> None:
    register = cli.parse_args(["register", "m.onnx", "--alias", "challenger"]).register
    assert (register.path, register.alias) == (Path("m.onnx"), "challenger")
    promote = cli.parse_args(["promote", "3", "--alias", "champion"]).promote
    assert (promote.version, promote.alias) == ("3", "champion")


@pytest.mark.parametrize("argv", [[], ["promote", "3"], ["promote", "3", "--alias", "nobody"], ["nothing"]])
def test_a_missing_or_wrong_argument_exits_with_code_2(argv: list[str], capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        code = cli.main(argv)
        raise SystemExit(code)
    assert stopped.value.code == ERROR
    assert "error" in capsys.readouterr().err.lower()


def test_help_lists_every_setting_with_its_variable_and_default(capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli.parse_args(["--help"])
    assert stopped.value.code == 0
    out = "".join(capsys.readouterr().out.split())  # argparse wraps lines, and breaks words at hyphens
    assert "[env:MLFLOW_TRACKING_URI|INFERLAB_REGISTRY_TRACKING_URI]" in out
    for name, field in RegistrySettings.model_fields.items():
        assert f"--{name.replace('_', '-')}" in out
        default = "null" if field.default is None else field.default
        assert "".join(f"{field.description} (default: {default}) [env:".split()) in out
    assert all(command in out for command in ("register", "promote", "status", "bootstrap", "server", "canary"))


def test_register_promote_status_and_bootstrap(environment, tiny_models, capsys) -> None:
    assert cli.main(["status"]) == OK
    assert "no versions" in capsys.readouterr().out
    assert cli.main(["register", str(tiny_models.rgb), "--alias", "champion"]) == OK
    assert capsys.readouterr().out.startswith(f"registered {MODEL_NAME} v1 @champion (rgb): top-1 accuracy 80%")
    assert cli.main(["bootstrap"]) == OK
    assert "nothing to do" in capsys.readouterr().out
    assert cli.main(["promote", "1", "--alias", "challenger"]) == OK
    assert capsys.readouterr().out.strip() == f"{MODEL_NAME}@challenger: v- -> v1"
    assert cli.main(["status"]) == OK
    table = capsys.readouterr().out.splitlines()
    assert table[2].split()[:4] == ["1", "rgb", "challenger,", "champion"]


def test_errors_are_one_line_with_exit_code_2(environment, capsys) -> None:
    assert cli.main(["promote", "3", "--alias", "champion"]) == ERROR
    assert capsys.readouterr().err.strip() == f"error: {MODEL_NAME} has no version 3"
    assert cli.main(["register", "/nowhere/model.onnx"]) == ERROR
    assert capsys.readouterr().err.strip() == "error: no model file at /nowhere/model.onnx"


def test_an_unreachable_tracking_server_is_named_at_once(capsys) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()
    assert cli.main(["--tracking-uri", url, "status"]) == ERROR
    assert time.monotonic() - started < 10  # not MLflow's minutes of retries
    assert f"no MLflow server answers at {url}" in capsys.readouterr().err


@pytest.mark.parametrize(("accuracy_right", "expected"), [(True, OK), (False, BELOW_THRESHOLD)])
def test_the_canary_fails_under_the_threshold(environment, monkeypatch, accuracy_right: bool, expected: int) -> None:
    photo = LabelledPhoto("cat.jpg", b"", frozenset({"tabby"}))
    answer = Answer("cat.jpg", "tabby" if accuracy_right else "lynx", "m", "1", 0.01)
    monkeypatch.setattr(commands, "run_canary", lambda *args: CanaryResult("http://s", (photo,), (answer,), 0.0))
    assert cli.main(["--pushgateway", "", "canary"]) == expected


@pytest.mark.parametrize(("accuracy_right", "expected"), [(True, OK), (False, BELOW_THRESHOLD)])
def test_without_a_pushgateway_the_run_is_recorded_and_the_check_decides(
    environment, monkeypatch, capsys, accuracy_right: bool, expected: int
) -> None:
    photo = LabelledPhoto("cat.jpg", b"", frozenset({"tabby"}))
    answer = Answer("cat.jpg", "tabby" if accuracy_right else "lynx", "m", "1", 0.01)
    monkeypatch.setattr(commands, "run_canary", lambda *args: CanaryResult("http://s", (photo,), (answer,), 0.0))
    gateway = f"http://127.0.0.1:{free_port()}"
    assert cli.main(["--pushgateway", gateway, "canary"]) == expected
    captured = capsys.readouterr()
    assert "recorded as MLflow run" in captured.out
    assert f"no Pushgateway answers at {gateway}" in captured.err and "push skipped" in captured.err


def test_a_failed_record_is_reported_after_the_verdict(environment, monkeypatch, capsys) -> None:
    photo = LabelledPhoto("cat.jpg", b"", frozenset({"tabby"}))
    result = CanaryResult("http://s", (photo,), (Answer("cat.jpg", "tabby", "m", "1", 0.01),), 0.0)
    monkeypatch.setattr(commands, "run_canary", lambda *args: result)
    monkeypatch.setattr(commands, "record_canary", lambda *args: _refuse())
    assert cli.main(["--pushgateway", "", "canary"]) == ERROR
    assert "error: MLflow refused the run" in capsys.readouterr().err


def _refuse() -> str:
    raise RegistryError("MLflow refused the run")
