"""The registry part, on by default as in `make up`: bootstrap, the champion served, promote, local deps."""

from __future__ import annotations

import json
import shlex

import pytest

from services.registry.settings import ALIASES
from tests.manifests.build import containers, pod_spec
from tests.tiltfile.lab import MODES, lab_ports, params, resources, run, workloads

CLUSTER_WITH_REGISTRY = [m for m, s in MODES.items() if not s.get("local") and s.get("registry", True)]
MLFLOW = f"http://mlflow:{lab_ports()['mlflow']}"


def env_of(container: dict) -> dict[str, str]:
    return {variable["name"]: variable.get("value", "") for variable in container.get("env", [])}


def workload(mode: str, kind: str, name: str) -> dict:
    (found,) = [w for w in workloads(run(mode)) if (w["kind"], w["metadata"]["name"]) == (kind, name)]
    return found


@pytest.mark.parametrize("mode", params(CLUSTER_WITH_REGISTRY))
def test_the_bootstrap_job_registers_the_committed_models_before_the_service_starts(mode: str) -> None:
    found = resources(run(mode))
    assert "mlflow" in found["registry-bootstrap"]["resource_deps"]
    assert "registry-bootstrap" in found["service"]["resource_deps"]
    job = workload(mode, "Job", "registry-bootstrap")
    (container,) = containers(job)
    assert container["image"].startswith("inferlab/service:") and container["command"][-1] == "bootstrap"
    assert env_of(container)["MLFLOW_TRACKING_URI"] == MLFLOW
    assert pod_spec(job)["restartPolicy"] == "OnFailure", "a try before MLflow answers is retried"


@pytest.mark.parametrize("mode", params(m for m in CLUSTER_WITH_REGISTRY if "model" not in MODES[m]))
def test_the_service_serves_the_champion_with_a_writable_model_cache(mode: str) -> None:
    service = workload(mode, "Deployment", "inference")
    (container,) = containers(service)
    env = env_of(container)
    assert json.loads(env["INFERLAB_MODELS"]) == ["models:/efficientnet-lite0@champion"]
    assert env["MLFLOW_TRACKING_URI"] == MLFLOW and "INFERLAB_CHALLENGER_ALIAS" not in env  # shadows @challenger
    (mount,) = [m for m in container["volumeMounts"] if m["mountPath"] == env["INFERLAB_MODEL_CACHE_DIR"]]
    (volume,) = [v for v in pod_spec(service)["volumes"] if v["name"] == mount["name"]]
    assert "emptyDir" in volume and not mount.get("readOnly")


@pytest.mark.parametrize("mode", params(["default", "local"]))
def test_the_promote_button_moves_an_alias_with_the_registry_cli(mode: str) -> None:
    (button,) = [b for b in run(mode).of("cmd_button") if b["name"] == "promote-button"]
    assert button["resource"] == "mlflow"
    inputs = {i["name"]: i for i in button["inputs"]}
    assert list(inputs) == ["VERSION", "ALIAS"] and tuple(inputs["ALIAS"]["choice"]["choices"]) == ALIASES
    assert shlex.split(button["argv"][-1])[-5:] == ["services.registry", "promote", "$VERSION", "--alias", "$ALIAS"]
    if mode == "default":
        (container,) = containers(workload(mode, "Deployment", "inference"))
        assert f"exec deploy/inference -c {container['name']} -- python -m services.registry" in button["argv"][-1]


@pytest.mark.parametrize("mode", [m for m, s in MODES.items() if s.get("local")])
def test_local_processes_restart_when_their_sources_change(mode: str) -> None:
    sources = {"service": {"services", "telemetry"}, "ui": {"ui"}, "locust": {"locustfiles"}}
    servers = {r["name"]: r for r in run(mode).of("local_resource") if r["serve_cmd"]}
    for name, server in servers.items():
        assert server["deps"], f"{name}: an edit would not restart it"
        assert sources.get(name, set()) <= set(server["deps"]), name
        assert "**/__pycache__" in server["ignore"], f"{name}: its own bytecode would restart it"
