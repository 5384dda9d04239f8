"""`tilt up -- --local`: the Procfile's processes, each ready when lab.json's readiness path answers."""

from __future__ import annotations

import json

import pytest
import starlark

from tests.manifests.build import REPO
from tests.tiltfile.lab import MODES, procfile, resources, run
from tests.tiltfile.stub import evaluate

LOCAL_MODES = [mode for mode, settings in MODES.items() if settings.get("local")]
PARTS = {"service": "serving", "ui": "ui", "prometheus": "observability", "grafana": "observability",
         "locust": "load", "mlflow": "registry", "pushgateway": "registry", "canary": "registry",
         "postgres": "serving"}  # fmt: skip
MAKE_UP_ONLY = {"lab"}  # the console: Tilt's own UI lists the links and states


@pytest.mark.parametrize("mode", LOCAL_MODES)
def test_runs_the_procfile_of_the_enabled_parts_and_nothing_in_a_cluster(mode: str) -> None:
    settings = {"observability": True, "load": True, "registry": True, **MODES[mode]}
    lines = {name: command for name, command in procfile().items() if name not in MAKE_UP_ONLY}
    expected = {name: command for name, command in lines.items() if settings.get(PARTS[name], True)}
    servers = {r["name"]: r["serve_cmd"] for r in run(mode).of("local_resource") if r["serve_cmd"]}
    assert servers == expected
    assert not run(mode).of("docker_build") and not run(mode).of("k8s_yaml")


@pytest.mark.parametrize("mode", LOCAL_MODES)
def test_each_process_is_probed_and_linked_where_lab_json_says(mode: str) -> None:
    lab = json.loads((REPO / "lab.json").read_text())
    for name, resource in resources(run(mode)).items():
        if not resource.get("serve_cmd") or name == "canary":  # the canary serves nothing: no port, no link
            continue
        if lab[name]["ready"] is None:  # no HTTP: its port taking a connection is the probe
            assert resource["readiness_probe"]["tcp_socket"]["port"] == lab[name]["port"]
            continue
        probe = resource["readiness_probe"]["http_get"]
        assert (probe["port"], probe["path"]) == (lab[name]["port"], lab[name]["ready"])
        assert all(f"localhost:{lab[name]['port']}/" in link["url"] for link in resource["links"])
        assert resource["resource_deps"] == ["setup"], "the Procfile runs .venv/bin/python: make setup first"


def test_the_model_setting_reaches_the_service_process() -> None:
    tilt = evaluate({"local": True, "model": "models/efficientnet-lite0-int8.onnx"})
    (service,) = [r for r in tilt.of("local_resource") if r["name"] == "service"]
    assert json.loads(service["serve_env"]["INFERLAB_MODELS"]) == ["models/efficientnet-lite0-int8.onnx"]


def test_without_the_registry_the_service_serves_the_default_files() -> None:
    from services.inference.settings import DEFAULT_MODELS

    tilt = evaluate({"local": True, "registry": False})
    (service,) = [r for r in tilt.of("local_resource") if r["name"] == "service"]
    assert json.loads(service["serve_env"]["INFERLAB_MODELS"]) == list(DEFAULT_MODELS)
    with_registry = evaluate({"local": True, "registry": True})
    (service,) = [r for r in with_registry.of("local_resource") if r["name"] == "service"]
    assert "INFERLAB_MODELS" not in service["serve_env"]  # the Procfile's champion


def test_a_procfile_line_the_tiltfile_does_not_know_stops_it_with_a_reason() -> None:
    procfile_text = (REPO / "Procfile").read_text() + "pushgateway2: prometheus-pushgateway\n"
    with pytest.raises(starlark.StarlarkError, match=r"Procfile line .pushgateway2.: add it"):
        evaluate({"local": True}, files={"Procfile": procfile_text})


def test_every_procfile_line_is_known_to_the_tiltfile() -> None:
    assert set(procfile()) <= set(PARTS) | MAKE_UP_ONLY, "a Procfile line Tilt's local mode would refuse"


@pytest.mark.parametrize("mode", LOCAL_MODES)
def test_tilt_restarts_the_processes_and_the_procfiles_reloader_stands_aside(mode: str) -> None:
    for name, resource in resources(run(mode)).items():
        if resource.get("serve_cmd"):
            assert resource["serve_env"]["INFERLAB_RELOAD"] == "false", name
            assert resource["deps"], f"{name}: Tilt needs deps to restart it on an edit"


def test_the_canary_runs_on_its_schedule_beside_the_registry() -> None:
    (canary,) = [r for r in evaluate({"local": True}).of("local_resource") if r["name"] == "canary"]
    assert canary["serve_cmd"] == procfile()["canary"] and "--every" in canary["serve_cmd"]
    assert canary["labels"] == ["registry"] and "services/registry" in canary["deps"]
